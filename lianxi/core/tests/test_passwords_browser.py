"""The forced password change at first login in a real browser (issue 17 "People"; GB/T 22239
8.1.4.1 a): the secretariat makes an account and sees its initial password; the new person logs
in with it, is taken to 修改密码 whatever page they asked for, is refused a simple password in
Chinese, sets their own and lands where they were going."""

from typing import Any

import pytest
from playwright.sync_api import expect

from lianxi.organization import people_services
from lianxi.organization.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_person_chooses_their_own_password_at_first_login(
    page: Any, clerk: Any, health: Any, screenshot_dir: Any
) -> None:
    actor = Membership.objects.select_related("unit").get(user=clerk)
    _, initial = people_services.person_create(
        actor=actor, username="xinren", name="孙联络", unit=health, role="liaison"
    )
    page.goto("/units/")
    page.fill("input[name=username]", "xinren")
    page.fill("input[name=password]", initial)
    page.click("#login-submit")
    expect(page.locator("h1")).to_contain_text("修改密码")
    expect(page.locator("#password-forced")).to_contain_text("第一次登录")
    assert "/account/password/" in page.url and "next=%2Funits%2F" in page.url
    page.screenshot(path=str(screenshot_dir / "password-forced.png"), full_page=True)

    page.fill("input[name=old_password]", initial)
    page.fill("input[name=new_password1]", "onlylowercaseletters")
    page.fill("input[name=new_password2]", "onlylowercaseletters")
    page.click("#password-submit")
    expect(page.locator("form.form")).to_contain_text("至少 3 类")
    page.screenshot(path=str(screenshot_dir / "password-too-simple.png"), full_page=True)

    page.fill("input[name=old_password]", initial)
    page.fill("input[name=new_password1]", "Sun-lianluo-2026")
    page.fill("input[name=new_password2]", "Sun-lianluo-2026")
    page.click("#password-submit")
    expect(page.locator(".flash")).to_contain_text("密码已修改")
    assert page.url.endswith("/units/")
    page.goto("/")
    expect(page.locator("#password-change-link")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "password-changed.png"), full_page=True)
