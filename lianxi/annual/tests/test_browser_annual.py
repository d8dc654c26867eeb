"""年度报送 in a real browser over a simulated season (四(三), and 三(一)1 for the plenary).

The clock is moved with time_machine from 1 December 2026 to 20 January 2027: the secretariat
opens the 2027 cycle on its page (the tick, run the same day, opens nothing twice); the tick runs
every day and reminds the units 10, 5, 2 and 1 working days before Friday 15 January (元旦 a
holiday); three units draft, put to their member and send through the pages; the secretariat
returns one part with a note, the unit resends it; two units are late, flagged on the board and
urged with one click; alike topics are grouped and two accepted into the coming plenary's
agenda, the proposing units reporting.

Screenshots land in /tmp/annual-*.png.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from lianxi.conftest import aware
from lianxi.core.calendar import add_workdays, is_workday, subtract_workdays, workdays_between
from lianxi.meetings.models import AgendaItem, Meeting
from lianxi.meetings.services import meeting_schedule
from lianxi.notifications.models import Delivery, Message
from lianxi.organization.models import Mechanism, Unit

from ..models import AnnualCycle, AnnualSubmission, PartStatus, TopicProposal
from ..services import annual_tick
from .conftest import DEADLINE, OPENS, submission_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2027
REMINDER_WORKDAYS = (10, 5, 2, 1)
ALIKE = {
    "hrss": "关于尘肺病患者救助保障的议题",
    "union": "尘肺病患者医疗救助保障问题",
    "safety": "研究尘肺病患者救助保障政策衔接",
}
APART = {"hrss": "工伤保险扩面参保", "safety": "职业健康宣传进企业"}
MERGED = "研究尘肺病患者救助保障政策"
RETURN_NOTE = "请为每项重点任务写明预计完成时间，并补充非煤矿山粉尘治理任务。"
ADDED_TASK = "开展非煤矿山粉尘危害专项治理"
LATE_UNIT = "市医保局"  # a unit with no one on the platform: late with 市财政局


def _reminder_day(deadline: date, workdays: int) -> date:
    """The day a reminder `workdays` working days before the deadline goes out: the working day
    on which that many working days are still left (the last working day before them)."""
    day = subtract_workdays(deadline, workdays)
    while not is_workday(day):
        day -= timedelta(days=1)
    return day


def _tick(start: date, end: date) -> None:
    day = start
    while day <= end:
        now = aware(day.year, day.month, day.day, 9)
        with time_machine.travel(now, tick=False):
            annual_tick(now)
        day += timedelta(days=1)


def _reminders(unit: Unit, kind: str = "annual.reminder") -> list[tuple[date, set[str]]]:
    """(local day, inbox recipients) of each message of `kind` about the unit's submission."""
    url = f"/annual/{YEAR}/units/{unit.pk}/"
    out = []
    for m in Message.objects.filter(kind=kind, url=url).order_by("id"):
        users = Delivery.objects.filter(message=m, channel="inbox")
        out.append(
            (
                timezone.localtime(m.created_at).date(),
                set(users.values_list("user__username", flat=True)),
            )
        )
    return out


@pytest.fixture
def shoot(page: Any) -> Callable[[str], None]:
    def shot(name: str) -> None:
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        page.screenshot(path=f"/tmp/annual-{name}.png", full_page=True)

    return shot


def _flash(page: Any) -> Any:
    return expect(page.locator(".flash"))


