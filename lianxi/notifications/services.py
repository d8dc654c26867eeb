"""Messages: writing them (with their outbox) and delivering them, at least once, never lost.

`notify` is the one entry point for every other app. It runs inside the caller's transaction and
writes the message and its deliveries there, so a message exists exactly when the change that
caused it does. Delivering happens after commit, in a worker: a delivery is claimed under a lease,
sent, and marked sent; a failure is retried with exponential backoff and ends as a dead letter the
secretariat sees. A worker that dies mid-delivery holds only a lease, which expires, and the
delivery is claimed again by the next worker (the tick looks for expired leases).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage as MimeMessage
from email.message import MIMEPart
from email.policy import default as mime_policy
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError
from lianxi.organization.access import mechanism_id_of, user_of
from lianxi.organization.models import Mechanism, Membership, Unit

from . import webhooks
from .access import visible_inbox
from .models import Delivery, Message, MessageAttachment, NotificationSettings

logger = logging.getLogger(__name__)

Channel = Delivery.Channel
Status = Delivery.Status

# The roles of a unit that a message to the unit reaches (DESIGN.md: its member and liaison).
UNIT_RECIPIENT_ROLES = (Membership.Role.MEMBER, Membership.Role.LIAISON)
CLAIM_BATCH = 10
MAX_BACKOFF_SECONDS = 24 * 3600
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # all of one message's attachments together

# (filename, content, mimetype), e.g. ("meeting.ics", b"BEGIN:VCALENDAR…",
# "text/calendar; method=REQUEST; charset=UTF-8")
Attachment = tuple[str, bytes, str]


# --- Writing messages ---------------------------------------------------------------------


def _recipient_users(recipients: Sequence[Any]) -> tuple[list[Any], list[str]]:
    """People a list of users and units reaches (each once, in order) and how it was addressed."""
    user_model = get_user_model()
    users: dict[int, Any] = {}
    names: list[str] = []
    unit_ids: list[int] = []
    for recipient in recipients:
        if isinstance(recipient, Unit):
            unit_ids.append(recipient.pk)
            names.append(recipient.name)
        elif isinstance(recipient, user_model):
            if recipient.is_active:
                users.setdefault(recipient.pk, recipient)
            names.append(recipient.first_name or recipient.get_username())
        else:
            raise ApplicationError(f"收件对象只能是人员或单位，而不是 {recipient!r}。")
    if unit_ids:
        memberships = (
            Membership.objects.filter(
                unit_id__in=unit_ids, unit__active=True, active=True, role__in=UNIT_RECIPIENT_ROLES
            )
            .filter(user__is_active=True)
            .select_related("user")
            .order_by("unit_id", "role", "id")
        )
        for membership in memberships:
            users.setdefault(membership.user_id, membership.user)
    return list(users.values()), names


def _mechanism_id_for(
    mechanism: Mechanism | None, recipients: Sequence[Any], users: Sequence[Any], actor: Any
) -> int | None:
    """The joint meeting a message belongs to, so that it is seen only while acting in it."""
    if mechanism is not None:
        return mechanism.pk
    from_units = {r.mechanism_id for r in recipients if isinstance(r, Unit)}
    if len(from_units) == 1:
        return from_units.pop()
    if isinstance(actor, Membership):
        return actor.unit.mechanism_id
    if user_of(actor) is not None:
        acting = mechanism_id_of(actor)
        if acting is not None:
            return acting
    shared = set(
        Membership.objects.filter(user__in=[u.pk for u in users], active=True)
        .values_list("unit__mechanism_id", flat=True)
        .distinct()[:2]
    )
    if len(shared) == 1:
        return shared.pop()
    # Nobody to go by (a message to nobody, or to people without a membership): a platform that
    # holds one joint meeting puts it there, as before there could be several.
    only = list(Mechanism.objects.values_list("pk", flat=True)[:2])
    return only[0] if len(only) == 1 else None


def idempotency_key(message: Message, user_id: int, channel: str) -> str:
    """The same message to the same person through the same channel always has this key."""
    return f"{message.uuid.hex}.{user_id}.{channel}"


def message_id_header(key: str) -> str:
    """A stable RFC 5322 Message-ID from the idempotency key.

    The domain is the platform's own host name (the same for every worker of one installation),
    not the machine's, so two workers sending the same delivery produce the same Message-ID.
    """
    host = urllib.parse.urlsplit(settings.LIANXI_SITE_URL).hostname or "lianxi.localhost"
    return f"<{key}@{host}>"


def _content_type(mimetype: str) -> Any:
    header = MimeMessage(policy=mime_policy)
    header["Content-Type"] = mimetype
    return header


def _valid_mimetype(mimetype: str) -> bool:
    bare = mimetype.split(";", 1)[0].strip().lower()
    maintype, _, subtype = bare.partition("/")
    if not maintype or not subtype or len(mimetype) > 200:
        return False
    # The e-mail parser falls back to text/plain for a type it cannot read.
    return bool(_content_type(mimetype).get_content_type() == bare)


def _clean_attachments(attachments: Sequence[Attachment] | None) -> list[MessageAttachment]:
    """Check the files a message carries; unsaved rows in order, or a clear refusal."""
    rows: list[MessageAttachment] = []
    total = 0
    for order, attachment in enumerate(attachments or ()):
        try:
            filename, content, mimetype = attachment
        except (TypeError, ValueError):
            raise ApplicationError(
                "附件应为（文件名, 内容, 类型）三项。", field="attachments"
            ) from None
        filename = os.path.basename(str(filename or "").replace("\\", "/")).strip()
        if not filename or len(filename) > 200:
            raise ApplicationError(
                "附件文件名不能为空，也不能超过 200 个字符。", field="attachments"
            )
        if not isinstance(content, bytes | bytearray | memoryview):
            raise ApplicationError(f"附件“{filename}”的内容应为字节。", field="attachments")
        mimetype = str(mimetype or "").strip()
        if not _valid_mimetype(mimetype):
            raise ApplicationError(f"附件“{filename}”的类型无效：{mimetype}", field="attachments")
        total += len(content)
        if total > MAX_ATTACHMENT_BYTES:
            raise ApplicationError("消息附件合计不能超过 10 MB。", field="attachments")
        rows.append(
            MessageAttachment(
                order=order, filename=filename, mimetype=mimetype, content=bytes(content)
            )
        )
    return rows


def _addresses(user: Any, prefs: NotificationSettings | None) -> dict[str, str]:
    """The channels a person is reached through besides the inbox, with their address."""
    channels: dict[str, str] = {}
    email_enabled = prefs.email_enabled if prefs is not None else True
    if email_enabled and user.email:
        channels[Channel.EMAIL] = user.email
    if prefs is not None and prefs.webhook_url:
        channels[Channel.WEBHOOK] = prefs.webhook_url
    return channels


@transaction.atomic
def notify(
    *,
    recipients: Sequence[Any],
    kind: str,
    subject: str,
    body: str,
    url: str = "",
    actor: Any = None,
    key: str | None = None,
    attachments: Sequence[Attachment] | None = None,
    mechanism: Mechanism | None = None,
) -> Message:
    """Write a message to people and units, with its deliveries, in the caller's transaction.

    Every person reached gets it in the inbox, and by e-mail and webhook as their settings say.
    The deliveries are dispatched by a background task after the caller's transaction commits.
    `key` (optional) makes the call idempotent: a second call with the same key returns the
    first message and writes nothing (for ticks that compute reminders).
    `attachments` (optional): files (filename, content bytes, mimetype) that travel with the
    e-mail — e.g. a meeting's .ics as ``text/calendar; method=REQUEST; charset=UTF-8``; the inbox
    and the webhook leave them out.
    `mechanism` (optional): the joint meeting the message belongs to; by default the one of the
    units addressed, else of the actor, else the one all its recipients share.
    """
    subject = (subject or "").strip()
    kind = (kind or "").strip()
    if not subject:
        raise ApplicationError("消息标题不能为空。", field="subject")
    if len(subject) > 200:
        raise ApplicationError("消息标题不能超过 200 个字。", field="subject")
    if not kind:
        raise ApplicationError("消息类型不能为空。", field="kind")
    if not recipients:
        raise ApplicationError("消息至少要有一个收件对象（人员或单位）。", field="recipients")
    if url and urllib.parse.urlsplit(url).scheme not in {"", "http", "https"}:
        raise ApplicationError("消息链接应为站内路径或 http(s) 地址。", field="url")
    attachment_rows = _clean_attachments(attachments)
    if key:
        existing = Message.objects.filter(key=key).first()
        if existing is not None:
            return existing

    users, names = _recipient_users(recipients)
    actor_user = getattr(actor, "user", actor)  # a Membership or a User
    actor_name = ""
    if actor_user is not None and hasattr(actor_user, "get_username"):
        actor_name = actor_user.first_name or actor_user.get_username()
    else:  # the platform itself, or an audit Actor
        actor_name = getattr(actor, "name", "") if actor is not None else ""
        actor_user = None
    try:
        with transaction.atomic():
            message = Message.objects.create(
                key=key or None,
                kind=kind[:60],
                subject=subject,
                body=body or "",
                url=url or "",
                actor=actor_user,
                actor_name=actor_name,
                addressed_to="、".join(names)[:500],
                mechanism_id=_mechanism_id_for(mechanism, recipients, users, actor),
            )
    except IntegrityError:
        # Another transaction wrote the same key first.
        existing = Message.objects.filter(key=key).first()
        if existing is None:
            raise
        return existing

    for row in attachment_rows:
        row.message = message
    MessageAttachment.objects.bulk_create(attachment_rows)

    prefs = {
        p.user_id: p for p in NotificationSettings.objects.filter(user__in=[u.pk for u in users])
    }
    now = timezone.now()
    rows: list[Delivery] = []
    for user in users:
        rows.append(
            Delivery(
                message=message,
                user=user,
                channel=Channel.INBOX,
                idempotency_key=idempotency_key(message, user.pk, Channel.INBOX),
                # The inbox is this database: the delivery is done when the transaction commits.
                status=Status.SENT,
                sent_at=now,
            )
        )
        for channel, address in _addresses(user, prefs.get(user.pk)).items():
            rows.append(
                Delivery(
                    message=message,
                    user=user,
                    channel=channel,
                    idempotency_key=idempotency_key(message, user.pk, channel),
                    address=address,
                    status=Status.PENDING,
                    next_attempt_at=now,
                )
            )
    Delivery.objects.bulk_create(rows)
    if not users:
        logger.warning("message %s (%s) reaches nobody: %s", message.pk, kind, names)
    audit_record(
        actor=actor,
        action="message.send",
        target=message,
        data={
            "kind": message.kind,
            "to": message.addressed_to,
            "people": len(users),
            "deliveries": len(rows),
            **(
                {"attachments": [row.filename for row in attachment_rows]}
                if attachment_rows
                else {}
            ),
        },
    )
    if any(row.channel != Channel.INBOX for row in rows):
        message_id = message.pk
        transaction.on_commit(lambda: _enqueue_dispatch(message_id))
    return message


def _enqueue_dispatch(message_id: int) -> None:
    from .tasks import dispatch_message

    try:
        dispatch_message.enqueue(message_id)
    except Exception:
        # Nothing is lost: the deliveries are in the outbox and the next tick dispatches them.
        logger.exception("could not enqueue dispatch of message %s; the tick will", message_id)


# --- Inbox and settings -------------------------------------------------------------------


@transaction.atomic
def inbox_mark_read(*, user: Any, delivery: Delivery) -> Delivery:
    """Mark one inbox item read; only its own recipient may."""
    if delivery.user_id != user.pk or delivery.channel != Channel.INBOX:
        raise ApplicationError("只能标记自己的消息。")
    if delivery.read_at is None:
        delivery.read_at = timezone.now()
        Delivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(
            read_at=delivery.read_at
        )
        audit_record(actor=user, action="message.read", target=delivery.message)
    return delivery


@transaction.atomic
def inbox_mark_read_about(*, user: Any, kinds: Sequence[str], url: str) -> int:
    """The user has done what a message asked of them (e.g. signed for the minutes it brought):
    its inbox copy need not wait as unread any more."""
    count = Delivery.objects.filter(
        user=user,
        channel=Channel.INBOX,
        read_at__isnull=True,
        message__kind__in=kinds,
        message__url=url,
    ).update(read_at=timezone.now())
    if count:
        audit_record(actor=user, action="message.read_about", data={"url": url, "count": count})
    return count


@transaction.atomic
def inbox_mark_all_read(*, user: Any) -> int:
    # Only what the inbox shows: the other joint meeting's items stay unread until it is chosen.
    count = visible_inbox(user).filter(read_at__isnull=True).update(read_at=timezone.now())
    if count:
        audit_record(actor=user, action="message.read_all", data={"count": count})
    return count


def validate_webhook_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ApplicationError(
            "Webhook 地址应以 http:// 或 https:// 开头，例如 https://qyapi.weixin.qq.com/…",
            field="webhook_url",
        )
    if len(url) > 500:
        raise ApplicationError("Webhook 地址不能超过 500 个字符。", field="webhook_url")
    reason = webhooks.literal_refusal(parts.hostname)
    if reason:
        raise ApplicationError(reason, field="webhook_url")
    return url


@transaction.atomic
def notification_settings_update(
    *, user: Any, email_enabled: bool, webhook_url: str
) -> NotificationSettings:
    """消息设置: e-mail on or off, a webhook for a chat robot. Applies to messages from now on."""
    webhook_url = validate_webhook_url(webhook_url)
    prefs, _ = NotificationSettings.objects.select_for_update().get_or_create(user=user)
    prefs.email_enabled = email_enabled
    prefs.webhook_url = webhook_url
    prefs.save()
    audit_record(
        actor=user,
        action="notification_settings.update",
        target=prefs,
        data={"email_enabled": email_enabled, "webhook": bool(webhook_url)},
    )
    return prefs


def notification_settings_of(user: Any) -> NotificationSettings:
    """A person's settings, or the defaults (not saved) if they never changed them."""
    prefs = NotificationSettings.objects.filter(user=user).first()
    return prefs if prefs is not None else NotificationSettings(user=user)


