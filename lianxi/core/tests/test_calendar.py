"""Working days as the government counts them (issue 2 §5).

Holidays and make-up workdays from `chinese-calendar`, overridden by the secretariat's entries,
Monday–Friday where nothing is known.
"""

from datetime import date, timedelta

import pytest

from lianxi.core.audit import Actor, audit_verify
from lianxi.core.calendar import (
    ScheduleDay,
    ScheduleError,
    add_workdays,
    format_schedule,
    is_workday,
    package_knows,
    package_schedule,
    parse_schedule,
    schedule_missing_years,
    workdays_between,
    year_has_schedule,
    year_schedule,
)
from lianxi.core.exceptions import ApplicationError
from lianxi.core.models import AuditEvent, CalendarDay, CalendarYear
from lianxi.core.services import calendar_year_set

pytestmark = pytest.mark.django_db

D = date
# The secretariat clerk as the audit trail records her (creating the persona's account hashes a
# password, which is slow; the page tests use the real persona).
clerk = Actor(user_id=1, name="王秘书", unit_id=1, unit_name="市卫生健康委", role="secretariat")


def test_package_knows_2026_but_not_2027() -> None:
    assert package_knows(2026)
    assert package_knows(2004)
    assert not package_knows(2027)
    assert not package_knows(2003)


def test_national_day_2026_is_off_from_1_to_7_october() -> None:
    assert all(not is_workday(D(2026, 10, day)) for day in range(1, 8))
    assert is_workday(D(2026, 10, 8))  # Thursday after the holiday
    assert is_workday(D(2026, 9, 30))


def test_make_up_workdays_of_2026_are_workdays_though_weekends() -> None:
    make_up = [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20),
               D(2026, 10, 10)]  # fmt: skip
    for day in make_up:
        assert day.weekday() >= 5, day
        assert is_workday(day), day


def test_spring_festival_2026_is_off_from_15_to_23_february() -> None:
    assert all(not is_workday(D(2026, 2, day)) for day in range(15, 24))
    assert is_workday(D(2026, 2, 24))
    assert is_workday(D(2026, 2, 14))  # Saturday before: make-up workday


def test_ordinary_weekends_and_weekdays() -> None:
    assert not is_workday(D(2026, 11, 28))  # Saturday
    assert not is_workday(D(2026, 11, 29))  # Sunday
    assert is_workday(D(2026, 11, 30))  # Monday


def test_add_workdays_across_national_day() -> None:
    # Tuesday 29 Sept 2026 + 3 working days: 30 Sept, then 8 and 9 Oct (1–7 off).
    assert add_workdays(D(2026, 9, 29), 3) == D(2026, 10, 9)
    # The make-up Saturday 10 Oct counts.
    assert add_workdays(D(2026, 10, 9), 1) == D(2026, 10, 10)
    assert add_workdays(D(2026, 10, 9), 2) == D(2026, 10, 12)


def test_add_zero_workdays_is_the_same_or_next_working_day() -> None:
    assert add_workdays(D(2026, 11, 30), 0) == D(2026, 11, 30)
    assert add_workdays(D(2026, 10, 1), 0) == D(2026, 10, 8)
    with pytest.raises(ValueError):
        add_workdays(D(2026, 10, 1), -1)


def test_workdays_between_counts_after_start_up_to_end() -> None:
    assert workdays_between(D(2026, 9, 30), D(2026, 10, 8)) == 1
    assert workdays_between(D(2026, 9, 20), D(2026, 10, 10)) == 10
    assert workdays_between(D(2026, 10, 10), D(2026, 9, 20)) == -10
    assert workdays_between(D(2026, 11, 30), D(2026, 11, 30)) == 0
    start = D(2026, 3, 2)
    for n in (1, 5, 20, 60):
        assert workdays_between(start, add_workdays(start, n)) == n


def test_counting_into_2027_without_a_schedule_falls_back_to_monday_to_friday() -> None:
    # Wed 30 Dec 2026 + 3: Thu 31 Dec; 1 Jan 2027 is a Friday, unknown → counted as a workday.
    assert add_workdays(D(2026, 12, 30), 3) == D(2027, 1, 4)
    assert is_workday(D(2027, 1, 1))
    assert not is_workday(D(2027, 1, 2))
    assert workdays_between(D(2026, 12, 25), D(2027, 1, 8)) == 10


def year_2027_entered() -> None:
    days = parse_schedule(
        "2027-01-01 休 元旦\n"
        "2027-02-06 至 2027-02-12 休 春节\n"
        "2027-02-14 班 春节调休\n"
        "2027-02-20 班 春节调休\n",
        year=2027,
    )
    calendar_year_set(year=2027, days=days, source="国办发明电〔2026〕×号（测试）", actor=clerk)


