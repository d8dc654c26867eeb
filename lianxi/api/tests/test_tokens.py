"""API tokens obey the rules a person does (issue 17: "API tokens bypass everything a person must
pass: they never expire, skip TOTP, keep working while the account is locked out").

GB/T 22239-2019 8.1.4.1 身份鉴别 (expiry, lockout, deactivation, second factor at issue) and
8.1.4.2 访问控制 (read / write, the apps a token may touch, rate).
"""

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from lianxi.api.models import ApiToken
from lianxi.api.scopes import scope_names, scope_of_router
from lianxi.api.services import api_token_create
from lianxi.api.urls import api
from lianxi.core.models import AuditEvent
from lianxi.organization.models import Membership

from .conftest import bearer

UNITS = "/api/v1/units"
MEETINGS = "/api/v1/meetings"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """The rate counters and the refusal audits' once-a-minute marks start empty."""
    caches["default"].clear()


def issue(user: Any, **kwargs: Any) -> tuple[ApiToken, Client]:
    row, token = api_token_create(user=user, name="测试", **kwargs)
    return row, bearer(token)


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_a_new_token_expires_after_the_configured_days(health_liaison: Any, settings: Any) -> None:
    """Defect: tokens never expired. Default 90 days (LIANXI_API_TOKEN_DAYS)."""
    assert settings.LIANXI_API_TOKEN_DAYS == 90
    row, _ = issue(health_liaison)
    lifetime = row.expires_at - row.created_at
    assert timedelta(days=90) - timedelta(seconds=5) < lifetime <= timedelta(days=90)


def test_a_token_is_refused_after_its_expiry(health_liaison: Any) -> None:
    """8.1.4.1 身份鉴别: an expired token is a 401 with the Chinese reason, audited."""
    row, client = issue(health_liaison)
    assert client.get(UNITS).status_code == 200
    with time_machine.travel(row.expires_at + timedelta(seconds=1)):
        response = client.get(UNITS)
    assert response.status_code == 401
    assert "过期" in response.json()["detail"] and row.prefix in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    event = AuditEvent.objects.get(action="api.token_expired")
    assert event.target_id == str(row.pk) and event.data["prefix"] == row.prefix


def test_a_read_only_token_is_refused_on_a_write(clerk: Any) -> None:
    """8.1.4.2 访问控制: read / write. The refusal comes before the body is read (403, not 422)."""
    _, client = issue(clerk, access="read")
    assert client.get(MEETINGS).status_code == 200
    response = client.post(MEETINGS, data={}, content_type="application/json")
    assert response.status_code == 403
    assert "只读" in response.json()["detail"]
    assert events("api.token_out_of_scope") == 1
    # A write token of the same person reaches the endpoint (and its validation).
    _, writer = issue(clerk)
    assert writer.post(MEETINGS, data={}, content_type="application/json").status_code == 422


def test_a_token_is_refused_outside_its_apps(health_liaison: Any) -> None:
    """8.1.4.2 访问控制: a token may touch only the apps it was given."""
    _, client = issue(health_liaison, scopes=["organization"])
    assert client.get(UNITS).status_code == 200
    response = client.get(MEETINGS)
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert "meetings" in detail and "organization" in detail
    event = AuditEvent.objects.get(action="api.token_out_of_scope")
    assert event.data["scope"] == "meetings"


def test_every_router_is_a_scope_and_every_operation_is_marked(health_liaison: Any) -> None:
    """The scopes are the router modules (a new app's router adds its own); every operation of
    every router refuses a token that lacks its router's scope (a GET of each, path ids 1)."""
    mounted = {scope_of_router(router): router for _, router in api._routers}
    mounted.pop(None, None)
    assert set(mounted) == set(scope_names())
    assert {"incidents", "meetings", "minutes", "organization", "routing", "supervision"} <= set(
        mounted
    )
    for scope, router in mounted.items():
        _, client = issue(health_liaison, scopes=[s for s in scope_names() if s != scope])
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                url = "/api/v1" + re.sub(r"\{[^}]+\}", "1", path)
                method = operation.methods[0].lower()
                response = getattr(client, method)(url)
                assert response.status_code == 403, (scope, method, url, response.status_code)
                assert f"“{scope}”" in response.json()["detail"]


def test_a_token_stops_while_its_owner_is_locked_out(health_liaison: Any) -> None:
    """Defect: a token kept working while the account was locked out. The lockout is produced
    by five real failed logins through the login page (as test_login_security does)."""
    _, client = issue(health_liaison)
    assert client.get(UNITS).status_code == 200
    browser = Client()
    for _ in range(5):
        browser.post("/account/login/", {"username": "health", "password": "wrong-password"})
    response = client.get(UNITS)
    assert response.status_code == 401
    assert "锁定" in response.json()["detail"]
    assert events("api.token_locked_out") == 1
    # Lifted by the cool-off (or the security administrator), the token works again.
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    assert client.get(UNITS).status_code == 200


