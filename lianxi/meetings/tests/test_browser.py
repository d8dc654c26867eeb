"""In a real browser: a unit asks leave with a substitute on the meeting page (三(一)1), the
secretariat sees the roll and the issued minutes; screenshots of both pages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from lianxi.meetings import services
from lianxi.meetings.models import Attendance, Meeting
from lianxi.organization.models import Unit

from .fixtures import attendance_of, hold

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_meeting_and_minutes_pages_in_the_browser_三_一_1(
    clerk: Any, other_liaison: Any, health_liaison: Any, observer_user: Any,
    plenary: Meeting, page: Any, browser_login: Any, screenshot_dir: Any,
) -> None:  # fmt: skip
    sec = clerk.membership
    services.attendance_answer(
        attendance=attendance_of(plenary, health_liaison.membership.unit),
        actor=health_liaison.membership, attending=True, attendee_name="赵主任",
        attendee_title="副主任",
    )  # fmt: skip

    # the unit asks leave, naming its substitute, on the meeting page
    browser_login(other_liaison)
    page.goto(f"/meetings/{plenary.pk}/")
    page.check("input[name=attending][value='0']")
    page.fill("input[name=attendee_name]", "刘副局长")
    page.fill("input[name=attendee_title]", "副局长")
    page.fill("input[name=substitute_name]", "周处长")
    page.fill("input[name=substitute_title]", "职业健康处处长")
    page.fill("input[name=leave_reason]", "参加省厅会议")
    page.click("text=提交答复")
    page.wait_for_selector("text=已答复")
    answer = Attendance.objects.get(meeting=plenary, unit=other_liaison.membership.unit)
    assert (answer.status, answer.substitute_name) == ("on_leave", "周处长")
    page.context.clear_cookies()

    # the secretariat sees the roll
    browser_login(clerk)
    page.goto(f"/meetings/{plenary.pk}/")
    roll = page.inner_text("#roll")
    assert "委托 周处长" in roll and "未答复" in roll
    page.screenshot(path=str(screenshot_dir / "meetings-meeting.png"), full_page=True)

    # held, minutes with two agreed matters, issued
    hold(plenary, sec)
    minutes = services.minutes_draft(meeting=plenary, actor=sec)
    first, second = minutes.sections.order_by("order")
    services.minutes_update(
        minutes=minutes, intro=minutes.intro,
        sections={first.pk: (first.heading, "会议通报了全市职业病防治工作形势。")}, actor=sec,
    )  # fmt: skip
    services.resolution_add(
        section=first, text="开展工伤保险扩面专项行动，提高高危行业工伤保险覆盖率",
        lead_unit=Unit.objects.get(name="市人力资源和社会保障局"),
        supporting_units=[Unit.objects.get(name="市卫生健康委")],
        deadline=date.today() + timedelta(days=60), actor=sec,
    )  # fmt: skip
    services.resolution_add(
        section=second, text="各成员单位按职责分工制定年度工作方案",
        lead_unit=Unit.objects.get(name="市卫生健康委"), deadline_workdays=20, actor=sec,
    )  # fmt: skip
    services.minutes_approve(minutes=minutes, actor=sec)
    page.goto(f"/meetings/minutes/{minutes.pk}/")
    page.fill("#id_signer_name", "赵主任")  # 签发 first (三(一)1, 四(六))
    page.click("#sign-off-form button")
    page.click("button:has-text('印发')")
    expect(page.locator("#receipts")).to_contain_text("个单位未签收")
    assert "议定事项（二）" in page.inner_text(".meetings-minutes")
    page.screenshot(path=str(screenshot_dir / "meetings-minutes.png"), full_page=True)
