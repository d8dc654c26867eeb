"""电子邮件: to the address on the person's account, unless they switched it off; the message's
files travel as attachments.

A calendar invitation (a file of type ``text/calendar`` with a ``method``, e.g. a meeting's
.ics as ``text/calendar; method=REQUEST``) is also the message's alternative to its text (iMIP,
RFC 6047 §2.4): ``multipart/mixed`` of ``multipart/alternative`` (text/plain, then the
text/calendar part with its method and charset=utf-8, no file name) and the .ics attached. This
is the shape Outlook, Apple Mail and Thunderbird show as an invitation to accept; a calendar that
is only attached shows as a file.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from email.message import EmailMessage as MimeMessage
from email.message import MIMEPart
from email.policy import default as mime_policy
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.mail import EmailMessage, mailers

from lianxi.core.text import one_line

from . import ChannelSpec, DeliveryFailed, absolute_url

if TYPE_CHECKING:
    from ..models import Delivery, NotificationSettings


def message_id_header(key: str) -> str:
    """A stable RFC 5322 Message-ID from the idempotency key.

    The domain is the platform's own host name (the same for every worker of one installation),
    not the machine's, so two workers sending the same delivery produce the same Message-ID.
    """
    host = urllib.parse.urlsplit(settings.LIANXI_SITE_URL).hostname or "lianxi.localhost"
    return f"<{key}@{host}>"


def content_type(mimetype: str) -> Any:
    header = MimeMessage(policy=mime_policy)
    header["Content-Type"] = mimetype
    return header


def attachment_part(filename: str, content: bytes, mimetype: str) -> MIMEPart:
    """One MIME part for an attachment, keeping the type's parameters (``method=REQUEST``).

    Django's `EmailMessage.attach()` takes only a bare ``type/subtype``, so the part is built
    here: text is re-encoded as UTF-8, anything else goes as base64 bytes.
    """
    filename = one_line(filename)  # a header parameter: one line, whatever was stored
    header = content_type(mimetype)
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


def calendar_alternative(content: bytes, mimetype: str) -> MIMEPart | None:
    """The invitation as the message's text/calendar alternative, for a file that is one (a
    text/calendar with a method whose text reads as its charset); None for any other file."""
    header = content_type(mimetype)
    if header.get_content_type() != "text/calendar":
        return None
    params = {k.lower(): str(v) for k, v in header["Content-Type"].params.items()}
    method = params.get("method", "").upper()
    if not method:
        return None
    try:
        text = bytes(content).decode(params.get("charset", "utf-8"))
    except (LookupError, UnicodeDecodeError):
        return None
    part = MIMEPart(policy=mime_policy)
    part.set_content(text, subtype="calendar", charset="utf-8", params={"method": method})
    return part


class _InvitationEmail(EmailMessage):
    """Django's message with the invitation, if any, as its text body's alternative.

    (EmailMultiAlternatives cannot give a text/calendar part its ``method`` parameter.)"""

    def __init__(self, *args: Any, invitation: MIMEPart | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def _add_bodies(self, msg: Any) -> None:
        super()._add_bodies(msg)  # type: ignore[misc]
        if self.invitation is not None:
            msg.make_alternative()
            msg.attach(self.invitation)


def _send_email(delivery: Delivery) -> None:
    message = delivery.message
    lines = [message.body.rstrip()] if message.body.strip() else []
    if message.url:
        lines.append(f"查看详情：{absolute_url(message.url)}")
    lines.append(f"——{settings.LIANXI_PLATFORM_NAME}平台（系统自动发送，请勿直接回复）")
    attachments = list(message.attachments.all())
    # One invitation per message: the first calendar file that is one (a mail client shows a
    # single invitation; any other .ics stays a file).
    invitation = next(
        (
            part
            for part in (calendar_alternative(bytes(a.content), a.mimetype) for a in attachments)
            if part is not None
        ),
        None,
    )
    email = _InvitationEmail(
        invitation=invitation,
        # One line even for a message stored before notify() made its subject one (a line
        # break in a Subject is refused by Django: the mail would never go).
        subject=one_line(message.subject),
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
    for attachment in attachments:
        email.attach(
            attachment_part(attachment.filename, bytes(attachment.content), attachment.mimetype)
        )
    try:
        sent = mailers.default.send_messages([email])
    except Exception as exc:
        raise DeliveryFailed(f"邮件发送失败：{type(exc).__name__}: {exc}") from exc
    if sent != 1:
        raise DeliveryFailed("邮件服务器没有接受这封邮件。")


def _address(user: Any, prefs: NotificationSettings | None) -> str:
    enabled = prefs.email_enabled if prefs is not None else True
    return user.email if enabled and user.email else ""


def _fields() -> dict[str, forms.Field]:
    return {"email_enabled": forms.BooleanField(label="通过电子邮件接收消息", required=False)}


def _initial(prefs: NotificationSettings, names: list[str]) -> dict[str, Any]:
    return {"email_enabled": prefs.email_enabled}


def _apply(prefs: NotificationSettings, values: Mapping[str, Any]) -> dict[str, Any]:
    prefs.email_enabled = bool(values.get("email_enabled"))
    return {"email_enabled": prefs.email_enabled}


def _help(user: Any) -> str:
    if user.email:
        return f"邮件将发往 {user.email}。"
    return "您的账号尚未登记电子邮箱，请联系安全管理员或联席会议办公室登记。"


CHANNEL = ChannelSpec(
    label="电子邮件",
    address=_address,
    send=_send_email,
    settings_fields=_fields,
    settings_initial=_initial,
    settings_apply=_apply,
    settings_help=_help,
)
