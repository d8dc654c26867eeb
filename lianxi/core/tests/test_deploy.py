"""Production settings (issue 2 §1): with LIANXI_ENV=production, SECRET_KEY, ALLOWED_HOSTS and
DATABASE_URL, `lianxi check --deploy --fail-level WARNING` passes with no warnings; without one of
them the platform refuses to start, saying so in Chinese."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

pytestmark = pytest.mark.slow

# Never connected to: `check --deploy` does not open the database.
PRODUCTION_DB = "postgres://lianxi:unused@db.invalid:5432/lianxi"


def production_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("LIANXI_", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
        )
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LIANXI_ENV": "production",
            "LIANXI_DATA_DIR": str(tmp_path),
            # The audit checkpoints away from the data (core.W001 warns otherwise).
            "LIANXI_AUDIT_CHECKPOINT_DIR": str(tmp_path.parent / f"{tmp_path.name}-checkpoints"),
            # The reverse proxy named (core.W002 warns otherwise).
            "LIANXI_TRUSTED_PROXIES": "127.0.0.1",
            "SECRET_KEY": secrets.token_urlsafe(64),  # 86 random characters
            "ALLOWED_HOSTS": "lianxi.example.gov.cn",
            "DATABASE_URL": PRODUCTION_DB,
        }
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_check_deploy_passes_with_no_warnings(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    assert len(env["SECRET_KEY"]) >= 50
    result = run(["-m", "lianxi", "check", "--deploy", "--fail-level", "WARNING"], env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output and "?: (security." not in output


def test_check_deploy_warns_when_no_proxy_is_trusted(tmp_path: Path) -> None:
    """Issue 17 (lockout behind the proxy): in production without LIANXI_TRUSTED_PROXIES every
    login seems to come from the proxy; check --deploy says so, with what to set."""
    env = production_env(tmp_path, LIANXI_TRUSTED_PROXIES=None)
    result = run(["-m", "lianxi", "check", "--deploy", "--fail-level", "WARNING"], env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "core.W002" in output and "LIANXI_TRUSTED_PROXIES" in output


def test_production_settings_are_hardened(tmp_path: Path) -> None:
    script = (
        "import json, django\n"
        "from django.conf import settings as s\n"
        "django.setup()\n"
        "print(json.dumps({'debug': s.DEBUG, 'hsts': s.SECURE_HSTS_SECONDS,"
        " 'ssl': s.SECURE_SSL_REDIRECT, 'session_secure': s.SESSION_COOKIE_SECURE,"
        " 'csrf_secure': s.CSRF_COOKIE_SECURE, 'referrer': s.SECURE_REFERRER_POLICY,"
        " 'csp_middleware': 'django.middleware.csp.ContentSecurityPolicyMiddleware'"
        " in s.MIDDLEWARE, 'csp': s.SECURE_CSP.get('default-src'),"
        " 'otp': s.LIANXI_REQUIRE_OTP, 'engine': s.DATABASES['default']['ENGINE'],"
        " 'webhook_guard': s.LIANXI_WEBHOOK_BLOCK_PRIVATE}))\n"
    )
    result = run(["-c", script], production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    values: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "debug": False,
        "hsts": 31536000,
        "ssl": True,
        "session_secure": True,
        "csrf_secure": True,
        "referrer": "same-origin",
        "csp_middleware": True,
        "csp": ["'self'"],
        "otp": True,  # the second factor is required in production
        "engine": "django.db.backends.postgresql",
        "webhook_guard": True,  # webhooks do not reach the server's own network
    }


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_a_required_setting(
    tmp_path: Path, missing: str
) -> None:
    result = run(["-m", "lianxi", "check"], production_env(tmp_path, **{missing: None}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"环境变量 {missing} 未设置（生产环境必须设置）" in result.stderr
