"""Official documents written together (三(二)), co-signed (四(五)) and issued, sealed on the joint
meeting's behalf where custom requires (四(六)).

A document's text lives in its versions: every save adds a `DocumentVersion`, and the document
points at the newest through `version` (a number that also serves as the optimistic lock). A
comment round (`Consultation`) sends one version to chosen units; each unit's `UnitReply` holds
its answer and the `Comment`s anchored to that version's paragraphs. `CoSignature`s bind the
hash of the version their signer saw. Numbers (发文字号) come from a `NumberRegister` and every
number taken is an `IssuedNumber` row, used or withdrawn, never taken twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from lianxi.core.models import TimeStampedModel
from lianxi.organization.models import Mechanism, Unit


class OfficialDocument(TimeStampedModel):
    """公文: drafted by a unit, possibly with co-issuing units (联合发文), issued with a number."""

    class Kind(models.TextChoices):
        NOTICE = "notice", "通知"
        OPINION = "opinion", "意见"
        PLAN = "plan", "方案"
        NORM = "norm", "技术规范"
        GUIDANCE = "guidance", "指导意见"
        REQUEST = "request", "请示"
        REPORT = "report", "报告"
        LETTER = "letter", "函"
        CIRCULAR = "circular", "通报"

    # 请示/报告 go up to the government: their 版头 carries each organ's 签发人 (GB/T 9704 §7.2.5).
    UPWARD_KINDS = frozenset({Kind.REQUEST, Kind.REPORT})

    class Status(models.TextChoices):
        DRAFT = "draft", "起草中"
        COSIGNING = "cosigning", "会签中"
        SIGNED = "signed", "待印发"
        ISSUED = "issued", "已印发"
        WITHDRAWN = "withdrawn", "已撤回"

    class Urgency(models.TextChoices):
        NONE = "", "（无）"
        URGENT = "urgent", "加急"
        EXTRA_URGENT = "extra_urgent", "特急"

    class SignOrder(models.TextChoices):
        PARALLEL = "parallel", "同时会签"
        SEQUENTIAL = "sequential", "依次会签"

    mechanism = models.ForeignKey(Mechanism, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("文种", max_length=20, choices=Kind.choices)
    drafting_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="drafted_documents", verbose_name="起草单位"
    )
    # The joint meeting's own documents (its notices, comment requests, 四(六)): issued in its
    # name by the secretariat, the health commission's seal standing for it (代章).
    in_mechanism_name = models.BooleanField("以联席会议名义印发", default=False)
    sealed_by = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents_sealed",
        verbose_name="代章单位",
    )
    title = models.CharField("标题", max_length=200)
    urgency = models.CharField(
        "紧急程度", max_length=20, choices=Urgency.choices, blank=True, default=""
    )
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    sign_order = models.CharField(
        "会签方式", max_length=20, choices=SignOrder.choices, default=SignOrder.PARALLEL
    )
    # The newest version's number: a save names the one it was based on and is refused when
    # another save came first.
    version = models.PositiveIntegerField("版本", default=1)
    document_number = models.CharField("发文字号", max_length=60, blank=True)
    issued_at = models.DateTimeField("印发时间", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="印发人",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["mechanism", "status"])]
        verbose_name = "公文"
        verbose_name_plural = "公文"

    def __str__(self) -> str:
        return self.title

    @property
    def upward(self) -> bool:
        return self.kind in self.UPWARD_KINDS


class DocumentIssuer(models.Model):
    """An issuing organ of a document in seal order: the drafting (lead) unit first, then the
    co-issuing units (联合发文, 四(五)). `signatory` is the 签发人 of an upward document."""

    document = models.ForeignKey(OfficialDocument, on_delete=models.CASCADE, related_name="issuers")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    order = models.PositiveSmallIntegerField("排序")
    signatory = models.CharField("签发人", max_length=50, blank=True)

    class Meta:
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(fields=["document", "unit"], name="issuer_unit_unique"),
            models.UniqueConstraint(fields=["document", "order"], name="issuer_order_unique"),
        ]
        verbose_name = "发文机关"
        verbose_name_plural = "发文机关"

    def __str__(self) -> str:
        return f"{self.document} · {self.unit}"


class DocumentRecipient(models.Model):
    """主送 or 抄送: a unit of the joint meeting (the city government office is one), or an organ
    outside it named in free text."""

    class Kind(models.TextChoices):
        MAIN = "main", "主送"
        COPY = "copy", "抄送"

    document = models.ForeignKey(
        OfficialDocument, on_delete=models.CASCADE, related_name="recipients"
    )
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField("机关名称", max_length=100, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["document", "kind", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | ~Q(name=""), name="recipient_unit_or_name"
            ),
            models.UniqueConstraint(
                fields=["document", "kind", "unit"],
                condition=Q(unit__isnull=False),
                name="recipient_unit_unique",
            ),
        ]
        verbose_name = "主送抄送"
        verbose_name_plural = "主送抄送"

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.unit.name if self.unit_id and self.unit else self.name


class DocumentVersion(models.Model):
    """One saved text of a document; never changed once written."""

    document = models.ForeignKey(
        OfficialDocument, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField("版本号")
    title = models.CharField("标题", max_length=200)
    # Paragraphs in order; a paragraph's heading level is read from its start
    # (lianxi.typesetting.headings).
    paragraphs = models.JSONField("正文", default=list)
    attachments = models.JSONField("附件", default=list)
    note = models.CharField("附注", max_length=200, blank=True)
    main_to = models.CharField("主送（文本）", max_length=500, blank=True)
    # SHA-256 of what a reader sees (title, body, attachments, note): a co-signature binds it.
    sha256 = models.CharField(max_length=64)
    summary = models.CharField("修改说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="保存人"
    )
    created_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name="保存单位"
    )
    created_at = models.DateTimeField("保存时间", auto_now_add=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="version_number_unique")
        ]
        verbose_name = "公文版本"
        verbose_name_plural = "公文版本"

    def __str__(self) -> str:
        return f"{self.document} 第{self.number}稿"


class Consultation(models.Model):
    """征求意见 (三(二)): one version sent to chosen units with a deadline in working days."""

    class Status(models.TextChoices):
        OPEN = "open", "征求中"
        CLOSED = "closed", "已结束"

    document = models.ForeignKey(
        OfficialDocument, on_delete=models.CASCADE, related_name="consultations"
    )
    version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, related_name="consultations"
    )
    round = models.PositiveSmallIntegerField("轮次")
    note = models.TextField("征求意见说明", blank=True)
    deadline_workdays = models.PositiveSmallIntegerField("反馈时限（工作日）")
    deadline = models.DateField("反馈截止日期")
    # 逾期未反馈视为无意见: silence is recorded as no comment at the deadline; otherwise silence
    # is flagged and reminded (liaison, then member, then the secretariat).
    silence_is_consent = models.BooleanField("逾期未反馈视为无意见", default=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="发起人"
    )
    sent_at = models.DateTimeField("发起时间", auto_now_add=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    # 发文机关、主送、抄送 and urgency as sent: what a consulted unit reads beside the version
    # (parties.parties_for); the document's own may change in later drafts.
    parties = models.JSONField("发送时的发文机关与主送抄送", default=dict, blank=True)

    class Meta:
        ordering = ["document", "round"]
        constraints = [
            models.UniqueConstraint(fields=["document", "round"], name="consultation_round_unique")
        ]
        verbose_name = "征求意见"
        verbose_name_plural = "征求意见"

    def __str__(self) -> str:
        return f"{self.document} 第{self.round}轮征求意见"


class UnitReply(models.Model):
    """A consulted unit's answer: drafted by its liaison, approved by its member before it goes."""

    class Stance(models.TextChoices):
        NO_COMMENT = "no_comment", "无意见"
        COMMENTS = "comments", "有修改意见"
        DISAGREE = "disagree", "不同意"

    class Status(models.TextChoices):
        PENDING = "pending", "待反馈"
        DRAFTED = "drafted", "待本单位成员审核"
        SUBMITTED = "submitted", "已反馈"
        DEEMED = "deemed", "逾期视为无意见"
        OVERDUE = "overdue", "逾期未反馈"

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="replies")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="document_replies")
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    stance = models.CharField("意见", max_length=20, choices=Stance.choices, blank=True)
    reasons = models.TextField("理由", blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    drafted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField("反馈时间", null=True, blank=True)
    # Reminders of a silent unit where silence is not consent: 1 liaison, 2 member, 3 secretariat.
    reminder_level = models.PositiveSmallIntegerField("催办级别", default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["consultation", "unit__order", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "unit"], name="reply_unit_unique")
        ]
        verbose_name = "单位反馈"
        verbose_name_plural = "单位反馈"

    def __str__(self) -> str:
        return f"{self.consultation} · {self.unit}"


