"""What the minutes say on paper (三(一)1, GB/T 9704-2012 §7.4.2, §10.3): the chair, who came,
who asked leave, who was absent; 分送 to the member units and the invited units by name; 抄送
(GB/T 9704-2012's term, not the 1999 抄报) to the city government office."""

from __future__ import annotations

from typing import Any

import pytest

from lianxi.meetings import services
from lianxi.meetings.minutes_document import attendance_lines, build_minutes_document
from lianxi.meetings.models import Attendance, Meeting
from lianxi.organization.models import Unit
from lianxi.typesetting.layout import banji_lines

from .fixtures import attendance_of, move_to_day

pytestmark = pytest.mark.django_db


def _unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


@pytest.fixture
def held(plenary: Meeting, sec: Any, other_liaison: Any, observer_user: Any) -> Meeting:
    """Health commission present, the other unit on leave with a substitute who came (委托出席),
    the observer unit 列席, one unit absent, every other unit present."""
    move_to_day(plenary)
    actual: dict[int, str] = {}
    names: dict[int, str] = {}
    other = other_liaison.membership.unit
    absent = _unit("市教育体育局")
    for a in plenary.attendances.select_related("unit"):
        if a.unit == other:
            actual[a.pk], names[a.pk] = Attendance.Actual.DELEGATE, "周处长"
            Attendance.objects.filter(pk=a.pk).update(
                attendee_name="刘副局长", attendee_title="副局长"
            )
        elif a.unit == absent:
            actual[a.pk] = Attendance.Actual.ABSENT
        elif a.unit == observer_user.membership.unit:
            actual[a.pk], names[a.pk] = Attendance.Actual.OBSERVER, "钱院长"
        else:
            actual[a.pk], names[a.pk] = Attendance.Actual.PRESENT, f"{a.unit.name[:2]}同志"
    Attendance.objects.filter(pk=attendance_of(plenary, _unit("市卫生健康委")).pk).update(
        attendee_name="赵主任", attendee_title="副主任"
    )
    names[attendance_of(plenary, _unit("市卫生健康委")).pk] = "赵主任"
    return services.attendance_record(meeting=plenary, actual=actual, names=names, actor=sec)


def test_minutes_name_the_chair_and_the_absent_units_三_一_1(held: Meeting, sec: Any) -> None:
    """三(一)1: the minutes say who chaired (主持), who came, who was on leave (the member who
    entrusted a substitute) and which invited units were absent (缺席)."""
    lines = {line.label: line.entries for line in attendance_lines(held)}
    assert next(iter(lines)) == "主持"
    assert lines["主持"] == [f"{held.chair_unit.name} 赵主任（副主任）"]
    assert "市人力资源和社会保障局 周处长（受委托出席）" in lines["出席"]
    assert lines["请假"] == ["市人力资源和社会保障局 刘副局长（副局长）"]
    assert lines["缺席"] == ["市教育体育局"]
    assert lines["列席"] == ["市职业病防治院 钱院长"]
    assert "市教育体育局" not in "".join(lines["出席"])


def test_distribution_names_the_invited_units_and_copy_is_chaosong_三_一_1(
    held: Meeting, sec: Any
) -> None:
    """三(一)1: 印发各成员单位和邀请参加会议的单位, 抄送市政府 — the 分送 line names the invited
    units (not "邀请参加会议的有关单位"), the copy line says 抄送 (GB/T 9704-2012 §7.4.2)."""
    minutes = services.minutes_draft(meeting=held, actor=sec)
    doc = build_minutes_document(minutes)
    assert doc.distribution == "联席会议各成员单位，市职业病防治院"
    assert "有关单位" not in doc.distribution
    assert [label for label, _ in banji_lines(doc)] == ["分送：", "抄送："]
    assert banji_lines(doc)[1] == ("抄送：", "市政府办公室。")


def test_minutes_download_carries_an_ascii_file_name_fallback_三_一_1(
    held: Meeting, sec: Any, clerk: Any, login: Any
) -> None:
    """三(一)1: the minutes download (.docx and PDF) names the file for every client: an ASCII
    ``filename="…"`` for those that do not read RFC 5987, then ``filename*=UTF-8''…``."""
    from urllib.parse import quote

    minutes = services.minutes_draft(meeting=held, actor=sec)
    client = login(clerk)
    for kind in ("docx", "pdf"):
        response = client.get(f"/meetings/minutes/{minutes.pk}/minutes.{kind}")
        assert response.status_code == 200
        header = response["Content-Disposition"]
        disposition, fallback, encoded = (part.strip() for part in header.split(";"))
        assert disposition == "attachment"
        assert fallback.startswith('filename="minutes-') and fallback.endswith(f'.{kind}"')
        assert fallback.isascii() and " " not in fallback
        assert encoded == f"filename*=UTF-8''{quote(f'{held.title}纪要.{kind}')}"
