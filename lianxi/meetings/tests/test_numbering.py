"""Minutes are numbered per joint meeting and year (issue 8; 三(一)1 纪要印发)."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lianxi.meetings import services
from lianxi.meetings.models import Meeting, Minutes
from lianxi.organization.models import Membership

from .fixtures import hold

pytestmark = pytest.mark.django_db


def _issued(sec: Membership, title: str) -> Minutes:
    starts = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=10)
    meeting = services.meeting_schedule(
        kind=Meeting.Kind.PLENARY,
        title=title,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        location="会议室",
        actor=sec,
    )
    services.agenda_item_add(meeting=meeting, title="通报工作形势", actor=sec)
    services.meeting_notify(meeting=meeting, actor=sec)
    meeting.refresh_from_db()
    minutes = services.minutes_draft(meeting=hold(meeting, sec), actor=sec)
    services.minutes_approve(minutes=minutes, actor=sec)
    services.minutes_sign_off(minutes=minutes, signer_name="赵主任", actor=sec)
    services.minutes_issue(minutes=minutes, actor=sec)
    minutes.refresh_from_db()
    return minutes


def test_each_joint_meetings_first_minutes_of_the_year_is_number_one(
    clerk: Any, second_clerk: Any
) -> None:
    """三(一)1: 〔年〕1号 is each joint meeting's own first issued minutes of the year."""
    first = _issued(clerk.membership, "甲会第一次全体会议")
    again = _issued(clerk.membership, "甲会第二次全体会议")
    other = _issued(second_clerk.membership, "乙会第一次全体会议")
    year = first.year
    assert (first.number, again.number) == (f"〔{year}〕1号", f"〔{year}〕2号")
    assert other.number == f"〔{year}〕1号"
    assert other.mechanism_id == second_clerk.membership.unit.mechanism_id
