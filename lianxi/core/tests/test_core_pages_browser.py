"""The calendar and audit pages in a real browser (Debian's Chromium through Playwright)."""

import pytest
from playwright.sync_api import expect

from lianxi.core.audit import audit_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretariat_enters_2027_and_auditor_verifies_the_chain(
    page, browser_login, clerk, auditor, screenshot_dir
) -> None:
    """§5: the secretariat enters the coming year's schedule; §3: the auditor sees the event
    and checks the hash chain."""
    browser_login(clerk)
    page.goto("/core/calendar/?year=2027")
    page.screenshot(path=str(screenshot_dir / "calendar-before.png"), full_page=True)
    page.fill("textarea[name=text]", "2027-01-01 休 元旦\n2027-02-30 休 春节\n")
    page.fill("input[name=source]", "国办发明电〔2026〕×号")
    page.click("text=保存该年安排")
    # The click returns once the answer is committed, not parsed: wait for the text itself.
    expect(page.locator("#errors-text")).to_contain_text("日期“2027-02-30”不存在")
    page.fill(
        "textarea[name=text]",
        "2027-01-01 休 元旦\n2027-02-06 至 2027-02-13 休 春节\n2027-02-14 班 春节调休\n",
    )
    page.click("text=保存该年安排")
    expect(page.locator(".flash")).to_contain_text("已保存 2027 年节假日安排")
    expect(page.locator("#year-2027")).to_contain_text("2月6日至2月13日")
    page.screenshot(path=str(screenshot_dir / "calendar-after.png"), full_page=True)

    audit_record(actor=None, action="test.browser")
    page.context.clear_cookies()
    browser_login(auditor)
    page.click("text=审计日志")
    expect(page.locator("#audit-events")).to_contain_text("录入节假日安排")
    page.click("#verify-chain")
    expect(page.locator(".flash")).to_contain_text("哈希链完整")
    page.screenshot(path=str(screenshot_dir / "audit.png"), full_page=True)
