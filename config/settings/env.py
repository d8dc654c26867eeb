"""Small readers for environment variables, so every settings module parses them the same way."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

ENV = os.environ.get("LIANXI_ENV", "local").strip().lower()
if ENV not in {"local", "test", "production"}:
    raise ImproperlyConfigured(f"LIANXI_ENV must be local, test or production, not {ENV!r}")
PRODUCTION = ENV == "production"

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"环境变量 {name} 未设置（生产环境必须设置）")
    return value


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"环境变量 {name} 应为整数，而不是 {raw!r}") from exc


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def data_dir() -> Path:
    path = Path(os.environ.get("LIANXI_DATA_DIR", BASE_DIR / "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path
