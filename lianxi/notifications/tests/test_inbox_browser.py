"""The inbox in a real browser (Playwright driving Debian's Chromium)."""

from typing import Any

import pytest
from playwright.sync_api import expect

from lianxi.notifications.services import notify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_liaison_reads_messages_in_the_inbox(
    browser_login: Any, health_liaison: Any, clerk: Any, screenshot_dir: Any
) -> None:
    for subject in ("关于报送2025年度工作总结的通知", "督办提醒：第3项议定事项即将到期"):
        notify(
            recipients=[health_liaison.membership.unit],
            kind="test",
            subject=subject,
            body="请于1月15日前报送。",
            url="/",
            actor=clerk.membership,
        )
    page = browser_login(health_liaison)
    assert page.inner_text("#unread-count") == "2"
    assert "督办提醒" in page.inner_text("#panel-messages")
    page.click("a.inbox")
    # Loaded, not only parsed: the deferred htmx must be listening before the row's button is
    # clicked, or the click posts the form the old way and reloads the page.
    page.wait_for_url("**/messages/")
    page.screenshot(path=str(screenshot_dir / "inbox.png"), full_page=True)

    first_row = page.locator("tr.unread").first
    row_id = first_row.get_attribute("id")
    first_row.locator("button").click()
    page.wait_for_selector(f"#{row_id}:not(.unread)")
    expect(page.locator("#unread-count")).to_have_text("1")  # swapped out of band, no reload

    page.locator("tr.unread a").first.click()
    expect(page.locator("article.message")).to_contain_text("请于1月15日前报送。")
    expect(page.locator("#unread-count")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "inbox-message.png"), full_page=True)

    page.click("text=← 收件箱")
    page.click("text=消息设置")
    page.fill("input[name=webhook_url]", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x")
    page.click("button.primary")
    expect(page.locator(".flash")).to_contain_text("消息设置已保存")
    page.screenshot(path=str(screenshot_dir / "message-settings.png"), full_page=True)
