"""A person in two joint meetings, in a real browser: choose after login, switch from the header."""

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_in_two_joint_meetings_chooses_and_switches_in_the_browser(
    browser_login: Any,
    mechanism: Any,
    second_mechanism: Any,
    two_meetings_person: Any,
    screenshot_dir: Any,
) -> None:
    page = browser_login(two_meetings_person)
    assert "/account/choose/" in page.url
    expect(page.locator("#choose-form")).to_contain_text(second_mechanism.name)
    page.screenshot(path=str(screenshot_dir / "choose-mechanism.png"), full_page=True)

    page.check(f"text={mechanism.name}")
    page.click("#choose-submit")
    page.wait_for_url(lambda url: "/account/choose/" not in url)
    expect(page.locator(".brand")).to_contain_text(mechanism.name)
    expect(page.locator(".who")).to_contain_text("联络员")

    page.click("text=切换联席会议")
    page.check(f"text={second_mechanism.name}")
    page.click("#choose-submit")
    page.wait_for_url(lambda url: "/account/choose/" not in url)
    expect(page.locator(".brand")).to_contain_text(second_mechanism.name)
    expect(page.locator(".who")).to_contain_text("联席会议办公室")
    page.screenshot(path=str(screenshot_dir / "switched-mechanism.png"), full_page=True)
