"""Issue 17, "text at one boundary" (GB/T 22239-2019 8.1.4.x 数据完整性): the meeting pages
that post a field without a form — who actually came (the record on the day) and the minutes'
section headings — go through the services' text check, and that check treats them as one
line. The bad-input sweep found a line break stored in both (an UPDATE: the row counts it
measured before could not see it), and the minutes' opening refused with no word shown."""

from __future__ import annotations

from typing import Any

import pytest

from lianxi.core.exceptions import ApplicationError
from lianxi.meetings import services
from lianxi.meetings.models import Attendance, Meeting

from .fixtures import hold, move_to_day

pytestmark = pytest.mark.django_db


def test_a_line_break_in_who_actually_came_is_refused_and_nothing_recorded(
    plenary: Meeting, sec: Any
) -> None:
    """Issue 17 (the sweep): "actual-/name-" of the record on the day, a one-line name."""
    move_to_day(plenary)
    attendances = list(plenary.attendances.all())
    actual = {a.pk: "delegate" for a in attendances}
    names = {a.pk: "周处长" for a in attendances}
    names[attendances[0].pk] = "周处长\n李科长"
    with pytest.raises(ApplicationError, match="实际出席人应为一行文字"):
        services.attendance_record(meeting=plenary, actual=actual, names=names, actor=sec)
    plenary.refresh_from_db()
    assert plenary.status == Meeting.Status.NOTIFIED
    assert not Attendance.objects.filter(meeting=plenary).exclude(actual_name="").exists()


def test_a_line_break_in_a_minutes_heading_is_refused(plenary: Meeting, sec: Any) -> None:
    """Issue 17 (the sweep): "heading-<id>" of the minutes' edit page and a new section's
    heading are one line (as the API's Line(300))."""
    held = hold(plenary, sec)
    minutes = services.minutes_draft(meeting=held, actor=sec)
    section = minutes.sections.order_by("order").first()
    assert section is not None
    with pytest.raises(ApplicationError, match="标题应为一行文字"):
        services.minutes_update(
            minutes=minutes,
            intro="会议研究了有关事项。",
            sections={section.pk: ("第一部分\n第二部分", "讨论情况\n第二段")},
            actor=sec,
        )
    section.refresh_from_db()
    assert "\n" not in section.heading
    with pytest.raises(ApplicationError, match="标题应为一行文字"):
        services.minutes_section_add(minutes=minutes, heading="新增\n部分", actor=sec)
    # The discussion stays a paragraph: its line breaks are kept.
    services.minutes_update(
        minutes=minutes,
        intro="会议研究了有关事项。",
        sections={section.pk: ("第一部分", "讨论情况\n第二段")},
        actor=sec,
    )
    section.refresh_from_db()
    assert section.discussion == "讨论情况\n第二段"


def test_the_minutes_opening_refused_is_said_under_it(
    plenary: Meeting, sec: Any, login: Any, clerk: Any
) -> None:
    """Issue 17 (the sweep): a refused opening (NUL) was shown again with no word of why."""
    held = hold(plenary, sec)
    minutes = services.minutes_draft(meeting=held, actor=sec)
    response = login(clerk).post(f"/meetings/minutes/{minutes.pk}/edit/", {"intro": "甲\x00乙"})
    assert response.status_code == 200
    assert "含有不能保存的空字符（NUL）" in response.content.decode()
    minutes.refresh_from_db()
    assert "\x00" not in minutes.intro
