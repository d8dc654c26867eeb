"""`lianxi api_token create | revoke | list`: tokens are shown once and only their hash is kept."""

import hashlib
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from lianxi.api.models import ApiToken
from lianxi.core.models import AuditEvent

from .conftest import bearer


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue()


def token_in(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("lx_"))


def test_create_prints_a_token_once_and_keeps_only_its_hash(health_liaison: Any) -> None:
    output = run("create", "--user", "health", "--name", "省平台对接")
    token = token_in(output)
    row = ApiToken.objects.get()
    assert row.user == health_liaison
    assert row.name == "省平台对接"
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token.startswith(row.prefix)
    assert "令牌只显示这一次" in output
    # The token itself is stored nowhere on the row.
    assert all(token not in str(getattr(row, f.attname)) for f in ApiToken._meta.fields)
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.target_id == str(row.pk)
    assert event.data["prefix"] == row.prefix
    assert token not in str(event.data)
    # And it works.
    assert bearer(token).get("/api/v1/units").status_code == 200


def test_create_for_an_unknown_user_fails_in_chinese(db: Any) -> None:
    with pytest.raises(CommandError, match="账号 nobody 不存在"):
        run("create", "--user", "nobody")
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="api_token.create").exists()


def test_create_for_a_deactivated_user_fails_in_chinese(health_liaison: Any) -> None:
    health_liaison.is_active = False
    health_liaison.save()
    with pytest.raises(CommandError, match="已停用"):
        run("create", "--user", "health")
    assert not ApiToken.objects.exists()


def test_revoke_stops_the_token_and_is_audited(health_liaison: Any) -> None:
    token = token_in(run("create", "--user", "health"))
    prefix = ApiToken.objects.get().prefix
    output = run("revoke", prefix)
    assert f"已吊销令牌 {prefix}" in output
    assert ApiToken.objects.get().revoked_at is not None
    assert (
        AuditEvent.objects.filter(action="api_token.revoke", target_id__isnull=False).count() == 1
    )
    assert bearer(token).get("/api/v1/units").status_code == 401
    with pytest.raises(CommandError, match=r"已于 .* 吊销"):
        run("revoke", prefix)
    with pytest.raises(CommandError, match="没有前缀为 lx_nothing 的令牌"):
        run("revoke", "lx_nothing")


def test_list_shows_prefixes_never_tokens(health_liaison: Any, other_liaison: Any) -> None:
    first = token_in(run("create", "--user", "health", "--name", "甲"))
    second = token_in(run("create", "--user", "hrss", "--name", "乙"))
    revoked = ApiToken.objects.get(name="乙")
    run("revoke", revoked.prefix)

    listing = run("list")
    assert ApiToken.objects.get(name="甲").prefix in listing
    assert revoked.prefix not in listing
    assert first not in listing and second not in listing

    everything = run("list", "--all")
    assert revoked.prefix in everything and "hrss" in everything


def test_list_without_tokens(db: Any) -> None:
    assert "没有令牌" in run("list")


def test_create_with_a_read_only_scope_and_days(health_liaison: Any) -> None:
    """Issue 17 (GB/T 22239-2019 8.1.4.2 访问控制): the CLI issues scoped, expiring tokens too."""
    output = run("create", "--user", "health", "--read-only", "--apps", "incidents", "--days", "7")
    row = ApiToken.objects.get()
    assert (row.access, row.scopes) == ("read", ["incidents"])
    assert 6 <= (row.expires_at - row.created_at).days <= 7
    assert "只读" in output and "incidents" in output
    assert AuditEvent.objects.get(action="api_token.create").data["via"] == "cli"
    with pytest.raises(CommandError, match="1 至 90 天"):
        run("create", "--user", "health", "--days", "365")
    with pytest.raises(CommandError, match="没有这些模块：mail"):
        run("create", "--user", "health", "--apps", "mail")


def test_list_shows_owner_unit_scope_expiry_and_state(health_liaison: Any) -> None:
    """Issue 17: `lianxi api_token list` (prefix, owner, unit, scope, created, expires, last
    used, state); an expired token is listed as 已过期, a locked owner's as 账号锁定中."""
    from datetime import timedelta

    from django.utils import timezone

    token_in(run("create", "--user", "health", "--name", "甲", "--apps", "meetings"))
    run("create", "--user", "health", "--name", "乙")
    ApiToken.objects.filter(name="乙").update(expires_at=timezone.now() - timedelta(days=1))
    lines = run("list").splitlines()
    assert lines[0].split("\t") == [
        "前缀", "账号", "单位", "用途", "权限", "模块", "创建时间", "有效期至", "最近使用", "状态"
    ]  # fmt: skip
    first = next(line.split("\t") for line in lines if "\t甲\t" in line)
    assert first[1:6] == ["health", "市卫生健康委", "甲", "读写", "meetings"]
    assert first[-1] == "有效"
    second = next(line.split("\t") for line in lines if "\t乙\t" in line)
    assert second[-1] == "已过期"
