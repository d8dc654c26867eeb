"""Reads of messages that pages, the header and the API share."""

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.policy import default as mail_policy
from pathlib import Path
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from lianxi.organization.access import mechanism_id_of
from lianxi.organization.models import Membership

from .access import visible_inbox, visible_outbox
from .mail_files import KEY_HEADER, mail_file, mail_files
from .models import Delivery

INBOX = Delivery.Channel.INBOX


def unread_count(*, user: Any) -> int:
    """The number in the header: unread messages in this person's inbox (one query)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return visible_inbox(user).filter(read_at__isnull=True).count()


def inbox_items(*, user: Any, unread_only: bool = False) -> QuerySet[Delivery]:
    """A person's inbox, newest first, each item with its message."""
    items = visible_inbox(user).select_related("message")
    if unread_only:
        items = items.filter(read_at__isnull=True)
    return items.order_by("-message__created_at", "-id")


def inbox_item(*, user: Any, pk: int) -> Delivery | None:
    """One item of this person's inbox; None for anyone else's (the caller answers 404)."""
    return inbox_items(user=user).filter(pk=pk).first()


def newest_unread(*, user: Any, limit: int = 5) -> list[Delivery]:
    return list(inbox_items(user=user, unread_only=True)[:limit])


def dead_letters(user: Any) -> QuerySet[Delivery]:
    """Deliveries of this joint meeting that failed for good, newest first, each recipient with
    their unit here (`user.units_here`)."""
    units_here = (
        Membership.objects.filter(unit__mechanism_id=mechanism_id_of(user) or 0, active=True)
        .select_related("unit")
        .order_by("id")
    )
    return (
        visible_outbox(user)
        .filter(status=Delivery.Status.DEAD)
        .select_related("message", "user")
        .prefetch_related(Prefetch("user__memberships", units_here, to_attr="units_here"))
        .order_by("-updated_at", "-id")
    )


def outbox_stats(user: Any) -> dict[str, int]:
    """How many external deliveries of this joint meeting are in each state (one query)."""
    counts = {status: 0 for status in Delivery.Status.values}
    rows = (
        visible_outbox(user)
        .exclude(channel=INBOX)
        .values("status")
        .annotate(n=Count("id"))
        .order_by("status")
    )
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def retrying_deliveries(user: Any) -> QuerySet[Delivery]:
    """Deliveries of this joint meeting that failed at least once and will be tried again (not
    dead yet): the dead-letters page shows them with their attempts and next try."""
    return (
        visible_outbox(user)
        .filter(status__in=[Delivery.Status.PENDING, Delivery.Status.CLAIMED], attempts__gt=0)
        .select_related("message", "user")
        .order_by("next_attempt_at", "id")
    )


@dataclass(frozen=True)
class LocalMail:
    name: str
    subject: str
    to: str
    at: datetime


HEADER_BYTES = 64 * 1024  # a mail's headers are far shorter; its attachments may be megabytes


def _headers(path: Path) -> Any:
    """The file's headers, reading no further than HEADER_BYTES (the parser would read the
    whole file, attachments included, and the list reads up to 200 files; headers-only parsing
    ignores whatever of the body the slice holds)."""
    with path.open("rb") as fh:
        return BytesHeaderParser(policy=mail_policy).parsebytes(fh.read(HEADER_BYTES))


def local_mail(user: Any, *, limit: int = 50) -> list[LocalMail]:
    """The mail files local mode wrote (lianxi.notifications.mail_files) for deliveries of the
    joint meeting this person acts in, newest first; empty when mail goes to a real server.
    A file names its delivery in the X-Lianxi-Idempotency-Key header; one query decides which
    of them this person may see."""
    files = mail_files(limit=limit * 4)
    if not files:
        return []
    read = [(path, at, _headers(path)) for path, at in files]
    keys = {str(h.get(KEY_HEADER, "")) for _, _, h in read}
    visible = set(
        visible_outbox(user)
        .filter(idempotency_key__in=keys)
        .values_list("idempotency_key", flat=True)
    )
    return [
        LocalMail(
            name=path.name,
            subject=str(h.get("Subject", "")),
            to=str(h.get("To", "")),
            at=at,
        )
        for path, at, h in read
        if str(h.get(KEY_HEADER, "")) in visible
    ][:limit]


def local_mail_file(user: Any, name: str) -> Path | None:
    """One local mail file this person may open, or None (the caller answers 404)."""
    path = mail_file(name)
    if path is None:
        return None
    key = str(_headers(path).get(KEY_HEADER, ""))
    if not key or not visible_outbox(user).filter(idempotency_key=key).exists():
        return None
    return path


@dataclass(frozen=True)
class OpenedMail:
    """A local mail file as its reader sees it: headers, the text, the attachments' names."""

    name: str
    raw: bytes
    message: EmailMessage
    at: datetime | None
    text: str
    files: list[str]


def opened_local_mail(user: Any, name: str) -> OpenedMail | None:
    """One local mail file this person may open, read and parsed, or None (404)."""
    path = local_mail_file(user, name)
    if path is None:
        return None
    raw = path.read_bytes()
    parsed = BytesParser(policy=mail_policy).parsebytes(raw)
    assert isinstance(parsed, EmailMessage)  # the default policy's message class
    body = parsed.get_body(preferencelist=("plain", "html"))
    date = parsed["Date"]
    return OpenedMail(
        name=path.name,
        raw=raw,
        message=parsed,
        at=getattr(date, "datetime", None),
        text=body.get_content() if body is not None else "",
        files=[
            part.get_filename() or part.get_content_type() for part in parsed.iter_attachments()
        ],
    )