@transaction.atomic
def delivery_retry(*, delivery: Delivery, actor: Any) -> Delivery:
    """重新投递: the secretariat puts a dead letter back in the outbox, with fresh attempts.

    The address is taken again from the person's current settings, so a corrected e-mail or
    webhook address is used.
    """
    delivery = Delivery.objects.select_for_update().select_related("user").get(pk=delivery.pk)
    if delivery.status != Status.DEAD:
        raise ApplicationError("只有投递失败的消息可以重新投递。")
    current = _addresses(
        delivery.user, NotificationSettings.objects.filter(user=delivery.user).first()
    )
    address = current.get(delivery.channel, delivery.address)
    delivery.status = Status.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.claimed_by = ""
    delivery.lease_until = None
    delivery.address = address
    delivery.save()
    audit_record(
        actor=actor,
        action="delivery.retry",
        target=delivery.message,
        data={"delivery": delivery.pk, "channel": delivery.channel, "user": delivery.user_id},
    )
    message_id = delivery.message_id
    transaction.on_commit(lambda: _enqueue_dispatch(message_id))
    return delivery


# --- Delivering: claim under a lease, send, mark ------------------------------------------


def default_worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{threading.get_ident() % 100000}"


def _due(now: datetime) -> Q:
    """Pending and due, or claimed by a worker whose lease has run out."""
    return Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Status.CLAIMED, lease_until__lt=now
    )


