from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One state change: who, for which unit, what, on which object, when, from where.

    Rows are only ever added. Actor and unit are kept as plain values rather than foreign keys,
    so that removing a person later cannot rewrite history (and break the hash chain).
    """

    at = models.DateTimeField("时间", db_index=True)
    actor_id = models.BigIntegerField("操作人ID", null=True, blank=True)
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    unit_id = models.BigIntegerField("单位ID", null=True, blank=True, db_index=True)
    unit_name = models.CharField("单位", max_length=100, blank=True)
    role = models.CharField("角色", max_length=30, blank=True)
    action = models.CharField("操作", max_length=80, db_index=True)
    target_type = models.CharField("对象类型", max_length=80, blank=True)
    target_id = models.CharField("对象ID", max_length=64, blank=True)
    target_repr = models.CharField("对象", max_length=255, blank=True)
    data = models.JSONField("详情", default=dict, blank=True)
    ip = models.CharField("来源地址", max_length=45, blank=True)
    # The joint meeting the event belongs to (a plain id, like the unit): an auditor reads their
    # own joint meeting's trail. None for events of the platform itself, and for those written
    # before the platform hosted several joint meetings.
    scope_id = models.BigIntegerField("联席会议ID", null=True, blank=True, db_index=True)
    prev_hash = models.CharField(max_length=64)
    # HMAC-SHA256 of the event with the key `key_id` names (kept outside the database); events
    # written before keys existed have no key id and a plain SHA-256, trusted up to the head's
    # `legacy_until_id`.
    hash = models.CharField(max_length=64, unique=True)
    key_id = models.CharField("密钥", max_length=32, blank=True, default="")

    class Meta:
        ordering = ["-id"]
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"


class AuditHead(models.Model):
    """The chain's head (one row), sealed with an HMAC like the events.

    `count` is every event ever written (archived ones too), `last_id`/`last_hash` the newest;
    events up to `archived_until_id` (`archived_count` of them, the last one hashing to
    `archived_hash`) were moved to an archive file; events up to `legacy_until_id` predate the
    keys (plain SHA-256). `chain_id` names the chain (made once, random; the checkpoint file is
    named after it, so moving the database keeps its checkpoints); `checkpoint_count` and
    `checkpoint_at` are what the last checkpoint shipped outside the database recorded, so a
    checkpoint file deleted or cut short is reported. `seal` is the HMAC of all of these with
    the key `key_id`. A trigger lets the head only move forward.
    """

    last_id = models.BigIntegerField()
    last_hash = models.CharField(max_length=64)
    count = models.BigIntegerField(default=0)
    legacy_until_id = models.BigIntegerField(default=0)
    archived_until_id = models.BigIntegerField(default=0)
    archived_count = models.BigIntegerField(default=0)
    archived_hash = models.CharField(max_length=64, default="0" * 64)
    key_id = models.CharField(max_length=32, blank=True, default="")
    seal = models.CharField(max_length=64, blank=True, default="")
    chain_id = models.CharField(max_length=32, blank=True, default="")
    checkpoint_count = models.BigIntegerField(default=0)
    checkpoint_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"{self.last_id}"


class CalendarDay(models.Model):
    """A day of the official schedule entered by the secretariat: a holiday or a make-up workday.

    These override the `chinese-calendar` package, which lags behind the State Council's notice.
    """

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    note = models.CharField("说明", max_length=50, blank=True)
    # The year whose notice the day was entered with (a notice may reach into the December
    # before its year); entering that year again replaces exactly these rows.
    year = models.PositiveIntegerField("所属年度", null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'} {self.note}"


class CalendarYear(models.Model):
    """Marks that the secretariat has entered a year's official schedule."""

    year = models.PositiveIntegerField("年份", unique=True)
    source = models.CharField("依据", max_length=200, blank=True)
    entered_at = models.DateTimeField("录入时间", auto_now_add=True)
    entered_by = models.CharField("录入人", max_length=150, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = "年度节假日安排"
        verbose_name_plural = "年度节假日安排"

    def __str__(self) -> str:
        return str(self.year)


class Serial(models.Model):
    """The last number taken in a series, per scope and year: 纪要〔2026〕3号 of one joint meeting.

    One row per (series, scope, year), incremented under its row lock by `core.serials`; the next
    number never repeats, even when two clerks issue at the same moment.
    """

    series = models.CharField("序列", max_length=60)
    scope_id = models.BigIntegerField("范围ID")
    year = models.PositiveSmallIntegerField("年度")
    last = models.PositiveIntegerField("已用到", default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "scope_id", "year"], name="serial_once")
        ]
        verbose_name = "编号序列"
        verbose_name_plural = "编号序列"

    def __str__(self) -> str:
        return f"{self.series}/{self.scope_id}/{self.year}: {self.last}"


class PasswordState(models.Model):
    """GB/T 22239 8.1.4.1 a): where a person's password stands — whether it must be changed
    before anything else (set by an administrator, or expired), when it was last set, and the
    hashes of the last few, so that none of them is chosen again.

    Written only by lianxi.core.passwords (the history validator's ``password_changed`` and the
    password services); a person without a row has never had a password set since this model
    came and is treated as not forced.
    """

    class Reason(models.TextChoices):
        FIRST = "first", "首次登录"
        RESET = "reset", "管理员重置"
        # Set before self-service change existed: an administrator chose or saw every one.
        LEGACY = "legacy", "由管理员设置"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="password_state",
        verbose_name="账号",
    )
    must_change = models.BooleanField("须修改密码", default=False)
    reason = models.CharField("原因", max_length=10, choices=Reason.choices, blank=True)
    changed_at = models.DateTimeField("最近设置时间", null=True, blank=True)
    # The last administrator's reset: API tokens issued before it stop (the reset is what an
    # administrator does when an account may be in someone else's hands).
    reset_at = models.DateTimeField("最近重置时间", null=True, blank=True)
    # Newest last; at most LIANXI_PASSWORD_HISTORY entries, the current password's hash included.
    history = models.JSONField("历史密码摘要", default=list, blank=True)

    class Meta:
        verbose_name = "密码状态"
        verbose_name_plural = "密码状态"

    def __str__(self) -> str:
        return f"密码状态 #{self.user_id}"
