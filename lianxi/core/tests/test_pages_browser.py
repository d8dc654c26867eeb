import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_names_platform_and_joint_meeting(page, mechanism, screenshot_dir):
    page.goto("/account/login/")
    assert "信阳市职业病防治工作部门间联席会议" in page.inner_text("body")
    assert "联席" in page.title()
    page.screenshot(path=str(screenshot_dir / "login.png"), full_page=True)


def test_clerk_logs_in_and_sees_catalogue(browser_login, clerk, screenshot_dir):
    page = browser_login(clerk)
    page.click("text=成员单位与职责")
    expect(page.locator("#unit-count")).to_have_text("15")
    page.screenshot(path=str(screenshot_dir / "catalogue.png"), full_page=True)


def test_pages_load_without_console_errors(page, browser_login, clerk):
    """No CSP refusal (htmx's own indicator style), no missing icon: the browser console of the
    login page and the home page stays clean."""
    errors: list[str] = []

    def collect(message):
        if message.type == "error":
            errors.append(message.text)

    page.on("console", collect)
    page.goto("/account/login/")
    browser_login(clerk)
    page.goto("/")
    expect(page.locator("h1")).to_have_text("工作台")
    assert errors == []