def _lease_seconds() -> int:
    return max(1, int(settings.LIANXI_DELIVERY_LEASE_SECONDS))


def deliveries_claim(
    *, worker_id: str, message_id: int | None = None, limit: int = CLAIM_BATCH
) -> list[int]:
    """Atomically take up to `limit` due deliveries for this worker; returns their ids.

    PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED, so concurrent workers take different rows
    without waiting. SQLite has no row locks: each row is taken with a conditional UPDATE that
    only matches while the row is still due, and only a row count of 1 makes it ours.
    """
    now = timezone.now()
    claim = {
        "status": Status.CLAIMED,
        "claimed_by": worker_id,
        "lease_until": now + timedelta(seconds=_lease_seconds()),
        "attempts": F("attempts") + 1,
        "updated_at": now,
    }
    due = Delivery.objects.filter(_due(now)).exclude(channel=Channel.INBOX)
    if message_id is not None:
        due = due.filter(message_id=message_id)
    due = due.order_by("next_attempt_at", "id")
    if connection.vendor == "postgresql":
        with transaction.atomic():
            ids = list(due.select_for_update(skip_locked=True).values_list("id", flat=True)[:limit])
            if ids:
                Delivery.objects.filter(pk__in=ids).update(**claim)
        return ids
    claimed: list[int] = []
    for pk in list(due.values_list("id", flat=True)[:limit]):
        if Delivery.objects.filter(_due(now), pk=pk).update(**claim) == 1:
            claimed.append(pk)
    return claimed


