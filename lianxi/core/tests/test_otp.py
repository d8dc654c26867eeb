"""TOTP second factor for the privileged roles (issue 2 §3): secretariat, auditor and security
administrator; required under production settings, set up at first login."""

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianxi.core.models import AuditEvent

SETUP = "/account/otp/setup/"
VERIFY = "/account/otp/verify/"


def code_for(device: TOTPDevice) -> str:
    """The code an authenticator app would show now, computed from the device's key."""
    value = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift
    )
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = int(code_for(device))
    return f"{(right + 500_000) % 1_000_000:06d}"


@override_settings(LIANXI_REQUIRE_OTP=True)
def test_clerk_sets_up_totp_at_first_login_then_reaches_home(
    clerk: Any, login: Callable[[Any], Client]
) -> None:
    client = login(clerk)
    response = client.get("/units/?x=1&y=2")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next={quote('/units/?x=1&y=2', safe='')}"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "设置双因素认证" in html
    assert "<svg" in html and "<path" in html  # the QR code, inline
    device = TOTPDevice.objects.get(user=clerk, confirmed=False)
    from base64 import b32encode

    assert b32encode(device.bin_key).decode() in html
    assert "otpauth://totp/" in html
    response = client.post(SETUP, {"token": code_for(device), "next": "/units/?x=1&y=2"})
    assert response.status_code == 302
    assert response["Location"] == "/units/?x=1&y=2"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="otp.setup", actor_name="王秘书").exists()


@override_settings(LIANXI_REQUIRE_OTP=True)
def test_wrong_code_at_setup_is_refused_in_chinese(
    clerk: Any, login: Callable[[Any], Client]
) -> None:
    client = login(clerk)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=clerk)
    response = client.post(SETUP, {"token": wrong_code(device)})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/").status_code == 302
    # Issue 17 (GB/T 22239 8.1.4.3 安全审计): a failed second factor is audited too.
    assert AuditEvent.objects.filter(action="otp.setup_failed", actor_id=clerk.pk).count() == 1


@override_settings(LIANXI_REQUIRE_OTP=True)
def test_later_logins_ask_for_the_code(security_admin: Any, login: Callable[[Any], Client]) -> None:
    device = TOTPDevice.objects.create(user=security_admin, name="手机", confirmed=True)
    client = login(security_admin)
    response = client.get("/units/people/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{VERIFY}?next=")
    # Someone with only the password cannot enrol a second authenticator.
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    response = client.post(VERIFY, {"token": wrong_code(device), "next": "/units/people/"})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert client.get("/units/people/").status_code == 302
    # Issue 17 (8.1.4.3): the failed check is in the audit trail.
    assert AuditEvent.objects.filter(
        action="otp.verify_failed", actor_id=security_admin.pk
    ).exists()


@override_settings(LIANXI_REQUIRE_OTP=True)
def test_the_right_code_passes_verification(auditor: Any, login: Callable[[Any], Client]) -> None:
    device = TOTPDevice.objects.create(user=auditor, name="手机", confirmed=True)
    client = login(auditor)
    assert client.get("/")["Location"].startswith(VERIFY)
    response = client.post(VERIFY, {"token": code_for(device), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    # Issue 17 (8.1.4.3): the passed check is audited, naming the device.
    event = AuditEvent.objects.get(action="otp.verify", actor_id=auditor.pk)
    assert event.target_id == str(device.pk)
    assert not AuditEvent.objects.filter(action="otp.verify_failed").exists()


@override_settings(LIANXI_REQUIRE_OTP=True)
@pytest.mark.parametrize("who", ["health_liaison", "health_member", "gov_reader"])
def test_other_roles_are_not_asked(
    who: str, request: pytest.FixtureRequest, login: Callable[[Any], Client]
) -> None:
    client = login(request.getfixturevalue(who))
    assert client.get("/").status_code == 200


@override_settings(LIANXI_REQUIRE_OTP=True)
def test_an_open_redirect_through_next_is_refused(
    clerk: Any, login: Callable[[Any], Client]
) -> None:
    client = login(clerk)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=clerk)
    response = client.post(SETUP, {"token": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


@override_settings(LIANXI_REQUIRE_OTP=False)
def test_locally_the_second_factor_is_optional(clerk: Any, login: Callable[[Any], Client]) -> None:
    assert login(clerk).get("/").status_code == 200


def test_otp_pages_need_a_login(db: Any) -> None:
    for url in (SETUP, VERIFY):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")
