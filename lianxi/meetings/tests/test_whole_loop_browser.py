"""The whole loop of issue 3 in a real browser, every step through the pages (三(一)1, 四(二)).

The secretariat convenes a plenary → one unit attends, another asks leave naming a substitute →
attendance is recorded, minutes with two agreed matters are approved and issued → the city
government office sees its copy (抄报) and signs → the action items appear on the lead units'
pages → the lead units report progress → one item is closed (办结销号), the other passes its
deadline (the whole process's clock is moved with time_machine), turns red on the ledger and on
its page, and the tick reminds the lead unit's liaison.

Screenshots land in var/screenshots/loop-*.png.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from lianxi.core.calendar import add_workdays
from lianxi.core.ticks import run_tick
from lianxi.meetings.models import Attendance, Meeting, Minutes, MinutesReceipt
from lianxi.notifications.models import Delivery, Message
from lianxi.organization.models import Unit
from lianxi.supervision.models import ActionItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MATTER_LEAD_HRSS = "开展工伤保险扩面专项行动，提高高危行业工伤保险覆盖率"
MATTER_LEAD_HEALTH = "开展重点行业职业病危害专项治理，形成治理情况报告"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _local_input(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _flash(page: Any) -> str:
    return str(page.inner_text(".flash"))


def test_whole_loop_convene_attend_minutes_supervise_overdue_三_一_1_四_二(
    page: Any,
    browser_login: Any,
    screenshot_dir: Any,
    clerk: Any,
    health_liaison: Any,
    other_liaison: Any,
    gov_reader: Any,
) -> None:
    """三(一)1 then 四(二), the whole loop through the pages: a plenary is convened, one unit
    attends and another asks leave before the start naming its substitute (委托其他负责同志出席),
    the minutes with two agreed matters (议定事项) are issued with a copy to the city government
    (抄报), each matter becomes an action item of its lead unit, progress is reported, one is
    closed (办结销号), the other passes its deadline, turns red and its lead unit is reminded."""
    health = Unit.objects.get(name="市卫生健康委")
    hrss = Unit.objects.get(name="市人力资源和社会保障局")
    shot = 0

    def screenshot(name: str) -> None:
        nonlocal shot
        shot += 1
        page.screenshot(path=str(screenshot_dir / f"loop-{shot:02d}-{name}.png"), full_page=True)

    def logout() -> None:
        page.context.clear_cookies()

    today = timezone.localdate()
    meeting_day = add_workdays(today, 2)
    starts_at = _at(meeting_day, 9)
    title = f"{meeting_day.year}年联席会议全体会议"

    # --- 1. the secretariat convenes a plenary through the pages (三(一)1) ----------------
    browser_login(clerk)
    page.click("nav >> text=会议")
    page.click("text=安排全体会议")
    page.fill("input[name=title]", title)
    page.fill("input[name=starts_at]", _local_input(starts_at))
    page.fill("input[name=ends_at]", _local_input(_at(meeting_day, 11, 30)))
    page.fill("input[name=location]", "市卫生健康委三楼会议室")
    page.fill("textarea[name=topic]", "总结上年度工作，部署本年度职业病防治重点任务。")
    page.click("button:has-text('安排会议')")
    page.wait_for_url(re.compile(r"/meetings/\d+/$"))
    assert "全体会议已安排" in _flash(page)
    meeting = Meeting.objects.get(title=title)

    for topic, proposer in (
        ("通报全市职业病防治工作形势", ""),
        ("研究部署工伤保险扩面和重点行业专项治理", "市人力资源和社会保障局"),
    ):
        page.click("#agenda summary:has-text('添加议题')")
        page.fill("#agenda input[name=title]", topic)
        page.wait_for_selector("#agenda-suggestion .routing-suggest")
        if proposer:
            page.select_option("#agenda select[name=proposed_by]", label=proposer)
        with page.expect_navigation():
            page.click("#agenda button:has-text('添加议题')")
        page.wait_for_selector(".flash >> text=议题已添加")
    assert "（市人力资源和社会保障局提出）" in page.inner_text("#agenda")

    page.click("#notice button:has-text('发送会议通知')")
    page.wait_for_selector(".flash >> text=会议通知已发出")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.NOTIFIED
    assert Message.objects.filter(kind="meeting.notice").exists()
    screenshot("meeting-notified")
    logout()

    # --- 2. one unit attends, another asks leave naming a substitute, before the start ------
    browser_login(health_liaison)
    page.goto(f"/meetings/{meeting.pk}/")
    page.check("#my-answer input[name=attending][value='1']")
    page.fill("#my-answer input[name=attendee_name]", "赵主任")
    page.fill("#my-answer input[name=attendee_title]", "副主任")
    page.click("#my-answer button:has-text('提交答复')")
    page.wait_for_selector(".flash >> text=已答复")
    expect(page.locator("#my-answer")).to_contain_text("出席")
    logout()

    browser_login(other_liaison)
    page.goto(f"/meetings/{meeting.pk}/")
    page.check("#my-answer input[name=attending][value='0']")
    page.fill("#my-answer input[name=attendee_name]", "刘局长")
    page.fill("#my-answer input[name=attendee_title]", "副局长")
    page.fill("#my-answer input[name=substitute_name]", "周处长")
    page.fill("#my-answer input[name=substitute_title]", "工伤保险科科长")
    page.fill("#my-answer input[name=leave_reason]", "参加省人社厅会议")
    page.click("#my-answer button:has-text('提交答复')")
    page.wait_for_selector(".flash >> text=已答复")
    expect(page.locator("#my-answer")).to_contain_text("委托周处长")
    expect(page.locator("#my-answer button:has-text('修改答复')")).to_be_visible()
    screenshot("leave-with-substitute")
    logout()

    attendances = {a.unit_id: a for a in Attendance.objects.filter(meeting=meeting)}
    assert attendances[health.pk].status == Attendance.Status.ATTENDING
    assert (attendances[hrss.pk].status, attendances[hrss.pk].substitute_name) == (
        Attendance.Status.ON_LEAVE,
        "周处长",
    )

    browser_login(clerk)
    page.goto(f"/meetings/{meeting.pk}/")
    roll = page.inner_text("#roll")
    assert "委托 周处长" in roll and "赵主任" in roll and "尚未答复" in roll
    screenshot("roll")
    logout()

    with time_machine.travel(_at(meeting_day, 14), tick=True) as traveller:
        # --- 3. on the day: attendance recorded, minutes drafted, approved, issued ----------
        browser_login(clerk)
        page.goto(f"/meetings/{meeting.pk}/")
        page.click("#record button:has-text('登记并标记会议已召开')")
        page.wait_for_selector(".flash >> text=实际出席情况已登记")
        page.click("#minutes button:has-text('起草会议纪要')")
        page.wait_for_url(re.compile(r"/meetings/minutes/\d+/edit/$"))
        minutes = Minutes.objects.get(meeting=meeting)
        first, second = minutes.sections.order_by("order")
        page.fill(f"textarea[name=discussion-{first.pk}]", "会议通报了全市职业病防治工作形势。")
        page.fill(
            f"textarea[name=discussion-{second.pk}]",
            "会议研究了工伤保险扩面和重点行业专项治理工作。",
        )
        page.click("#minutes-text button:has-text('保存纪要正文')")
        page.wait_for_selector(".flash >> text=纪要已保存")

        deadline_health = add_workdays(meeting_day, 5)
        for section, text, lead, supporting, deadline, workdays in (
            (second, MATTER_LEAD_HRSS, "市人力资源和社会保障局", "市卫生健康委", None, "30"),
            (second, MATTER_LEAD_HEALTH, "市卫生健康委", None, deadline_health, None),
        ):
            form = page.locator(f"#add-{section.pk}")
            form.locator("summary").click()
            form.locator("textarea[name=text]").fill(text)
            # The routing suggestion (二(四)) lands above the unit fields 500 ms after typing;
            # choosing units before it would race the layout shift.
            form.locator(".routing-suggest").wait_for()
            form.locator("select[name=lead_unit]").select_option(label=lead)
            if supporting:
                unit = Unit.objects.get(mechanism=meeting.mechanism, name=supporting)
                form.locator(f"input[name=supporting_units][value='{unit.pk}']").check()
            if deadline:
                form.locator("input[name=deadline]").fill(deadline.isoformat())
            if workdays:
                form.locator("input[name=deadline_workdays]").fill(workdays)
            with page.expect_navigation():
                form.locator("button:has-text('添加议定事项')").click()
            page.wait_for_selector(".flash >> text=议定事项已添加")
        assert minutes.resolutions.count() == 2

        page.click("text=← 查看纪要")
        page.click("button:has-text('审定')")
        page.wait_for_selector(".flash >> text=会议纪要已审定")
        # 三(一)1, 四(六): the commission's leader signs off (签发), recorded, then 印发.
        page.fill("#id_signer_name", "赵主任")
        page.click("#sign-off-form button:has-text('登记签发')")
        page.wait_for_selector(".flash >> text=签发已登记")
        page.click("button:has-text('印发')")
        page.wait_for_selector(".flash >> text=会议纪要已印发")
        # The flash is at the top: wait for the rest of the page to be parsed as well.
        expect(page.locator(".meetings-action-item a")).to_have_count(2)
        body = page.inner_text(".meetings-minutes")
        assert "议定事项（一）" in body and "议定事项（二）" in body
        assert "牵头单位：市人力资源和社会保障局；配合单位：市卫生健康委" in body
        expect(page.locator("#receipts")).to_contain_text("个单位未签收")
        lines = page.locator("#minutes-attendance")
        expect(lines).to_contain_text("市卫生健康委 赵主任（副主任）")
        expect(lines).to_contain_text("市人力资源和社会保障局 周处长（受委托出席）")
        expect(lines).to_contain_text("请假：")
        expect(lines).to_contain_text("市人力资源和社会保障局 刘局长（副局长）")
        screenshot("minutes-issued")
        logout()

        item_hrss = ActionItem.objects.get(title=MATTER_LEAD_HRSS)
        item_health = ActionItem.objects.get(title=MATTER_LEAD_HEALTH)
        assert item_health.deadline == deadline_health
        assert item_hrss.lead_unit == hrss and list(item_hrss.supporting_units.all()) == [health]

        # --- 4. the government office sees its copy (抄报) and signs ------------------------
        browser_login(gov_reader)
        screenshot("government-home")
        page.click(".panel-items li:has-text('抄送 · 待签收') >> a")
        page.wait_for_url(f"**/meetings/minutes/{minutes.pk}/")
        assert "抄送" in page.inner_text("#receipt")
        page.click("#receipt button:has-text('签收')")
        page.wait_for_selector(".flash >> text=已签收")
        expect(page.locator("#receipt")).to_contain_text("已于")
        screenshot("government-copy")
        logout()
        copy = MinutesReceipt.objects.get(minutes=minutes, unit__name="市政府办公室")
        assert copy.kind == MinutesReceipt.Kind.COPY and copy.acknowledged_at is not None

        # --- 5. the items are on the lead units' pages; they report progress ----------------
        browser_login(other_liaison)
        page.click("text=查看本单位页面")
        page.wait_for_url(f"**/units/{hrss.pk}/")
        leads = page.inner_text("#section-supervision")
        assert MATTER_LEAD_HRSS in leads
        screenshot("lead-unit-page")
        page.click(f"#section-supervision >> text={MATTER_LEAD_HRSS}")
        page.wait_for_url(f"**/supervision/{item_hrss.pk}/")
        page.fill(
            "#report-form textarea[name=text]", "已完成高危行业企业工伤保险参保排查，覆盖率达 85%。"
        )
        page.check("#report-form input[name=requests_closure]")
        page.click("#report-form button:has-text('报送')")
        page.wait_for_selector(".flash >> text=进展反馈已报送")
        logout()

        browser_login(health_liaison)
        page.click("text=查看本单位页面")
        page.wait_for_url(f"**/units/{health.pk}/")
        section = page.inner_text("#section-supervision")
        assert MATTER_LEAD_HEALTH in section and MATTER_LEAD_HRSS in section  # leads, supports
        page.click(f"#section-supervision >> text={MATTER_LEAD_HEALTH}")
        page.wait_for_url(f"**/supervision/{item_health.pk}/")
        page.fill("#report-form textarea[name=text]", "已制定专项治理方案，正在组织排查。")
        page.click("#report-form button:has-text('报送')")
        page.wait_for_selector(".flash >> text=进展反馈已报送")
        logout()

        # --- 6. the secretariat closes one item (办结销号) ----------------------------------
        browser_login(clerk)  # the home panel lists the closure request to review
        page.click(f"#panel-supervision_secretariat >> text={MATTER_LEAD_HRSS}")
        page.wait_for_url(f"**/supervision/{item_hrss.pk}/")
        assert "牵头单位已申请办结" in page.inner_text("#review-section")
        page.click("#review-section button:has-text('办结销号')")
        page.wait_for_selector(".flash >> text=已办结销号")
        expect(page.locator("#item-light")).to_have_text("已办结")
        screenshot("item-closed")
        logout()

        # --- 7. the other item passes its deadline: red, and the lead unit is reminded -------
        traveller.move_to(_at(add_workdays(deadline_health, 1), 10))
        now = timezone.now()
        run_tick(now)
        run_tick(now)  # idempotent: a repeated tick sends nothing twice
        reminder = Message.objects.get(kind="supervision.reminder.overdue")
        assert MATTER_LEAD_HEALTH in reminder.subject
        assert Delivery.objects.filter(
            message=reminder, user=health_liaison, channel=Delivery.Channel.INBOX
        ).exists()
        assert not Message.objects.filter(
            kind__startswith="supervision.reminder", subject__contains=MATTER_LEAD_HRSS
        ).exists()

        browser_login(clerk)
        page.click("nav >> text=督办")
        page.wait_for_url("**/supervision/")
        row = page.locator(f"#item-{item_health.pk}")
        assert "supervision-row-red" in (row.get_attribute("class") or "")
        assert "红" in row.inner_text()
        assert "已办结" in page.inner_text(f"#item-{item_hrss.pk}")
        assert page.inner_text("#count-red").endswith("1")
        screenshot("ledger-red")
        page.click(f"#item-{item_health.pk} >> text={MATTER_LEAD_HEALTH}")
        page.wait_for_url(f"**/supervision/{item_health.pk}/")
        assert page.inner_text("#item-light") == "红灯"
        screenshot("item-red")
        logout()

        browser_login(health_liaison)
        overdue = page.locator(f"#panel-supervision_unit li:has-text('{MATTER_LEAD_HEALTH}')")
        assert "牵头 · 已逾期" in overdue.inner_text()
        screenshot("lead-unit-home-red")
        page.click("header >> text=收件箱")
        page.wait_for_url("**/messages/")
        page.click(f"text=督办事项已逾期：{MATTER_LEAD_HEALTH}")
        page.wait_for_url(re.compile(r"/messages/\d+/$"))
        assert "已过" in page.inner_text("main")
        screenshot("inbox-overdue")
