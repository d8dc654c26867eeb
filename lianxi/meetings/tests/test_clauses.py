"""Rules of 三(一) and 四(二) that the meetings services implement and no other test pins down.

Each test cites its clause and fails if the rule breaks.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from lianxi.conftest import _person
from lianxi.core.exceptions import ApplicationError
from lianxi.meetings import services
from lianxi.meetings.models import Attendance, Meeting
from lianxi.notifications.tests.fixtures import inbox_of
from lianxi.organization.models import Membership, Unit
from lianxi.supervision.services import action_item_close, action_item_create

from .fixtures import attendance_of, soon

pytestmark = pytest.mark.django_db


def test_the_city_government_is_copied_on_the_minutes_not_invited_to_the_meeting_三_一_1(
    sec: Membership, mechanism: Any, make_plenary: Any
) -> None:
    """三(一)1: 参会人员为联席会议成员 (others 列席); the minutes are 抄报市政府（办公室）. The city
    government office is therefore not invited, neither when the meeting is scheduled nor
    later, as a member or as an observer."""
    government = Unit.objects.get(mechanism=mechanism, kind=Unit.Kind.GOVERNMENT)
    cases: list[dict[str, Any]] = [
        {"observer_units": [government]},
        {"invited_units": [government]},
    ]
    for kwargs in cases:
        with pytest.raises(ApplicationError, match="抄送"):
            services.meeting_schedule(
                kind=Meeting.Kind.PLENARY, title="全体会议", starts_at=soon(),
                ends_at=soon(hour=11), location="三楼会议室", actor=sec, **kwargs,
            )  # fmt: skip
    assert not Meeting.objects.exists()
    meeting = make_plenary(notify=False)
    for invited_as in (Attendance.InvitedAs.MEMBER, Attendance.InvitedAs.OBSERVER):
        with pytest.raises(ApplicationError, match="抄送"):
            services.meeting_invite_unit(
                meeting=meeting, unit=government, invited_as=invited_as, actor=sec
            )
    assert not meeting.attendances.filter(unit=government).exists()


def test_a_unit_invited_after_the_notice_is_sent_it_and_a_non_member_unit_attends_列席_三_一_2(
    sec: Membership,
    safety_liaison: Any,
    other_liaison: Any,
    observer_unit: Unit,
    observer_user: Any,
    unit_named: Any,
) -> None:
    """三(一)2: 与会议议题有关的联席会议成员参加，也可根据工作需要邀请其他有关部门和单位参加. A
    member unit the chair invites after the notice is invited as a member and gets the notice;
    a unit outside the joint meeting only ever attends as an observer (列席); nobody twice."""
    meeting = services.topical_meeting_entrust(
        title="尘肺病防治专题会议", topic="粉尘危害治理", chair_unit=unit_named("市应急管理局"),
        concerned_units=[unit_named("市卫生健康委")], starts_at=soon(), ends_at=soon(hour=11),
        location="市应急管理局会议室", actor=sec,
    )  # fmt: skip
    chair = safety_liaison.membership
    services.agenda_item_add(meeting=meeting, title="粉尘危害专项治理方案", actor=chair)
    meeting = services.meeting_notify(meeting=meeting, actor=chair)
    assert inbox_of(other_liaison) == []  # 人社局 is not concerned yet

    hrss = services.meeting_invite_unit(
        meeting=meeting, unit=other_liaison.membership.unit, invited_as="member", actor=chair
    )
    assert hrss.invited_as == Attendance.InvitedAs.MEMBER
    assert inbox_of(other_liaison) == [f"会议通知：{meeting.title}"]

    observer = services.meeting_invite_unit(
        meeting=meeting, unit=observer_unit, invited_as="member", actor=chair
    )
    assert observer.invited_as == Attendance.InvitedAs.OBSERVER
    assert inbox_of(observer_user) == [f"会议通知：{meeting.title}"]

    with pytest.raises(ApplicationError, match="已在邀请之列"):
        services.meeting_invite_unit(
            meeting=meeting, unit=observer_unit, invited_as="observer", actor=chair
        )
    assert inbox_of(observer_user) == [f"会议通知：{meeting.title}"]


def test_the_carryover_lists_agreed_matters_still_open_not_other_tasks_四_二(
    make_plenary: Any, sec: Membership, mechanism: Any, clerk: Any, unit_named: Any
) -> None:
    """四(二): 落实联席会议全体会议、专题会议确定的工作任务和议定事项 — the next plenary opens with
    the agreed matters of earlier meetings not yet closed. A task the city government assigned
    is supervised too, but it is not an agreed matter; a closed matter drops out; a topical
    meeting has no carry-over."""
    make_plenary(title="第一次全体会议")

    def item(title: str, source: str) -> Any:
        return action_item_create(
            mechanism=mechanism, title=title, source=source, lead_unit=unit_named("市卫生健康委"),
            deadline=date.today() + timedelta(days=30), actor=clerk.membership,
        )  # fmt: skip

    agreed = item("开展尘肺病防治攻坚行动", "meeting")
    item("市政府交办的专项检查", "government")
    second = make_plenary(title="第二次全体会议", notify=False, days=40)
    carry = second.agenda.get(is_carryover=True)
    assert "尚未办结的议定事项 1 项" in carry.description
    assert "开展尘肺病防治攻坚行动" in carry.description
    assert "市政府交办的专项检查" not in carry.description

    action_item_close(item=agreed, actor=clerk)
    services.agenda_carryover_refresh(meeting=second, actor=sec)
    carry.refresh_from_db()
    assert carry.description == "上次会议议定事项均已办结。"

    topical = services.topical_meeting_entrust(
        title="专题会议", topic="x", chair_unit=unit_named("市应急管理局"), concerned_units=[],
        starts_at=soon(), ends_at=soon(hour=11), location="y", actor=sec,
    )  # fmt: skip
    with pytest.raises(ApplicationError, match="只有全体会议"):
        services.agenda_carryover_refresh(meeting=topical, actor=sec)
    assert not topical.agenda.exists()


def test_the_notice_and_the_answers_come_before_the_meeting_三_一_1(
    make_plenary: Any, sec: Membership, other_liaison: Any
) -> None:
    """三(一)1: 市卫生健康委负责会议通知, and a member who cannot attend says so 会前. A notice
    cannot go out once the start has passed; after the start a unit no longer answers at all —
    what actually happened is recorded by the convener."""
    draft = make_plenary(notify=False)
    past = timezone.now() - timedelta(minutes=5)
    Meeting.objects.filter(pk=draft.pk).update(starts_at=past, ends_at=past + timedelta(hours=2))
    with pytest.raises(ApplicationError, match="开始时间已过"):
        services.meeting_notify(meeting=draft, actor=sec)
    draft.refresh_from_db()
    assert draft.status == Meeting.Status.DRAFT and draft.notified_at is None

    notified = make_plenary(title="另一次全体会议")
    Meeting.objects.filter(pk=notified.pk).update(starts_at=past, ends_at=past + timedelta(hours=2))
    attendance = attendance_of(notified, other_liaison.membership.unit)
    with pytest.raises(ApplicationError, match="会议已开始，不能再答复"):
        services.attendance_answer(
            attendance=attendance, actor=other_liaison.membership, attending=True,
            attendee_name="刘副局长",
        )  # fmt: skip
    attendance.refresh_from_db()
    assert attendance.status == Attendance.Status.PENDING and attendance.answered_at is None


def test_the_member_on_leave_is_the_units_joint_meeting_member_三_一_1(
    plenary: Meeting, other_liaison: Any, unit_named: Any
) -> None:
    """三(一)1: 如联席会议成员因故不能出席 … 委托其他负责同志出席. When the liaison asks leave
    without naming who is away, the one on leave is the unit's joint-meeting member."""
    hrss = unit_named("市人力资源和社会保障局")
    member = _person("hrssboss", "刘副局长", hrss, Membership.Role.MEMBER)
    Membership.objects.filter(user=member).update(title="副局长")
    attendance = services.attendance_answer(
        attendance=attendance_of(plenary, hrss), actor=other_liaison.membership, attending=False,
        substitute_name="周处长", substitute_title="处长", leave_reason="出差",
    )  # fmt: skip
    assert attendance.status == Attendance.Status.ON_LEAVE
    assert (attendance.attendee_name, attendance.attendee_title) == ("刘副局长", "副局长")
    assert (attendance.substitute_name, attendance.substitute_title) == ("周处长", "处长")