class Comment(models.Model):
    """One comment of a unit's reply, anchored to a paragraph of the version sent (or to the whole
    text), with the wording proposed; the drafter decides it (采纳 / 部分采纳 / 不采纳)."""

    class Decision(models.TextChoices):
        ADOPTED = "adopted", "采纳"
        PARTLY = "partly", "部分采纳"
        REJECTED = "rejected", "不采纳"

    reply = models.ForeignKey(UnitReply, on_delete=models.CASCADE, related_name="comments")
    # 0-based index into the consulted version's paragraphs; None: the whole text.
    paragraph = models.PositiveIntegerField("段落", null=True, blank=True)
    quoted = models.TextField("原文", blank=True)
    text = models.TextField("意见")
    proposed = models.TextField("建议修改为", blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    decision = models.CharField("处理", max_length=20, choices=Decision.choices, blank=True)
    decision_reason = models.TextField("理由", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["reply", "order", "id"]
        verbose_name = "修改意见"
        verbose_name_plural = "修改意见"

    def __str__(self) -> str:
        return self.text[:30]


class CoSignature(models.Model):
    """会签 (四(五)): a co-issuing unit's member signs the text they saw, or returns it."""

    class Status(models.TextChoices):
        PENDING = "pending", "待会签"
        SIGNED = "signed", "已会签"
        RETURNED = "returned", "退回"
        VOID = "void", "已作废"

    document = models.ForeignKey(
        OfficialDocument, on_delete=models.CASCADE, related_name="cosignatures"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField("顺序")
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    version = models.ForeignKey(DocumentVersion, on_delete=models.PROTECT, related_name="+")
    text_sha256 = models.CharField(max_length=64)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signer_name = models.CharField("签署人", max_length=50, blank=True)
    signed_at = models.DateTimeField("签署时间", null=True, blank=True)
    reason = models.TextField("理由", blank=True)
    voided_reason = models.CharField("作废原因", max_length=200, blank=True)
    requested_at = models.DateTimeField("送签时间", auto_now_add=True)

    class Meta:
        ordering = ["document", "-requested_at", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "unit"],
                condition=Q(status__in=["pending", "signed"]),
                name="cosignature_live_unique",
            )
        ]
        verbose_name = "会签"
        verbose_name_plural = "会签"

    def __str__(self) -> str:
        return f"{self.document} · {self.unit} {self.get_status_display()}"


class Seal(models.Model):
    """A unit's seal image (PNG with transparency), uploaded by the secretariat; used only when
    issuing, each use audited (四(六))."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="seals")
    image = models.BinaryField("印章图片")
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    active = models.BooleanField("在用", default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit", "-uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(active=True), name="seal_active_unique"
            )
        ]
        verbose_name = "印章"
        verbose_name_plural = "印章"

    def __str__(self) -> str:
        return f"{self.unit} 印章"


class NumberRegister(models.Model):
    """A 发文字号 register: one 代字 of one issuing organ (e.g. 信卫职健), numbered per year."""

    mechanism = models.ForeignKey(Mechanism, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="number_registers")
    prefix = models.CharField("发文代字", max_length=20)
    # The register the joint meeting's own documents take their numbers from (one per mechanism).
    for_mechanism = models.BooleanField("联席会议发文", default=False)
    active = models.BooleanField("在用", default=True)

    class Meta:
        ordering = ["unit__order", "prefix"]
        constraints = [
            models.UniqueConstraint(fields=["mechanism", "prefix"], name="register_prefix_unique"),
            models.UniqueConstraint(
                fields=["mechanism"],
                condition=Q(for_mechanism=True, active=True),
                name="register_mechanism_unique",
            ),
        ]
        verbose_name = "发文字号"
        verbose_name_plural = "发文字号"

    def __str__(self) -> str:
        return self.prefix

    def format(self, year: int, serial: int) -> str:
        return f"{self.prefix}〔{year}〕{serial}号"


class IssuedNumber(models.Model):
    """A number taken from a register: used by a document, or withdrawn (never reused)."""

    class Status(models.TextChoices):
        USED = "used", "已使用"
        WITHDRAWN = "withdrawn", "已作废"

    register = models.ForeignKey(NumberRegister, on_delete=models.PROTECT, related_name="numbers")
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("序号")
    text = models.CharField("发文字号", max_length=60)
    document = models.ForeignKey(OfficialDocument, on_delete=models.PROTECT, related_name="numbers")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.USED)
    withdrawn_reason = models.CharField("作废原因", max_length=200, blank=True)
    taken_at = models.DateTimeField("取号时间", auto_now_add=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["register", "-year", "-serial"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "year", "serial"], name="issued_number_unique"
            )
        ]
        verbose_name = "发文登记"
        verbose_name_plural = "发文登记"

    def __str__(self) -> str:
        return self.text


class DocumentReceipt(models.Model):
    """An issued document sent to one unit (主送 or 抄送), and whether it signed for it (签收)."""

    document = models.ForeignKey(
        OfficialDocument, on_delete=models.CASCADE, related_name="receipts"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="document_receipts")
    kind = models.CharField(max_length=10, choices=DocumentRecipient.Kind.choices)
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["document", "unit__order"]
        constraints = [
            models.UniqueConstraint(fields=["document", "unit"], name="document_receipt_unique")
        ]
        verbose_name = "公文签收"
        verbose_name_plural = "公文签收"

    def __str__(self) -> str:
        return f"{self.document} → {self.unit}"