def _still_mine(delivery: Delivery, worker_id: str) -> bool:
    """Renew the lease just before sending; False if another worker has taken the row over."""
    now = timezone.now()
    return (
        Delivery.objects.filter(pk=delivery.pk, status=Status.CLAIMED, claimed_by=worker_id)
        .filter(lease_until__gte=now)
        .update(lease_until=now + timedelta(seconds=_lease_seconds()), updated_at=now)
        == 1
    )


class DeliveryFailed(Exception):
    pass


class DeliveryRefused(DeliveryFailed):
    """Trying again cannot help (the address is one the platform may not post to): dead at once."""


def _absolute_url(url: str) -> str:
    if not url or urllib.parse.urlsplit(url).scheme:
        return url
    return settings.LIANXI_SITE_URL.rstrip("/") + "/" + url.lstrip("/")


def attachment_part(filename: str, content: bytes, mimetype: str) -> MIMEPart:
    """One MIME part for an attachment, keeping the type's parameters (``method=REQUEST``).

    Django's `EmailMessage.attach()` takes only a bare ``type/subtype``, so the part is built
    here: text is re-encoded as UTF-8, anything else goes as base64 bytes.
    """
    header = _content_type(mimetype)
    maintype, subtype = header.get_content_maintype(), header.get_content_subtype()
    params = {k: str(v) for k, v in header["Content-Type"].params.items()}
    charset = params.pop("charset", "utf-8")
    part = MIMEPart(policy=mime_policy)
    if maintype == "text":
        try:
            text = bytes(content).decode(charset)
        except (LookupError, UnicodeDecodeError):
            maintype, subtype, params = "application", "octet-stream", {}
        else:
            part.set_content(
                text,
                subtype=subtype,
                charset="utf-8",
                params=params,
                disposition="attachment",
                filename=filename,
            )
            return part
    part.set_content(
        bytes(content),
        maintype=maintype,
        subtype=subtype,
        params=params,
        disposition="attachment",
        filename=filename,
    )
    return part


