"""Messages to people and units, and the outbox of their deliveries.

A `Message` is written once; each person it reaches gets one `Delivery` per channel (the in-app
inbox, e-mail, webhook). The deliveries are the outbox: written in the same transaction as the
change that caused the message, then claimed by a worker under a lease, sent, and marked sent.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Message(models.Model):
    """消息: what a domain hands over — a subject, a text, the object's URL, a kind code."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # An optional key the caller chooses (e.g. "action_item:12:reminder:2026-01-05") so that a
    # repeated tick or a retried request creates the message once.
    key = models.CharField("去重键", max_length=200, null=True, blank=True, unique=True)
    kind = models.CharField("类型", max_length=60, db_index=True)
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("正文", blank=True)
    url = models.CharField("链接", max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发送人",
    )
    actor_name = models.CharField("发送人", max_length=150, blank=True)
    # The joint meeting the message belongs to: its inbox item and its dead letter are seen only
    # while acting in that meeting. Null when it belongs to no one meeting (a tick's reminder to a
    # person in two meetings): then it is in the recipient's inbox whichever is chosen.
    mechanism = models.ForeignKey(
        "organization.Mechanism",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="联席会议",
    )
    # Who it was addressed to, as written (people and units), for display.
    addressed_to = models.CharField("收件对象", max_length=500, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "消息"
        verbose_name_plural = "消息"

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """One message to one person through one channel; the row is the outbox entry."""

    class Channel:
        """The names of the three channels this app registers (notifications.channels); another
        app's channel is just its registered name."""

        INBOX = "inbox"
        EMAIL = "email"
        WEBHOOK = "webhook"

    class Status(models.TextChoices):
        PENDING = "pending", "待投递"
        CLAIMED = "claimed", "投递中"
        SENT = "sent", "已投递"
        DEAD = "dead", "投递失败"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name="收件人",
    )
    channel = models.CharField("渠道", max_length=20)
    # The message's joint meeting, copied here when written: the inbox and the dead letters ask
    # it of every row, without joining the message.
    mechanism = models.ForeignKey(
        "organization.Mechanism",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="联席会议",
    )
    # Derived from the message's uuid, the person and the channel; the e-mail Message-ID and the
    # webhook's Idempotency-Key header carry it, so receivers can drop a repeat too.
    idempotency_key = models.CharField(max_length=120, unique=True)
    address = models.CharField("地址", max_length=500, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    claimed_by = models.CharField("处理者", max_length=64, blank=True)
    lease_until = models.DateTimeField("租约到期", null=True, blank=True)
    last_error = models.TextField("最近错误", blank=True)
    sent_at = models.DateTimeField("投递时间", null=True, blank=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "user", "channel"], name="delivery_once_per_channel"
            ),
            models.CheckConstraint(
                condition=~Q(status="claimed") | Q(lease_until__isnull=False),
                name="delivery_claim_has_lease",
            ),
        ]
        indexes = [
            # The worker's question: what is due?
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx"),
            models.Index(fields=["status", "lease_until"], name="delivery_lease_idx"),
            # The inbox: a person's items, unread first.
            models.Index(fields=["user", "channel", "read_at"], name="delivery_inbox_idx"),
        ]
        verbose_name = "投递"
        verbose_name_plural = "投递"

    def __str__(self) -> str:
        return f"{self.channel_label} → {self.user} : {self.message_id}"

    @property
    def channel_label(self) -> str:
        from .channels import label_of

        return label_of(self.channel)


class NotificationSettings(models.Model):
    """消息设置: how a person wants to be reached besides the inbox."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    email_enabled = models.BooleanField("接收电子邮件", default=True)
    webhook_url = models.URLField("Webhook 地址", max_length=500, blank=True)
    # Settings of channels other apps register (SMS, a messaging app), by field name.
    extra = models.JSONField("其他渠道设置", default=dict, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "消息设置"
        verbose_name_plural = "消息设置"

    def __str__(self) -> str:
        return f"{self.user} 消息设置"


class MessageAttachment(models.Model):
    """A file a message carries (e.g. a meeting's .ics): sent with the e-mail only.

    The inbox and the webhook ignore it; the content is kept with the message so that a retried
    or re-claimed delivery sends exactly the same bytes.
    """

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    order = models.PositiveSmallIntegerField("顺序", default=0)
    filename = models.CharField("文件名", max_length=200)
    # The full Content-Type, parameters included (``text/calendar; method=REQUEST; charset=UTF-8``).
    mimetype = models.CharField("类型", max_length=200)
    content = models.BinaryField("内容")

    class Meta:
        ordering = ["message", "order", "id"]
        verbose_name = "消息附件"
        verbose_name_plural = "消息附件"

    def __str__(self) -> str:
        return self.filename
