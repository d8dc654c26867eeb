"""The people page and the second-factor setup in a real browser (Chromium through Playwright)."""

from typing import Any

import pytest
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from lianxi.organization.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_creates_a_liaison_and_sees_the_password_once_surviving_a_refresh(
    browser_login: Any, clerk: Any, health_liaison: Any, screenshot_dir: Any
) -> None:
    page = browser_login(clerk)
    page.click("nav >> text=人员")
    expect(page.locator("#people")).to_contain_text("李联络")
    page.screenshot(path=str(screenshot_dir / "people.png"), full_page=True)
    page.click("text=新增人员")
    page.select_option("select[name=unit]", label="市医保局")
    page.select_option("select[name=role]", label="联络员")
    page.fill("input[name=name]", "钱联络")
    page.fill("input[name=username]", "yibao")
    page.click("button:has-text('创建账号')")
    # The click returns once the answer is committed, not parsed: wait for the words.
    expect(page.locator("p.warning")).to_contain_text("只显示这一次")
    expect(page.locator("#shown-password")).to_contain_text("账号已创建")
    assert "/units/people/new/" not in page.url  # post/redirect/get
    assert len(page.inner_text("#new-password")) >= 14
    page.screenshot(path=str(screenshot_dir / "people-created.png"), full_page=True)
    assert Membership.objects.get(user__username="yibao").unit.name == "市医保局"
    page.reload()  # a GET: nothing is submitted again, the password is not shown again
    expect(page.locator("h1")).to_contain_text("钱联络")
    expect(page.locator("#new-password")).to_have_count(0)
    assert Membership.objects.filter(user__username="yibao").count() == 1
    page.screenshot(path=str(screenshot_dir / "people-created-refreshed.png"), full_page=True)


@override_settings(LIANXI_REQUIRE_OTP=True)
def test_clerk_sets_up_the_second_factor_in_the_browser(
    browser_login: Any, clerk: Any, screenshot_dir: Any
) -> None:
    page = browser_login(clerk)
    assert "/account/otp/setup/" in page.url
    qr = page.locator("#otp-qr svg")
    box = qr.bounding_box()
    assert box is not None and box["width"] > 100  # drawn, not blocked by the CSP
    page.screenshot(path=str(screenshot_dir / "otp-setup.png"), full_page=True)
    device = TOTPDevice.objects.get(user=clerk)
    page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
    page.click("button:has-text('确认并完成设置')")
    page.wait_for_url(lambda url: "/account/otp/" not in url)
    assert "工作台" in page.inner_text("nav")
