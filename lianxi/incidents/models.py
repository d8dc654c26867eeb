"""职业病危害事故 (三(四)2, 二(四)): intake, reporting up on time, notices across, follow-ups."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from lianxi.core.models import TimeStampedModel
from lianxi.organization.models import Mechanism, Unit


class Enterprise(TimeStampedModel):
    """用人单位, identified by its unified social credit code (统一社会信用代码, GB 32100-2015)."""

    name = models.CharField("单位名称", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    industry = models.CharField("行业", max_length=100, blank=True)
    address = models.CharField("地址", max_length=300, blank=True)
    county = models.CharField("县区", max_length=50, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "用人单位"
        verbose_name_plural = "用人单位"

    def __str__(self) -> str:
        return self.name


class Incident(TimeStampedModel):
    class Hazard(models.TextChoices):
        DUST = "dust", "粉尘"
        CHEMICAL = "chemical", "化学因素"
        PHYSICAL = "physical", "物理因素"
        RADIOACTIVE = "radioactive", "放射性因素"
        BIOLOGICAL = "biological", "生物因素"
        OTHER = "other", "其他因素"

    class Status(models.TextChoices):
        OPEN = "open", "处置中"
        CLOSED = "closed", "已结案"
        # Registered in error (a duplicate, not an occupational-hazard accident): CAP Cancel.
        WITHDRAWN = "withdrawn", "已撤销"

    mechanism = models.ForeignKey(Mechanism, on_delete=models.PROTECT, related_name="incidents")
    reference = models.CharField("编号", max_length=30, unique=True)
    title = models.CharField("事故名称", max_length=200)
    occurred_at = models.DateTimeField("发生时间")
    first_reported_at = models.DateTimeField("首次报告时间")
    location = models.CharField("地点", max_length=300)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="incidents", verbose_name="用人单位"
    )
    hazard = models.CharField("危害因素类别", max_length=20, choices=Hazard.choices)
    substance = models.CharField("危害因素名称", max_length=100, blank=True)
    exposed_count = models.PositiveIntegerField("接触人数", default=0)
    poisoned_count = models.PositiveIntegerField("急性中毒人数", default=0)
    death_count = models.PositiveIntegerField("死亡人数", default=0)
    onset = models.TextField("发病情况", blank=True)
    probable_cause = models.TextField("可能发生原因", blank=True)
    measures_taken = models.TextField("已采取措施", blank=True)
    trend = models.TextField("发展趋势", blank=True)
    is_radiation = models.BooleanField("放射事故", default=False)
    grade = models.CharField("事故等级", max_length=20)
    # The reporting clock (to the same-level government and the higher health department).
    report_due_at = models.DateTimeField("上报时限")
    reported_at = models.DateTimeField("上报时间", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    investigation_result = models.TextField("调查处理结果", blank=True)
    withdrawn_reason = models.TextField("撤销理由", blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registering_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="登记单位",
    )  # fmt: skip
    source_system = models.CharField("来源系统", max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=200, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-first_reported_at", "-id"]
        verbose_name = "职业病危害事故"
        verbose_name_plural = "职业病危害事故"

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class UpReport(models.Model):
    """A report up (报告本级政府和上级部门), generated from the incident and recorded when sent."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="up_reports")
    recipient = models.CharField("报告对象", max_length=100)
    text = models.TextField("报告内容")
    sent_at = models.DateTimeField("报送时间")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField("报送方式", max_length=50, blank=True)
    on_time = models.BooleanField("按时")
    # Which report went up: the first report (None), or a 续报 / 终报.
    update = models.ForeignKey(
        "IncidentUpdate", on_delete=models.PROTECT, null=True, blank=True,
        related_name="up_reports", verbose_name="续报或终报",
    )  # fmt: skip

    class Meta:
        ordering = ["incident", "sent_at"]
        verbose_name = "事故报告"
        verbose_name_plural = "事故报告"

    def __str__(self) -> str:
        return f"{self.incident.reference} → {self.recipient}"


class IncidentNotice(models.Model):
    """通报 to one department, its acknowledgement and its escalation steps."""

    class Level(models.IntegerChoices):
        SENT = 0, "已通报"
        LIAISON_AGAIN = 1, "再次提醒联络员"
        MEMBER = 2, "提醒联席会议成员"
        RED_ALERT = 3, "红色警示"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notices")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="incident_notices")
    reason = models.CharField("通报理由", max_length=300, blank=True)
    sent_at = models.DateTimeField("通报时间")
    ack_due_at = models.DateTimeField("确认时限")
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.SENT)
    # 处置情况: what the notified unit did, reported back to the secretariat.
    action_text = models.TextField("处置情况", blank=True)
    action_reported_at = models.DateTimeField("处置情况报告时间", null=True, blank=True)
    action_reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Each reference to an earlier notice of the same incident chains CAP updates to it.
    cap_identifier = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["incident", "unit__order"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "unit"], name="notice_unit_unique")
        ]
        indexes = [
            models.Index(
                fields=["ack_due_at"], name="notice_unacked_idx", condition=Q(acknowledged_at=None)
            )
        ]
        verbose_name = "事故通报"
        verbose_name_plural = "事故通报"

    def __str__(self) -> str:
        return f"{self.incident.reference} → {self.unit.name}"


class IncidentUpdate(models.Model):
    """续报 / 终报."""

    class Kind(models.TextChoices):
        FOLLOW_UP = "follow_up", "续报"
        FINAL = "final", "终报"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField("内容")
    poisoned_count = models.PositiveIntegerField("急性中毒人数", null=True, blank=True)
    death_count = models.PositiveIntegerField("死亡人数", null=True, blank=True)
    # Empty when another system sends the update through the API.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    cap_identifier = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["incident", "created_at", "id"]
        verbose_name = "续报与终报"
        verbose_name_plural = "续报与终报"

    def __str__(self) -> str:
        return f"{self.incident.reference} {self.get_kind_display()}"


class TimelineEntry(models.Model):
    """Who knew what and when: one line of an incident's timeline, written by the services."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=40)
    text = models.CharField(max_length=500)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["incident", "at", "id"]
        verbose_name = "事故时间线"
        verbose_name_plural = "事故时间线"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.text}"


class CapMessage(models.Model):
    """A CAP 1.2 message as it was sent (三(四)2): its bytes never change afterwards.

    An Alert per notice, an Update per 续报 / 终报, a Cancel for a withdrawal. Later facts go out
    as new messages whose references name these by (sender, identifier, sent) as stored here.
    """

    class Type(models.TextChoices):
        ALERT = "Alert", "通报"
        UPDATE = "Update", "续报或终报"
        CANCEL = "Cancel", "撤销"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="cap_messages")
    msg_type = models.CharField(max_length=10, choices=Type.choices)
    identifier = models.CharField(max_length=100, unique=True)
    sender = models.CharField(max_length=200)
    sent = models.CharField("sent（CAP）", max_length=40)
    sent_at = models.DateTimeField()
    notice = models.OneToOneField(
        IncidentNotice, on_delete=models.CASCADE, null=True, blank=True, related_name="cap_message"
    )
    update = models.OneToOneField(
        IncidentUpdate, on_delete=models.CASCADE, null=True, blank=True, related_name="cap_message"
    )
    xml = models.BinaryField("CAP XML")

    class Meta:
        ordering = ["incident", "sent_at", "id"]
        verbose_name = "CAP 消息"
        verbose_name_plural = "CAP 消息"

    def __str__(self) -> str:
        return f"{self.msg_type} {self.identifier}"
