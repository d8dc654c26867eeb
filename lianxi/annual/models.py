"""年度报送 (四(三)) and the plenary's topics (三(一)1).

Every year each member unit sends the health commission, by the deadline of its rules (1月15日 in
Xinyang's), three parts: last year's work summary, this year's key work plan and the topics it
proposes for the joint meeting. A cycle per year holds one `AnnualSubmission` per member unit;
each part has its own state, because the secretariat confirms or returns a part by itself.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from lianxi.core.models import TimeStampedModel
from lianxi.organization.models import Mechanism, Unit

PARTS = ("summary", "plan", "topics")
PART_LABELS = {"summary": "上年度工作总结", "plan": "本年度重点工作计划", "topics": "议题建议"}


class PartStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    DRAFT = "draft", "草稿"
    AWAITING_MEMBER = "awaiting_member", "待成员审核"
    SENT = "sent", "已报送"
    RETURNED = "returned", "退回"
    CONFIRMED = "confirmed", "已确认"


# A part the unit has vouched for: the secretariat may read it; other units never see the rest.
SENT_STATES = (PartStatus.SENT, PartStatus.CONFIRMED)
EDITABLE_STATES = (
    PartStatus.NOT_STARTED,
    PartStatus.DRAFT,
    PartStatus.AWAITING_MEMBER,
    PartStatus.RETURNED,
)


class AnnualCycle(TimeStampedModel):
    """One year's round of submissions. `year` is the year the plan is for (本年度); the summary
    accounts for the year before."""

    mechanism = models.ForeignKey(Mechanism, on_delete=models.PROTECT, related_name="annual_cycles")
    year = models.PositiveSmallIntegerField("年度")
    opens_on = models.DateField("启动日")
    # The deadline as the rules say it, and as it applies this year (moved to the next working
    # day when it falls on a holiday and the secretariat so chose).
    rule_deadline = models.DateField("制度规定截止日")
    deadline = models.DateField("截止日")
    deadline_source = models.CharField("依据条款", max_length=40, blank=True)
    # The working days before the deadline on which the units are reminded, fixed at opening.
    reminder_workdays = models.JSONField("截止前提醒（工作日）", default=list)
    opened_at = models.DateTimeField("启动时间")

    class Meta:
        ordering = ["mechanism", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["mechanism", "year"], name="annual_cycle_year_unique")
        ]
        verbose_name = "年度报送"
        verbose_name_plural = "年度报送"

    def __str__(self) -> str:
        return f"{self.year}年度报送"

    @property
    def summary_year(self) -> int:
        return self.year - 1


class AnnualSubmission(TimeStampedModel):
    """A unit's submission of one cycle: the summary's text, the plan (its overview and its
    `PlanTask` rows), the topics (`TopicProposal` rows), each part with its state."""

    cycle = models.ForeignKey(AnnualCycle, on_delete=models.CASCADE, related_name="submissions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="annual_submissions")
    summary = models.TextField("上年度工作总结", blank=True)
    plan = models.TextField("重点工作计划概述", blank=True)
    no_topics = models.BooleanField("本年度无议题建议", default=False)

    summary_status = models.CharField(
        max_length=20, choices=PartStatus.choices, default=PartStatus.NOT_STARTED
    )
    plan_status = models.CharField(
        max_length=20, choices=PartStatus.choices, default=PartStatus.NOT_STARTED
    )
    topics_status = models.CharField(
        max_length=20, choices=PartStatus.choices, default=PartStatus.NOT_STARTED
    )
    summary_note = models.CharField("总结退回意见", max_length=500, blank=True)
    plan_note = models.CharField("计划退回意见", max_length=500, blank=True)
    topics_note = models.CharField("议题退回意见", max_length=500, blank=True)
    # The first time each part reached the secretariat, and when the last of the three did:
    # timeliness is judged on the whole submission, a returned part resent keeps its first time.
    summary_sent_at = models.DateTimeField(null=True, blank=True)
    plan_sent_at = models.DateTimeField(null=True, blank=True)
    topics_sent_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField("报送齐全时间", null=True, blank=True)
    last_sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Reminders sent so far: 1..n the steps before the deadline, n+1 the late notice.
    reminder_level = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["cycle", "unit__order", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit"], name="annual_submission_unit_unique")
        ]
        verbose_name = "年度报送材料"
        verbose_name_plural = "年度报送材料"

    def __str__(self) -> str:
        return f"{self.unit.name} {self.cycle}"

    def status_of(self, part: str) -> str:
        return str(getattr(self, f"{part}_status"))

    def sent(self, part: str) -> bool:
        return self.status_of(part) in SENT_STATES


class PlanTask(models.Model):
    """A key task of a unit's plan: what, who leads, by when; it may become an action item."""

    submission = models.ForeignKey(AnnualSubmission, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField("序号")
    title = models.CharField("重点任务", max_length=300)
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name="牵头单位"
    )
    expected_on = models.DateField("预计完成时间")
    action_item = models.OneToOneField(
        "supervision.ActionItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_task",
    )

    class Meta:
        ordering = ["submission", "order", "id"]
        verbose_name = "重点任务"
        verbose_name_plural = "重点任务"

    def __str__(self) -> str:
        return self.title


class TopicProposal(models.Model):
    """议题建议: a unit's proposed topic for the joint meeting; accepted into a plenary's agenda
    (with others like it, merged and rewritten) or declined with a reason the unit sees."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "待研究"
        ACCEPTED = "accepted", "已列入议程"
        DECLINED = "declined", "未采纳"

    submission = models.ForeignKey(
        AnnualSubmission, on_delete=models.CASCADE, related_name="topics"
    )
    order = models.PositiveSmallIntegerField("序号")
    title = models.CharField("议题", max_length=300)
    description = models.TextField("说明", blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    decline_reason = models.CharField("未采纳理由", max_length=500, blank=True)
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topic_proposals",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["submission", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="topic_declined_has_reason",
            )
        ]
        verbose_name = "议题建议"
        verbose_name_plural = "议题建议"

    def __str__(self) -> str:
        return self.title
