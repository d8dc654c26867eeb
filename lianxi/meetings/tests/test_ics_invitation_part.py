"""An invitation mail as Outlook, Apple Mail and Thunderbird expect it (issue 18): the meeting is
the message's ``text/calendar; method=REQUEST`` alternative to its text (RFC 6047 §2.4), not
only a file attached to it; sent to the real SMTP server of the mail tests and read back from the
received bytes with `email` and `icalendar`."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from typing import Any

import pytest
from django.db import transaction
from icalendar import Calendar

from lianxi.meetings.ics import meeting_ics_attachment
from lianxi.meetings.models import Meeting
from lianxi.notifications.services import deliveries_dispatch, notify
from lianxi.notifications.tests.servers import SmtpServer

from .test_ics import invite, make_meeting

pytestmark = pytest.mark.django_db


def _send(
    smtp: SmtpServer, meeting: Meeting, unit: Any, body: str, method: str = "REQUEST"
) -> EmailMessage:
    """The notice with the meeting's .ics, as the SMTP server received it (parsed from bytes)."""
    with transaction.atomic():
        notify(
            recipients=[unit],
            kind="meeting.notice",
            subject=f"会议通知：{meeting.title}",
            body=body,
            attachments=[meeting_ics_attachment(meeting, method=method, for_unit=unit)],
        )
    assert deliveries_dispatch().sent == 1
    raw = smtp.recorder.received[-1].raw
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_the_invitation_is_the_mails_text_calendar_request_alternative_三_一_1(
    smtp: SmtpServer, mechanism: Any, clerk: Any, unit_named: Any, other_liaison: Any
) -> None:
    """三(一)1: the notice is multipart/alternative of the text and the meeting as
    text/calendar; method=REQUEST; charset=utf-8, the same VEVENT (UID, METHOD) as the .ics that
    stays attached for clients that look for a file."""
    hrss = unit_named("市人力资源和社会保障局")
    meeting = make_meeting(mechanism, created_by=clerk)
    invite(meeting, hrss)
    message = _send(smtp, meeting, hrss, "请在平台上答复是否出席。")
    assert message.get_content_type() == "multipart/mixed"
    first, *rest = list(message.iter_parts())
    assert first.get_content_type() == "multipart/alternative"
    plain, calendar_part = list(first.iter_parts())
    assert plain.get_content_type() == "text/plain"
    assert "请在平台上答复是否出席。" in plain.get_content()
    assert calendar_part.get_content_type() == "text/calendar"
    assert calendar_part.get_param("method") == "REQUEST"
    assert str(calendar_part.get_param("charset")).lower() == "utf-8"
    assert calendar_part.get_content_disposition() is None  # shown as the invitation, not a file
    parsed = Calendar.from_ical(calendar_part.get_content())
    assert str(parsed["METHOD"]) == "REQUEST"
    [event] = parsed.walk("VEVENT")
    assert str(event["UID"]) == meeting.ical_uid
    assert str(event["SUMMARY"]) == meeting.title
    # The file is still there, byte for byte the same calendar.
    [attached] = rest
    assert attached.get_filename() == "meeting.ics"
    assert attached.get_content_disposition() == "attachment"
    assert attached.get_content() == calendar_part.get_content()


def test_a_cancellation_is_the_mails_method_cancel_alternative(
    smtp: SmtpServer, mechanism: Any, clerk: Any, unit_named: Any, other_liaison: Any
) -> None:
    """A cancelled meeting's notice carries METHOD:CANCEL in the same place, so the calendar
    client removes the event it has."""
    hrss = unit_named("市人力资源和社会保障局")
    meeting = make_meeting(mechanism, created_by=clerk)
    invite(meeting, hrss)
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.CANCELLED, ical_sequence=1, cancelled_reason="时间冲突"
    )
    meeting.refresh_from_db()
    message = _send(smtp, meeting, hrss, "会议取消。", method="CANCEL")
    alternative = next(message.iter_parts())
    _, calendar_part = list(alternative.iter_parts())
    assert calendar_part.get_param("method") == "CANCEL"
    assert str(Calendar.from_ical(calendar_part.get_content())["METHOD"]) == "CANCEL"
