"""登录锁定 in the browser (issue 17, GB/T 22239 8.1.4.1 b): the security administrator sees a
locked account and a locked address, and lifts the account's lock."""

from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from lianxi.core.lockout import account_locked

from .test_lockouts import LOCKS, TRUSTED, fail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(LIANXI_TRUSTED_PROXIES=TRUSTED)
def test_the_security_administrator_lifts_a_lock_in_the_browser(
    page: Any, browser_login: Any, security_admin: Any, health_liaison: Any, screenshot_dir: Path
) -> None:
    fail("health", 5, via="198.51.100.9")
    fail("someone", 15, via="198.51.100.9")
    browser_login(security_admin)
    page.goto(LOCKS)
    expect(page.locator("#locked-accounts")).to_contain_text("李联络")
    expect(page.locator("#locked-addresses")).to_contain_text("198.51.100.9")
    expect(page.locator("main")).to_contain_text("同一地址失败 20 次")
    page.screenshot(path=str(screenshot_dir / "lockouts-security-admin.png"), full_page=True)
    page.locator("#locked-accounts button:has-text('解除锁定')").click()
    expect(page.locator("body")).to_contain_text("已解除 李联络 的登录锁定")
    assert not account_locked(health_liaison)
    page.screenshot(path=str(screenshot_dir / "lockouts-unlocked.png"), full_page=True)
