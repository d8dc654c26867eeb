"""The invitation's .ics travels with the e-mail to a real SMTP server (aiosmtpd) and parses there
with two independent parsers."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
from django.db import transaction

from lianxi.meetings.ics import meeting_ics_attachment, substitute_address, unit_address
from lianxi.meetings.models import Attendance, Meeting
from lianxi.notifications.services import deliveries_dispatch, notify
from lianxi.notifications.tests.servers import SmtpServer

from .test_ics import both, invite, make_meeting

pytestmark = pytest.mark.django_db


def params(value: str) -> tuple[str, dict[str, str]]:
    header = EmailMessage()
    header["Content-Type"] = value
    return header.get_content_type(), dict(header["Content-Type"].params)


def test_invitation_mail_carries_the_ics_三_一_1(
    smtp: SmtpServer, mechanism: Any, clerk: Any, unit_named: Any, other_liaison: Any
) -> None:
    """三(一)1: the notice to a unit carries the meeting as text/calendar; method=REQUEST, with
    the unit on leave shown as delegating to its substitute."""
    hrss = unit_named("市人力资源和社会保障局")
    meeting = make_meeting(mechanism, created_by=clerk)
    invite(meeting, unit_named("市卫生健康委"), status=Attendance.Status.ATTENDING)
    invite(
        meeting, hrss, status=Attendance.Status.ON_LEAVE, substitute_name="孙明",
        substitute_title="副局长",
    )  # fmt: skip
    with transaction.atomic():
        notify(
            recipients=[hrss],
            kind="meeting.notice",
            subject=f"会议通知：{meeting.title}",
            body="请在平台上答复是否出席。",
            attachments=[meeting_ics_attachment(meeting, for_unit=hrss)],
        )
    assert deliveries_dispatch().sent == 1
    [mail] = smtp.recorder.received
    assert mail.to == ["hrss@example.org"]
    [attachment] = mail.attachments
    assert attachment.filename == "meeting.ics"
    assert params(attachment.content_type) == (
        "text/calendar",
        {"charset": "utf-8", "method": "REQUEST"},
    )
    for parsed in both(attachment.content):
        assert parsed["method"] == "REQUEST"
        assert parsed["uid"] == meeting.ical_uid
        unit = parsed["attendees"][unit_address(hrss.pk)]
        assert unit["PARTSTAT"] == "DELEGATED"
        assert unit["DELEGATED-TO"] == substitute_address(hrss.pk)
        assert parsed["attendees"][substitute_address(hrss.pk)]["DELEGATED-FROM"] == (
            unit_address(hrss.pk)
        )


def test_cancellation_mail_carries_method_cancel(
    smtp: SmtpServer, mechanism: Any, clerk: Any, unit_named: Any, other_liaison: Any
) -> None:
    hrss = unit_named("市人力资源和社会保障局")
    meeting = make_meeting(mechanism, created_by=clerk)
    invite(meeting, hrss)
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.CANCELLED, ical_sequence=1, cancelled_reason="时间冲突"
    )
    meeting.refresh_from_db()
    with transaction.atomic():
        notify(
            recipients=[hrss],
            kind="meeting.cancelled",
            subject=f"会议取消：{meeting.title}",
            body="会议取消。",
            attachments=[meeting_ics_attachment(meeting, method="CANCEL")],
        )
    deliveries_dispatch()
    [attachment] = smtp.recorder.received[0].attachments
    assert params(attachment.content_type)[1]["method"] == "CANCEL"
    for parsed in both(attachment.content):
        assert parsed["method"] == "CANCEL"
        assert parsed["status"] == "CANCELLED"
        assert parsed["sequence"] == 1


def test_meeting_services_send_request_update_and_cancel_三_一_1(
    smtp: SmtpServer, make_plenary: Any, sec: Any, other_liaison: Any
) -> None:
    """三(一)1 through the meetings services: the notice, a change of place and the cancellation
    each carry the .ics — same UID, SEQUENCE 0 → 1 → 2, the last one METHOD:CANCEL."""
    from lianxi.meetings import services

    meeting = make_plenary()
    services.meeting_update(meeting=meeting, actor=sec, location="市政府第一会议室")
    services.meeting_cancel(meeting=meeting, reason="与市政府常务会议时间冲突", actor=sec)
    deliveries_dispatch()
    mails = [m for m in smtp.recorder.received if m.to == ["hrss@example.org"]]
    assert len(mails) == 3
    seen = []
    for mail in mails:
        [attachment] = mail.attachments
        _, mime_params = params(attachment.content_type)
        parsed, _ = both(attachment.content)
        assert parsed["uid"] == meeting.ical_uid
        assert mime_params["method"] == parsed["method"]
        seen.append((parsed["method"], parsed["sequence"], parsed["status"], parsed["location"]))
    assert sorted(seen, key=lambda s: s[1]) == [
        ("REQUEST", 0, "CONFIRMED", "市卫生健康委三楼会议室"),
        ("REQUEST", 1, "CONFIRMED", "市政府第一会议室"),
        ("CANCEL", 2, "CANCELLED", "市政府第一会议室"),
    ]
