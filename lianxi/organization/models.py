from django.conf import settings
from django.db import models
from django.db.models import JSONField, Q, Value

from lianxi.core.models import TimeStampedModel


def default_reminder_workdays() -> list[int]:
    """年度报送: reminders this many working days before the deadline (the liaison first)."""
    return [10, 5, 2, 1]


class Mechanism(TimeStampedModel):
    """联席会议: the joint meeting itself, under the rules document that founded it."""

    name = models.CharField("名称", max_length=200, unique=True)
    short_name = models.CharField("简称", max_length=50, blank=True)
    # The cadences and deadlines of the rules (四(三), 三(一)1) as settings: read from the rules
    # document by the importer (`organization.rules_settings`), each with the clause it came
    # from in settings_sources, and confirmed or corrected by the secretariat. None / "" means
    # the rules say nothing and the secretariat has not said either.
    plenary_per_year = models.PositiveSmallIntegerField("全体会议每年次数", null=True, blank=True)
    # Each NOT NULL setting also has its default in the database (db_default): a row written by
    # code that predates the settings (an older release, a migration's historical model) is
    # still valid.
    annual_submission_deadline = models.CharField(
        "年度材料报送截止日（月-日）", max_length=5, blank=True, db_default=""
    )
    annual_submission_parts = models.JSONField(
        "年度报送内容", default=list, blank=True, db_default=Value([], output_field=JSONField())
    )
    settings_sources = models.JSONField(
        "设置依据条款", default=dict, blank=True, db_default=Value({}, output_field=JSONField())
    )
    settings_confirmed_at = models.DateTimeField("设置确认时间", null=True, blank=True)
    settings_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name="设置确认人",
    )  # fmt: skip
    # The secretariat's own choices, which the rules leave to it.
    annual_cycle_opens = models.CharField(
        "年度报送启动日（月-日）", max_length=5, default="12-01", db_default="12-01"
    )
    annual_deadline_shift = models.BooleanField(
        "截止日遇节假日顺延至下一工作日", default=False, db_default=False
    )
    annual_reminder_workdays = models.JSONField(
        "截止前提醒（工作日）",
        default=default_reminder_workdays,
        blank=True,
        db_default=Value(default_reminder_workdays(), output_field=JSONField()),
    )
    plenary_warning_percent = models.PositiveSmallIntegerField(
        "全体会议提醒时点（周期已过百分比）", default=75, db_default=75
    )

    class Meta:
        verbose_name = "联席会议"
        verbose_name_plural = "联席会议"

    def __str__(self) -> str:
        return self.name

    @property
    def mechanism_id(self) -> int | None:
        """Itself, for whatever asks a record which joint meeting it belongs to (the audit)."""
        return self.pk


class RulesDocument(TimeStampedModel):
    """A rules document as imported; the newest one of a mechanism is the one in force."""

    mechanism = models.ForeignKey(Mechanism, on_delete=models.CASCADE, related_name="rules")
    document_number = models.CharField("发文字号", max_length=60, blank=True)
    issuer = models.CharField("发文机关", max_length=100, blank=True)
    title = models.CharField("标题", max_length=300)
    text = models.TextField("全文")
    source_name = models.CharField("来源文件", max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-id"]
        verbose_name = "制度文件"
        verbose_name_plural = "制度文件"

    def __str__(self) -> str:
        return self.title


class Clause(models.Model):
    """A citable clause of the rules, with a stable anchor such as ``三(一)1``."""

    document = models.ForeignKey(RulesDocument, on_delete=models.CASCADE, related_name="clauses")
    anchor = models.CharField("条款编号", max_length=40)
    parent_anchor = models.CharField("上级条款", max_length=40, blank=True)
    heading = models.CharField("标题", max_length=200, blank=True)
    text = models.TextField("内容", blank=True)
    level = models.PositiveSmallIntegerField("层级")
    order = models.PositiveIntegerField("顺序")

    class Meta:
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(fields=["document", "anchor"], name="clause_anchor_unique")
        ]
        verbose_name = "条款"
        verbose_name_plural = "条款"

    def __str__(self) -> str:
        return f"{self.anchor} {self.heading}".strip()


