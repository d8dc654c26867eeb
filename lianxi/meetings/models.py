"""工作会议 (三(一)): plenary and topical meetings, their agenda, attendance and minutes."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from lianxi.core.models import TimeStampedModel
from lianxi.organization.models import Mechanism, Unit


def new_ical_uid() -> str:
    return f"{uuid.uuid4()}@lianxi"


class Meeting(TimeStampedModel):
    class Kind(models.TextChoices):
        PLENARY = "plenary", "全体会议"
        TOPICAL = "topical", "专题会议"

    class Status(models.TextChoices):
        DRAFT = "draft", "筹备中"
        NOTIFIED = "notified", "已发通知"
        HELD = "held", "已召开"
        CANCELLED = "cancelled", "已取消"

    mechanism = models.ForeignKey(Mechanism, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    title = models.CharField("会议名称", max_length=200)
    topic = models.TextField("会议议题说明", blank=True)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    location = models.CharField("地点", max_length=200)
    # 三(一)2: a topical meeting is chaired by the member unit the secretariat entrusts.
    chair_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="chaired_meetings", verbose_name="主持单位"
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    notice_text = models.TextField("会议通知", blank=True)
    notified_at = models.DateTimeField("通知时间", null=True, blank=True)
    # 会议变更通知: the latest change notice ("原定…，现调整为…") and when it went out; the
    # stored notice_text follows the change, so the page never shows the old time as current.
    change_notice_text = models.TextField("会议变更通知", blank=True)
    changed_at = models.DateTimeField("变更通知时间", null=True, blank=True)
    cancelled_reason = models.CharField("取消原因", max_length=300, blank=True)
    # RFC 5545: one UID for the meeting's whole life, SEQUENCE rising with each update sent.
    ical_uid = models.CharField(max_length=100, unique=True, default=new_ical_uid, editable=False)
    ical_sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = "会议"
        verbose_name_plural = "会议"

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    """议题. A topic may come from a unit's proposal; the carry-over one reviews past matters."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField("顺序")
    title = models.CharField("议题", max_length=300)
    description = models.TextField("说明", blank=True)
    proposed_by = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="提出单位",
    )  # fmt: skip
    # Who reports on the topic and who else it concerns, as the convener decided: unlike
    # proposed_by, these are the units responsible, so routing learns from them (二(四)).
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="牵头汇报单位",
    )  # fmt: skip
    supporting_units = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name="相关单位"
    )
    is_carryover = models.BooleanField("上次会议议定事项落实情况", default=False)

    class Meta:
        ordering = ["meeting", "order", "id"]
        verbose_name = "议题"
        verbose_name_plural = "议题"

    def __str__(self) -> str:
        return self.title