def _liaison_drafts(page: Any, unit: Unit, topics: list[str], shoot: Any = None) -> None:
    """The logged-in liaison writes the three parts and puts them before the member."""
    page.goto("/annual/")  # a unit's person lands on its own submission
    page.wait_for_url(f"**/annual/{YEAR}/units/{unit.pk}/")
    expect(page.locator("#due")).to_contain_text("2027年1月15日")
    summary = page.locator("#part-summary")
    summary.locator("textarea").fill(f"2026年，{unit.name}开展尘肺病患者帮扶，完成职业健康检查。")
    summary.locator("button:has-text('保存草稿')").click()
    _flash(page).to_contain_text("上年度工作总结已保存为草稿")

    plan = page.locator("#part-plan")
    plan.locator("textarea[name=plan-text]").fill("围绕职业病防治规划目标开展工作。")
    # An empty row proposes the unit itself as the lead.
    expect(plan.locator("select[name=plan-task_1_lead] option:checked")).to_have_text(unit.name)
    plan.locator("input[name=plan-task_1_title]").fill("开展尘肺病患者帮扶行动")
    plan.locator("input[name=plan-task_1_date]").fill("2027-06-30")
    plan.locator("input[name=plan-task_2_title]").fill("推进职业健康检查全覆盖")
    plan.locator("input[name=plan-task_2_date]").fill("2027-11-30")
    plan.locator("button:has-text('保存草稿')").click()
    _flash(page).to_contain_text("本年度重点工作计划已保存为草稿")

    part = page.locator("#part-topics")
    for n, title in enumerate(topics, 1):
        part.locator(f"input[name=topics-topic_{n}_title]").fill(title)
    part.locator("button:has-text('保存草稿')").click()
    _flash(page).to_contain_text("议题建议已保存为草稿")
    if shoot is not None:
        shoot("3_liaison_draft")
    page.click("#send button:has-text('提交联席会议成员审核')")
    _flash(page).to_contain_text("已提交联席会议成员审核")
    expect(page.locator("#part-plan h2")).to_contain_text("待成员审核")


def _member_sends(page: Any, unit: Unit, shoot: Any = None) -> None:
    page.goto(f"/annual/{YEAR}/units/{unit.pk}/")
    expect(page.locator("#due")).to_contain_text("联络员起草后，由您审定报送")
    page.click("#send button:has-text('审定并报送联席会议办公室')")
    _flash(page).to_contain_text("已报送联席会议办公室")
    expect(page.locator("#due")).to_contain_text("报送齐全")
    if shoot is not None:
        shoot("4_member_sent")


