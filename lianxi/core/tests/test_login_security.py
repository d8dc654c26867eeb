"""Login security (issue 2 §3): lockout after repeated failures, idle session timeout,
configurable password rules, security headers."""

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.utils import timezone

from lianxi.conftest import PASSWORD
from lianxi.core.models import AuditEvent
from lianxi.organization.models import Membership

LOGIN = "/account/login/"


def post_login(client: Client, username: str, password: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password})


def test_five_failures_lock_the_account_and_the_sixth_right_password_is_refused(
    health_liaison: Any, clerk: Any, login: Callable[[Any], Client]
) -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    client = Client()
    for _ in range(4):
        response = post_login(client, "health", "wrong-password")
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.content.decode()
    response = post_login(client, "health", "wrong-password")  # the 5th failure locks
    assert response.status_code == 429
    response = post_login(client, "health", PASSWORD)  # the 6th, with the right password
    assert response.status_code == 429
    page = response.content.decode()
    assert "账号已暂时锁定" in page
    assert "30 分钟" in page
    assert "_auth_user_id" not in client.session

    # The people page shows the lock; the clerk lifts it; the right password works again.
    manager = login(clerk)
    target = Membership.objects.get(user=health_liaison)
    assert "已锁定" in manager.get(f"/units/people/?unit={target.unit_id}").content.decode()
    response = manager.post(f"/units/people/{target.pk}/unlock/")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="person.unlock", target_id=str(target.pk)).exists()
    assert post_login(Client(), "health", PASSWORD).status_code == 302


def test_a_lockout_of_one_account_does_not_lock_another(
    health_liaison: Any, other_liaison: Any
) -> None:
    client = Client()
    for _ in range(5):
        post_login(client, "health", "wrong-password")
    assert post_login(client, "health", PASSWORD).status_code == 429
    assert post_login(Client(), "hrss", PASSWORD).status_code == 302


@override_settings(AXES_COOLOFF_TIME=timedelta(minutes=1))
def test_the_lock_expires_after_the_cooloff(health_liaison: Any) -> None:
    from axes.models import AccessAttempt

    client = Client()
    for _ in range(5):
        post_login(client, "health", "wrong-password")
    assert post_login(client, "health", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=2))
    assert post_login(client, "health", PASSWORD).status_code == 302


def test_session_cookie_max_age_is_the_idle_timeout_and_renews_once_a_minute(
    health_liaison: Any,
) -> None:
    minutes = int(os.environ.get("LIANXI_SESSION_IDLE_MINUTES") or 30)
    assert minutes * 60 == settings.SESSION_COOKIE_AGE
    client = Client()
    response = post_login(client, "health", PASSWORD)
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE
    # Within the minute: no write, no new cookie.
    response = client.get("/units/")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    # A minute later the next request renews the session and its cookie.
    session = client.session
    session["_renewed_at"] = int(session["_renewed_at"]) - 61
    session.save()
    before = Session.objects.get().expire_date
    response = client.get("/units/")
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE
    assert Session.objects.get().expire_date > before


@override_settings(SESSION_COOKIE_AGE=7 * 60)
def test_session_cookie_max_age_follows_a_changed_timeout(health_liaison: Any) -> None:
    client = Client()
    response = post_login(client, "health", PASSWORD)
    assert response.cookies["sessionid"]["max-age"] == 420
    session = Session.objects.get()
    remaining = (session.expire_date - timezone.now()).total_seconds()
    assert 400 < remaining <= 420


def test_an_idle_expired_session_is_sent_to_login(health_liaison: Any) -> None:
    client = Client()
    post_login(client, "health", PASSWORD)
    assert client.get("/units/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/units/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


def test_security_knobs_come_from_the_environment(tmp_path: Any) -> None:
    """LIANXI_SESSION_IDLE_MINUTES, LIANXI_PASSWORD_MIN_LENGTH and LIANXI_LOCKOUT_* are read
    when the settings load."""
    script = (
        "import json, django\n"
        "from django.conf import settings\n"
        "django.setup()\n"
        "from django.contrib.auth.password_validation import get_default_password_validators\n"
        "mins = [v.min_length for v in get_default_password_validators()\n"
        "        if hasattr(v, 'min_length')]\n"
        "print(json.dumps({'age': settings.SESSION_COOKIE_AGE, 'min': mins[0],"
        " 'failures': settings.AXES_FAILURE_LIMIT,"
        " 'cooloff': settings.AXES_COOLOFF_TIME.total_seconds(),"
        " 'otp': settings.LIANXI_REQUIRE_OTP}))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LIANXI_ENV": "local",
        "LIANXI_DATA_DIR": str(tmp_path),
        "LIANXI_SESSION_IDLE_MINUTES": "7",
        "LIANXI_PASSWORD_MIN_LENGTH": "14",
        "LIANXI_LOCKOUT_FAILURES": "3",
        "LIANXI_LOCKOUT_MINUTES": "15",
    }
    env.pop("LIANXI_REQUIRE_OTP", None)
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {"age": 420, "min": 14, "failures": 3, "cooloff": 900.0, "otp": False}


def test_pages_carry_the_security_headers(db: Any) -> None:
    response = Client().get(LOGIN)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