def test_counting_across_the_year_end_uses_the_entered_2027_schedule() -> None:
    year_2027_entered()
    assert not is_workday(D(2027, 1, 1))
    assert add_workdays(D(2026, 12, 30), 3) == D(2027, 1, 5)
    assert workdays_between(D(2026, 12, 25), D(2027, 1, 8)) == 9
    # Spring Festival 2027: 5–12 Feb off, the Sunday 14 Feb a workday.
    assert add_workdays(D(2027, 2, 5), 1) == D(2027, 2, 14)
    assert year_has_schedule(2027)


def test_secretariat_turns_a_package_holiday_into_a_workday_and_a_workday_into_a_holiday() -> None:
    assert not is_workday(D(2026, 10, 7))
    assert is_workday(D(2026, 10, 9))
    days = [
        ScheduleDay(D(2026, 10, 7), True, "市政府通知上班"),
        ScheduleDay(D(2026, 10, 9), False, "市政府通知放假"),
    ]
    calendar_year_set(year=2026, days=days, source="市政府办公室通知（测试）", actor=clerk)
    assert is_workday(D(2026, 10, 7))
    assert not is_workday(D(2026, 10, 9))
    # The rest of the package's schedule still stands.
    assert not is_workday(D(2026, 10, 6))
    assert is_workday(D(2026, 10, 10))
    assert add_workdays(D(2026, 10, 6), 2) == D(2026, 10, 8)  # 7th now worked
    assert add_workdays(D(2026, 10, 6), 3) == D(2026, 10, 10)  # 9th now off
    merged = {d.date: d for d in year_schedule(2026)}
    assert merged[D(2026, 10, 7)].is_workday and merged[D(2026, 10, 7)].entered
    assert merged[D(2026, 10, 1)].note == "国庆节" and not merged[D(2026, 10, 1)].entered


def test_entering_a_year_again_replaces_its_days_and_records_an_audit_event() -> None:
    year_2027_entered()
    assert CalendarDay.objects.filter(year=2027).count() == 10
    calendar_year_set(
        year=2027,
        days=parse_schedule("2027-01-01 休 元旦", year=2027),
        source="更正后的通知",
        actor=clerk,
    )
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [D(2027, 1, 1)]
    entry = CalendarYear.objects.get(year=2027)
    assert (entry.source, entry.entered_by) == ("更正后的通知", "王秘书")
    events = AuditEvent.objects.filter(action="calendar.year_set").order_by("id")
    assert events.count() == 2
    latest = events.last()
    assert latest is not None
    assert latest.data["replaced"] == 10
    assert latest.data["holidays"] == ["2027-01-01 元旦"]
    assert latest.unit_name == "市卫生健康委"
    assert audit_verify()[1] == []


def test_a_notice_may_include_the_december_before_its_year() -> None:
    """Like 2019's notice: 2018-12-29 上班, 2018-12-30 至 2019-01-01 放假."""
    days = parse_schedule("2026-12-26 班 元旦调休\n2026-12-31 至 2027-01-01 休 元旦\n", year=2027)
    calendar_year_set(year=2027, days=days, source="测试", actor=clerk)
    assert is_workday(D(2026, 12, 26))
    assert not is_workday(D(2026, 12, 31))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"year": 1999}, "年份应在 2000 至 2100 之间"),
        ({"source": "  "}, "请填写依据"),
        ({"source": "长" * 201}, "依据不超过 200 个字"),
        ({"days": []}, "请至少录入一天"),
        ({"days": [ScheduleDay(D(2028, 1, 1), False, "")]}, "不属于 2027 年的安排"),
        (
            {"days": [ScheduleDay(D(2027, 1, 1), False, ""), ScheduleDay(D(2027, 1, 1), True, "")]},
            "重复出现",
        ),
    ],
)
def test_calendar_year_set_refuses_bad_input_and_writes_nothing(kwargs, message) -> None:
    arguments = {
        "year": 2027,
        "days": [ScheduleDay(D(2027, 1, 1), False, "元旦")],
        "source": "通知",
        "actor": clerk,
        **kwargs,
    }
    with pytest.raises(ApplicationError, match=message):
        calendar_year_set(**arguments)
    assert not CalendarDay.objects.exists()
    assert not CalendarYear.objects.exists()
    assert not AuditEvent.objects.exists()