def _send_email(delivery: Delivery) -> None:
    message = delivery.message
    lines = [message.body.rstrip()] if message.body.strip() else []
    if message.url:
        lines.append(f"查看详情：{_absolute_url(message.url)}")
    lines.append(f"——{settings.LIANXI_PLATFORM_NAME}平台（系统自动发送，请勿直接回复）")
    email = EmailMessage(
        subject=message.subject,
        body="\n\n".join(lines) + "\n",
        to=[delivery.address],
        headers={
            # The Message-ID is derived from the idempotency key, never random. If a worker dies
            # in the small window after the SMTP server answered 250 (the mail is accepted) and
            # before our "sent" mark commits, the lease expires and another worker sends the mail
            # again — at-least-once delivery cannot avoid that window. The repeat then carries the
            # very same Message-ID, so the receiving server or mail client can drop it as a
            # duplicate and the person still sees the message once.
            "Message-ID": message_id_header(delivery.idempotency_key),
            "X-Lianxi-Kind": message.kind,
            "X-Lianxi-Idempotency-Key": delivery.idempotency_key,
            "Auto-Submitted": "auto-generated",
        },
    )
    for attachment in message.attachments.all():
        email.attach(
            attachment_part(attachment.filename, bytes(attachment.content), attachment.mimetype)
        )
    try:
        sent = mailers.default.send_messages([email])
    except Exception as exc:
        raise DeliveryFailed(f"邮件发送失败：{type(exc).__name__}: {exc}") from exc
    if sent != 1:
        raise DeliveryFailed("邮件服务器没有接受这封邮件。")


