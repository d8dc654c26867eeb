"""The annual cycle (四(三)): opening, dates from the settings, reminders in working days, the
unit's drafting and sending, the secretariat's review, lateness; and its pages' access."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO
from typing import Any

import pytest
import time_machine
from openpyxl import load_workbook

from lianxi.conftest import aware
from lianxi.core.calendar import is_workday
from lianxi.core.exceptions import ApplicationError
from lianxi.notifications.models import Delivery, Message
from lianxi.organization.models import Mechanism, Unit
from lianxi.supervision.models import ActionItem

from ..models import AnnualCycle, AnnualSubmission, PartStatus, PlanTask
from ..selectors import board, plan_reviewed
from ..services import (
    TaskIn,
    TopicIn,
    annual_tick,
    cycle_dates,
    cycle_open,
    part_review,
    part_save,
    plan_to_action_items,
    remind_late,
    submission_send,
)
from .conftest import DEADLINE, configure, fill, send_all, submission_of

pytestmark = pytest.mark.django_db
# The board page: the session, the person, the cycle, the submissions with their units, one
# read of the calendar, the plenary watch, and the page's frame.
BOARD_QUERIES = 10


def reminded(kind: str = "annual.reminder") -> list[tuple[date, str, set[str]]]:
    """(day, unit of the link, usernames reached) of each reminder, oldest first."""
    out = []
    for m in Message.objects.filter(kind=kind).order_by("id"):
        users = set(Delivery.objects.filter(message=m).values_list("user__username", flat=True))
        out.append((m.created_at.date(), m.url, users))
    return out


def test_dates_come_from_the_settings_not_the_code_四_三(mechanism: Mechanism) -> None:
    """四(三): 1月15日 closes the cycle of that year, opened on 1 December before; 12月31日
    closes the next year's (the summary of the year ending); nothing stated, nothing opened."""
    assert cycle_dates(mechanism, 2027) is None
    configure(mechanism)
    dates = cycle_dates(mechanism, 2027)
    assert dates is not None
    assert (dates.opens_on, dates.deadline) == (date(2026, 12, 1), date(2027, 1, 15))
    configure(mechanism, deadline="12-31")
    dates = cycle_dates(mechanism, 2027)
    assert dates is not None
    assert (dates.opens_on, dates.deadline) == (date(2026, 12, 1), date(2026, 12, 31))


def test_a_deadline_on_a_holiday_moves_only_when_the_secretariat_chose_四_三(
    mechanism: Mechanism,
) -> None:
    """四(三): 1月1日 is a holiday; moved to the next working day only by the setting."""
    configure(mechanism, deadline="01-01")
    assert not is_workday(date(2027, 1, 1))
    dates = cycle_dates(mechanism, 2027)
    assert dates is not None and dates.deadline == date(2027, 1, 1)
    mechanism.annual_deadline_shift = True
    mechanism.save()
    dates = cycle_dates(mechanism, 2027)
    assert dates is not None
    assert dates.rule_deadline == date(2027, 1, 1)
    assert dates.deadline > date(2027, 1, 1) and is_workday(dates.deadline)
    assert all(
        not is_workday(date(2027, 1, 1) + timedelta(days=n))
        for n in range((dates.deadline - date(2027, 1, 1)).days)
    )


