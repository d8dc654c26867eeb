"""Meetings fixtures shared by the meetings tests and the API tests (plugged in from
``lianxi/conftest.py``): a plenary in preparation, a topical meeting entrusted, an observer
unit and its person, and the helpers that move a meeting to its day and hold it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from lianxi.conftest import _person
from lianxi.meetings import services
from lianxi.meetings.models import Attendance, Meeting
from lianxi.organization.models import Membership, Unit


def soon(days: int = 10, hour: int = 9) -> datetime:
    """A time `days` ahead of now, at `hour` o'clock local time."""
    day = timezone.localtime() + timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def attendance_of(meeting: Meeting, unit: Unit) -> Attendance:
    return Attendance.objects.get(meeting=meeting, unit=unit)


def move_to_day(meeting: Meeting, *, days_ago: int = 0) -> Meeting:
    """Moves a meeting so that it started this morning (or `days_ago` days before)."""
    start = timezone.localtime().replace(hour=0, minute=1, second=0, microsecond=0) - timedelta(
        days=days_ago
    )
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=2)
    )
    meeting.refresh_from_db()
    return meeting


def hold(meeting: Meeting, actor: Membership) -> Meeting:
    """Answers pending as absent and records the attendance: the meeting is held."""
    move_to_day(meeting)
    actual = {a.pk: services.default_actual(a)[0] for a in meeting.attendances.all()}
    names = {a.pk: services.default_actual(a)[1] for a in meeting.attendances.all()}
    return services.attendance_record(meeting=meeting, actual=actual, names=names, actor=actor)


@pytest.fixture
def sec(clerk: Any) -> Membership:
    return clerk.membership


@pytest.fixture
def observer_unit(mechanism: Any) -> Unit:
    return Unit.objects.create(
        mechanism=mechanism, name="市职业病防治院", kind=Unit.Kind.INVITED, order=200
    )


@pytest.fixture
def observer_user(observer_unit: Unit) -> Any:
    return _person("ocdi", "钱列席", observer_unit, Membership.Role.OBSERVER)


@pytest.fixture
def make_plenary(sec: Membership) -> Callable[..., Meeting]:
    def make(
        *,
        days: int = 10,
        observers: tuple[Unit, ...] = (),
        notify: bool = True,
        title: str = "联席会议全体会议",
    ) -> Meeting:
        meeting = services.meeting_schedule(
            kind=Meeting.Kind.PLENARY,
            title=title,
            starts_at=soon(days),
            ends_at=soon(days, hour=11),
            location="市卫生健康委三楼会议室",
            observer_units=observers,
            actor=sec,
        )
        services.agenda_item_add(meeting=meeting, title="通报全市职业病防治工作形势", actor=sec)
        services.agenda_item_add(
            meeting=meeting, title="审议年度工作要点", description="讨论稿见材料", actor=sec
        )
        if notify:
            services.meeting_notify(meeting=meeting, actor=sec)
        meeting.refresh_from_db()
        return meeting

    return make


@pytest.fixture
def plenary(make_plenary: Callable[..., Meeting], observer_unit: Unit) -> Meeting:
    """A notified plenary: every active member unit and the observer unit invited."""
    return make_plenary(observers=(observer_unit,))


@pytest.fixture
def other_meeting(make_plenary: Callable[..., Meeting]) -> Meeting:
    """A plenary to which the observer unit is NOT invited."""
    return make_plenary(title="另一次全体会议", days=20)


@pytest.fixture
def topical(sec: Membership, safety_liaison: Any) -> Meeting:
    """A topical meeting (三(一)2) the secretariat entrusted to 市应急管理局, with the members
    its topic concerns (市卫生健康委, 市人力资源和社会保障局); not yet notified."""
    return services.topical_meeting_entrust(
        title="尘肺病防治专题会议",
        topic="研究矿山、冶金行业粉尘危害治理",
        chair_unit=Unit.objects.get(name="市应急管理局"),
        concerned_units=[
            Unit.objects.get(name=n) for n in ("市卫生健康委", "市人力资源和社会保障局")
        ],
        starts_at=soon(),
        ends_at=soon(hour=11),
        location="市应急管理局会议室",
        actor=sec,
    )
