"""Topical meetings (三(一)2): entrusted to a member unit that convenes and runs it."""

from __future__ import annotations

from typing import Any

import pytest

from lianxi.core.exceptions import ApplicationError
from lianxi.meetings import services
from lianxi.meetings.models import Attendance, Meeting, MinutesReceipt
from lianxi.notifications.models import Delivery
from lianxi.organization.models import Unit

from .fixtures import hold, soon

pytestmark = pytest.mark.django_db


def unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


def test_the_secretariat_entrusts_a_member_unit_to_chair_三_一_2(
    topical: Meeting, safety_liaison: Any
) -> None:
    """三(一)2: 委托联席会议相关成员主持召开，与会议议题有关的成员参加."""
    assert topical.kind == Meeting.Kind.TOPICAL
    assert topical.chair_unit.name == "市应急管理局"
    invited = set(topical.attendances.values_list("unit__name", flat=True))
    assert invited == {"市应急管理局", "市卫生健康委", "市人力资源和社会保障局"}
    assert Delivery.objects.filter(user=safety_liaison, message__kind="meeting.entrusted").exists()
    assert not topical.agenda.filter(is_carryover=True).exists()


def test_a_topical_meeting_needs_a_member_chair_三_一_2(sec: Any, observer_unit: Unit) -> None:
    with pytest.raises(ApplicationError, match="委托一个成员单位"):
        services.topical_meeting_entrust(
            title="x", topic="y", chair_unit=observer_unit, concerned_units=[],
            starts_at=soon(), ends_at=soon(hour=11), location="z", actor=sec,
        )  # fmt: skip
    assert not Meeting.objects.exists()


def test_the_chair_unit_convenes_and_runs_it_like_a_plenary_三_一_2(
    topical: Meeting, safety_liaison: Any, other_liaison: Any, observer_unit: Unit, sec: Any
) -> None:
    """三(一)2: the chair unit's people set the agenda, invite others, notify, record, draft the
    minutes; the secretariat signs them off and issues them (三(一)1, 四(六))."""
    chair = safety_liaison.membership
    services.agenda_item_add(meeting=topical, title="粉尘危害专项治理方案", actor=chair)
    services.meeting_invite_unit(
        meeting=topical, unit=observer_unit, invited_as="observer", actor=chair
    )
    services.meeting_invite_unit(
        meeting=topical, unit=unit("市生态环境局"), invited_as="member", actor=chair
    )
    services.meeting_notify(meeting=topical, actor=chair)
    assert Delivery.objects.filter(user=other_liaison, message__kind="meeting.notice").exists()
    held = hold(topical, chair)
    minutes = services.minutes_draft(meeting=held, actor=chair)
    services.resolution_add(
        section=minutes.sections.all()[0], text="制定粉尘危害专项治理方案",
        lead_unit=unit("市应急管理局"), deadline_workdays=30, actor=chair,
    )  # fmt: skip
    services.minutes_approve(minutes=minutes, actor=chair)
    services.minutes_sign_off(minutes=minutes, signer_name="赵主任", actor=sec)
    services.minutes_issue(minutes=minutes, actor=sec)
    kinds = dict(MinutesReceipt.objects.filter(minutes=minutes).values_list("unit__name", "kind"))
    assert kinds["市职业病防治院"] == "invited" and kinds["市政府办公室"] == "copy"


def test_another_unit_cannot_run_the_topical_meeting_三_一_2(
    topical: Meeting, other_liaison: Any
) -> None:
    """三(一)2: only the entrusted unit (and the secretariat) convenes."""
    with pytest.raises(ApplicationError, match="召集方"):
        services.agenda_item_add(meeting=topical, title="x", actor=other_liaison.membership)
    with pytest.raises(ApplicationError, match="召集方"):
        services.meeting_notify(meeting=topical, actor=other_liaison.membership)
    assert not Attendance.objects.filter(meeting=topical, status="attending").exists()


def test_the_chair_unit_sees_its_draft_meeting_but_invited_units_only_after_the_notice(
    topical: Meeting, safety_liaison: Any, other_liaison: Any, login: Any
) -> None:
    """三(一)2: the entrusted chair unit prepares the meeting; the units concerned see it once
    notified."""
    assert login(safety_liaison).get(f"/meetings/{topical.pk}/").status_code == 200
    assert login(other_liaison).get(f"/meetings/{topical.pk}/").status_code == 404
