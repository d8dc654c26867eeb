"""The registered header in a real browser: the secretariat's and a liaison's dashboard, and
the highlighted entry following the page."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_header_as_the_secretariat_and_as_a_liaison(
    page, browser_login, clerk, other_liaison, screenshot_dir
) -> None:
    nav = page.locator("nav.mainnav")
    browser_login(clerk)
    page.goto("/")
    expect(nav.locator("a")).to_have_text(
        ["工作台", "成员单位与职责", "工作规则", "会议", "公文", "重大事项", "年度报送",
         "信息简报", "督办", "事故通报", "谁来管", "人员", "节假日", "消息投递", "接口令牌",
         "消息设置"]
    )  # fmt: skip
    expect(nav.locator("a.active")).to_have_text(["工作台"])
    page.screenshot(path=str(screenshot_dir / "nav-secretariat.png"))
    nav.locator("text=督办").click()
    expect(nav.locator("a.active")).to_have_text(["督办"])

    page.context.clear_cookies()
    browser_login(other_liaison)
    page.goto("/")
    expect(nav.locator("a")).to_have_text(
        [
            "工作台",
            "成员单位与职责",
            "工作规则",
            "会议",
            "公文",
            "重大事项",
            "年度报送",
            "信息简报",
            "督办",
            "事故通报",
            "谁来管",
            "接口令牌",
            "消息设置",
        ]
    )
    page.screenshot(path=str(screenshot_dir / "nav-liaison.png"))