class Unit(TimeStampedModel):
    """成员单位, or another unit that takes part: the city government office, invited units."""

    class Kind(models.TextChoices):
        MEMBER = "member", "成员单位"
        GOVERNMENT = "government", "市政府办公室"
        INVITED = "invited", "邀请单位"

    mechanism = models.ForeignKey(Mechanism, on_delete=models.PROTECT, related_name="units")
    name = models.CharField("单位名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.MEMBER)
    order = models.PositiveIntegerField("排序", default=0)
    is_secretariat = models.BooleanField("联席会议办公室所在单位", default=False)
    active = models.BooleanField("在册", default=True)

    class Meta:
        ordering = ["mechanism", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["mechanism", "name"], name="unit_name_unique"),
        ]
        verbose_name = "单位"
        verbose_name_plural = "单位"

    def __str__(self) -> str:
        return self.name


class Duty(models.Model):
    """A numbered duty of a unit from the annex. Revised text closes the old row, never edits it."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="duties")
    number = models.PositiveSmallIntegerField("序号")
    label = models.CharField("编号", max_length=10, blank=True)
    text = models.TextField("职责内容")
    valid_from = models.DateTimeField("生效时间")
    valid_to = models.DateTimeField("失效时间", null=True, blank=True)
    source = models.ForeignKey(
        RulesDocument, on_delete=models.PROTECT, related_name="duties", verbose_name="依据文件"
    )

    class Meta:
        ordering = ["unit__order", "number", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "number"],
                condition=Q(valid_to__isnull=True),
                name="duty_current_number_unique",
            )
        ]
        verbose_name = "职责"
        verbose_name_plural = "职责"

    def __str__(self) -> str:
        return f"{self.unit.name} {self.label} {self.text[:20]}"

    @property
    def current(self) -> bool:
        return self.valid_to is None


class Membership(TimeStampedModel):
    """A person acting for one unit in one role."""

    class Role(models.TextChoices):
        SECRETARIAT = "secretariat", "联席会议办公室"
        MEMBER = "member", "联席会议成员"
        LIAISON = "liaison", "联络员"
        GOVERNMENT = "government", "市政府办公室"
        OBSERVER = "observer", "列席单位"
        AUDITOR = "auditor", "审计管理员"
        SECURITY_ADMIN = "security_admin", "安全管理员"

    # A person may act in several joint meetings (the city's clerk and a member of the
    # province's), one membership in each; `organization.access.membership_of` says which one a
    # request acts in.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    title = models.CharField("职务", max_length=100, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)
    active = models.BooleanField("有效", default=True)

    class Meta:
        ordering = ["unit__order", "role", "id"]
        verbose_name = "成员与联络员"
        verbose_name_plural = "成员与联络员"

    def __str__(self) -> str:
        return f"{self.unit.name} {self.get_role_display()} {self.display_name}"

    @property
    def display_name(self) -> str:
        # Chinese names are kept whole in first_name (姓名).
        return self.user.first_name or self.user.get_username()

    PRIVILEGED_ROLES = frozenset({"secretariat", "auditor", "security_admin"})

    @property
    def needs_second_factor(self) -> bool:
        return self.role in self.PRIVILEGED_ROLES


class PlatformOperator(models.Model):
    """平台管理员: runs the platform itself and creates joint meetings on it.

    Apart from every mechanism's secretariat on purpose: the operator opens a county's or a
    province's joint meeting but sees none of any meeting's records, and no secretariat can
    create another joint meeting.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="platform_operator"
    )
    created_at = models.DateTimeField("设立时间", auto_now_add=True)

    class Meta:
        verbose_name = "平台管理员"
        verbose_name_plural = "平台管理员"

    def __str__(self) -> str:
        return str(self.user)