def test_a_token_stops_with_its_owners_deactivation(health_liaison: Any) -> None:
    _, client = issue(health_liaison)
    health_liaison.is_active = False
    health_liaison.save(update_fields=["is_active"])
    response = client.get(UNITS)
    assert response.status_code == 401
    assert "已停用" in response.json()["detail"]
    assert events("api.token_account_inactive") == 1


def test_tokens_issued_before_an_administrators_password_reset_stop(
    health_liaison: Any, clerk: Any
) -> None:
    """Issue 17, "tokens obey the same rules as people": the reset an administrator makes when
    an account may be in other hands ends the person's sessions and, now, the tokens issued
    before it (they kept working, and would again once the person had changed the password)."""
    from lianxi.organization.people_services import person_password_reset

    _, client = issue(health_liaison)
    assert client.get(UNITS).status_code == 200
    person_password_reset(actor=clerk.membership, membership=health_liaison.membership)
    response = client.get(UNITS)
    assert response.status_code == 401
    assert "重置该账号密码之前" in response.json()["detail"]
    assert events("api.token_password_reset") == 1
    # The person changes the password: the old token stays dead; a new one works.
    from lianxi.core.models import PasswordState

    PasswordState.objects.filter(user=health_liaison).update(must_change=False, reason="")
    assert client.get(UNITS).status_code == 401
    _, fresh = issue(health_liaison)
    assert fresh.get(UNITS).status_code == 200


def test_a_token_stops_when_its_membership_ends(health_liaison: Any) -> None:
    _, client = issue(health_liaison)
    Membership.objects.filter(user=health_liaison).update(active=False)
    response = client.get(UNITS)
    assert response.status_code == 403
    assert "任职身份已终止" in response.json()["detail"]


def test_a_token_over_its_rate_gets_429_with_retry_after(
    health_liaison: Any, settings: Any
) -> None:
    """8.1.4.2: use is rate-limited per token (LIANXI_API_TOKEN_RATE a minute); the refusal is
    audited once in the minute however often it repeats."""
    settings.LIANXI_API_TOKEN_RATE = 3
    with time_machine.travel(timezone.now().replace(second=10), tick=False):
        _, client = issue(health_liaison)
        _, other = issue(health_liaison)
        for _ in range(3):
            assert client.get(UNITS).status_code == 200
        response = client.get(UNITS)
        assert response.status_code == 429
        assert response["Retry-After"] == "50"
        assert "请求过于频繁" in response.json()["detail"]
        assert client.get(UNITS).status_code == 429
        assert events("api.token_rate_limited") == 1
        # Per token: another token of the same person is not slowed.
        assert other.get(UNITS).status_code == 200
    with time_machine.travel(timezone.now().replace(second=10) + timedelta(minutes=1)):
        assert client.get(UNITS).status_code == 200


def test_token_use_is_audited_at_most_once_a_minute(health_liaison: Any) -> None:
    _, client = issue(health_liaison)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(UNITS)
        client.get(UNITS)
    assert events("api.token_used") == 1
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        client.get(UNITS)
    assert events("api.token_used") == 2
    event = AuditEvent.objects.filter(action="api.token_used").order_by("id").last()
    assert event is not None and event.data["path"] == UNITS


def test_an_unknown_or_revoked_token_is_the_plain_401(health_liaison: Any) -> None:
    response = bearer("lx_nothing").get(UNITS)
    assert response.status_code == 401
    assert "未提供有效的访问令牌" in response.json()["detail"]


def test_the_service_refuses_bad_days_and_scopes(health_liaison: Any) -> None:
    from lianxi.core.exceptions import ApplicationError

    with pytest.raises(ApplicationError, match="1 至 90 天"):
        api_token_create(user=health_liaison, days=91)
    with pytest.raises(ApplicationError, match="没有这些模块：nothing"):
        api_token_create(user=health_liaison, scopes=["nothing"])
    with pytest.raises(ApplicationError, match="至少选择一个"):
        api_token_create(user=health_liaison, scopes=[])
    assert not ApiToken.objects.exists()


def test_redis_counts_the_rate_when_configured(health_liaison: Any, settings: Any) -> None:
    """LIANXI_CACHE_URL puts the counters in Redis, shared by every worker (run where a Redis
    server listens on 127.0.0.1:6379)."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    settings.CACHES = {
        **settings.CACHES,
        "tokens": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
        },
    }
    settings.LIANXI_API_TOKEN_CACHE = "tokens"
    settings.LIANXI_API_TOKEN_RATE = 2
    with time_machine.travel(timezone.now().replace(second=5), tick=False):
        _, client = issue(health_liaison)
        assert [client.get(UNITS).status_code for _ in range(3)] == [200, 200, 429]
    caches["tokens"].clear()
