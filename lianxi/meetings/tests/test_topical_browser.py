"""Issue 18 in a real browser, for meetings (三(一)1, 三(一)2, 四(六)): the secretariat entrusts a
topical meeting; the chair unit invites a unit by name, sends the notice and sees who it did
not reach, records a phone answer, moves the meeting (change notice "原定…，现调整为…"), drafts
and approves the minutes; the secretariat records the 签发 and issues them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from lianxi.meetings.models import Attendance, Meeting, Minutes
from lianxi.organization.models import Unit

from .fixtures import move_to_day, soon

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _input(moment: Any) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_topical_meeting_from_entrusting_to_issued_minutes_in_the_browser_三_一_2_四_六(
    page: Any,
    browser_login: Any,
    screenshot_dir: Any,
    clerk: Any,
    health_liaison: Any,
    safety_liaison: Any,
    health_member: Any,
) -> None:
    shot = 0

    def screenshot(name: str) -> None:
        nonlocal shot
        shot += 1
        page.screenshot(path=str(screenshot_dir / f"topical-{shot:02d}-{name}.png"), full_page=True)

    def look(name: str) -> None:
        """A page looked at besides the numbered steps."""
        page.screenshot(path=str(screenshot_dir / f"topical-page-{name}.png"), full_page=True)

    def flash() -> str:
        return page.inner_text(".flash")

    # --- the secretariat entrusts 市应急管理局 (三(一)2) -----------------------------------
    browser_login(clerk)
    page.goto("/meetings/topical/new/")
    page.fill("input[name=title]", "尘肺病防治专题会议")
    page.fill("textarea[name=topic]", "研究矿山、冶金行业粉尘危害专项治理")
    page.fill("input[name=starts_at]", _input(soon(10)))
    page.fill("input[name=ends_at]", _input(soon(10, hour=11)))
    page.fill("input[name=location]", "市应急管理局三楼会议室")
    page.select_option("select[name=chair_unit]", label="市应急管理局")
    health = Unit.objects.get(name="市卫生健康委")
    page.check(f"input[name=concerned_units][value='{health.pk}']")
    look("entrust-form")
    page.click("button:has-text('委托主持')")
    page.wait_for_url(re.compile(r"/meetings/\d+/$"))
    meeting = Meeting.objects.get(title="尘肺病防治专题会议")
    page.context.clear_cookies()

    # --- the chair unit prepares it: agenda, a unit invited by name -----------------------
    browser_login(safety_liaison)
    page.goto(f"/meetings/{meeting.pk}/")
    page.click("#agenda summary:has-text('添加议题')")
    page.fill("#agenda input[name=title]", "粉尘危害专项治理方案")
    with page.expect_navigation():
        page.click("#agenda button:has-text('添加议题')")
    page.click("#roll summary:has-text('邀请其他单位')")
    page.fill("#roll input[name=new_name]", "市疾病预防控制中心")
    with page.expect_navigation():
        page.click("#roll button:has-text('邀请')")
    assert "已邀请" in flash()
    expect(page.locator("#roll")).to_contain_text("市疾病预防控制中心")
    # Before sending: who would receive nothing.
    expect(page.locator("#unreached")).to_contain_text("市疾病预防控制中心")
    expect(page.locator("#roll")).not_to_contain_text("未答复")
    screenshot("before-notice")
    with page.expect_navigation():
        page.click("#notice button:has-text('发送会议通知')")
    assert "1 个单位无人接收（市疾病预防控制中心）" in flash()
    expect(page.locator("#roll")).to_contain_text("已送达：")
    expect(page.locator("#roll")).to_contain_text("赵主任")
    expect(page.locator("#roll")).to_contain_text("无人接收")

    # --- a phone answer, entered for the unit ---------------------------------------------
    page.click("#on-behalf summary")
    page.select_option("#behalf-form select[name=attendance]", label="市疾病预防控制中心")
    page.check("#behalf-form input[name=via][value=phone]")
    page.check("#behalf-form input[name=attending][value='1']")
    page.fill("#behalf-form input[name=attendee_name]", "孙主任")
    with page.expect_navigation():
        page.click("#behalf-form button:has-text('登记答复')")
    assert "已代市疾病预防控制中心登记电话答复" in flash()
    expect(page.locator("#roll")).to_contain_text("电话答复，孙联络代为登记")
    screenshot("notified-phone-answer")
    cdc = Attendance.objects.get(meeting=meeting, unit__name="市疾病预防控制中心")
    assert (cdc.status, cdc.answered_via) == (Attendance.Status.OBSERVER, "phone")

    # --- the time moves: the change notice ------------------------------------------------
    page.click("a:has-text('修改时间、地点')")
    page.fill("input[name=starts_at]", _input(soon(10, hour=14)))
    page.fill("input[name=ends_at]", _input(soon(10, hour=16)))
    with page.expect_navigation():
        page.click("button:has-text('保存')")
    change = page.inner_text("#change-notice")
    assert "原定于" in change and "现调整为" in change and "14:00至16:00" in change
    assert "此前的答复继续有效" in change
    assert "9:00至11:00" not in page.inner_text("#notice")
    screenshot("change-notice")

    # --- held; the chair unit drafts and approves the minutes -----------------------------
    move_to_day(meeting)
    page.goto(f"/meetings/{meeting.pk}/")
    with page.expect_navigation():
        page.click("#record button:has-text('登记并标记会议已召开')")
    expect(page.locator("#roll")).to_contain_text("实际出席情况")
    look("held-roll")
    with page.expect_navigation():
        page.click("#minutes button:has-text('起草会议纪要')")
    page.goto(f"/meetings/minutes/{meeting.minutes.pk}/")
    with page.expect_navigation():
        page.click("button:has-text('审定')")
    expect(page.locator("#sign-off")).to_contain_text("待联席会议办公室签发")
    expect(page.locator("button:has-text('印发')")).to_have_count(0)
    screenshot("minutes-approved-by-chair")
    page.context.clear_cookies()

    # --- the secretariat records the 签发 and issues them (三(一)1, 四(六)) ----------------
    browser_login(clerk)
    page.goto(f"/meetings/minutes/{meeting.minutes.pk}/")
    expect(page.locator("#id_signer_name")).to_have_value("赵主任")
    look("sign-off-form")
    with page.expect_navigation():
        page.click("#sign-off-form button:has-text('登记签发')")
    expect(page.locator("#sign-off")).to_contain_text("王秘书登记")
    with page.expect_navigation():
        page.click("button:has-text('印发')")
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.status == Minutes.Status.ISSUED and minutes.signed_off_name == "赵主任"
    expect(page.locator("h1")).to_contain_text(minutes.number)
    expect(page.locator("#sign-off")).to_contain_text(minutes.number)
    screenshot("minutes-issued")
    page.goto("/meetings/")
    expect(page.locator("main")).to_contain_text("尘肺病防治专题会议")
    look("list")
    page.goto("/meetings/new/")
    look("schedule-form")
    assert Unit.objects.get(name="市疾病预防控制中心").kind == Unit.Kind.INVITED
