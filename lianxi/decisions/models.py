"""重大事项 (四(四), 二(四)): a major matter put to the units concerned for their consent.

A matter is consulted in rounds; each round asks every unit concerned for one `Opinion`. All
agree: the joint meeting adopts it and it becomes resolutions and action items. Otherwise the
differing opinions and their reasons go to the city government in a 请示 (an `OfficialDocument`),
and the government's decision binds the same way.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from lianxi.core.models import TimeStampedModel
from lianxi.organization.models import Mechanism, Unit


class Decision(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "待征求"
        CONSULTING = "consulting", "征求中"
        ADOPTED = "adopted", "已通过"
        AWAITING_GOVERNMENT = "awaiting_government", "待市政府决定"
        DECIDED = "decided", "已决定"
        WITHDRAWN = "withdrawn", "撤回"

    class Method(models.TextChoices):
        MEETING = "meeting", "会议审议"
        WRITING = "writing", "书面征求意见"

    mechanism = models.ForeignKey(Mechanism, on_delete=models.PROTECT, related_name="decisions")
    title = models.CharField("事项名称", max_length=200)
    proposal = models.TextField("提请事项")
    # The proposal's text as a draft document (a policy to be issued), when it is one.
    proposal_document = models.ForeignKey(
        "documents.OfficialDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposed_decisions",
        verbose_name="所附公文稿",
    )
    background = models.TextField("背景情况", blank=True)
    proposing_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="proposed_decisions", verbose_name="提出单位"
    )
    concerned_units = models.ManyToManyField(
        Unit, related_name="concerned_decisions", verbose_name="相关成员单位"
    )
    status = models.CharField(
        "状态", max_length=24, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # When the matter entered its state: the list shows how long each has waited.
    status_since = models.DateTimeField("进入当前状态")
    # The 请示 to the city government when the units did not agree (四(四)).
    request_document = models.OneToOneField(
        "documents.OfficialDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision",
        verbose_name="请示",
    )
    disagreement = models.TextField("分歧焦点", blank=True)
    options = models.JSONField("可选方案", default=list, blank=True)
    recommendation = models.TextField("办公室意见", blank=True)
    # The government's decision, recorded by its reader or by the secretariat from the paper reply.
    government_option = models.PositiveSmallIntegerField("采纳方案", null=True, blank=True)
    government_text = models.TextField("市政府决定", blank=True)
    government_decided_on = models.DateField("决定日期", null=True, blank=True)
    government_scan = models.FileField("批复扫描件", upload_to="decisions/%Y/%m/", blank=True)
    government_scan_name = models.CharField("扫描件名称", max_length=255, blank=True)
    government_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.TextField("撤回理由", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-status_since", "-id"]
        indexes = [models.Index(fields=["mechanism", "status"])]
        verbose_name = "重大事项"
        verbose_name_plural = "重大事项"

    def __str__(self) -> str:
        return self.title


class DecisionRound(models.Model):
    """One round of seeking consent: the proposal as it was put, the units asked, the deadline."""

    class Status(models.TextChoices):
        OPEN = "open", "征求中"
        CLOSED = "closed", "已结束"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField("轮次")
    method = models.CharField("征求方式", max_length=10, choices=Decision.Method.choices)
    proposal = models.TextField("本轮提请事项")
    revision_note = models.TextField("修改说明", blank=True)
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision_rounds",
        verbose_name="会议议题",
    )
    deadline = models.DateField("答复截止")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField("发出时间")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        ordering = ["decision", "number"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "number"], name="decision_round_unique"),
            models.UniqueConstraint(
                fields=["decision"], condition=Q(status="open"), name="one_open_decision_round"
            ),
        ]
        verbose_name = "征求意见轮次"
        verbose_name_plural = "征求意见轮次"

    def __str__(self) -> str:
        return f"{self.decision} 第{self.number}轮"


class Opinion(models.Model):
    """A concerned unit's answer in one round: given through its member (or the member's named
    substitute); the liaison may draft it. Silence is recorded as silence, never as consent."""

    class Stance(models.TextChoices):
        AGREE = "agree", "同意"
        AGREE_WITH_AMENDMENTS = "amend", "原则同意（附修改意见）"
        DISAGREE = "disagree", "不同意"

    class Status(models.TextChoices):
        PENDING = "pending", "待答复"
        DRAFTED = "drafted", "草稿"
        SUBMITTED = "submitted", "已答复"
        SILENT = "silent", "逾期未答复"

    class AnsweredAs(models.TextChoices):
        MEMBER = "member", "联席会议成员"
        SUBSTITUTE = "substitute", "受委托负责同志"
        AT_MEETING = "meeting", "会上表态"

    AGREEING = (Stance.AGREE, Stance.AGREE_WITH_AMENDMENTS)

    round = models.ForeignKey(DecisionRound, on_delete=models.CASCADE, related_name="opinions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="decision_opinions")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    stance = models.CharField("意见", max_length=10, choices=Stance.choices, blank=True)
    text = models.TextField("修改意见或理由", blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_as = models.CharField(
        "答复人身份", max_length=12, choices=AnsweredAs.choices, blank=True
    )
    substitute_name = models.CharField("受委托人", max_length=50, blank=True)
    substitute_title = models.CharField("受委托人职务", max_length=100, blank=True)
    submitted_at = models.DateTimeField("答复时间", null=True, blank=True)
    # Flagged once the deadline passed unanswered (四(四)); cleared when the unit answers.
    overdue = models.BooleanField("逾期", default=False)
    # The reminders the tick sent: 1 before the deadline, 2 the member, 3 the secretariat.
    reminder_level = models.PositiveSmallIntegerField(default=0)
    # For 原则同意: whether the secretariat took the amendments into the proposal.
    amendments_taken = models.BooleanField("修改意见已采纳", null=True, blank=True)

    class Meta:
        ordering = ["round", "unit__order", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="decision_opinion_unique")
        ]
        verbose_name = "意见"
        verbose_name_plural = "意见"

    def __str__(self) -> str:
        return f"{self.unit.name}：{self.get_stance_display() or self.get_status_display()}"


def all_agreed(opinions: list[Opinion]) -> bool:
    """四(四): every unit asked said 同意 or 原则同意; one silent or dissenting unit: no consent."""
    return bool(opinions) and all(
        o.status == Opinion.Status.SUBMITTED and o.stance in Opinion.AGREEING for o in opinions
    )


class DecisionResolution(models.Model):
    """决定事项: what an adopted (or government-decided) matter binds a unit to; each becomes an
    action item (四(二))."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="resolutions")
    number = models.PositiveSmallIntegerField("序号")
    text = models.TextField("决定事项")
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name="牵头单位"
    )
    supporting_units = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name="配合单位"
    )
    deadline = models.DateField("办结时限")
    action_item = models.OneToOneField(
        "supervision.ActionItem",
        on_delete=models.PROTECT,
        related_name="decision_resolution",
        verbose_name="督办事项",
    )

    class Meta:
        ordering = ["decision", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "number"], name="decision_resolution_number_unique"
            )
        ]
        verbose_name = "决定事项"
        verbose_name_plural = "决定事项"

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:30]}"
