"""Home panels: the yearly plenary warning (三(一)1) and what waits for a unit."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from lianxi.meetings import services
from lianxi.meetings.models import Meeting
from lianxi.meetings.panels import secretariat_meetings_panel, unit_meetings_panel

from .fixtures import attendance_of, soon

pytestmark = pytest.mark.django_db


def items(panel: dict[str, Any] | None) -> list[dict[str, Any]]:
    assert panel is not None
    return list(panel["items"])


def test_secretariat_is_warned_when_no_plenary_this_year_三_一_1(
    clerk: Any, make_plenary: Any, login: Any
) -> None:
    """三(一)1: 全体会议原则上每年召开一次."""
    year = timezone.localdate().year
    panel = secretariat_meetings_panel(clerk)
    assert panel is not None
    assert items(panel)[0]["text"] == f"{year}年尚未安排全体会议"
    assert items(panel)[0]["level"] == "danger"
    assert f"{year}年尚未安排全体会议" in login(clerk).get("/").content.decode()
    # a cancelled plenary does not count
    meeting = make_plenary(notify=False)
    services.meeting_cancel(meeting=meeting, reason="改期", actor=clerk.membership)
    assert "尚未安排全体会议" in items(secretariat_meetings_panel(clerk))[0]["text"]
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    texts = [i["text"] for i in items(secretariat_meetings_panel(clerk))]
    assert not any("尚未安排全体会议" in t for t in texts)


def test_next_year_plenary_does_not_silence_this_year(clerk: Any, make_plenary: Any) -> None:
    """三(一)1: 全体会议原则上每年召开一次 — only a plenary this year silences the warning."""
    now = timezone.localtime()
    meeting = make_plenary(notify=False)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=meeting.starts_at.replace(year=now.year + 1)
    )
    assert "尚未安排全体会议" in items(secretariat_meetings_panel(clerk))[0]["text"]


def test_unit_panel_lists_meetings_awaiting_an_answer(
    other_liaison: Any, plenary: Meeting, login: Any
) -> None:
    """三(一)1: a unit's home lists the meetings waiting for its answer, until it answers."""
    panel = unit_meetings_panel(other_liaison)
    assert panel is not None
    assert items(panel)[0]["text"] == plenary.title
    assert items(panel)[0]["meta"].startswith("待答复是否出席")
    services.attendance_answer(
        attendance=attendance_of(plenary, other_liaison.membership.unit),
        actor=other_liaison.membership,
        attending=True,
        attendee_name="刘副局长",
    )
    panel = unit_meetings_panel(other_liaison)
    assert items(panel)[0]["meta"].startswith("出席")
    assert "待答复是否出席" not in login(other_liaison).get("/").content.decode()


def test_panels_hidden_for_roles_they_do_not_concern(
    clerk: Any, other_liaison: Any, auditor: Any, outsider: Any
) -> None:
    assert secretariat_meetings_panel(other_liaison) is None
    assert unit_meetings_panel(clerk) is None
    for user in (auditor, outsider):
        assert secretariat_meetings_panel(user) is None and unit_meetings_panel(user) is None


def test_chair_unit_sees_its_topical_meeting_to_convene(sec: Any, safety_liaison: Any) -> None:
    """三(一)2: the entrusted chair unit sees the topical meeting it is to convene."""
    from lianxi.organization.models import Unit

    services.topical_meeting_entrust(
        title="专题会议", topic="粉尘", chair_unit=Unit.objects.get(name="市应急管理局"),
        concerned_units=[], starts_at=soon(), ends_at=soon(hour=11), location="x", actor=sec,
    )  # fmt: skip
    assert (
        items(unit_meetings_panel(safety_liaison))[0]["meta"] == "受托主持的专题会议，待发会议通知"
    )


def test_the_unit_panel_is_for_whoever_answers_and_signs_for_a_unit(
    clerk: Any, other_liaison: Any, health_member: Any, gov_reader: Any, observer_user: Any,
    auditor: Any, security_admin: Any, outsider: Any,
) -> None:  # fmt: skip
    """The panel asks access.signs_for_unit, the rule own_receipts and may_acknowledge use."""
    from lianxi.meetings.access import signs_for_unit
    from lianxi.organization.access import membership_of

    signers = (other_liaison, health_member, gov_reader, observer_user)
    for user in (*signers, clerk, auditor, security_admin, outsider):
        shown = unit_meetings_panel(user) is not None
        assert shown == signs_for_unit(membership_of(user)) == (user in signers), user


def test_the_government_readers_home_shows_issued_minutes_and_coming_meetings_三_一_1(
    gov_reader: Any, observer_user: Any, sec: Any, make_plenary: Any, observer_unit: Any,
    login: Any,
) -> None:  # fmt: skip
    """三(一)1: minutes are 抄报市政府（办公室）; the government reader's home gives the city-wide
    overview: the issued minutes (signed or not) and the meetings coming (to know of, not to
    open: the office does not attend). An observer unit sees the minutes it received."""
    from .fixtures import hold

    held = hold(make_plenary(title="2026年全体会议", observers=(observer_unit,)), sec)
    minutes = services.minutes_draft(meeting=held, actor=sec)
    services.minutes_approve(minutes=minutes, actor=sec)
    services.minutes_sign_off(minutes=minutes, signer_name="赵主任", actor=sec)
    services.minutes_issue(minutes=minutes, actor=sec)
    minutes.refresh_from_db()
    coming = make_plenary(title="专题研究会议", days=12)
    from lianxi.meetings.models import MinutesReceipt

    MinutesReceipt.objects.filter(minutes=minutes).update(acknowledged_at=timezone.now())
    panel = unit_meetings_panel(gov_reader)
    texts = [i["text"] for i in items(panel)]
    assert f"2026年全体会议纪要{minutes.number}" in texts
    upcoming = next(i for i in items(panel) if i["text"] == coming.title)
    assert "url" not in upcoming and "月" in upcoming["meta"]
    home = login(gov_reader).get("/").content.decode()
    assert coming.title in home and minutes.number in home
    observer_texts = [i["text"] for i in items(unit_meetings_panel(observer_user))]
    assert f"2026年全体会议纪要{minutes.number}" in observer_texts
    assert coming.title not in observer_texts  # not invited to it
