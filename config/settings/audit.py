"""The audit trail's keys, checkpoints and retention (issue 17, GB/T 22239-2019 8.1.4.3 安全审计).

- LIANXI_AUDIT_KEY: the HMAC key as text (at least 32 characters), from the environment (e.g. a
  secrets manager); its id is LIANXI_AUDIT_KEY_ID (default ``env``). Unset, the key is a file:
- LIANXI_AUDIT_KEY_DIR: where key files live (default ``<data dir>/keys``):
  ``audit-<id>.key`` (0600, 32 random bytes, created on first use) and ``current`` (the id new
  events use). ``lianxi audit rotate-key`` adds a key; old keys stay, verify needs them.
- LIANXI_AUDIT_CHECKPOINT_DIR: where the head's checkpoints are appended, one file per chain,
  ``chain-<chain id>.jsonl`` (default ``<data dir>/audit-checkpoints``; better a directory on
  another disk or host, write-only for the platform, one per instance: `check --deploy` warns
  (core.W001) when it is inside the data directory and LIANXI_AUDIT_SYSLOG is unset);
  LIANXI_AUDIT_CHECKPOINT_MINUTES: how often (default 60, at least 1).
- LIANXI_AUDIT_SYSLOG: also send each checkpoint to syslog: ``/dev/log`` or ``host:port`` (UDP).
- LIANXI_AUDIT_RETENTION_DAYS: events stay online at least this long (default and minimum 180);
  ``lianxi audit archive`` exports older ones to LIANXI_AUDIT_ARCHIVE_DIR (default
  ``<data dir>/audit-archive``) before removing them.

Production refuses to start when neither LIANXI_AUDIT_KEY is set nor the key directory can be
made (the key must never be kept in the database it protects).
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .env import PRODUCTION, data_dir, env_int, env_str

LIANXI_AUDIT_KEY = env_str("LIANXI_AUDIT_KEY", "")
LIANXI_AUDIT_KEY_ID = env_str("LIANXI_AUDIT_KEY_ID", "env").strip() or "env"
# Empty: ``<data dir>/keys``, resolved when a key is read (lianxi.core.audit_keys.key_dir).
LIANXI_AUDIT_KEY_DIR = env_str("LIANXI_AUDIT_KEY_DIR", "")
LIANXI_AUDIT_CHECKPOINT_DIR = str(
    Path(env_str("LIANXI_AUDIT_CHECKPOINT_DIR", "") or data_dir() / "audit-checkpoints")
)
LIANXI_AUDIT_CHECKPOINT_MINUTES = max(1, env_int("LIANXI_AUDIT_CHECKPOINT_MINUTES", 60))
LIANXI_AUDIT_SYSLOG = env_str("LIANXI_AUDIT_SYSLOG", "").strip()
LIANXI_AUDIT_RETENTION_DAYS = env_int("LIANXI_AUDIT_RETENTION_DAYS", 180)
LIANXI_AUDIT_ARCHIVE_DIR = str(
    Path(env_str("LIANXI_AUDIT_ARCHIVE_DIR", "") or data_dir() / "audit-archive")
)
# The triggers that refuse UPDATE/DELETE/TRUNCATE of audit rows let a connection through only
# while this is on (or inside `lianxi audit archive`). The test suite turns it on, because the
# test runner empties every table between tests; never set it in production.
LIANXI_AUDIT_GUARD_OPEN = False

if LIANXI_AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured(
        f"LIANXI_AUDIT_RETENTION_DAYS 至少为 180（等保要求审计记录在线保存不少于 6 个月），"
        f"而不是 {LIANXI_AUDIT_RETENTION_DAYS}。"
    )
if LIANXI_AUDIT_KEY and len(LIANXI_AUDIT_KEY) < 32:
    raise ImproperlyConfigured(
        "LIANXI_AUDIT_KEY 太短：审计密钥至少 32 个字符（建议 64 位十六进制）。"
    )
if PRODUCTION and not LIANXI_AUDIT_KEY:
    _key_dir = LIANXI_AUDIT_KEY_DIR or str(data_dir() / "keys")
    try:
        Path(_key_dir).mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ImproperlyConfigured(
            f"审计密钥目录 {_key_dir} 无法创建（{exc}）：请设置 LIANXI_AUDIT_KEY，"
            "或让 LIANXI_AUDIT_KEY_DIR 指向平台可写、数据库之外的目录。"
        ) from exc
    if not os.access(_key_dir, os.W_OK | os.X_OK):
        raise ImproperlyConfigured(
            f"审计密钥目录 {_key_dir} 不可写：请设置 LIANXI_AUDIT_KEY，"
            "或给平台账号该目录的读写权限。"
        )
