"""The inbox in a real browser (Playwright driving Debian's Chromium)."""

from typing import Any

import pytest

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
    page.wait_for_selector("table.inbox")
    page.screenshot(path=str(screenshot_dir / "inbox.png"), full_page=True)

    first_row = page.locator("tr.unread").first
    row_id = first_row.get_attribute("id")
    first_row.locator("button").click()
    page.wait_for_selector(f"#{row_id}:not(.unread)")
    assert page.inner_text("#unread-count") == "1"  # swapped out of band, no reload

    page.locator("tr.unread a").first.click()
    page.wait_for_selector("article.message")
    assert "请于1月15日前报送。" in page.inner_text("article.message")
    assert page.locator("#unread-count").count() == 0
    page.screenshot(path=str(screenshot_dir / "inbox-message.png"), full_page=True)

    page.click("text=← 收件箱")
    page.click("text=消息设置")
    page.fill("input[name=webhook_url]", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x")
    page.click("button.primary")
    assert "消息设置已保存" in page.inner_text(".flash")
    page.screenshot(path=str(screenshot_dir / "message-settings.png"), full_page=True)