def test_a_season_of_annual_submissions_四_三(
    page: Any,
    act: Callable[[Any], Any],
    shoot: Callable[[str], None],
    configured: Mechanism,
    clerk: Any,
    consulted: dict[str, Any],
    hrss: Unit,
    union: Unit,
    safety: Unit,
    finance: Unit,
    unit_named: Callable[[str], Unit],
) -> None:
    """四(三): each member unit sends, by 1月15日, last year's summary, this year's key work
    plan and its topics for the joint meeting; the secretariat reminds, reviews and lists the
    late; 三(一)1: the topics go on the coming plenary's agenda, the proposers reporting."""
    units = {"hrss": hrss, "union": union, "safety": safety, "finance": finance}
    late_unit = unit_named(LATE_UNIT)
    finance_liaison, finance_member = consulted["finance"]
    hrss_liaison = consulted["hrss"][0]

    # --- 1 December: the secretariat opens the cycle on its page --------------------------------
    with time_machine.travel(aware(2026, 12, 1, 9), tick=True):
        act(clerk)
        page.goto("/annual/")
        upcoming = page.locator("#upcoming")
        expect(upcoming).to_contain_text("2026年12月1日")
        expect(upcoming).to_contain_text("2027年1月15日")
        shoot("1_index")
        upcoming.locator("button:has-text('现在启动2027年度报送')").click()
        page.wait_for_url(f"**/annual/{YEAR}/")
        _flash(page).to_contain_text("2027年度报送已启动")
        expect(page.locator("main")).to_contain_text("依据工作规则四(三)")
        shoot("2_board_opened")
        assert annual_tick(timezone.now())["opened"] == 0  # the tick opens nothing twice
    cycle = AnnualCycle.objects.get(mechanism=configured, year=YEAR)
    assert (cycle.opens_on, cycle.deadline, cycle.deadline_source) == (OPENS, DEADLINE, "四(三)")
    assert DEADLINE.weekday() == 4  # a Friday
    assert cycle.reminder_workdays == list(REMINDER_WORKDAYS)
    for liaison, member in consulted.values():
        for person in (liaison, member):
            assert Delivery.objects.filter(
                user=person, message__kind="annual.cycle_open", channel="inbox"
            ).exists()
    # The units not followed here send on time (a setup step, not the point).
    five = [hrss, union, safety, finance, late_unit]
    others = AnnualSubmission.objects.filter(cycle=cycle).exclude(unit__in=five)
    sent_at = aware(2026, 12, 10, 10)
    others.update(
        summary_status=PartStatus.SENT,
        plan_status=PartStatus.SENT,
        topics_status=PartStatus.SENT,
        no_topics=True,
        summary_sent_at=sent_at,
        plan_sent_at=sent_at,
        topics_sent_at=sent_at,
        completed_at=sent_at,
    )

    # --- the reminders' days, from the calendar -------------------------------------------------
    reminder_days = [_reminder_day(DEADLINE, n) for n in REMINDER_WORKDAYS]
    late_day = add_workdays(DEADLINE, 1)
    # As counted by hand: 元旦 (Friday 1 January) and the weekend after it are not working days.
    assert reminder_days == [date(2026, 12, 31), date(2027, 1, 8), date(2027, 1, 13),
                             date(2027, 1, 14)]  # fmt: skip
    assert late_day == date(2027, 1, 18)
    _tick(date(2026, 12, 2), date(2027, 1, 10))

    # --- Monday 11 January: three units draft, put to the member, send ---------------------------
    with time_machine.travel(aware(2027, 1, 11, 10), tick=True):
        for name, shot in (("hrss", True), ("union", False), ("safety", False)):
            liaison, member = consulted[name]
            topics = [ALIKE[name]] + ([APART[name]] if name in APART else [])
            act(liaison)
            _liaison_drafts(page, units[name], topics, shoot if shot else None)
            act(member)
            _member_sends(page, units[name], shoot if shot else None)
    for name in ("hrss", "union", "safety"):
        s = submission_of(cycle, units[name])
        assert [s.status_of(p) for p in ("summary", "plan", "topics")] == ["sent"] * 3
        assert s.completed_at == s.plan_sent_at and s.last_sent_by == consulted[name][1]
        assert [t.lead_unit for t in s.tasks.all()] == [units[name]] * 2

    # --- Tuesday 12 January: the secretariat returns 应急管理局's plan; the unit resends ---------
    first_sent = submission_of(cycle, safety).plan_sent_at
    with time_machine.travel(aware(2027, 1, 12, 9), tick=True):
        act(clerk)
        page.goto(f"/annual/{YEAR}/")
        page.click(f"#unit-{safety.pk} a")
        page.wait_for_url(f"**/annual/{YEAR}/units/{safety.pk}/")
        page.locator("#part-summary button:has-text('确认')").click()
        _flash(page).to_contain_text("上年度工作总结已确认")
        page.locator("#part-topics button:has-text('确认')").click()
        _flash(page).to_contain_text("议题建议已确认")
        plan = page.locator("#part-plan")
        plan.locator("textarea[name=note]").fill(RETURN_NOTE)
        shoot("5_clerk_review")
        plan.locator("button:has-text('退回修改')").click()
        _flash(page).to_contain_text("本年度重点工作计划已退回修改")
        expect(page.locator("#part-plan h2")).to_contain_text("退回")

        safety_liaison, safety_member = consulted["safety"]
        assert Delivery.objects.filter(
            user=safety_liaison, message__kind="annual.reviewed", channel="inbox",
            message__body__contains=RETURN_NOTE,
        ).exists()  # fmt: skip
        act(safety_liaison)
        page.goto(f"/annual/{YEAR}/units/{safety.pk}/")
        plan = page.locator("#part-plan")
        expect(plan.locator(".warning")).to_contain_text(f"退回意见：{RETURN_NOTE}")
        shoot("6_liaison_returned")
        expect(plan.locator("input[name=plan-task_1_title]")).to_have_value(
            "开展尘肺病患者帮扶行动"
        )
        plan.locator("input[name=plan-task_3_title]").fill(ADDED_TASK)
        plan.locator("input[name=plan-task_3_date]").fill("2027-09-30")
        plan.locator("button:has-text('保存草稿')").click()
        _flash(page).to_contain_text("本年度重点工作计划已保存为草稿")
        page.click("#send button:has-text('提交联席会议成员审核')")
        _flash(page).to_contain_text("已提交联席会议成员审核：本年度重点工作计划")
        act(safety_member)
        _member_sends(page, safety)
        expect(page.locator("#tasks")).to_contain_text(ADDED_TASK)
        expect(page.locator("#part-plan .warning")).to_have_count(0)
    s = submission_of(cycle, safety)
    assert (s.summary_status, s.plan_status, s.topics_status) == ("confirmed", "sent", "confirmed")
    assert s.plan_sent_at == first_sent and s.plan_note == ""
    assert s.tasks.count() == 3

    # --- the tick to Tuesday 19 January: the reminders and the late notice ----------------------
    _tick(date(2027, 1, 11), date(2027, 1, 19))
    liaison_only = {finance_liaison.username}
    both = {finance_liaison.username, finance_member.username}
    assert _reminders(finance) == [
        (reminder_days[0], liaison_only),
        (reminder_days[1], liaison_only),
        (reminder_days[2], both),
        (reminder_days[3], both),
    ]
    assert _reminders(finance, "annual.late") == [(late_day, both)]
    # The units that sent on 11 January had the first two reminders only, the liaison alone.
    hrss_liaison_only = {hrss_liaison.username}
    assert _reminders(hrss) == [(d, hrss_liaison_only) for d in reminder_days[:2]]
    assert [d for d, _ in _reminders(late_unit)] == reminder_days
    [listing] = Message.objects.filter(kind="annual.late_list")
    assert timezone.localtime(listing.created_at).date() == late_day
    assert "市财政局" in listing.body and LATE_UNIT in listing.body
    assert "市人力资源和社会保障局" not in listing.body
    assert Delivery.objects.filter(message=listing, user=clerk, channel="inbox").exists()

    # --- Wednesday 20 January: the board flags the late, the secretariat urges them -------------
    today = date(2027, 1, 20)
    late = workdays_between(DEADLINE, today)
    assert late == 3
    with time_machine.travel(aware(2027, 1, 20, 10), tick=True):
        act(clerk)
        page.goto(f"/annual/{YEAR}/")
        expect(page.locator("main")).to_contain_text("已报送齐全 13 / 15 个单位")
        expect(page.locator("main")).to_contain_text("逾期 2 个单位")
        for unit in (finance, late_unit):
            expect(page.locator(f"#unit-{unit.pk}")).to_contain_text(f"逾期 {late} 个工作日")
        for unit in (hrss, union, safety):
            row = page.locator(f"#unit-{unit.pk}")
            expect(row).to_contain_text("2027年1月11日")
            expect(row.locator(".pill.danger")).to_have_count(0)
        expect(page.locator(f"#unit-{safety.pk}")).to_contain_text("已确认")
        shoot("7_board_late")
        page.click("#remind-late button:has-text('一键催报逾期单位（2）')")
        _flash(page).to_contain_text(f"已催报 2 个逾期单位：市财政局、{LATE_UNIT}")
        page.click("#remind-late button")
        _flash(page).to_contain_text("今天已催报过逾期单位")
        urged = Message.objects.get(kind="annual.urge", url=f"/annual/{YEAR}/units/{finance.pk}/")
        assert f"已逾期 {late} 个工作日" in urged.subject
        assert (
            set(
                Delivery.objects.filter(message=urged, channel="inbox").values_list(
                    "user__username", flat=True
                )
            )
            == both
        )
        assert Message.objects.filter(kind="annual.urge").count() == 2

        # --- the topics: alike ones grouped, two put on the coming plenary's agenda ------------
        starts = aware(2027, 3, 10, 9)
        meeting = meeting_schedule(
            kind=Meeting.Kind.PLENARY,
            title="2027年联席会议全体会议",
            starts_at=starts,
            ends_at=starts.replace(hour=11),
            location="市卫生健康委三楼会议室",
            actor=clerk.membership,
        )
        page.goto(f"/annual/{YEAR}/")
        page.click("a:has-text('议题建议汇总')")
        page.wait_for_url(f"**/annual/{YEAR}/topics/")
        groups = page.locator("section.topic-group")
        expect(groups).to_have_count(3)
        alike = groups.nth(0)
        expect(alike.locator("h2")).to_have_text(
            "第 1 组 · 3 项 · 市人力资源和社会保障局、市应急管理局、市总工会"
        )
        expect(alike).to_contain_text("共同用词：尘肺病")
        shoot("8_topics_grouped")
        # 人社局's and 总工会's merged into one topic; 应急管理局's left for later.
        safety_alike = TopicProposal.objects.get(title=ALIKE["safety"])
        alike.locator(f"input[type=checkbox][value='{safety_alike.pk}']").uncheck()
        alike.locator("input[name=title]").fill(MERGED)
        alike.locator("select[name=meeting]").select_option(str(meeting.pk))
        alike.locator("button:has-text('合并列入议程')").click()
        _flash(page).to_contain_text("议题已列入“2027年联席会议全体会议”议程")
        apart = page.locator("section.topic-group", has_text=APART["safety"])
        expect(apart.locator("button.primary")).to_have_text("列入议程")  # one: nothing to merge
        apart.locator("button.primary").click()
        _flash(page).to_contain_text("提出单位为汇报单位")
        alike = page.locator("section.topic-group", has_text=MERGED)
        expect(alike.locator(".pill:has-text('已列入议程')")).to_have_count(2)
        # What is left to decide: 应急管理局's alike proposal, offered as the topic's title.
        expect(alike.locator("input[name=title]")).to_have_value(ALIKE["safety"])
        expect(alike.locator("button.primary")).to_have_text("列入议程")
        # A group all decided offers no more forms.
        expect(apart.locator("button, input[name=title], textarea")).to_have_count(0)
        shoot("9_topics_accepted")
        page.goto(f"/meetings/{meeting.pk}/")
        expect(page.locator("main")).to_contain_text(MERGED)
        expect(page.locator("main")).to_contain_text(
            "牵头汇报：市人力资源和社会保障局；相关单位：市总工会"
        )
        expect(page.locator("main")).to_contain_text("牵头汇报：市应急管理局")
        shoot("10_meeting_agenda")

    items = {i.title: i for i in AgendaItem.objects.filter(meeting=meeting)}
    assert set(items) == {MERGED, APART["safety"]}
    merged = items[MERGED]
    assert (merged.proposed_by, merged.lead_unit) == (hrss, hrss)
    assert list(merged.supporting_units.all()) == [union]
    alone = items[APART["safety"]]
    assert (alone.proposed_by, alone.lead_unit) == (safety, safety)
    assert not alone.supporting_units.exists()
    statuses = dict(TopicProposal.objects.values_list("title", "status"))
    assert statuses == {
        ALIKE["hrss"]: "accepted",
        ALIKE["union"]: "accepted",
        ALIKE["safety"]: "proposed",
        APART["hrss"]: "proposed",
        APART["safety"]: "accepted",
    }
    assert f"市人力资源和社会保障局：{ALIKE['hrss']}" in merged.description

    # --- the year on the record, read on a phone: the chart's legend wraps above its bars ------
    with time_machine.travel(aware(2027, 1, 22, 9), tick=True):
        act(clerk)
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto("/annual/record/2026/")
        expect(page.locator("#record-chart canvas")).to_have_count(1)
        grid_top = page.evaluate(
            "() => echarts.getInstanceByDom(document.getElementById('record-chart'))"
            ".getOption().grid[0].top"
        )
        assert grid_top == 56  # two legend lines, the first bar below them
        expect(page.locator("main")).to_contain_text("市人力资源和社会保障局")
        shoot("11_record_phone")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"/annual/record/2026/{hrss.pk}/")
        expect(page.locator("#bulletins")).to_contain_text("信息报送（三(四)1）")
        shoot("12_record_unit")
