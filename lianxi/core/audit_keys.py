"""The audit trail's HMAC keys, kept outside the database they protect.

A key comes from the environment (``LIANXI_AUDIT_KEY``, id ``LIANXI_AUDIT_KEY_ID``) or from a
file ``<LIANXI_AUDIT_KEY_DIR>/audit-<id>.key`` (32 random bytes, mode 0600, made on first use);
the file ``current`` in that directory names the id new events use. Rotation adds a key and
moves ``current``; old key files stay, because every event records the id of the key that
sealed it and verify looks that key up. A key file readable by others is refused.
"""

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

KEY_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class AuditKeyError(Exception):
    """A key is missing, unreadable or badly protected (the message says what to do)."""


@dataclass(frozen=True)
class AuditKey:
    id: str
    secret: bytes


def key_dir() -> Path:
    """LIANXI_AUDIT_KEY_DIR, else ``<data dir>/keys`` (read now, as `lianxi backup` does)."""
    return Path(settings.LIANXI_AUDIT_KEY_DIR or Path(settings.DATA_DIR) / "keys")


def _env_key() -> AuditKey | None:
    secret = getattr(settings, "LIANXI_AUDIT_KEY", "")
    if not secret:
        return None
    return AuditKey(settings.LIANXI_AUDIT_KEY_ID, secret.encode())


def _key_path(key_id: str) -> Path:
    if not KEY_ID_RE.match(key_id):
        raise AuditKeyError(f"审计密钥编号 {key_id!r} 不合法（只允许字母、数字、- 和 _）。")
    return key_dir() / f"audit-{key_id}.key"


def _read_key_file(key_id: str) -> AuditKey:
    path = _key_path(key_id)
    try:
        mode = path.stat().st_mode
        secret = path.read_bytes()
    except FileNotFoundError as exc:
        raise AuditKeyError(
            f"找不到审计密钥 {key_id}（{path}）：该密钥签过的记录无法校验。"
            "请从密钥备份中恢复该文件（权限 0600）。"
        ) from exc
    except OSError as exc:
        raise AuditKeyError(f"审计密钥 {path} 无法读取：{exc}") from exc
    if mode & 0o077:
        raise AuditKeyError(
            f"审计密钥 {path} 的权限为 {mode & 0o777:o}，其他账号也能读取："
            f"请执行 chmod 600 {path}。"
        )
    if len(secret) < 32:
        raise AuditKeyError(f"审计密钥 {path} 不足 32 字节，可能已损坏：请从密钥备份中恢复。")
    return AuditKey(key_id, secret)


def key_for(key_id: str) -> AuditKey:
    """The key an event or the head names (the environment's key first, then the key files)."""
    env = _env_key()
    if env is not None and env.id == key_id:
        return env
    return _read_key_file(key_id)


def _create_key_file(key_id: str) -> None:
    """Write a fresh key; a file already there (another process was quicker) is kept."""
    directory = key_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(_key_path(key_id), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(secrets.token_bytes(32))
        handle.flush()
        os.fsync(handle.fileno())


def _write_current(key_id: str, *, replace: bool) -> None:
    directory = key_dir()
    tmp = directory / f".current-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.write_text(key_id + "\n")
    tmp.chmod(0o600)
    target = directory / "current"
    if replace:
        tmp.replace(target)
        return
    try:
        os.link(tmp, target)  # atomic "create if absent": two first uses agree on one key
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def _current_file_id() -> str | None:
    try:
        key_id = (key_dir() / "current").read_text().strip()
    except FileNotFoundError:
        return None
    return key_id or None


def current_key() -> AuditKey:
    """The key new events are sealed with; on first use (no environment key, no key file) a
    key ``k1`` is made."""
    env = _env_key()
    if env is not None:
        return env
    key_id = _current_file_id()
    if key_id is None:
        _create_key_file("k1")
        _write_current("k1", replace=False)
        key_id = _current_file_id() or "k1"
    return _read_key_file(key_id)


def rotate_key() -> AuditKey:
    """Make a new key file and let new events use it; the old keys stay for verification."""
    if _env_key() is not None:
        raise AuditKeyError(
            "当前审计密钥来自环境变量 LIANXI_AUDIT_KEY：请在密钥管理处生成新密钥，把旧密钥以 "
            f"audit-{settings.LIANXI_AUDIT_KEY_ID}.key 保存到 {key_dir()}（权限 0600），"
            "再更换 LIANXI_AUDIT_KEY 和 LIANXI_AUDIT_KEY_ID。"
        )
    old = current_key()
    numbers = [
        int(match.group(1))
        for path in key_dir().glob("audit-k*.key")
        if (match := re.fullmatch(r"audit-k(\d+)\.key", path.name))
    ]
    new_id = f"k{max(numbers, default=0) + 1}"
    _create_key_file(new_id)
    _write_current(new_id, replace=True)
    new = _read_key_file(new_id)
    assert new.id != old.id
    return new