def webhook_payload(delivery: Delivery) -> dict[str, Any]:
    message = delivery.message
    url = _absolute_url(message.url)
    text = "\n".join(part for part in (message.subject, message.body.strip(), url) if part)
    return {
        "id": delivery.idempotency_key,
        "message": str(message.uuid),
        "kind": message.kind,
        "subject": message.subject,
        "body": message.body,
        "url": url,
        "from": message.actor_name or "系统",
        "to": {"username": delivery.user.get_username(), "name": delivery.user.first_name},
        "created_at": message.created_at.isoformat(),
        # The shape chat robots (企业微信, 钉钉 and the like) accept as a plain text message.
        "msgtype": "text",
        "text": {"content": text},
    }


def _send_webhook(delivery: Delivery) -> None:
    try:
        # Saved before the guard was switched on, or the allowed networks changed since.
        url = validate_webhook_url(delivery.address)
    except ApplicationError as exc:
        raise DeliveryRefused(exc.message) from exc
    data = json.dumps(webhook_payload(delivery), ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 - scheme checked above (http/https only)
        url,
        data=data,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": delivery.idempotency_key,
            "User-Agent": "Lianxi-Webhook/1",
        },
    )
    try:
        with webhooks.opener().open(
            request, timeout=settings.LIANXI_WEBHOOK_TIMEOUT_SECONDS
        ) as response:
            status = response.status
            response.read(4096)
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"Webhook 返回 HTTP {exc.code}") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, webhooks.AddressRefused):
            raise DeliveryRefused(str(exc.reason)) from exc
        raise DeliveryFailed(f"Webhook 无法送达：{exc}") from exc
    except webhooks.AddressRefused as exc:
        raise DeliveryRefused(str(exc)) from exc
    except (OSError, ValueError) as exc:
        raise DeliveryFailed(f"Webhook 无法送达：{exc}") from exc
    if not 200 <= status < 300:
        raise DeliveryFailed(f"Webhook 返回 HTTP {status}")


SENDERS: dict[str, Any] = {Channel.EMAIL: _send_email, Channel.WEBHOOK: _send_webhook}


def backoff_seconds(attempts: int) -> int:
    """Seconds to wait after the n-th failed attempt: base, 2×base, 4×base … (capped at a day)."""
    base = max(0, int(settings.LIANXI_DELIVERY_BACKOFF_SECONDS))
    return int(min(MAX_BACKOFF_SECONDS, base * 2 ** max(0, attempts - 1)))