class MeetingMaterial(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="materials")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="materials"
    )
    title = models.CharField("材料名称", max_length=200)
    file = models.FileField("文件", upload_to="meetings/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = "会议材料"
        verbose_name_plural = "会议材料"

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """One invited unit's answer (出席 / 请假 with a substitute / 列席) and what happened."""

    class InvitedAs(models.TextChoices):
        MEMBER = "member", "成员单位"
        OBSERVER = "observer", "列席单位"

    class Status(models.TextChoices):
        PENDING = "pending", "未答复"
        ATTENDING = "attending", "出席"
        ON_LEAVE = "on_leave", "请假"
        OBSERVER = "observer", "列席"

    class Actual(models.TextChoices):
        PRESENT = "present", "出席"
        # 三(一)1: the member on leave entrusted another responsible comrade, who came (named).
        DELEGATE = "delegate", "委托出席"
        ON_LEAVE = "on_leave", "请假"
        OBSERVER = "observer", "列席"
        ABSENT = "absent", "缺席"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="attendances")
    invited_as = models.CharField(max_length=10, choices=InvitedAs.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attendee_name = models.CharField("出席人", max_length=50, blank=True)
    attendee_title = models.CharField("职务", max_length=100, blank=True)
    # 委托其他负责同志出席: who attends instead of the member on leave.
    substitute_name = models.CharField("受委托出席人", max_length=50, blank=True)
    substitute_title = models.CharField("受委托人职务", max_length=100, blank=True)
    leave_reason = models.CharField("请假事由", max_length=300, blank=True)

    class Channel(models.TextChoices):
        PLATFORM = "platform", "平台答复"
        PHONE = "phone", "电话答复（代为登记）"
        FAX = "fax", "传真答复（代为登记）"

    answered_at = models.DateTimeField(null=True, blank=True)
    # Who entered the answer: the unit's own person, or the convener's clerk who took it by
    # phone or fax on the unit's behalf (answered_via says which).
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_via = models.CharField(
        "答复方式", max_length=10, choices=Channel.choices, default=Channel.PLATFORM
    )
    actual = models.CharField("实际出席", max_length=10, choices=Actual.choices, blank=True)
    actual_name = models.CharField("实际出席人", max_length=50, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "unit__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "unit"], name="attendance_unit_unique")
        ]
        verbose_name = "参会情况"
        verbose_name_plural = "参会情况"

    def __str__(self) -> str:
        return f"{self.meeting} {self.unit} {self.get_status_display()}"


class Minutes(TimeStampedModel):
    """会议纪要 (三(一)1): drafted by the convener (a topical meeting's by its chair unit),
    approved, signed off (签发) by the health commission's responsible leader as recorded by the
    secretariat, and issued by the secretariat (四(六)) to every member and invited unit with a
    copy to the city government office. The number is taken at issuing, after the 签发."""

    class Status(models.TextChoices):
        DRAFT = "draft", "起草中"
        APPROVED = "approved", "已审定"
        SIGNED = "signed", "已签发"
        ISSUED = "issued", "已印发"

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="minutes")
    # The meeting's joint meeting, kept here too so that the number is unique per joint meeting
    # (a constraint cannot reach through the meeting).
    mechanism = models.ForeignKey(
        "organization.Mechanism",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="联席会议",
    )
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveSmallIntegerField("期号序号", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    intro = models.TextField("开头", blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # 签发: the commission's responsible leader who signed (a named person), who recorded it.
    signed_off_name = models.CharField("签发人", max_length=50, blank=True)
    signed_off_title = models.CharField("签发人职务", max_length=100, blank=True)
    signed_off_at = models.DateTimeField("签发时间", null=True, blank=True)
    signed_off_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="签发登记人",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-serial", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mechanism", "year", "serial"], condition=Q(serial__isnull=False),
                name="minutes_number_unique",
            )
        ]  # fmt: skip
        verbose_name = "会议纪要"
        verbose_name_plural = "会议纪要"

    def __str__(self) -> str:
        return f"{self.meeting.title}纪要"

    @property
    def number(self) -> str:
        return f"〔{self.year}〕{self.serial}号" if self.serial else ""


class MinutesSection(models.Model):
    """One agenda item's discussion in the minutes."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="sections")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField()
    heading = models.CharField("标题", max_length=300)
    discussion = models.TextField("讨论情况", blank=True)

    class Meta:
        ordering = ["minutes", "order", "id"]
        verbose_name = "纪要部分"
        verbose_name_plural = "纪要部分"

    def __str__(self) -> str:
        return self.heading


class Resolution(models.Model):
    """议定事项: numbered across the whole minutes; each becomes one or more action items."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="resolutions")
    section = models.ForeignKey(
        MinutesSection, on_delete=models.CASCADE, related_name="resolutions"
    )
    number = models.PositiveSmallIntegerField("序号")
    text = models.TextField("议定事项")
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="牵头单位",
    )  # fmt: skip
    supporting_units = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name="配合单位"
    )
    deadline = models.DateField("办结时限", null=True, blank=True)
    deadline_workdays = models.PositiveSmallIntegerField(
        "办结时限（工作日）", null=True, blank=True
    )
    feedback_every_workdays = models.PositiveSmallIntegerField("反馈周期（工作日）", default=15)

    class Meta:
        ordering = ["minutes", "number"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "number"], name="resolution_number_unique")
        ]
        verbose_name = "议定事项"
        verbose_name_plural = "议定事项"

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:30]}"


class MinutesReceipt(models.Model):
    """A copy of the issued minutes to one unit, and whether that unit acknowledged it."""

    class Kind(models.TextChoices):
        MEMBER = "member", "印发"
        INVITED = "invited", "印发（邀请单位）"
        COPY = "copy", "抄送"

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="receipts")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="minutes_receipts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["minutes", "unit__order"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "unit"], name="receipt_unit_unique")
        ]
        verbose_name = "纪要签收"
        verbose_name_plural = "纪要签收"

    def __str__(self) -> str:
        return f"{self.minutes} → {self.unit}"


class CalendarFeed(models.Model):
    """A membership's private calendar-feed URL (meetings and deadlines). Only the hash is kept.

    One per membership, not per person: a person in two joint meetings has a feed in each, and
    issuing or revoking in one leaves the other's alone.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    # The joint meeting the feed shows, as an API token is bound to one: the membership the
    # person acted in when they issued it.
    membership = models.ForeignKey(
        "organization.Membership",
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name="身份",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "日历订阅"
        verbose_name_plural = "日历订阅"
        constraints = [
            models.UniqueConstraint(fields=["membership"], name="calendar_feed_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user}"
