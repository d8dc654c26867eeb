"""Login security (issue 2 §3): lockout after repeated failures, idle session timeout,
configurable password rules, security headers.

Issue 17 ("People"; GB/T 22239-2019 8.1.4.1 b 登录失败处理, 8.1.4.3 安全审计): the lockout is keyed
by the account and by the client's real address (X-Forwarded-For believed only from
LIANXI_TRUSTED_PROXIES), and logins, failures, lockouts and logouts are audited.
"""

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from lianxi.conftest import PASSWORD
from lianxi.core.context import request_client_ip
from lianxi.core.lockout import account_locked, address_locked
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


# --- issue 17: keyed by the account and by the real client address ---------------------------

PROXY = "10.0.0.5"
TRUSTED = ["10.0.0.0/24"]


def from_address(
    client: Client, username: str, password: str, *, via: str = "", peer: str = PROXY
) -> Any:
    """A login POST as it reaches the platform: from `peer`, with `via` as X-Forwarded-For."""
    extra: dict[str, Any] = {"REMOTE_ADDR": peer}
    if via:
        extra["HTTP_X_FORWARDED_FOR"] = via
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


@override_settings(LIANXI_TRUSTED_PROXIES=TRUSTED)
def test_behind_the_proxy_failures_from_many_addresses_lock_the_account_not_the_addresses(
    health_liaison: Any, other_liaison: Any
) -> None:
    """Defect: "lockout is keyed by the connecting address, so behind the reverse proxy the
    README recommends, anyone can lock any account with five tries".

    Chosen semantics (config/settings/security.py): the account is locked after five failures
    from anywhere (8.1.4.1 b: a password cannot be guessed by spreading tries over addresses);
    an address only after LIANXI_LOCKOUT_ADDRESS_FAILURES failures from it, and always the real
    client's address, never the proxy's: before, every request came from the proxy, so five
    failures against one account locked every account behind it for everyone."""
    from axes.models import AccessAttempt

    attackers = [f"198.51.100.{n}" for n in range(1, 6)]
    for address in attackers:
        response = from_address(Client(), "health", "wrong-password", via=address)
    assert response.status_code == 429  # the fifth, from a fifth address, locks the account
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == set(attackers)
    # The victim, from their own address, is locked by the account keying.
    assert from_address(Client(), "health", PASSWORD, via="203.0.113.20").status_code == 429
    # Nobody else is: not through the proxy, not from an attacker's own address.
    assert from_address(Client(), "hrss", PASSWORD, via="203.0.113.21").status_code == 302
    assert from_address(Client(), "hrss", PASSWORD, via=attackers[0]).status_code == 302
    assert not any(address_locked(a) for a in attackers) and not address_locked(PROXY)


@override_settings(LIANXI_TRUSTED_PROXIES=TRUSTED, LIANXI_LOCKOUT_ADDRESS_FAILURES=5)
def test_a_spoofed_header_from_an_untrusted_peer_does_not_choose_the_address_locked(
    health_liaison: Any, other_liaison: Any, clerk: Any
) -> None:
    """Defect (the other half): the old code believed the last X-Forwarded-For entry from any
    peer in production, so an attacker could write a victim's address into it and have that
    address locked. From a peer that is not a trusted proxy the header is ignored: the failures
    are recorded, and the address locked, at the attacker's own connecting address."""
    from axes.models import AccessAttempt

    attacker, victim_address = "198.51.100.66", "203.0.113.30"
    for name in ("nobody1", "nobody2", "nobody3", "nobody4", "nobody5"):
        from_address(Client(), name, "wrong-password", via=victim_address, peer=attacker)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {attacker}
    assert address_locked(attacker) and not address_locked(victim_address)
    # The victim, at the address the attacker named, logs in through the real proxy.
    assert from_address(Client(), "hrss", PASSWORD, via=victim_address).status_code == 302
    # The attacker's own address is refused, whatever account and header it tries next.
    response = from_address(Client(), "clerk", PASSWORD, via="192.0.2.1", peer=attacker)
    assert response.status_code == 429
    assert "网络地址" in response.content.decode()
    event = AuditEvent.objects.filter(action="login.failed").order_by("-id").first()
    assert event is not None and event.data["address_locked"] == attacker


@override_settings(LIANXI_TRUSTED_PROXIES=TRUSTED)
def test_the_address_lock_is_reached_by_failures_across_accounts(
    health_liaison: Any, other_liaison: Any
) -> None:
    """8.1.4.1 b): one address trying passwords on many accounts is stopped at
    LIANXI_LOCKOUT_ADDRESS_FAILURES (20 by default), each account staying below its limit."""
    assert settings.LIANXI_LOCKOUT_ADDRESS_FAILURES == 20
    sprayer = "198.51.100.77"
    for n in range(20):
        from_address(Client(), f"guess{n % 5}", "wrong-password", via=sprayer)
    assert address_locked(sprayer)
    assert from_address(Client(), "health", PASSWORD, via=sprayer).status_code == 429
    assert from_address(Client(), "health", PASSWORD, via="203.0.113.40").status_code == 302
    lockout = AuditEvent.objects.get(action="login.lockout")
    assert lockout.data["address"] == sprayer and lockout.data["account"] is False


