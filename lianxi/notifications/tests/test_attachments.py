"""Attachments: files a message carries with its e-mail (e.g. a meeting's .ics), not in the inbox
or the webhook. Delivered to a real SMTP server (aiosmtpd)."""

from email.message import EmailMessage
from typing import Any

import pytest

from lianxi.core.exceptions import ApplicationError
from lianxi.core.models import AuditEvent
from lianxi.notifications.models import Delivery, Message, MessageAttachment, NotificationSettings
from lianxi.notifications.services import (
    attachment_part,
    deliveries_dispatch,
    notify,
    webhook_payload,
)

from .servers import SmtpServer, WebhookServer

pytestmark = pytest.mark.django_db

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//ZH\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:1@lianxi\r\nDTSTAMP:20260301T000000Z\r\n"
    "DTSTART:20260320T010000Z\r\nSUMMARY:全体会议\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
).encode()
ICS_TYPE = "text/calendar; method=REQUEST; charset=UTF-8"
PDF = b"%PDF-1.7\n\x00\xff\xfe binary \x80\x81"


def content_type(value: str) -> tuple[str, dict[str, str]]:
    header = EmailMessage()
    header["Content-Type"] = value
    return header.get_content_type(), dict(header["Content-Type"].params)


def send(to: Any, **kwargs: Any) -> Message:
    return notify(
        recipients=[to],
        kind="meeting.invited",
        subject="关于召开联席会议全体会议的通知",
        body="定于 3 月 20 日上午召开全体会议。",
        url="/meetings/1/",
        **kwargs,
    )


def test_ics_arrives_attached_with_its_method(smtp: SmtpServer, health_liaison: Any) -> None:
    message = send(
        health_liaison,
        attachments=[("meeting.ics", ICS, ICS_TYPE), ("材料.pdf", PDF, "application/pdf")],
    )
    assert deliveries_dispatch().sent == 1
    [mail] = smtp.recorder.received
    assert "定于 3 月 20 日上午召开全体会议。" in mail.body  # the text is still the body
    assert mail.headers["Content-Type"].startswith("multipart/mixed")
    ics, pdf = mail.attachments
    assert ics.filename == "meeting.ics"
    assert content_type(ics.content_type) == (
        "text/calendar",
        {"charset": "utf-8", "method": "REQUEST"},
    )
    assert ics.content == ICS  # byte for byte, CRLF line ends and Chinese included
    assert pdf.filename == "材料.pdf"
    assert pdf.content_type == "application/pdf"
    assert pdf.content == PDF
    stored = list(MessageAttachment.objects.filter(message=message))
    assert [a.filename for a in stored] == ["meeting.ics", "材料.pdf"]
    event = AuditEvent.objects.get(action="message.send", target_id=str(message.pk))
    assert event.data["attachments"] == ["meeting.ics", "材料.pdf"]


def test_a_retried_delivery_sends_the_same_attachment(
    smtp: SmtpServer, fast_retries: Any, health_liaison: Any
) -> None:
    smtp.recorder.fail_next = 1
    message = send(health_liaison, attachments=[("meeting.ics", ICS, ICS_TYPE)])
    assert deliveries_dispatch().retry == 1
    Delivery.objects.filter(message=message).update(next_attempt_at=message.created_at)
    assert deliveries_dispatch().sent == 1
    [mail] = smtp.recorder.received
    assert mail.attachments[0].content == ICS


def test_each_person_of_a_unit_gets_the_attachment(
    smtp: SmtpServer, health_liaison: Any, health_member: Any
) -> None:
    send(health_liaison.membership.unit, attachments=[("meeting.ics", ICS, ICS_TYPE)])
    deliveries_dispatch()
    assert len(smtp.recorder.received) == 2
    assert all(m.attachments[0].content == ICS for m in smtp.recorder.received)


