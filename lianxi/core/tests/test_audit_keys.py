"""Keys, rotation, the legacy boundary, retention and archive (issue 17; GB/T 22239-2019
8.1.4.3 安全审计 c 审计记录应进行保护，定期备份，避免受到未预期的删除、修改或覆盖)."""

import hashlib
import importlib
import json
import stat
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from lianxi.core.audit import GENESIS, _canonical, audit_record, audit_verify_report
from lianxi.core.audit_archive import AuditArchiveError, audit_archive, verify_archive
from lianxi.core.audit_checkpoints import audit_checkpoint
from lianxi.core.audit_keys import AuditKeyError, current_key
from lianxi.core.models import AuditEvent, AuditHead

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def keys(settings: Any, tmp_path: Path) -> Path:
    """Key files in a directory of this test's own."""
    settings.LIANXI_AUDIT_KEY = ""
    settings.LIANXI_AUDIT_KEY_DIR = str(tmp_path / "keys")
    return tmp_path / "keys"


def run(*args: str) -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return 1, out.getvalue() + err.getvalue() + str(exc)
    return 0, out.getvalue() + err.getvalue()


def raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_first_use_makes_a_private_key_file_outside_the_database(keys: Path) -> None:
    event = audit_record(actor=None, action="test.first")
    assert event.key_id == "k1"
    path = keys / "audit-k1.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_bytes()) == 32
    assert (keys / "current").read_text().strip() == "k1"
    assert run("verify")[0] == 0


def test_rotation_new_events_use_the_new_key_and_old_ones_still_verify(keys: Path) -> None:
    """Rotation: `lianxi audit rotate-key`; verify uses each event's recorded key id."""
    before = audit_record(actor=None, action="test.before")
    code, output = run("rotate-key")
    assert code == 0, output
    assert "已启用新审计密钥 k2" in output
    after = audit_record(actor=None, action="test.after")
    assert (before.key_id, after.key_id) == ("k1", "k2")
    rotated = AuditEvent.objects.get(action="audit.key_rotated")
    assert rotated.data == {"old": "k1", "new": "k2"}
    assert AuditHead.objects.get(pk=1).key_id == "k2"
    assert run("verify")[0] == 0
    # The old key is needed: without it, the events it signed cannot be verified.
    (keys / "audit-k1.key").unlink()
    code, output = run("verify")
    assert code == 1
    assert "找不到审计密钥 k1" in output


def test_key_file_readable_by_others_is_refused(keys: Path) -> None:
    audit_record(actor=None, action="test.first")
    (keys / "audit-k1.key").chmod(0o644)
    with pytest.raises(AuditKeyError, match="chmod 600"):
        current_key()


def test_key_from_the_environment_and_rotation_refused_with_advice(settings: Any) -> None:
    settings.LIANXI_AUDIT_KEY = "x" * 64
    settings.LIANXI_AUDIT_KEY_ID = "vault1"
    event = audit_record(actor=None, action="test.env")
    assert event.key_id == "vault1"
    assert run("verify")[0] == 0
    code, output = run("rotate-key")
    assert code == 1
    assert "环境变量 LIANXI_AUDIT_KEY" in output
    assert "audit-vault1.key" in output


def _legacy_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _make_legacy_trail(n: int) -> list[AuditEvent]:
    """Rows as the platform wrote them before issue 17: SHA-256, no key id, an unsigned head."""
    events, prev = [], GENESIS
    for i in range(n):
        event = AuditEvent(at=timezone.now(), action="test.legacy", data={"i": i}, prev_hash=prev)
        event.hash = _legacy_hash(event)
        event.save()
        events.append(event)
        prev = event.hash
    AuditHead.objects.create(pk=1, last_id=events[-1].id, last_hash=prev)
    return events


def test_legacy_rows_verify_up_to_the_boundary_the_migration_sealed(keys: Path) -> None:
    """The migration path: unkeyed rows are checked with SHA-256 up to `legacy_until_id`,
    keyed ones after it; the first keyed event links to the last legacy one."""
    migration = importlib.import_module("lianxi.core.migrations.0007_audit_keyed_chain")
    legacy = _make_legacy_trail(3)
    assert "head" in {p.kind for p in audit_verify_report().problems}  # unsigned head
    migration.seal_existing_head(django_apps, None)
    head = AuditHead.objects.get(pk=1)
    assert (head.count, head.legacy_until_id, head.key_id) == (3, legacy[-1].id, "k1")
    keyed = audit_record(actor=None, action="test.keyed")
    assert keyed.prev_hash == legacy[-1].hash
    assert audit_verify_report().ok
    # A legacy row edited and re-hashed breaks the link to the next row.
    forged = AuditEvent.objects.get(pk=legacy[1].pk)
    forged.action = "test.forged"
    raw(
        "UPDATE core_auditevent SET action = %s, hash = %s WHERE id = %s",
        [forged.action, _legacy_hash(forged), forged.pk],
    )
    assert [p.kind for p in audit_verify_report().problems] == ["broken_link"]


def test_unkeyed_row_after_the_boundary_is_a_forgery(keys: Path) -> None:
    first = audit_record(actor=None, action="test.keyed")
    forged = AuditEvent(at=timezone.now(), action="test.forged", prev_hash=first.hash, data={})
    forged.hash = _legacy_hash(forged)
    forged.save()
    head = AuditHead.objects.get(pk=1)
    raw(
        "UPDATE core_audithead SET last_id = %s, last_hash = %s, count = 2 WHERE id = 1",
        [forged.id, forged.hash],
    )
    problems = audit_verify_report().problems
    assert "没有密钥签名" in " ".join(p.message for p in problems)
    assert head.legacy_until_id == 0


