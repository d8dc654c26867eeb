"""Writing messages: `notify`, the one entry point for every other app.

It runs inside the caller's transaction and writes the message and its deliveries there, so a
message exists exactly when the change that caused it does.
"""

from __future__ import annotations

import logging
import os
import urllib.parse
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError
from lianxi.core.text import one_line
from lianxi.organization.access import mechanism_id_of, user_of
from lianxi.organization.models import Mechanism, Membership, Unit

from ..channels import external_addresses
from ..channels.email import content_type
from ..models import Delivery, Message, MessageAttachment, NotificationSettings

logger = logging.getLogger("lianxi.notifications.services")

Channel = Delivery.Channel
Status = Delivery.Status

# The roles of a unit that a message to the unit reaches (DESIGN.md: its member and liaison).
UNIT_RECIPIENT_ROLES = (Membership.Role.MEMBER, Membership.Role.LIAISON)
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # all of one message's attachments together

# (filename, content, mimetype), e.g. ("meeting.ics", b"BEGIN:VCALENDAR…",
# "text/calendar; method=REQUEST; charset=UTF-8")
Attachment = tuple[str, bytes, str]


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


def _valid_mimetype(mimetype: str) -> bool:
    bare = mimetype.split(";", 1)[0].strip().lower()
    maintype, _, subtype = bare.partition("/")
    if not maintype or not subtype or len(mimetype) > 200:
        return False
    # The e-mail parser falls back to text/plain for a type it cannot read.
    return bool(content_type(mimetype).get_content_type() == bare)


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
        filename = one_line(os.path.basename(str(filename or "").replace("\\", "/")))
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
    # One line, whatever the domain built it from (a title sent with a line break by another
    # system reached no one: Django refuses such a Subject and the delivery died, issue 17).
    subject = one_line(subject or "")
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
                mechanism_id=message.mechanism_id,
                user=user,
                channel=Channel.INBOX,
                idempotency_key=idempotency_key(message, user.pk, Channel.INBOX),
                # The inbox is this database: the delivery is done when the transaction commits.
                status=Status.SENT,
                sent_at=now,
            )
        )
        for channel, address in external_addresses(user, prefs.get(user.pk)).items():
            rows.append(
                Delivery(
                    message=message,
                    mechanism_id=message.mechanism_id,
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
    from ..tasks import dispatch_message

    try:
        dispatch_message.enqueue(message_id)
    except Exception:
        # Nothing is lost: the deliveries are in the outbox and the next tick dispatches them.
        logger.exception("could not enqueue dispatch of message %s; the tick will", message_id)
