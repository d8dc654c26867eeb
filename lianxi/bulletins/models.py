"""Information from the units and the briefs made of it (三(四)1, 三(四)3, 二(三)).

A unit's 信息报送 (`InfoReport`) is drafted by its liaison and sent by its member (the unit
vouches for it); the secretariat adopts it (into a brief, or as 经验交流), returns it for a
change or declines it. Adopted reports become articles of a `Brief` (工作简报), numbered per year
and per kind when issued, sent to its distribution list and signed for by each unit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from lianxi.core.models import TimeStampedModel
from lianxi.organization.models import Mechanism, Unit


class InfoReport(TimeStampedModel):
    class Kind(models.TextChoices):
        NEWS = "news", "工作动态"
        EXPERIENCE = "experience", "经验做法"
        SUGGESTION = "suggestion", "问题建议"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        AWAITING_MEMBER = "awaiting_member", "待成员审核"
        SENT = "sent", "已报送"
        ADOPTED = "adopted", "已采用"
        RETURNED = "returned", "退回修改"
        DECLINED = "declined", "不采用"

    class AdoptedAs(models.TextChoices):
        BRIEF = "brief", "编入简报"
        EXCHANGE = "exchange", "经验交流"

    mechanism = models.ForeignKey(Mechanism, on_delete=models.PROTECT, related_name="info_reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="info_reports")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    # For the exchange library (三(四)3): the industry and topic it is about, free words.
    industry = models.CharField("涉及行业", max_length=100, blank=True)
    topic = models.CharField("主题", max_length=100, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="起草人"
    )
    # The first time it reached the secretariat (the period it counts in), and the last.
    first_sent_at = models.DateTimeField("首次报送时间", null=True, blank=True)
    sent_at = models.DateTimeField("报送时间", null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_count = models.PositiveSmallIntegerField("退回次数", default=0)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.CharField("审核意见", max_length=500, blank=True)
    adopted_as = models.CharField("采用方式", max_length=20, choices=AdoptedAs.choices, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["mechanism", "status", "first_sent_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["returned", "declined"]) | ~Q(review_note=""),
                name="info_report_refusal_has_note",
            )
        ]
        verbose_name = "信息报送"
        verbose_name_plural = "信息报送"

    def __str__(self) -> str:
        return self.title


class InfoReportFile(models.Model):
    """An image or an attachment of a report."""

    report = models.ForeignKey(InfoReport, on_delete=models.CASCADE, related_name="files")
    name = models.CharField("文件名", max_length=200)
    file = models.FileField("文件", upload_to="bulletins/%Y/%m/")
    is_image = models.BooleanField(default=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "id"]
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.name


class Brief(TimeStampedModel):
    """工作简报: numbered per year and per kind (第N期; 增刊 and 专刊 apart) when issued."""

    class Kind(models.TextChoices):
        REGULAR = "regular", "工作简报"
        SUPPLEMENT = "supplement", "增刊"
        SPECIAL = "special", "专刊"
        EXCHANGE = "exchange", "经验交流"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        ISSUED = "issued", "已印发"

    mechanism = models.ForeignKey(Mechanism, on_delete=models.PROTECT, related_name="briefs")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.REGULAR)
    title = models.CharField("本期标题", max_length=200)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    number = models.PositiveIntegerField("期号", null=True, blank=True)
    report_to = models.CharField("报", max_length=300, blank=True)
    send_to = models.CharField("送", max_length=300, blank=True)
    issue_to = models.CharField("发", max_length=300, blank=True)
    copies = models.PositiveIntegerField("印数", default=0)
    recipients = models.ManyToManyField(
        Unit, through="BriefReceipt", related_name="briefs_received", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("印发时间", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mechanism", "kind", "year", "number"],
                condition=Q(number__isnull=False),
                name="brief_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False, year__isnull=False),
                name="brief_issued_has_number",
            ),
        ]
        verbose_name = "工作简报"
        verbose_name_plural = "工作简报"

    def __str__(self) -> str:
        return f"{self.issue_label} {self.title}"

    @property
    def masthead(self) -> str:
        """The 报头: the exchange issues (三(四)3) have their own name."""
        if self.kind == self.Kind.EXCHANGE:
            return "职业病防治经验交流"
        return "职业病防治工作简报"

    @property
    def issue_label(self) -> str:
        """第N期; a special issue says its kind, numbered apart: 增刊第N期, 专刊第N期."""
        if self.number is None:
            return "（未编号）"
        prefix = (
            self.get_kind_display()
            if self.kind in (self.Kind.SUPPLEMENT, self.Kind.SPECIAL)
            else ""
        )
        return f"{prefix}第{self.number}期"


class BriefArticle(models.Model):
    """An article of a brief: taken from an adopted report (edited here, the source kept) or
    written by the secretariat."""

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="articles")
    order = models.PositiveSmallIntegerField("序号")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    source_report = models.ForeignKey(
        InfoReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name="来源信息",
    )
    source_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["brief", "order", "id"]
        verbose_name = "简报文章"
        verbose_name_plural = "简报文章"

    def __str__(self) -> str:
        return self.title


class BriefReceipt(models.Model):
    """A unit on the brief's distribution list, and when it signed for the brief."""

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="receipts")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="brief_receipts")
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["brief", "unit__order", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["brief", "unit"], name="brief_receipt_unique")
        ]
        verbose_name = "简报签收"
        verbose_name_plural = "简报签收"

    def __str__(self) -> str:
        return f"{self.brief} → {self.unit}"