def test_the_tick_opens_the_cycle_on_its_day_once_and_tells_every_unit_四_三(
    configured: Mechanism, consulted: Any, clerk: Any
) -> None:
    """四(三): the cycle opens on 1 December; each member unit is told what is due and by
    when; a repeated tick opens nothing and tells no one again."""
    assert annual_tick(aware(2026, 11, 30, 9))["opened"] == 0
    assert not AnnualCycle.objects.exists()
    assert annual_tick(aware(2026, 12, 1, 0, 5))["opened"] == 1
    annual_tick(aware(2026, 12, 1, 0, 6))
    cycle = AnnualCycle.objects.get()
    assert (cycle.year, cycle.deadline, cycle.deadline_source) == (2027, DEADLINE, "四(三)")
    members = Unit.objects.filter(mechanism=configured, kind=Unit.Kind.MEMBER, active=True)
    assert cycle.submissions.count() == members.count() == 15
    opened = Message.objects.filter(kind="annual.cycle_open")
    assert opened.count() == 15
    liaison, member = consulted["hrss"]
    mine = Delivery.objects.filter(
        user=liaison, message__kind="annual.cycle_open", channel="inbox"
    ).get()
    assert "2027年1月15日" in mine.message.subject
    assert (
        Delivery.objects.filter(
            user=member, message__kind="annual.cycle_open", channel="inbox"
        ).count()
        == 1
    )


def test_no_deadline_in_the_rules_opens_nothing_and_asks_四_三(
    mechanism: Mechanism, clerk: Any, login: Any
) -> None:
    """四(三): where the rules say nothing, the secretariat is asked, nothing is guessed."""
    assert annual_tick(aware(2026, 12, 1, 9))["opened"] == 0
    page = login(clerk).get("/annual/").content.decode()
    assert "制度文件未规定年度材料的报送截止日" in page


def _tick_every_day(start: date, end: date, twice: bool = True) -> None:
    day = start
    while day <= end:
        with time_machine.travel(aware(day.year, day.month, day.day, 9), tick=False):
            annual_tick(aware(day.year, day.month, day.day, 9))
            if twice:
                annual_tick(aware(day.year, day.month, day.day, 9, 30))
        day += timedelta(days=1)


def test_reminders_fall_on_working_days_liaison_first_then_member_once_each_四_三(
    cycle: AnnualCycle, consulted: Any, clerk: Any
) -> None:
    """四(三): reminded 10, 5, 2 and 1 working days before the deadline (New Year's holiday not
    counted); the liaison first, the member too in the last two; a repeated tick sends nothing
    twice; on the first working day after, the late units' members and the secretariat."""
    liaison, member = consulted["hrss"]
    _tick_every_day(date(2026, 12, 2), date(2027, 1, 19))
    hrss_url = f"/annual/2027/units/{liaison.membership.unit_id}/"
    mine = [(d, users) for d, url, users in reminded() if url == hrss_url]
    # Counted by hand: 10 working days before Friday 15 January are 4–15 January, so the
    # reminder goes on the last working day before them, Thursday 31 December (1 January is
    # 元旦, 2–3 January the weekend); 5 before: Friday 8 January; 2: Wednesday 13; 1: Thursday 14.
    expected = [date(2026, 12, 31), date(2027, 1, 8), date(2027, 1, 13), date(2027, 1, 14)]
    assert [d for d, _ in mine] == expected
    assert [users for _, users in mine] == [
        {liaison.username},
        {liaison.username},
        {liaison.username, member.username},
        {liaison.username, member.username},
    ]
    late = [(d, users) for d, url, users in reminded("annual.late") if url == hrss_url]
    assert late == [(date(2027, 1, 18), {liaison.username, member.username})]
    [listing] = Message.objects.filter(kind="annual.late_list")
    assert "市人力资源和社会保障局" in listing.body
    assert Delivery.objects.filter(message=listing, user=clerk).exists()


def test_a_missed_tick_sends_the_reminder_due_once_and_no_older_one_四_三(
    cycle: AnnualCycle, consulted: Any
) -> None:
    """四(三): the worker down from 12-25 to 01-12: on 01-12 one reminder (the latest due),
    not the three it missed; a unit that sent in between is not reminded."""
    liaison, _member = consulted["hrss"]
    u_liaison, u_member = consulted["union"]
    _tick_every_day(date(2026, 12, 2), date(2026, 12, 24))
    assert not reminded()
    send_all(u_liaison, u_member, cycle, aware(2027, 1, 4, 10))
    _tick_every_day(date(2027, 1, 12), date(2027, 1, 12))
    hrss_url = f"/annual/2027/units/{liaison.membership.unit_id}/"
    union_url = f"/annual/2027/units/{u_liaison.membership.unit_id}/"
    days = [d for d, url, _ in reminded() if url == hrss_url]
    assert days == [date(2027, 1, 12)]
    assert not [d for d, url, _ in reminded() if url == union_url]
    assert submission_of(cycle, liaison.membership.unit).reminder_level == 2