def _mark_sent(delivery: Delivery, worker_id: str) -> bool:
    now = timezone.now()
    return (
        Delivery.objects.filter(pk=delivery.pk, status=Status.CLAIMED, claimed_by=worker_id).update(
            status=Status.SENT, sent_at=now, lease_until=None, last_error="", updated_at=now
        )
        == 1
    )


def _mark_failed(delivery: Delivery, worker_id: str, error: str, *, final: bool = False) -> str:
    now = timezone.now()
    mine = Delivery.objects.filter(pk=delivery.pk, status=Status.CLAIMED, claimed_by=worker_id)
    if final or delivery.attempts >= settings.LIANXI_DELIVERY_MAX_ATTEMPTS:
        with transaction.atomic():
            if mine.update(
                status=Status.DEAD, lease_until=None, last_error=error[:2000], updated_at=now
            ):
                audit_record(
                    actor=None,
                    action="delivery.dead",
                    target=delivery.message,
                    data={
                        "delivery": delivery.pk,
                        "channel": delivery.channel,
                        "user": delivery.user_id,
                        "attempts": delivery.attempts,
                        "error": error[:500],
                    },
                )
        return "dead"
    mine.update(
        status=Status.PENDING,
        next_attempt_at=now + timedelta(seconds=backoff_seconds(delivery.attempts)),
        lease_until=None,
        last_error=error[:2000],
        updated_at=now,
    )
    return "retry"


def _deliver(delivery: Delivery, worker_id: str) -> str:
    if not _still_mine(delivery, worker_id):
        return "lost"
    if delivery.attempts > settings.LIANXI_DELIVERY_MAX_ATTEMPTS:
        # Claimed again and again without an outcome: its workers keep dying while sending it.
        return _mark_failed(delivery, worker_id, "多次投递均未完成（处理进程在投递中中断）")
    sender = SENDERS.get(delivery.channel)
    try:
        if sender is None:
            raise DeliveryFailed(f"未知的投递渠道 {delivery.channel}")
        sender(delivery)
    except DeliveryFailed as exc:
        logger.warning("delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, exc)
        return _mark_failed(delivery, worker_id, str(exc), final=isinstance(exc, DeliveryRefused))
    if not _mark_sent(delivery, worker_id):
        logger.warning("delivery %s was sent but its lease had been taken over", delivery.pk)
    return "sent"


@dataclass
class DispatchResult:
    sent: int = 0
    retry: int = 0
    dead: int = 0
    lost: int = 0
    ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "retry": self.retry, "dead": self.dead, "lost": self.lost}


def deliveries_dispatch(
    *,
    worker_id: str | None = None,
    message_id: int | None = None,
    budget_seconds: float | None = None,
) -> DispatchResult:
    """Claim and send what is due (of one message, or all), until nothing is due or time is up."""
    worker_id = worker_id or default_worker_id()
    result = DispatchResult()
    started = time.monotonic()
    while True:
        ids = deliveries_claim(worker_id=worker_id, message_id=message_id)
        if not ids:
            break
        deliveries: Iterable[Delivery] = (
            Delivery.objects.filter(pk__in=ids)
            .select_related("message", "user")
            .prefetch_related("message__attachments")
            .order_by("id")
        )
        for delivery in deliveries:
            outcome = _deliver(delivery, worker_id)
            setattr(result, outcome, getattr(result, outcome) + 1)
            result.ids.append(delivery.pk)
        if budget_seconds is not None and time.monotonic() - started > budget_seconds:
            break
    return result


def dispatch_due(now: datetime | None = None) -> dict[str, int]:
    """Tick handler: send every delivery that is due or whose worker's lease ran out."""
    return deliveries_dispatch(
        budget_seconds=max(5.0, settings.LIANXI_TICK_SECONDS * 0.8)
    ).as_dict()
