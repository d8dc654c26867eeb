"""Meeting invitations as .ics (RFC 5545 / iTIP), checked with two independent parsers.

Built directly with the ORM: the meetings services are written alongside this file.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from lianxi.meetings.ics import (
    ics_mimetype,
    meeting_ics,
    meeting_ics_attachment,
    substitute_address,
    unit_address,
)
from lianxi.meetings.models import AgendaItem, Attendance, Meeting
from lianxi.organization.models import Unit

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
Status = Attendance.Status


# --- Builders (shared with test_feed.py) ----------------------------------------------------


def make_meeting(
    mechanism: Any,
    *,
    created_by: Any,
    chair: Unit | None = None,
    kind: str = Meeting.Kind.PLENARY,
    title: str = "2026年联席会议全体会议",
    status: str = Meeting.Status.NOTIFIED,
    starts_at: datetime | None = None,
) -> Meeting:
    starts_at = starts_at or datetime(2026, 3, 20, 9, 0, tzinfo=TZ)
    meeting = Meeting.objects.create(
        mechanism=mechanism,
        kind=kind,
        title=title,
        topic="总结2025年职业病防治工作，部署2026年重点任务。",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2, minutes=30),
        location="市卫生健康委三楼会议室",
        chair_unit=chair or Unit.objects.get(mechanism=mechanism, is_secretariat=True),
        status=status,
        created_by=created_by,
    )
    AgendaItem.objects.create(meeting=meeting, order=2, title="审议《2026年职业病防治工作要点》")
    AgendaItem.objects.create(
        meeting=meeting, order=1, title="上次会议议定事项落实情况", is_carryover=True
    )
    return meeting


def invite(
    meeting: Meeting,
    unit: Unit,
    *,
    as_observer: bool = False,
    status: str = Status.PENDING,
    **answer: Any,
) -> Attendance:
    return Attendance.objects.create(
        meeting=meeting,
        unit=unit,
        invited_as=Attendance.InvitedAs.OBSERVER if as_observer else Attendance.InvitedAs.MEMBER,
        status=status,
        **answer,
    )


# --- Two parsers, one normal form -----------------------------------------------------------


def _param(value: Any) -> str:
    if isinstance(value, list):
        assert len(value) == 1, value
        value = value[0]
    return str(value).strip('"')


def parse_icalendar(data: bytes) -> dict[str, Any]:
    calendar = icalendar.Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    attendees = event.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    start = event.decoded("DTSTART")
    return {
        "method": str(calendar.get("METHOD", "")),
        "prodid": str(calendar["PRODID"]),
        "version": str(calendar["VERSION"]),
        "timezones": [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")],
        "uid": str(event["UID"]),
        "sequence": int(str(event["SEQUENCE"])),
        "status": str(event["STATUS"]),
        "summary": str(event["SUMMARY"]),
        "location": str(event["LOCATION"]),
        "description": str(event["DESCRIPTION"]),
        "start": start,
        "start_tzid": event["DTSTART"].params.get("TZID"),
        "end": event.decoded("DTEND"),
        "organizer": (str(event["ORGANIZER"]), _param(event["ORGANIZER"].params["CN"])),
        "attendees": {str(a): {k: _param(v) for k, v in a.params.items()} for a in attendees},
    }


def parse_vobject(data: bytes) -> dict[str, Any]:
    calendar = vobject.readOne(data.decode("utf-8"))
    event = calendar.vevent
    attendees = getattr(event, "attendee_list", [])
    return {
        "method": calendar.method.value if hasattr(calendar, "method") else "",
        "prodid": calendar.prodid.value,
        "version": calendar.version.value,
        "timezones": [tz.tzid.value for tz in getattr(calendar, "vtimezone_list", [])],
        "uid": event.uid.value,
        "sequence": int(event.sequence.value),
        "status": event.status.value,
        "summary": event.summary.value,
        "location": event.location.value,
        "description": event.description.value,
        "start": event.dtstart.value,
        # vobject turns the TZID parameter into the tzinfo of the value (from the VTIMEZONE).
        "start_tzid": vobject.icalendar.TimezoneComponent.pickTzid(event.dtstart.value.tzinfo),
        "end": event.dtend.value,
        "organizer": (event.organizer.value, _param(event.organizer.params["CN"])),
        "attendees": {a.value: {k: _param(v) for k, v in a.params.items()} for a in attendees},
    }


def both(data: bytes) -> list[dict[str, Any]]:
    """Parse with icalendar and with vobject; both must read the same facts."""
    first, second = parse_icalendar(data), parse_vobject(data)
    for key in first:
        if key in {"start", "end"}:
            assert first[key] == second[key], key
            continue
        assert first[key] == second[key], (key, first[key], second[key])
    return [first, second]


# --- Fixtures -------------------------------------------------------------------------------


@pytest.fixture
def invited_unit(mechanism: Any) -> Unit:
    return Unit.objects.create(
        mechanism=mechanism, name="市疾病预防控制中心", kind=Unit.Kind.INVITED, order=50
    )


@pytest.fixture
def plenary(mechanism: Any, clerk: Any, unit_named: Any, invited_unit: Unit) -> Meeting:
    """A notified plenary with every kind of answer (三(一)1)."""
    meeting = make_meeting(mechanism, created_by=clerk)
    invite(meeting, unit_named("市卫生健康委"), status=Status.ATTENDING, attendee_name="赵主任")
    invite(meeting, unit_named("市发展改革委"), status=Status.ATTENDING, attendee_name="钱副主任")
    invite(
        meeting,
        unit_named("市人力资源和社会保障局"),
        status=Status.ON_LEAVE,
        leave_reason="参加省厅会议",
        substitute_name="孙明",
        substitute_title="副局长",
    )
    invite(meeting, unit_named("市教育体育局"), status=Status.ON_LEAVE, leave_reason="出差")
    invite(meeting, unit_named("市科技局"))  # no answer yet
    invite(meeting, invited_unit, as_observer=True, status=Status.OBSERVER, attendee_name="周科长")
    return meeting


# --- Tests ----------------------------------------------------------------------------------


def test_invitation_is_an_rfc5545_request_both_parsers_agree(plenary: Meeting) -> None:
    data = meeting_ics(plenary, now=NOW)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    for parsed in both(data):
        assert parsed["method"] == "REQUEST"
        assert parsed["version"] == "2.0"
        assert "Lianxi" in parsed["prodid"]
        assert parsed["uid"] == plenary.ical_uid
        assert parsed["sequence"] == 0
        assert parsed["status"] == "CONFIRMED"
        assert parsed["summary"] == "2026年联席会议全体会议"
        assert parsed["location"] == "市卫生健康委三楼会议室"
        # DTSTART/DTEND with TZID=Asia/Shanghai and the matching VTIMEZONE.
        assert parsed["start_tzid"] == "Asia/Shanghai"
        assert parsed["timezones"] == ["Asia/Shanghai"]
        assert parsed["start"] == datetime(2026, 3, 20, 9, 0, tzinfo=TZ)
        assert parsed["start"].utcoffset() == timedelta(hours=8)
        assert parsed["end"] - parsed["start"] == timedelta(hours=2, minutes=30)
        # The agenda, in order, in the description.
        description = parsed["description"]
        assert description.index("1. 上次会议议定事项落实情况") < description.index(
            "2. 审议《2026年职业病防治工作要点》"
        )
        assert parsed["organizer"] == ("mailto:lianxi@localhost", "联席会议办公室")


def test_attendees_carry_role_and_participation_state_per_answer_三_一_1(
    plenary: Meeting, unit_named: Any, invited_unit: Unit
) -> None:
    """三(一)1: each invited unit is an ATTENDEE; its answer is its PARTSTAT; 列席 is optional."""
    health, ndrc = unit_named("市卫生健康委"), unit_named("市发展改革委")
    education, science = unit_named("市教育体育局"), unit_named("市科技局")
    for parsed in both(meeting_ics(plenary, now=NOW)):
        people = parsed["attendees"]
        # Six units and one substitute.
        assert len(people) == 7
        expected = {
            health: ("ACCEPTED", "REQ-PARTICIPANT"),
            ndrc: ("ACCEPTED", "REQ-PARTICIPANT"),
            education: ("DECLINED", "REQ-PARTICIPANT"),  # leave, nobody sent
            science: ("NEEDS-ACTION", "REQ-PARTICIPANT"),  # no answer yet
            invited_unit: ("ACCEPTED", "OPT-PARTICIPANT"),  # 列席
        }
        for unit, (partstat, role) in expected.items():
            attendee = people[unit_address(unit.pk)]
            assert attendee["CN"] == unit.name
            assert attendee["CUTYPE"] == "GROUP"
            assert attendee["PARTSTAT"] == partstat, unit.name
            assert attendee["ROLE"] == role, unit.name
            assert attendee["RSVP"] == "FALSE"
            assert "DELEGATED-TO" not in attendee


def test_leave_with_a_substitute_is_a_delegation_三_一_1(plenary: Meeting, unit_named: Any) -> None:
    """三(一)1 委托其他负责同志出席: the unit is DELEGATED-TO its substitute, who is
    DELEGATED-FROM the unit."""
    hrss = unit_named("市人力资源和社会保障局")
    for parsed in both(meeting_ics(plenary, now=NOW)):
        people = parsed["attendees"]
        unit = people[unit_address(hrss.pk)]
        assert unit["PARTSTAT"] == "DELEGATED"
        assert unit["DELEGATED-TO"] == substitute_address(hrss.pk)
        substitute = people[substitute_address(hrss.pk)]
        assert substitute["CN"] == "孙明（市人力资源和社会保障局副局长，受委托）"
        assert substitute["DELEGATED-FROM"] == unit_address(hrss.pk)
        assert substitute["PARTSTAT"] == "ACCEPTED"
        assert substitute["ROLE"] == "REQ-PARTICIPANT"
        assert substitute["CUTYPE"] == "INDIVIDUAL"


def test_updates_keep_the_uid_and_raise_the_sequence(plenary: Meeting, unit_named: Any) -> None:
    """An update is the same UID with a higher SEQUENCE; an answer changes the PARTSTAT."""
    first = both(meeting_ics(plenary, now=NOW))[0]
    plenary.location = "市政府第一会议室"
    plenary.ical_sequence += 1  # as the meetings services do with each update sent
    plenary.save()
    Attendance.objects.filter(meeting=plenary, unit=unit_named("市科技局")).update(
        status=Status.ATTENDING, attendee_name="吴科长"
    )
    second_data = meeting_ics(plenary, now=NOW + timedelta(hours=1))
    for second in both(second_data):
        assert second["uid"] == first["uid"]
        assert second["sequence"] == first["sequence"] + 1 == 1
        assert second["location"] == "市政府第一会议室"
        science = second["attendees"][unit_address(unit_named("市科技局").pk)]
        assert science["PARTSTAT"] == "ACCEPTED"
    plenary.ical_sequence += 1
    plenary.save()
    assert both(meeting_ics(plenary, now=NOW))[1]["sequence"] == 2


def test_cancellation_is_method_cancel_with_status_cancelled(plenary: Meeting) -> None:
    before = both(meeting_ics(plenary, now=NOW))[0]["sequence"]
    plenary.status = Meeting.Status.CANCELLED
    plenary.cancelled_reason = "与市政府常务会议时间冲突"
    plenary.ical_sequence += 1
    plenary.save()
    data = meeting_ics(plenary, method="CANCEL", now=NOW)
    for parsed in both(data):
        assert parsed["method"] == "CANCEL"
        assert parsed["status"] == "CANCELLED"
        assert parsed["uid"] == plenary.ical_uid
        assert parsed["sequence"] > before
        assert "会议已取消。原因：与市政府常务会议时间冲突" in parsed["description"]
        # The cancellation still names the attendees it goes to.
        assert len(parsed["attendees"]) == 7


def test_topical_meeting_is_organized_by_its_chair_unit_三_一_2(
    mechanism: Any, clerk: Any, unit_named: Any
) -> None:
    """三(一)2: a topical meeting chaired by an entrusted member unit names it as organizer."""
    chair = unit_named("市人力资源和社会保障局")
    meeting = make_meeting(
        mechanism,
        created_by=clerk,
        chair=chair,
        kind=Meeting.Kind.TOPICAL,
        title="工伤保险专题会议",
    )
    invite(meeting, chair, status=Status.ATTENDING)
    invite(meeting, unit_named("市总工会"))
    for parsed in both(meeting_ics(meeting, now=NOW)):
        assert parsed["organizer"][1] == "市人力资源和社会保障局"
        assert "专题会议（市人力资源和社会保障局主持）" in parsed["description"]
        assert set(parsed["attendees"]) == {
            unit_address(chair.pk),
            unit_address(unit_named("市总工会").pk),
        }


def test_a_units_copy_states_its_own_answer(plenary: Meeting, unit_named: Any) -> None:
    hrss = unit_named("市人力资源和社会保障局")
    [parsed, _] = both(meeting_ics(plenary, for_unit=hrss, now=NOW))
    assert (
        "市人力资源和社会保障局答复：请假，委托孙明（市人力资源和社会保障局副局长，受委托）出席"
        in (parsed["description"])
    )
    [parsed, _] = both(meeting_ics(plenary, for_unit=unit_named("市科技局"), now=NOW))
    assert "市科技局答复：尚未答复" in parsed["description"]


def test_attachment_tuple_for_notify(plenary: Meeting) -> None:
    filename, content, mimetype = meeting_ics_attachment(plenary, method="cancel")
    assert filename == "meeting.ics"
    assert mimetype == ics_mimetype("CANCEL") == "text/calendar; method=CANCEL; charset=UTF-8"
    assert both(content)[0]["method"] == "CANCEL"


def test_unknown_method_is_refused(plenary: Meeting) -> None:
    with pytest.raises(ValueError):
        meeting_ics(plenary, method="REPLY")


def test_long_chinese_lines_are_folded_at_75_octets_and_still_parse(plenary: Meeting) -> None:
    plenary.topic = "职业病防治" * 60
    plenary.save()
    data = meeting_ics(plenary, now=NOW)
    assert max(len(line) for line in data.split(b"\r\n")) <= 75
    for parsed in both(data):
        assert "职业病防治" * 60 in parsed["description"]
