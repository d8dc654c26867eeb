"""The change notice (会议变更通知, 三(一)1) and inviting by name (三(一)2)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from icalendar import Calendar

from lianxi.core.dates import cn_datetime
from lianxi.meetings import services
from lianxi.meetings.models import Attendance, Meeting
from lianxi.notifications.models import Message
from lianxi.organization.models import Unit

from .fixtures import attendance_of, soon

pytestmark = pytest.mark.django_db


def unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


def _answer(plenary: Meeting, person: Any) -> Attendance:
    return services.attendance_answer(
        attendance=attendance_of(plenary, person.membership.unit),
        actor=person.membership,
        attending=True,
        attendee_name="刘副局长",
    )


def test_a_change_of_time_says_原定_现调整为_and_the_stored_notice_follows_三_一_1(
    plenary: Meeting, sec: Any, other_liaison: Any, gov_reader: Any, login: Any, clerk: Any
) -> None:
    """三(一)1 (会议通知): the change notice names the old and the new time; the notice on the
    page no longer gives the old time as the meeting's; a move within the day keeps answers."""
    _answer(plenary, other_liaison)
    old = plenary.starts_at
    old_text = f"{cn_datetime(old)}"
    moved = services.meeting_update(
        meeting=plenary,
        actor=sec,
        starts_at=old + timedelta(hours=5),
        ends_at=plenary.ends_at + timedelta(hours=5),
    )
    change = moved.change_notice_text
    assert change.index("原定于") < change.index("现调整为")
    assert old_text in change and cn_datetime(moved.starts_at) in change
    assert "此前的答复继续有效" in change
    assert old_text not in moved.notice_text  # the stored notice follows the change
    assert cn_datetime(moved.starts_at) in moved.notice_text
    assert attendance_of(moved, other_liaison.membership.unit).status == "attending"
    message = Message.objects.filter(subject__startswith="会议变更通知").get()
    assert message.body.startswith(change)
    page = login(other_liaison).get(f"/meetings/{plenary.pk}/").content.decode()
    assert "会议变更通知" in page and "原定于" in page
    # No line on the page shows the old time as the meeting's time.
    notice_part = page.split('id="notice"')[1]
    assert old_text not in notice_part


def test_a_move_to_another_day_asks_units_to_answer_again_三_一_1(
    plenary: Meeting, sec: Any, other_liaison: Any
) -> None:
    """三(一)1: leave and substitutes were asked for one day; a new day needs new answers, and
    the change notice says so."""
    _answer(plenary, other_liaison)
    moved = services.meeting_update(
        meeting=plenary,
        actor=sec,
        starts_at=plenary.starts_at + timedelta(days=2),
        ends_at=plenary.ends_at + timedelta(days=2),
    )
    assert "此前的答复不再有效" in moved.change_notice_text
    assert attendance_of(moved, other_liaison.membership.unit).status == "pending"


def test_a_change_of_title_alone_reaches_calendars(
    plenary: Meeting, sec: Any, other_liaison: Any
) -> None:
    """A new title is a change of the calendar event: SEQUENCE rises and the update is sent."""
    before = plenary.ical_sequence
    changed = services.meeting_update(meeting=plenary, actor=sec, title="联席会议2026年全体会议")
    assert changed.ical_sequence == before + 1
    message = Message.objects.filter(subject__startswith="会议变更通知").get()
    assert "会议名称调整为" in message.body
    [ics] = message.attachments.all()
    event = next(c for c in Calendar.from_ical(bytes(ics.content)).walk("VEVENT"))
    assert str(event["SUMMARY"]) == "联席会议2026年全体会议"
    assert int(str(event["SEQUENCE"])) == before + 1
    assert "联席会议2026年全体会议" in changed.notice_text


def test_the_chair_unit_invites_a_unit_by_name_三_一_2(sec: Any, safety_liaison: Any) -> None:
    """三(一)2: 也可根据工作需要邀请其他有关部门和单位参加 — the entrusted chair unit invites a
    unit not yet on the list, by name, as the form offers."""
    meeting = services.topical_meeting_entrust(
        title="尘肺病防治专题会议",
        topic="粉尘危害治理",
        chair_unit=unit("市应急管理局"),
        concerned_units=[unit("市卫生健康委")],
        starts_at=soon(),
        ends_at=soon(hour=11),
        location="市应急管理局会议室",
        actor=sec,
    )
    attendance = services.meeting_invite_unit(
        meeting=meeting,
        unit=None,
        new_unit_name="市疾病预防控制中心",
        invited_as="member",
        actor=safety_liaison.membership,
    )
    assert attendance.unit.name == "市疾病预防控制中心"
    assert attendance.unit.kind == Unit.Kind.INVITED
    assert attendance.invited_as == Attendance.InvitedAs.OBSERVER