def test_parse_schedule_reads_days_ranges_kinds_and_notes() -> None:
    text = """
    # 国务院办公厅关于2027年部分节假日安排的通知
    2027-01-01 休 元旦
    2027-02-07 班 春节调休
    2027-02-10 至 2027-02-16 休 春节
    2027/4/5 放假 清明节
    2027年5月1日～2027年5月5日 休息 劳动节
    ２０２７－０５－０８　上班　劳动节调休
    2027-10-01 -- 2027-10-03 休
    2027-10-09补班
    """
    days = parse_schedule(text, year=2027)
    by_date = {d.date: d for d in days}
    assert len(days) == 1 + 1 + 7 + 1 + 5 + 1 + 3 + 1
    assert by_date[D(2027, 1, 1)] == ScheduleDay(D(2027, 1, 1), False, "元旦", entered=True)
    assert by_date[D(2027, 2, 7)].is_workday and by_date[D(2027, 2, 7)].note == "春节调休"
    assert all(not by_date[D(2027, 2, d)].is_workday for d in range(10, 17))
    assert by_date[D(2027, 4, 5)].note == "清明节"
    assert by_date[D(2027, 5, 3)].note == "劳动节"
    assert by_date[D(2027, 5, 8)].is_workday  # full-width digits and spaces
    assert by_date[D(2027, 10, 2)].note == ""
    assert by_date[D(2027, 10, 9)].is_workday
    assert days == sorted(days, key=lambda d: d.date)


def test_parse_schedule_names_every_bad_line_in_chinese_and_returns_nothing() -> None:
    text = "\n".join(
        [
            "2027-01-01 休 元旦",  # 1 fine
            "元旦 2027-01-01 休",  # 2 no date first
            "2027-02-30 休 春节",  # 3 no such date
            "2027-02-10 春节",  # 4 no kind
            "2027-02-16 至 2027-02-10 休 春节",  # 5 reversed
            "2026-06-01 休 端午",  # 6 other year
            "2027-01-01 班",  # 7 duplicate of line 1
            "2027-03-01 至 2027-05-01 休",  # 8 too long
            "2027-06-01 休 " + "长" * 51,  # 9 note too long
        ]
    )
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(text, year=2027)
    errors = caught.value.errors
    assert [e.split("“")[0] for e in errors] == [f"第 {n} 行" for n in range(2, 10)]
    assert "应以日期开头" in errors[0]
    assert "日期“2027-02-30”不存在" in errors[1]
    assert "日期后应写“休”或“班”" in errors[2]
    assert "结束日期早于开始日期" in errors[3]
    assert "不属于 2027 年的安排" in errors[4]
    assert "2027-01-01 已在第 1 行出现" in errors[5]
    assert "一行最多 31 天" in errors[6]
    assert "说明不超过 50 个字" in errors[7]
    assert "未保存任何内容" in caught.value.message


def test_parse_schedule_refuses_an_empty_text() -> None:
    with pytest.raises(ScheduleError, match="没有读到任何日期"):
        parse_schedule("\n  \n# 只有注释\n", year=2027)


def test_format_schedule_round_trips_the_package_year() -> None:
    days = package_schedule(2026)
    text = format_schedule(days)
    assert "2026-10-01 至 2026-10-07 休 国庆节" in text.splitlines()
    assert "2026-10-10 班 国庆节调休" in text.splitlines()
    assert "2026-02-15 至 2026-02-23 休 春节" in text.splitlines()
    reparsed = parse_schedule(text, year=2026)
    assert [(d.date, d.is_workday, d.note) for d in reparsed] == [
        (d.date, d.is_workday, d.note) for d in days
    ]


def test_schedule_missing_years_warns_for_2027_in_november_2026() -> None:
    assert schedule_missing_years(D(2026, 11, 29)) == [2027]
    assert schedule_missing_years(D(2026, 6, 1)) == []  # too early to worry about 2027
    assert schedule_missing_years(D(2026, 10, 1)) == [2027]
    assert schedule_missing_years(D(2027, 3, 1)) == [2027]
    year_2027_entered()
    assert schedule_missing_years(D(2026, 11, 29)) == []
    assert schedule_missing_years(D(2027, 12, 1)) == [2028]


def test_a_long_count_reads_the_overrides_beyond_its_first_window() -> None:
    # An override far beyond the initial window (n * 2 + 40 days) must still be seen.
    far = add_workdays(D(2026, 1, 5), 150)
    calendar_year_set(
        year=2026,
        days=[ScheduleDay(far - timedelta(days=1), False, "临时放假")]
        if is_workday(far - timedelta(days=1))
        else [ScheduleDay(far, False, "临时放假")],
        source="测试",
        actor=clerk,
    )
    assert add_workdays(D(2026, 1, 5), 150) == add_workdays(far, 1)