def test_liaison_drafts_member_sends_secretariat_returns_and_confirms_四_三(
    cycle: AnnualCycle, consulted: Any, clerk: Any
) -> None:
    """四(三): the liaison drafts and puts the parts before the member (待成员审核); only the
    member's sending makes them 已报送; a returned part goes back with its note, and the unit's
    resending keeps the first time it was sent."""
    liaison, member = consulted["hrss"]
    unit = liaison.membership.unit
    fill(liaison, cycle, topics=["尘肺病患者救助"])
    s = submission_of(cycle, unit)
    assert [s.status_of(p) for p in ("summary", "plan", "topics")] == ["draft"] * 3
    submission_send(submission=s, actor=liaison.membership, now=aware(2027, 1, 5, 9))
    s = submission_of(cycle, unit)
    assert s.summary_status == PartStatus.AWAITING_MEMBER and s.completed_at is None
    with pytest.raises(ApplicationError, match="等待成员审定"):
        submission_send(submission=s, actor=liaison.membership, now=aware(2027, 1, 5, 9))
    submission_send(submission=s, actor=member.membership, now=aware(2027, 1, 6, 9))
    s = submission_of(cycle, unit)
    assert s.completed_at == aware(2027, 1, 6, 9)
    with pytest.raises(ApplicationError, match="退回意见"):
        part_review(submission=s, part="plan", confirm=False, note=" ", actor=clerk.membership)
    part_review(
        submission=s, part="plan", confirm=False, note="请补充完成时限", actor=clerk.membership
    )
    s = submission_of(cycle, unit)
    assert (s.plan_status, s.plan_note) == (PartStatus.RETURNED, "请补充完成时限")
    returned = Delivery.objects.filter(
        user=liaison, message__kind="annual.reviewed", channel="inbox"
    ).get()
    assert "请补充完成时限" in returned.message.body
    with pytest.raises(ApplicationError, match="已报送"):
        part_save(submission=s, part="summary", actor=liaison.membership, text="改")
    part_save(
        submission=s,
        part="plan",
        actor=liaison.membership,
        tasks=[TaskIn(title="开展尘肺病患者帮扶行动", expected_on=date(2027, 5, 31))],
    )
    submission_send(
        submission=submission_of(cycle, unit), actor=member.membership, now=aware(2027, 1, 20, 9)
    )
    s = submission_of(cycle, unit)
    assert s.plan_status == PartStatus.SENT and s.plan_note == ""
    assert s.plan_sent_at == aware(2027, 1, 6, 9)  # the first sending counts for timeliness
    part_review(submission=s, part="plan", confirm=True, note="", actor=clerk.membership)
    assert submission_of(cycle, unit).plan_status == PartStatus.CONFIRMED