def _age(events: list[AuditEvent], days: int) -> None:
    """Move events back in time and re-sign them, as if written `days` ago."""
    from lianxi.core.audit import compute_hash, current_key, seal_head

    prev = GENESIS
    for event in AuditEvent.objects.order_by("id"):
        if event.pk in {e.pk for e in events}:
            event.at = event.at - timedelta(days=days)
        event.prev_hash = prev
        event.hash = compute_hash(event)
        raw(
            "UPDATE core_auditevent SET at = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [event.at, event.prev_hash, event.hash, event.pk],
        )
        prev = event.hash
    head = AuditHead.objects.get(pk=1)
    head.last_hash = prev
    seal_head(head, current_key())
    raw("UPDATE core_audithead SET last_hash = %s, seal = %s WHERE id = 1", [prev, head.seal])
    # A chain that old has shipped checkpoints (verify reports one that has none).
    audit_checkpoint(force=True)


def test_archive_moves_old_events_to_a_verifiable_file_and_the_chain_still_verifies(
    keys: Path, tmp_path: Path
) -> None:
    """Retention: 180 days online, then archived (exported, verifiable), not deleted."""
    old = [audit_record(actor=None, action="test.old", data={"i": i}) for i in range(4)]
    recent = [audit_record(actor=None, action="test.recent") for _ in range(2)]
    _age(old, 200)
    assert audit_verify_report().ok
    code, output = run("archive", "--output-dir", str(tmp_path / "archive"))
    assert code == 0, output
    assert "共 4 条" in output
    files = list((tmp_path / "archive").glob("audit-*.jsonl"))
    assert len(files) == 1
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    head = AuditHead.objects.get(pk=1)
    assert (head.archived_until_id, head.archived_count, head.count) == (old[-1].id, 4, 7)
    assert AuditEvent.objects.filter(action="audit.archive").count() == 1
    code, output = run("verify")
    assert code == 0, output
    assert "已校验 3 条" in output  # two recent and the archive's own event
    code, output = run("verify", "--archive", str(files[0]))
    assert code == 0, output
    assert "4 条审计记录" in output
    assert "与数据库中第" in output or "衔接" in output
    first_kept = AuditEvent.objects.order_by("id").first()
    assert first_kept is not None and first_kept.prev_hash == head.archived_hash
    assert recent[0].id > old[-1].id
    # Nothing more is old enough.
    assert audit_archive(output_dir=tmp_path / "archive") is None


def test_tampered_archive_is_detected(keys: Path, tmp_path: Path) -> None:
    old = [audit_record(actor=None, action="test.old", data={"i": i}) for i in range(3)]
    audit_record(actor=None, action="test.recent")
    _age(old, 365)
    result = audit_archive(output_dir=tmp_path)
    assert result is not None and result.count == 3
    lines = result.path.read_text().splitlines()
    row = json.loads(lines[2])
    row["actor_name"] = "冒名者"
    lines[2] = json.dumps(row, ensure_ascii=False)
    result.path.write_text("\n".join(lines) + "\n")
    report = verify_archive(result.path)
    assert any("被改动" in p for p in report.problems)
    code, _ = run("verify", "--archive", str(result.path))
    assert code == 1
    # The archive cut short (a line removed) is reported too.
    del lines[3]
    result.path.write_text("\n".join(lines) + "\n")
    assert verify_archive(result.path).problems


def test_archive_refuses_a_broken_chain(keys: Path, tmp_path: Path) -> None:
    events = [audit_record(actor=None, action="test.old") for _ in range(2)]
    raw("DELETE FROM core_auditevent WHERE id = %s", [events[0].id])
    with pytest.raises(AuditArchiveError, match="拒绝归档"):
        audit_archive(output_dir=tmp_path, now=timezone.now() + timedelta(days=400))


def _reload_audit_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    import config.settings.audit as audit_settings
    import config.settings.env as env_module

    for name, value in env.items():
        if name == "PRODUCTION":
            monkeypatch.setattr(env_module, "PRODUCTION", value == "1")
        else:
            monkeypatch.setenv(name, value)
    importlib.reload(audit_settings)


def test_retention_below_180_days_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import config.settings.audit as audit_settings

    try:
        with pytest.raises(ImproperlyConfigured, match="至少为 180"):
            _reload_audit_settings(monkeypatch, LIANXI_AUDIT_RETENTION_DAYS="90")
    finally:
        monkeypatch.undo()
        importlib.reload(audit_settings)


def test_production_refuses_to_start_without_a_key_source(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Production: no LIANXI_AUDIT_KEY and a key directory it cannot make is a start failure."""
    import config.settings.audit as audit_settings

    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")  # so the key directory cannot be made, even by root
    try:
        with pytest.raises(ImproperlyConfigured, match="LIANXI_AUDIT_KEY"):
            _reload_audit_settings(
                monkeypatch,
                PRODUCTION="1",
                LIANXI_AUDIT_KEY="",
                LIANXI_AUDIT_KEY_DIR=str(blocked / "keys"),
            )
        # With a key from the environment it starts.
        _reload_audit_settings(monkeypatch, LIANXI_AUDIT_KEY="k" * 64)
    finally:
        monkeypatch.undo()
        importlib.reload(audit_settings)
