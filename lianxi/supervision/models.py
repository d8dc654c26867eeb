"""督办: every agreed matter or assigned task becomes an action item with a lead unit (四(二))."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from lianxi.core.models import TimeStampedModel
from lianxi.organization.models import Mechanism, Unit

# Limits of a deadline counted in working days and of the feedback period (四(二)), the same on
# every form, page and API that sets them (about two years; about one year).
MAX_DEADLINE_WORKDAYS = 500
MAX_FEEDBACK_WORKDAYS = 250


def new_ical_uid() -> str:
    """The item's UID in calendars (RFC 5545 §3.8.4.7): made once, stored, never derived from
    the mail domain or any setting, so it stays the same when those change (like a meeting's)."""
    return f"action-item-{uuid.uuid4()}@lianxi"


class ActionItem(TimeStampedModel):
    class Source(models.TextChoices):
        MEETING = "meeting", "会议议定事项"
        GOVERNMENT = "government", "市政府交办"
        DECISION = "decision", "联席会议重大事项"
        ANNUAL_PLAN = "annual_plan", "年度工作计划"
        LETTER = "letter", "来函"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        OPEN = "open", "办理中"
        # 退回: the secretariat sent the item back; it waits for the lead unit's new report.
        RETURNED = "returned", "已退回待补报"
        CLOSURE_REQUESTED = "closure_requested", "申请办结"
        CLOSED = "closed", "已办结"

    mechanism = models.ForeignKey(Mechanism, on_delete=models.PROTECT, related_name="action_items")
    title = models.CharField("事项", max_length=300)
    description = models.TextField("具体要求", blank=True)
    source = models.CharField("来源", max_length=20, choices=Source.choices)
    # Where the item came from, without a foreign key: supervision knows no meeting (DESIGN.md).
    source_label = models.CharField("来源说明", max_length=300, blank=True)
    source_url = models.CharField("来源链接", max_length=300, blank=True)
    source_key = models.CharField("来源标识", max_length=100, blank=True, db_index=True)
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="led_items", verbose_name="牵头单位"
    )
    supporting_units = models.ManyToManyField(
        Unit, related_name="supported_items", blank=True, verbose_name="配合单位"
    )
    deadline = models.DateField("办结时限")
    original_deadline = models.DateField("原定时限")
    feedback_every_workdays = models.PositiveSmallIntegerField("反馈周期（工作日）", default=15)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    # Kept by the services so the ledger's lights are one query over 10,000 items.
    last_progress_at = models.DateTimeField("最近反馈", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_on_time = models.BooleanField("按期办结", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ical_uid = models.CharField(max_length=100, unique=True, default=new_ical_uid, editable=False)

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["lead_unit", "status"]),
        ]
        verbose_name = "督办事项"
        verbose_name_plural = "督办事项"

    def __str__(self) -> str:
        return self.title

    def unit_ids(self) -> set[int]:
        return {self.lead_unit_id, *(u.pk for u in self.supporting_units.all())}


class ProgressReport(models.Model):
    """进展反馈. A draft is seen only by its own unit until it is sent."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报送"

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="progress_reports")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("进展情况")
    attachment = models.FileField("附件", upload_to="progress/%Y/%m/", blank=True)
    # The name of the file as the unit sent it; the store may rename it (progress/2026/12/…_x1).
    # Set with every file (services._attach; migration 0003 gave older files theirs).
    attachment_name = models.CharField("附件名称", max_length=255, blank=True)
    requests_closure = models.BooleanField("申请办结", default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = "进展反馈"
        verbose_name_plural = "进展反馈"

    def __str__(self) -> str:
        return f"{self.unit.name}：{self.text[:20]}"


class Review(models.Model):
    """The secretariat's decision on an item: 办结销号 or 退回 with reasons."""

    class Decision(models.TextChoices):
        CLOSE = "close", "办结销号"
        RETURN = "return", "退回"

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="reviews")
    report = models.ForeignKey(
        ProgressReport, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField("意见", blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "审核意见"
        verbose_name_plural = "审核意见"

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.item}"


class ExtensionRequest(models.Model):
    """延期申请: asked by the lead unit before the deadline, with a reason and a new date."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        GRANTED = "granted", "已同意"
        REFUSED = "refused", "不同意"

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="extensions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("延期理由")
    old_deadline = models.DateField("原时限")
    new_deadline = models.DateField("申请延至")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField("审核意见", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="pending"), name="one_pending_extension"
            )
        ]
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"

    def __str__(self) -> str:
        return f"{self.item} 延至 {self.new_deadline}"


class Reminder(models.Model):
    """A reminder sent by the tick (四(二) 督促): first to the liaison, then to the member.

    One row per item, kind, audience and the date it was about (the deadline, or the feedback
    due date), so a repeated tick sends nothing twice and the escalation to the member can count
    working days from the liaison's reminder.
    """

    class Kind(models.TextChoices):
        DUE = "due", "即将到期"
        OVERDUE = "overdue", "已逾期"
        FEEDBACK = "feedback", "进展反馈到期"
        # 催办: sent by the secretariat from the item's page, at once; as often as it chooses.
        URGE = "urge", "催办"

    class Audience(models.TextChoices):
        LIAISON = "liaison", "联络员"
        MEMBER = "member", "联席会议成员"
        UNIT = "unit", "牵头单位联络员和成员"

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    about = models.DateField("所涉日期")
    sent_at = models.DateTimeField("提醒时间")
    # A 催办 is someone's act: who sent it and what they wrote (the tick's reminders have none).
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField("催办意见", blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "kind", "audience", "about"],
                condition=~Q(kind="urge"),
                name="one_reminder_per_stage",
            )
        ]
        verbose_name = "督办提醒"
        verbose_name_plural = "督办提醒"

    def __str__(self) -> str:
        return f"{self.item} {self.get_kind_display()} {self.get_audience_display()}"