def test_logging_into_ones_own_account_does_not_reset_the_failures_against_another(
    health_liaison: Any, other_liaison: Any
) -> None:
    """Found while fixing the keying: axes' AXES_RESET_ON_SUCCESS clears every failure from
    the address too, so an attacker with any account could log into it between guesses and
    never reach a victim's limit. A success now clears only its own account's failures."""
    client = Client()
    for _ in range(4):
        post_login(client, "health", "wrong-password")
    assert post_login(Client(), "hrss", PASSWORD).status_code == 302  # the attacker's own
    assert post_login(client, "health", "wrong-password").status_code == 429  # the fifth
    assert account_locked(health_liaison)


def test_rotating_the_user_agent_does_not_spread_the_failures(health_liaison: Any) -> None:
    """Why axes.W006 is silenced (config/settings/security.py): axes keeps one record per
    username, address and User-Agent, and the account's failures are summed over all of them."""
    for n in range(5):
        Client(HTTP_USER_AGENT=f"agent-{n}").post(
            LOGIN, {"username": "health", "password": "wrong-password"}
        )
    assert account_locked(health_liaison)
    assert post_login(Client(HTTP_USER_AGENT="agent-9"), "health", PASSWORD).status_code == 429


def test_a_successful_login_clears_the_accounts_own_failures(health_liaison: Any) -> None:
    client = Client()
    for _ in range(4):
        post_login(client, "health", "wrong-password")
    assert post_login(client, "health", PASSWORD).status_code == 302
    assert post_login(Client(), "health", "wrong-password").status_code == 200  # 1 of 5 again


@override_settings(LIANXI_TRUSTED_PROXIES=["10.0.0.0/24", "172.16.0.1"])
@pytest.mark.parametrize(
    ("peer", "header", "client_ip"),
    [
        ("10.0.0.5", "203.0.113.9", "203.0.113.9"),  # one trusted proxy
        ("10.0.0.5", "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # a forged left part is ignored
        ("10.0.0.5", "203.0.113.9, 172.16.0.1", "203.0.113.9"),  # two proxies of ours
        ("10.0.0.5", "203.0.113.9:51234", "203.0.113.9"),  # with a port
        ("10.0.0.5", "[2001:db8::7]:443", "2001:db8::7"),
        ("10.0.0.5", "203.0.113.9, garbage", "10.0.0.5"),  # unreadable: the proxy that sent it
        ("10.0.0.5", "", "10.0.0.5"),  # the proxy's own request
        ("10.0.0.5", "10.0.0.7", "10.0.0.7"),  # all ours: the left-most
        ("198.51.100.1", "203.0.113.9", "198.51.100.1"),  # not a proxy of ours: header ignored
        ("::ffff:10.0.0.5", "203.0.113.9", "203.0.113.9"),  # IPv4-mapped peer
    ],
)
def test_the_real_client_address(peer: str, header: str, client_ip: str) -> None:
    """lianxi.core.context.request_client_ip: the right-most address that is not ours."""
    extra: dict[str, Any] = {"REMOTE_ADDR": peer}
    if header:
        extra["HTTP_X_FORWARDED_FOR"] = header
    assert request_client_ip(RequestFactory().get("/", **extra)) == client_ip


def test_without_trusted_proxies_no_header_is_believed() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert request_client_ip(request) == "10.0.0.5"


@override_settings(LIANXI_TRUSTED_PROXIES=TRUSTED)
def test_the_audit_trail_and_the_lockout_name_the_same_address(health_liaison: Any) -> None:
    """8.1.4.3 安全审计: the audit entry's address is the one the lockout is keyed by."""
    from axes.models import AccessAttempt

    from_address(Client(), "health", "wrong-password", via="1.2.3.4, 203.0.113.50")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.50"
    assert AuditEvent.objects.get(action="login.failed").ip == "203.0.113.50"


# --- issue 17: logins, failures, lockouts and logouts audited ----------------------------------


def test_login_failure_lockout_and_logout_are_audited_without_the_password(
    health_liaison: Any,
) -> None:
    """Defect: "Logins, failed logins, logouts and OTP checks are not audited at all"
    (8.1.4.3 a: 审计覆盖到每个用户, 对重要的用户行为进行审计)."""
    client = Client()
    assert post_login(client, "health", PASSWORD).status_code == 302
    login_event = AuditEvent.objects.get(action="login")
    assert login_event.actor_id == health_liaison.pk and login_event.ip == "127.0.0.1"
    assert client.post("/account/logout/").status_code == 302
    assert AuditEvent.objects.get(action="logout").actor_id == health_liaison.pk

    for _ in range(5):
        post_login(Client(), "health", "Secret-guess-9")
    failures = AuditEvent.objects.filter(action="login.failed")
    assert failures.count() == 5
    assert all(e.data["username"] == "health" and e.actor_id is None for e in failures)
    assert failures[0].target_id == str(health_liaison.pk)
    lockout = AuditEvent.objects.get(action="login.lockout")
    assert lockout.data["account"] is True and lockout.data["username"] == "health"
    post_login(Client(), "health", PASSWORD)  # refused while locked: a failure, not a lockout
    assert AuditEvent.objects.filter(action="login.lockout").count() == 1
    assert (
        AuditEvent.objects.filter(action="login.failed").order_by("-id")[0].data["locked"] is True
    )
    for event in AuditEvent.objects.all():
        assert "Secret-guess-9" not in json.dumps(event.data, ensure_ascii=False)
        assert PASSWORD not in json.dumps(event.data, ensure_ascii=False)


def test_a_failed_login_for_an_unknown_name_is_audited_with_the_name_tried(db: Any) -> None:
    post_login(Client(), "nobody", "whatever-1")
    event = AuditEvent.objects.get(action="login.failed")
    assert event.target_id == "" and event.data == {"username": "nobody", "locked": False}
