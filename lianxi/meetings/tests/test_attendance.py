"""Attendance (三(一)1): answers, leave with a substitute before the start, reminders, the roll
and the record of who actually came."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lianxi.core.exceptions import ApplicationError
from lianxi.meetings import services
from lianxi.meetings.models import Attendance, Meeting
from lianxi.meetings.selectors import meeting_attendances, roll_of
from lianxi.notifications.models import Message
from lianxi.organization.models import Unit

from .fixtures import attendance_of, hold, move_to_day

pytestmark = pytest.mark.django_db


def test_a_unit_answers_that_it_attends_and_who(plenary: Meeting, other_liaison: Any) -> None:
    """三(一)1: each unit answers — it attends, and who."""
    membership = other_liaison.membership
    attendance = attendance_of(plenary, membership.unit)
    services.attendance_answer(
        attendance=attendance,
        actor=membership,
        attending=True,
        attendee_name="刘副局长",
        attendee_title="副局长",
    )
    attendance.refresh_from_db()
    assert attendance.status == Attendance.Status.ATTENDING
    assert (attendance.attendee_name, attendance.answered_by) == ("刘副局长", other_liaison)


def test_leave_before_the_start_names_the_substitute_三_一_1(
    clerk: Any, plenary: Meeting, other_liaison: Any
) -> None:
    """三(一)1: 成员因故不能出席的，需会前提出，委托其他负责同志出席 — the secretariat is told."""
    membership = other_liaison.membership
    attendance = attendance_of(plenary, membership.unit)
    services.attendance_answer(
        attendance=attendance,
        actor=membership,
        attending=False,
        attendee_name="刘副局长",
        attendee_title="副局长",
        substitute_name="周处长",
        substitute_title="职业健康处处长",
        leave_reason="出差",
        now=plenary.starts_at - timedelta(minutes=1),
    )
    attendance.refresh_from_db()
    assert attendance.status == Attendance.Status.ON_LEAVE
    assert attendance.substitute_name == "周处长"
    message = Message.objects.get(kind="meeting.leave")
    assert "委托周处长（职业健康处处长）出席" in message.body
    assert message.deliveries.filter(user=clerk).exists()


def test_leave_without_a_substitute_is_refused_三_一_1(
    plenary: Meeting, other_liaison: Any
) -> None:
    """三(一)1: a member who cannot attend must entrust another responsible comrade."""
    attendance = attendance_of(plenary, other_liaison.membership.unit)
    with pytest.raises(ApplicationError, match="委托其他负责同志出席"):
        services.attendance_answer(
            attendance=attendance, actor=other_liaison.membership, attending=False
        )
    attendance.refresh_from_db()
    assert attendance.status == Attendance.Status.PENDING


def test_leave_after_the_start_is_refused_三_一_1(plenary: Meeting, other_liaison: Any) -> None:
    """三(一)1: leave must be asked 会前 — after the start it is refused with a clear message."""
    attendance = attendance_of(plenary, other_liaison.membership.unit)
    with pytest.raises(ApplicationError) as refused:
        services.attendance_answer(
            attendance=attendance,
            actor=other_liaison.membership,
            attending=False,
            substitute_name="周处长",
            now=plenary.starts_at + timedelta(minutes=5),
        )
    assert "不能再请假" in refused.value.message
    assert "三(一)1" in refused.value.message
    attendance.refresh_from_db()
    assert attendance.status == Attendance.Status.PENDING
    assert not Message.objects.filter(kind="meeting.leave").exists()


def test_leave_after_the_start_is_refused_on_the_page_too(
    plenary: Meeting, other_liaison: Any, login: Any
) -> None:
    """三(一)1: the page answers with the same message and changes nothing."""
    move_to_day(plenary)
    client = login(other_liaison)
    response = client.post(
        f"/meetings/{plenary.pk}/answer/",
        {"attending": "0", "substitute_name": "周处长"},
        follow=True,
    )
    assert "不能再请假" in response.content.decode()
    assert attendance_of(plenary, other_liaison.membership.unit).status == "pending"


def test_an_observer_unit_answers_列席(plenary: Meeting, observer_user: Any) -> None:
    """三(一)1: other units invited 列席."""
    attendance = attendance_of(plenary, observer_user.membership.unit)
    services.attendance_answer(
        attendance=attendance,
        actor=observer_user.membership,
        attending=True,
        attendee_name="钱院长",
    )
    attendance.refresh_from_db()
    assert attendance.status == Attendance.Status.OBSERVER
    # an observer may decline without naming a substitute
    services.attendance_answer(
        attendance=attendance, actor=observer_user.membership, attending=False
    )
    attendance.refresh_from_db()
    assert attendance.status == Attendance.Status.ON_LEAVE


def test_a_unit_cannot_answer_for_another(plenary: Meeting, other_liaison: Any) -> None:
    """三(一)1: each invited unit answers for itself; another unit cannot answer for it."""
    health = Unit.objects.get(name="市卫生健康委")
    with pytest.raises(ApplicationError, match="受邀单位"):
        services.attendance_answer(
            attendance=attendance_of(plenary, health),
            actor=other_liaison.membership,
            attending=True,
            attendee_name="张三",
        )


def test_no_answer_before_the_notice(make_plenary: Any, other_liaison: Any) -> None:
    """三(一)1: units answer the meeting notice; before it is sent there is nothing to answer."""
    meeting = make_plenary(notify=False)
    with pytest.raises(ApplicationError, match="尚未发出"):
        services.attendance_answer(
            attendance=attendance_of(meeting, other_liaison.membership.unit),
            actor=other_liaison.membership,
            attending=True,
            attendee_name="张三",
        )


def test_the_roll_counts_attending_substitute_on_leave_observer_and_no_answer(
    plenary: Meeting, other_liaison: Any, health_liaison: Any, observer_user: Any
) -> None:
    """三(一)1: the secretariat sees the live roll."""
    services.attendance_answer(
        attendance=attendance_of(plenary, health_liaison.membership.unit),
        actor=health_liaison.membership,
        attending=True,
        attendee_name="赵主任",
    )
    services.attendance_answer(
        attendance=attendance_of(plenary, other_liaison.membership.unit),
        actor=other_liaison.membership,
        attending=False,
        attendee_name="刘副局长",
        substitute_name="周处长",
    )
    services.attendance_answer(
        attendance=attendance_of(plenary, observer_user.membership.unit),
        actor=observer_user.membership,
        attending=True,
        attendee_name="钱院长",
    )
    roll = roll_of(meeting_attendances(plenary))
    counts = {label: len(group) for label, group in roll.groups().items()}
    assert counts == {"出席": 1, "委托出席": 1, "请假": 0, "列席": 1, "未答复": 13}
    assert roll.total == 16


def test_reminders_to_units_without_an_answer_3_and_1_days_before_三_一_1(
    plenary: Meeting, other_liaison: Any, health_liaison: Any
) -> None:
    """三(一)1: units that have not answered get reminders, 3 and 1 calendar days before the
    start; a repeated tick sends nothing twice."""
    services.attendance_answer(
        attendance=attendance_of(plenary, health_liaison.membership.unit),
        actor=health_liaison.membership,
        attending=True,
        attendee_name="赵主任",
    )
    start = plenary.starts_at
    assert services.answer_reminders_due(start - timedelta(days=4)) == 0
    assert services.answer_reminders_due(start - timedelta(days=3)) == 15  # 16 invited, 1 answered
    assert services.answer_reminders_due(start - timedelta(days=2, hours=23)) == 0  # idempotent
    reminders = Message.objects.filter(kind="meeting.answer_reminder")
    assert not reminders.filter(addressed_to__contains="市卫生健康委").exists()
    assert services.answer_reminders_due(start - timedelta(hours=20)) == 15
    assert services.answer_reminders_due(start - timedelta(hours=19)) == 0
    assert services.answer_reminders_due(start + timedelta(minutes=1)) == 0  # started
    assert reminders.filter(addressed_to="市人力资源和社会保障局").count() == 2


def test_the_reminder_tick_reads_a_fixed_number_of_queries_三_一_1(
    plenary: Meeting, django_assert_max_num_queries: Any
) -> None:
    """三(一)1 reminders run every minute: once sent, a tick costs the same for 16 units as
    for one (the pending answers and the reminders already sent, one query each)."""
    start = plenary.starts_at
    assert services.answer_reminders_due(start - timedelta(days=3)) == 16
    with django_assert_max_num_queries(2):
        assert services.answer_reminders_due(start - timedelta(days=2, hours=23)) == 0


def test_a_missed_3_day_reminder_is_not_sent_late(plenary: Meeting) -> None:
    """三(一)1: a 3-day reminder to answer that was missed is not sent after the 1-day one."""
    assert services.answer_reminders_due(plenary.starts_at - timedelta(hours=5)) == 16
    assert services.answer_reminders_due(plenary.starts_at - timedelta(hours=4)) == 0


def test_the_reminder_tick_is_registered() -> None:
    from lianxi.core.ticks import registered_ticks

    assert "meetings.answer_reminders" in registered_ticks()


def test_record_actual_attendance_on_the_day_and_the_meeting_is_held_三_一_1(
    plenary: Meeting, sec: Any, other_liaison: Any
) -> None:
    """三(一)1: on the day the secretariat records 出席 / 请假 / 列席 / 缺席; 已召开."""
    services.attendance_answer(
        attendance=attendance_of(plenary, other_liaison.membership.unit),
        actor=other_liaison.membership,
        attending=False,
        attendee_name="刘副局长",
        substitute_name="周处长",
    )
    with pytest.raises(ApplicationError, match="会议当天"):
        services.attendance_record(meeting=plenary, actual={}, actor=sec)
    meeting = hold(plenary, sec)
    assert meeting.status == Meeting.Status.HELD
    other = attendance_of(meeting, other_liaison.membership.unit)
    # 三(一)1: the member asked leave and entrusted 周处长, who is proposed as 委托出席.
    assert (other.actual, other.actual_name) == ("delegate", "周处长")
    assert attendance_of(meeting, Unit.objects.get(name="市财政局")).actual == "absent"
    assert attendance_of(meeting, Unit.objects.get(name="市职业病防治院")).actual == "absent"


def test_record_needs_every_unit_and_valid_values(plenary: Meeting, sec: Any) -> None:
    """三(一)1: the convener records what each invited unit actually did, with a valid value."""
    move_to_day(plenary)
    attendances = list(plenary.attendances.all())
    with pytest.raises(ApplicationError, match="请登记每个受邀单位"):
        services.attendance_record(
            meeting=plenary, actual={attendances[0].pk: "present"}, actor=sec
        )
    with pytest.raises(ApplicationError, match="无效"):
        services.attendance_record(
            meeting=plenary, actual={a.pk: "maybe" for a in attendances}, actor=sec
        )
    plenary.refresh_from_db()
    assert plenary.status == Meeting.Status.NOTIFIED
    assert not Attendance.objects.filter(meeting=plenary).exclude(actual="").exists()


def test_only_the_convener_records(plenary: Meeting, other_liaison: Any) -> None:
    """三(一)1: the actual attendance is recorded by the convener, not by a unit."""
    move_to_day(plenary)
    with pytest.raises(ApplicationError, match="召集方"):
        services.attendance_record(
            meeting=plenary, actual={}, actor=other_liaison.membership, now=timezone.now()
        )