def test_bad_parts_are_refused_in_chinese_and_nothing_is_written_四_三(
    cycle: AnnualCycle, consulted: Any, clerk: Any, union: Unit
) -> None:
    """四(三): a task without a date or outside the year, no task, topics both none and given,
    another unit's submission, the secretariat drafting: refused, nothing changed."""
    liaison, _ = consulted["hrss"]
    s = submission_of(cycle, liaison.membership.unit)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"part": "plan", "tasks": [TaskIn(title="任务", expected_on=None)]}, "预计完成时间"),
        ({"part": "plan", "tasks": [TaskIn(title="任务", expected_on=date(2028, 1, 5))]}, "2027"),
        ({"part": "plan", "tasks": []}, "至少填写一项重点任务"),
        (
            {
                "part": "topics",
                "no_topics": True,
                "topics": [TopicIn(title="x")],
            },
            "无议题建议",
        ),
        ({"part": "summary", "text": "  "}, "工作总结"),
        ({"part": "foo"}, "summary、plan 或 topics"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ApplicationError, match=message):
            part_save(submission=s, actor=liaison.membership, **kwargs)
    with pytest.raises(ApplicationError, match="本单位"):
        part_save(
            submission=submission_of(cycle, union),
            part="summary",
            actor=liaison.membership,
            text="x",
        )
    with pytest.raises(ApplicationError, match="本单位"):
        part_save(submission=s, part="summary", actor=clerk.membership, text="x")
    s = submission_of(cycle, liaison.membership.unit)
    assert (s.summary, s.plan_status) == ("", PartStatus.NOT_STARTED)
    assert not PlanTask.objects.exists()


def test_a_sent_plan_becomes_action_items_in_one_step_四_三(
    cycle: AnnualCycle, consulted: Any, clerk: Any
) -> None:
    """四(三) with 四(二): each key task becomes an action item of source 年度工作计划, its lead
    unit and its expected date kept; a second click makes none."""
    liaison, member = consulted["hrss"]
    s = send_all(liaison, member, cycle, aware(2027, 1, 6, 9))
    items = plan_to_action_items(submission=s, actor=clerk.membership, today=date(2027, 1, 7))
    assert len(items) == 2
    assert {(i.title, i.deadline, i.lead_unit_id, i.source) for i in items} == {
        ("开展尘肺病患者帮扶行动", date(2027, 6, 30), s.unit_id, ActionItem.Source.ANNUAL_PLAN),
        ("推进职业健康检查全覆盖", date(2027, 11, 30), s.unit_id, ActionItem.Source.ANNUAL_PLAN),
    }
    assert set(PlanTask.objects.values_list("action_item_id", flat=True)) == {i.pk for i in items}
    with pytest.raises(ApplicationError, match="都已转为督办事项"):
        plan_to_action_items(submission=s, actor=clerk.membership, today=date(2027, 1, 7))
    with pytest.raises(ApplicationError, match="联席会议办公室"):
        plan_to_action_items(submission=s, actor=liaison.membership, today=date(2027, 1, 7))


