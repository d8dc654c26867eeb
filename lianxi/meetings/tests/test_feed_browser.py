"""日历订阅 in a real browser: a liaison gets the feed URL, and a calendar program can read it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from .test_feed import feed_events
from .test_ics import invite, make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_liaison_subscribes_in_the_browser(
    page: Any, browser_login: Any, screenshot_dir: Any, mechanism: Any, clerk: Any,
    other_liaison: Any, unit_named: Any,
) -> None:  # fmt: skip
    meeting = make_meeting(mechanism, created_by=clerk)
    invite(meeting, unit_named("市人力资源和社会保障局"))
    browser_login(other_liaison)
    page.goto("/messages/settings/")
    page.click("text=订阅到手机或电脑日历")
    page.wait_for_url("**/calendar/")
    page.click("button:has-text('生成订阅地址')")
    url = page.input_value("#calendar-feed-url")
    assert url.endswith(".ics") and "/calendar/feed/" in url
    page.screenshot(path=str(screenshot_dir / "calendar_feed.png"), full_page=True)
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert meeting.ical_uid in feed_events(Client().get("/" + path).content)
    # Reloading does not show the address again.
    page.reload()
    assert page.locator("#calendar-feed-url").count() == 0
    assert page.locator("text=日历订阅已开通").count() == 1