def test_the_inbox_and_the_webhook_leave_attachments_out(
    login: Any, webhook: WebhookServer, health_liaison: Any
) -> None:
    NotificationSettings.objects.create(
        user=health_liaison, email_enabled=False, webhook_url=webhook.url
    )
    message = send(health_liaison, attachments=[("meeting.ics", ICS, ICS_TYPE)])
    assert deliveries_dispatch().sent == 1
    [request] = webhook.recorder.requests
    assert "attachments" not in request["json"]
    assert "BEGIN:VCALENDAR" not in str(request["json"])
    delivery = Delivery.objects.get(message=message, channel="webhook")
    assert webhook_payload(delivery) == request["json"]
    inbox = Delivery.objects.get(message=message, channel="inbox")
    page = login(health_liaison).get(f"/messages/{inbox.pk}/").content.decode()
    assert "关于召开联席会议全体会议的通知" in page
    assert "BEGIN:VCALENDAR" not in page


def test_a_message_without_attachments_is_a_plain_mail(
    smtp: SmtpServer, health_liaison: Any
) -> None:
    send(health_liaison)
    deliveries_dispatch()
    [mail] = smtp.recorder.received
    assert mail.attachments == []
    assert mail.headers["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    ("attachment", "error"),
    [
        (("", ICS, ICS_TYPE), "文件名"),
        (("meeting.ics", "not bytes", ICS_TYPE), "字节"),
        (("meeting.ics", ICS, "calendar"), "类型"),
        (("meeting.ics", ICS, "nonsense/"), "类型"),
        (("meeting.ics", ICS), "三项"),
        (("big.bin", b"0" * (10 * 1024 * 1024 + 1), "application/octet-stream"), "10 MB"),
    ],
)
def test_bad_attachments_are_refused_and_nothing_is_written(
    health_liaison: Any, attachment: Any, error: str
) -> None:
    with pytest.raises(ApplicationError) as caught:
        send(health_liaison, attachments=[attachment])
    assert error in caught.value.message
    assert not Message.objects.exists()
    assert not Delivery.objects.exists()


def test_a_repeated_key_keeps_the_first_messages_attachments(health_liaison: Any) -> None:
    first = send(health_liaison, key="k1", attachments=[("meeting.ics", ICS, ICS_TYPE)])
    second = send(health_liaison, key="k1", attachments=[("other.ics", ICS, ICS_TYPE)])
    assert first.pk == second.pk
    assert list(MessageAttachment.objects.values_list("filename", flat=True)) == ["meeting.ics"]


def test_path_parts_are_stripped_from_filenames(health_liaison: Any) -> None:
    message = send(health_liaison, attachments=[("../../etc/会议.ics", ICS, ICS_TYPE)])
    assert message.attachments.get().filename == "会议.ics"


def test_text_that_is_not_valid_in_its_charset_goes_as_bytes() -> None:
    part = attachment_part("x.txt", PDF, "text/plain; charset=utf-8")
    assert part.get_content_type() == "application/octet-stream"
    assert part.get_payload(decode=True) == PDF


def test_an_invitation_is_also_the_mails_calendar_alternative(
    smtp: SmtpServer, health_liaison: Any
) -> None:
    """iMIP (RFC 6047): a text/calendar file with a method is the text's alternative part as
    well (Outlook shows an invitation, not a file); a calendar without a method is a file only."""
    import email as email_lib
    import email.policy

    send(health_liaison, attachments=[("meeting.ics", ICS, ICS_TYPE)])
    send(health_liaison, attachments=[("feed.ics", ICS, "text/calendar; charset=UTF-8")])
    deliveries_dispatch()
    invitation, plain_file = (
        email_lib.message_from_bytes(m.raw, policy=email.policy.default)
        for m in smtp.recorder.received
    )
    alternative = next(invitation.iter_parts())
    assert alternative.get_content_type() == "multipart/alternative"
    text, calendar = alternative.iter_parts()
    assert text.get_content_type() == "text/plain"
    assert content_type(str(calendar["Content-Type"])) == (
        "text/calendar",
        {"charset": "utf-8", "method": "REQUEST"},
    )
    assert calendar.get_content().encode() == ICS
    assert next(plain_file.iter_parts()).get_content_type() == "text/plain"
    assert [a.get_filename() for a in plain_file.iter_attachments()] == ["feed.ics"]