def test_late_units_are_flagged_in_working_days_and_reminded_once_a_day_四_三(
    cycle: AnnualCycle, consulted: Any, clerk: Any, login: Any
) -> None:
    """四(三): after the deadline the board flags each unit not complete with the working days
    it is late; one click reminds them all, once a day."""
    liaison, member = consulted["hrss"]
    u_liaison, u_member = consulted["union"]
    send_all(u_liaison, u_member, cycle, aware(2027, 1, 14, 9))
    send_all(liaison, member, cycle, aware(2027, 1, 19, 9))  # Tuesday: 2 working days late
    with pytest.raises(ApplicationError, match="尚无逾期"):
        remind_late(cycle=cycle, actor=clerk.membership, today=DEADLINE)
    with time_machine.travel(aware(2027, 1, 20, 10), tick=False):
        client = login(clerk)
        page = client.get("/annual/2027/").content.decode()
        assert "迟报 2 个工作日" in page
        assert "逾期 3 个工作日" in page  # the units that sent nothing
        names = remind_late(cycle=cycle, actor=clerk.membership, today=date(2027, 1, 20))
        assert len(names) == 13 and "市总工会" not in names
        with pytest.raises(ApplicationError, match="今天已催报过"):
            remind_late(cycle=cycle, actor=clerk.membership, today=date(2027, 1, 20))
        response = client.get("/annual/2027/board.xlsx")
        sheet = load_workbook(BytesIO(response.content)).active
        rows = {r[1]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
        assert rows["市总工会"][2:5] == ("已报送",) * 3
        assert rows["市人力资源和社会保障局"][6] == 2
        assert rows["市财政局"][2] == "未开始" and rows["市财政局"][6] == 3


# --- access --------------------------------------------------------------------------------------


def test_pages_access_四_三(
    cycle: AnnualCycle, consulted: Any, clerk: Any, second_clerk: Any, login: Any, client: Any
) -> None:
    """四(三): the board, the topics and the exports are the secretariat's; a unit sees only its
    own submission; another joint meeting's office sees nothing of this one's; the anonymous
    are sent to log in."""
    liaison, _ = consulted["hrss"]
    u_liaison, _ = consulted["union"]
    own = f"/annual/2027/units/{liaison.membership.unit_id}/"
    other = f"/annual/2027/units/{u_liaison.membership.unit_id}/"
    secretariat_only = ["/annual/2027/", "/annual/2027/topics/", "/annual/2027/board.xlsx"]
    with time_machine.travel(aware(2026, 12, 2, 10), tick=False):
        office = login(clerk)
        for url in [*secretariat_only, own, "/annual/"]:
            assert office.get(url).status_code == 200, url
        unit = login(liaison)
        for url in secretariat_only:
            assert unit.get(url).status_code == 403, url
        assert unit.get(own).status_code == 200
        assert unit.get(other).status_code == 404
        assert unit.get("/annual/").status_code == 302
        stranger = login(second_clerk)
        for url in [*secretariat_only, own]:
            assert stranger.get(url).status_code == 404, url
        for url in [*secretariat_only, own, "/annual/"]:
            response = client.get(url)
            assert response.status_code == 302 and "/account/login/" in response["Location"]
        posts = [
            ("/annual/2027/remind/", 403),
            (f"{own}summary/review/", 403),
            (f"{own}plan-items/", 403),
            ("/annual/2027/topics/accept/", 403),
            ("/annual/open/", 403),
            (f"{other}send/", 404),
            (f"{other}summary/", 404),
        ]
        for url, code in posts:
            assert unit.post(url, {}).status_code == code, url


def test_a_unit_never_sees_another_units_unsent_parts_四_三(
    cycle: AnnualCycle, consulted: Any, clerk: Any, login: Any
) -> None:
    """四(三): a draft is the unit's own; the secretariat sees its state, not its words, until
    the member sends it."""
    liaison, member = consulted["hrss"]
    fill(liaison, cycle, topics=["尘肺病患者救助"])
    own = f"/annual/2027/units/{liaison.membership.unit_id}/"
    with time_machine.travel(aware(2026, 12, 3, 10), tick=False):
        office = login(clerk).get(own).content.decode()
        assert "尘肺病患者帮扶行动" not in office and "单位尚未报送此部分" in office
        assert "草稿" in office
        u_liaison, _ = consulted["union"]
        assert login(u_liaison).get(own).status_code == 404
    submission_send(
        submission=submission_of(cycle, liaison.membership.unit),
        actor=member.membership,
        now=aware(2026, 12, 4, 9),
    )
    with time_machine.travel(aware(2026, 12, 4, 10), tick=False):
        assert "尘肺病患者帮扶行动" in login(clerk).get(own).content.decode()


def test_the_board_pins_its_queries(
    cycle: AnnualCycle,
    consulted: dict[str, tuple[Any, Any]],
    clerk: Any,
    login: Any,
    django_assert_max_num_queries: Any,
) -> None:
    """四(三): the board of 15 units, some sent, some returned, costs the same as an empty one."""
    with time_machine.travel(aware(2026, 12, 10, 10), tick=False):
        client = login(clerk)
        with django_assert_max_num_queries(BOARD_QUERIES):
            assert client.get("/annual/2027/").status_code == 200
    for key in ("hrss", "union", "safety"):
        send_all(*consulted[key], cycle, aware(2026, 12, 11, 9))
    s = AnnualSubmission.objects.get(cycle=cycle, unit=consulted["union"][0].membership.unit)
    part_review(submission=s, part="summary", confirm=False, note="请补充", actor=clerk.membership)
    with time_machine.travel(aware(2026, 12, 12, 10), tick=False):
        client = login(clerk)
        with django_assert_max_num_queries(BOARD_QUERIES):
            assert client.get("/annual/2027/").status_code == 200


def test_the_summary_is_read_against_last_years_plan_四_三(
    configured: Mechanism, cycle: AnnualCycle, consulted: Any, clerk: Any, login: Any
) -> None:
    """四(三): the 2027 submission's summary (of 2026) beside the same unit's 2026 plan: each
    planned task with what the summary says of it and the action item made of it."""
    liaison, member = consulted["hrss"]
    with time_machine.travel(aware(2025, 12, 1, 8), tick=False):
        last = cycle_open(mechanism=configured, year=2026, now=aware(2025, 12, 1, 8))
    unit = liaison.membership.unit
    previous = submission_of(last, unit)
    part_save(
        submission=previous,
        part="plan",
        actor=liaison.membership,
        text="2026年重点工作。",
        tasks=[
            TaskIn(title="开展尘肺病患者帮扶行动", expected_on=date(2026, 6, 30)),
            TaskIn(title="推进工伤保险扩面参保", expected_on=date(2026, 11, 30)),
        ],
    )
    for person in (liaison, member):
        submission_send(
            submission=submission_of(last, unit), actor=person.membership, now=aware(2026, 1, 8, 9)
        )
    items = plan_to_action_items(
        submission=submission_of(last, unit), actor=clerk.membership, today=date(2026, 1, 9)
    )
    part_save(
        submission=submission_of(cycle, unit),
        part="summary",
        actor=liaison.membership,
        text="全年开展尘肺病患者帮扶行动，帮扶患者120人。完成了年度培训。",
    )
    for person in (liaison, member):
        submission_send(
            submission=submission_of(cycle, unit), actor=person.membership, now=aware(2027, 1, 6, 9)
        )
    found, reviews = plan_reviewed(submission_of(cycle, unit))
    assert found is not None and found.pk == previous.pk
    assert [(r.task.title, r.said, r.task.action_item_id) for r in reviews] == [
        ("开展尘肺病患者帮扶行动", ["全年开展尘肺病患者帮扶行动，帮扶患者120人。"], items[0].pk),
        ("推进工伤保险扩面参保", [], items[1].pk),
    ]
    with time_machine.travel(aware(2027, 1, 7, 10), tick=False):
        page = login(clerk).get(f"/annual/2027/units/{unit.pk}/").content.decode()
    assert "推进工伤保险扩面参保" in page and "总结中未提及" in page
    assert f"/supervision/{items[0].pk}/" in page


def test_a_part_returned_and_resent_late_keeps_a_unit_complete_in_time_on_time_四_三(
    cycle: AnnualCycle, consulted: Any, clerk: Any
) -> None:
    """四(三): timeliness counts when the last of the three parts first reached the secretariat.
    The summary sent on 01-05 and returned, the plan and topics sent on 01-14: complete in time,
    though the summary comes back only on 01-20; no late notice, no place on the late list."""
    liaison, member = consulted["hrss"]
    unit = liaison.membership.unit

    def send(when: Any) -> None:
        for person in (liaison, member):
            submission_send(
                submission=submission_of(cycle, unit), actor=person.membership, now=when
            )

    part_save(
        submission=submission_of(cycle, unit), part="summary", actor=liaison.membership,
        text="2026年工作总结。",
    )  # fmt: skip
    send(aware(2027, 1, 5, 9))
    part_review(
        submission=submission_of(cycle, unit), part="summary", confirm=False,
        note="请补充数据。", actor=clerk.membership,
    )  # fmt: skip
    # The plan and topics drafted and sent while the summary waits, returned.
    part_save(
        submission=submission_of(cycle, unit), part="plan", actor=liaison.membership,
        text="2027年计划。",
        tasks=[TaskIn(title="开展尘肺病患者帮扶行动", expected_on=date(2027, 6, 30))],
    )  # fmt: skip
    part_save(
        submission=submission_of(cycle, unit), part="topics", actor=liaison.membership,
        no_topics=True,
    )  # fmt: skip
    send(aware(2027, 1, 14, 9))
    assert submission_of(cycle, unit).completed_at == aware(2027, 1, 14, 9)
    _tick_every_day(date(2027, 1, 16), date(2027, 1, 19))
    assert not [m for m in reminded("annual.late") if f"/units/{unit.pk}/" in m[1]]
    late_list = Message.objects.get(kind="annual.late_list")
    assert unit.name not in late_list.body
    assert unit.name not in remind_late(
        cycle=cycle, actor=clerk.membership, today=date(2027, 1, 19)
    )
    assert submission_of(cycle, unit).summary_status == PartStatus.RETURNED
    part_save(
        submission=submission_of(cycle, unit), part="summary", actor=liaison.membership,
        text="2026年工作总结，补充了数据。",
    )  # fmt: skip
    send(aware(2027, 1, 20, 9))
    s = submission_of(cycle, unit)
    assert s.summary_status == PartStatus.SENT
    assert s.completed_at == aware(2027, 1, 14, 9)
    row = next(r for r in board(cycle, date(2027, 1, 20)).rows if r.submission.unit_id == unit.pk)
    assert row.complete and row.late_workdays == 0


def test_the_tick_runs_on_29_february_四_三(cycle: AnnualCycle) -> None:
    """四(三): the daily tick of a leap day reminds as on any other day (it crashed once on the
    date a year back, which 29 February does not have)."""
    with time_machine.travel(aware(2028, 2, 29, 9), tick=False):
        annual_tick(aware(2028, 2, 29, 9))
        assert annual_tick(aware(2028, 2, 29, 10)) == {"opened": 0, "reminded": 0}


def test_a_deadline_moved_under_a_running_cycle_opens_no_second_one_over_it_四_三(
    cycle: AnnualCycle, configured: Mechanism, clerk: Any, login: Any
) -> None:
    """四(三): the 2027 cycle ran from 1 December to 15 January; the secretariat then moves the
    deadline to 1 July, which makes the 2028 cycle run from 1 December 2026 — over the 2027
    one, asking on 18 January for the summary of a year just begun. The tick opens nothing,
    opening by hand is refused with the reason, and the annual page says why; once the
    opening day is set after the old cycle (1 May), the 2028 cycle opens on it."""
    configured.annual_submission_deadline = "07-01"
    configured.save(update_fields=["annual_submission_deadline"])
    with time_machine.travel(aware(2027, 1, 18, 9), tick=False):
        assert annual_tick(aware(2027, 1, 18, 9))["opened"] == 0
        with pytest.raises(ApplicationError, match=r"与2027年度报送期.*重叠"):
            cycle_open(mechanism=configured, year=2028, now=aware(2027, 1, 18, 9))
        page = login(clerk).get("/annual/").content.decode()
    assert list(AnnualCycle.objects.values_list("year", flat=True)) == [2027]
    assert 'id="clash"' in page and "2028年度报送不会自动启动" in page
    configured.annual_cycle_opens = "05-01"
    configured.save(update_fields=["annual_cycle_opens"])
    with time_machine.travel(aware(2027, 4, 30, 9), tick=False):
        assert annual_tick(aware(2027, 4, 30, 9))["opened"] == 0
    with time_machine.travel(aware(2027, 5, 1, 9), tick=False):
        assert annual_tick(aware(2027, 5, 1, 9))["opened"] == 1
    opened = AnnualCycle.objects.get(year=2028)
    assert (opened.opens_on, opened.deadline) == (date(2027, 5, 1), date(2027, 7, 1))
