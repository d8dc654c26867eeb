"""Backups drilled (issue 17, "Backups: the README's routes work when followed by hand, but there
is no command and no drill"; GB/T 22239-2019 8.1.4.11 数据备份恢复: local backup and restore of
important data, checked by restoring).

The drill: a backup taken while a thread keeps registering incidents (each with its audit
events), restored by `lianxi restore` in another process into a fresh, empty database (SQLite: a
new file; PostgreSQL: a database created for the drill and dropped after), then the row count of
every table compared with the manifest and `lianxi audit verify` run on the restored database.
It runs on the database the suite runs on (SQLite, or PostgreSQL with DATABASE_URL).
Also: a damaged archive and a non-empty database are refused with nothing written.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from lianxi.core.backup import PG_MEMBER, BackupError, backup_create
from lianxi.core.models import AuditEvent
from lianxi.incidents.models import Incident
from lianxi.incidents.services import IncidentInput, incident_register
from lianxi.incidents.tests.conftest import sample_input

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PROJECT = Path(settings.BASE_DIR)
ON_POSTGRESQL = connection.vendor == "postgresql"
needs_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="pg_dump 的检查只在 PostgreSQL 上有意义（DATABASE_URL=postgres://…）"
)


def _incident_input(n: int) -> IncidentInput:
    return sample_input(title=f"备份演练事故第{n}起", poisoned_count=n % 5)


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    """A data dir of the tests' own, with an upload and a local mail file in it."""
    path = tmp_path / "data"
    path.mkdir()
    settings.DATA_DIR = path
    settings.MEDIA_ROOT = str(path / "media")
    (path / "media" / "progress").mkdir(parents=True)
    (path / "media" / "progress" / "报告.pdf").write_bytes(b"%PDF-1.4 drill\n" * 100)
    (path / "mail").mkdir()
    (path / "mail" / "20260101-1.eml").write_bytes(b"Subject: drill\n\nbody\n")
    return path


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lianxi", *args],
        cwd=PROJECT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _admin_dsn(dbname: str) -> str:
    conf = connection.settings_dict
    user = conf.get("USER") or "postgres"
    password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
    host, port = conf.get("HOST") or "127.0.0.1", conf.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{dbname}"


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """DATABASE_URL of a new, empty database of the suite's vendor, removed afterwards."""
    if not ON_POSTGRESQL:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    name = f"lianxi_restore_{secrets.token_hex(6)}"
    with psycopg.connect(_admin_dsn("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _admin_dsn(name)
    finally:
        with psycopg.connect(_admin_dsn("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _restored_counts(url: str, tables: list[str]) -> dict[str, int]:
    """Row counts read straight from the restored database, not through the platform (the
    names come from the manifest, i.e. from the database's catalogue)."""
    queries = {t: f'SELECT count(*) FROM "{t}"' for t in tables}  # noqa: S608
    if url.startswith("sqlite:"):
        db = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return {t: db.execute(sql).fetchone()[0] for t, sql in queries.items()}
        finally:
            db.close()
    import psycopg

    with psycopg.connect(url) as pg:
        counts = {}
        for table, sql in queries.items():
            row = pg.execute(sql.encode()).fetchone()
            assert row is not None
            counts[table] = row[0]
        return counts


def test_backup_under_load_restores_with_counts_and_audit_chain_verified(
    data_dir: Path, mechanism: Any, clerk: Any, fresh_database: str, tmp_path: Path
) -> None:
    """Issue 17 "Must show": a backup taken under load restores with counts and the audit chain
    verified (GB/T 22239 8.1.4.11 数据备份恢复), on SQLite and on PostgreSQL."""
    stop, some_written = threading.Event(), threading.Event()
    written: list[int] = []
    failures: list[BaseException] = []

    def writer() -> None:
        try:
            n = 0
            while not stop.is_set() or n < 6:
                n += 1
                incident_register(
                    mechanism=mechanism, data=_incident_input(n), actor=clerk.membership
                )
                written.append(n)
                if n >= 3:
                    some_written.set()
        except BaseException as exc:  # reported by the test below
            failures.append(exc)
            some_written.set()
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert some_written.wait(120)
        result = backup_create(output=tmp_path / "drill.tar.gz", actor=clerk)
        after_backup = len(written)
    finally:
        stop.set()
        thread.join(120)
    assert not failures, failures
    manifest = result.manifest

    # The snapshot is one moment of a database being written: some incidents in, not all.
    in_backup = manifest["tables"]["incidents_incident"]
    assert 3 <= in_backup <= after_backup < Incident.objects.count()
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["audit"]["count"] >= in_backup  # each registration is audited
    assert manifest["migrations"]["core"].startswith("0")
    assert {"media/progress/报告.pdf", "data/mail/20260101-1.eml"} <= set(manifest["files"])

    restore_dir = tmp_path / "restored-data"
    # The audit keys are kept apart from backups (README); the restore is given them.
    env = {
        "DATABASE_URL": fresh_database,
        "LIANXI_DATA_DIR": str(restore_dir),
        "LIANXI_AUDIT_KEY_DIR": str(data_dir / "keys"),
    }
    restored = _run(["restore", str(result.path)], env)
    assert restored.returncode == 0, restored.stderr
    assert "恢复完成" in restored.stdout
    assert "[1/5]" in restored.stderr  # progress on stderr

    expected = dict(manifest["tables"])
    expected["core_auditevent"] += 1  # the restore records itself once the counts matched
    assert _restored_counts(fresh_database, sorted(expected)) == expected
    verified = _run(["audit", "verify"], env)
    assert verified.returncode == 0, verified.stderr
    assert f"已校验 {manifest['audit']['count'] + 1} 条" in verified.stdout  # + the restore's
    assert (restore_dir / "media" / "progress" / "报告.pdf").read_bytes() == (
        data_dir / "media" / "progress" / "报告.pdf"
    ).read_bytes()
    assert (restore_dir / "mail" / "20260101-1.eml").exists()


def _rewrite(archive: Path, out: Path, change: dict[str, bytes | None]) -> None:
    """A copy of `archive` with members replaced (bytes) or removed (None), manifest kept."""
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for member in src:
            body = src.extractfile(member)
            data = body.read() if body is not None else b""
            if member.name in change:
                if change[member.name] is None:
                    continue
                data = change[member.name] or b""
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))


@pytest.fixture
def archive(data_dir: Path, mechanism: Any, tmp_path: Path) -> Path:
    return backup_create(output=tmp_path / "good.tar.gz").path


def test_damaged_archive_is_refused_before_anything_is_written(
    archive: Path, data_dir: Path, tmp_path: Path
) -> None:
    """GB/T 22239 8.1.4.11 / issue 17: restore checks every checksum first; a damaged archive is
    refused in Chinese, and neither the database nor a file is touched."""
    upload = data_dir / "media" / "progress" / "报告.pdf"
    upload.unlink()
    before = AuditEvent.objects.count()
    tampered, truncated, extra = (tmp_path / n for n in ("t.tar.gz", "c.tar.gz", "e.tar"))
    _rewrite(archive, tampered, {"media/progress/报告.pdf": b"%PDF-1.4 forged\n"})
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with tarfile.open(archive) as src, tarfile.open(extra, "w") as tar:
        for member in src:
            tar.addfile(member, src.extractfile(member))
        info = tarfile.TarInfo("media/planted.html")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"<p/>"))
    for bad, says in (
        (tampered, "media/progress/报告.pdf 的校验和不符"),
        (truncated, "无法读取档案"),
        (extra, "多出清单外的 media/planted.html"),
    ):
        with pytest.raises(CommandError) as refused:
            call_command("restore", str(bad), "--quiet")
        assert "备份文件已损坏或被改动，拒绝恢复（未写入任何数据）" in str(refused.value)
        assert says in str(refused.value)
    assert not upload.exists()
    assert not (data_dir / "media" / "planted.html").exists()
    assert AuditEvent.objects.count() == before


def test_non_empty_database_is_refused(archive: Path, data_dir: Path) -> None:
    """Issue 17: restore goes into an empty database only; one holding data is refused with a
    message saying how to get an empty one, and no file is restored."""
    upload = data_dir / "media" / "progress" / "报告.pdf"
    upload.unlink()
    incidents, events = Incident.objects.count(), AuditEvent.objects.count()
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), "--quiet")
    message = str(refused.value)
    assert "目标数据库不是空的，拒绝恢复（未写入任何数据）" in message
    assert "organization_mechanism（1 行）" in message
    assert ("DATABASE_URL" in message) and ("空" in message)
    assert not upload.exists()
    assert (Incident.objects.count(), AuditEvent.objects.count()) == (incidents, events)


def test_archive_from_a_newer_platform_is_refused(archive: Path, tmp_path: Path) -> None:
    """Issue 17: an archive whose migrations this code does not know is refused, not half
    restored (the manifest names the latest migration per app)."""
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    manifest["migrations"]["core"] = "9999_from_the_future"
    newer = tmp_path / "newer.tar.gz"
    _rewrite(archive, newer, {"manifest.json": json.dumps(manifest).encode()})
    with pytest.raises(CommandError, match=r"备份来自更新的平台版本.*core\.9999_from_the_future"):
        call_command("restore", str(newer), "--quiet")


def test_what_goes_into_the_archive_and_what_stays_out(
    data_dir: Path, mechanism: Any, tmp_path: Path, settings: Any
) -> None:
    """Issue 17 (backups) and GB/T 22239 8.1.4.3 安全审计 (the trail's protection): uploads and
    stored mail go in; caches, the database's -wal/-shm, logs, test databases, the audit keys and
    the audit checkpoints (the outside witness a restore must not roll back) stay out;
    ``--include-keys`` adds the keys, with a warning; the backup itself is audited."""
    settings.LIANXI_AUDIT_CHECKPOINT_DIR = str(data_dir / "audit-checkpoints")
    (data_dir / "audit-checkpoints").mkdir()
    (data_dir / "audit-checkpoints" / "default.jsonl").write_text("{}\n")
    for name in ("static/app.css", "screenshots/a.png", "rules-import/x.txt", "worker.log"):
        (data_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (data_dir / name).write_text("x")
    (data_dir / "lianxi.sqlite3-wal").write_bytes(b"wal")
    (data_dir / "test_lianxi_1.sqlite3").write_bytes(b"db")
    (data_dir / "keys").mkdir()
    (data_dir / "keys" / "audit-1.key").write_bytes(secrets.token_bytes(32))

    plain = backup_create(output=tmp_path / "plain.tar.gz").manifest
    assert sorted(plain["files"]) == [
        "data/mail/20260101-1.eml",
        plain["database"]["member"],
        "media/progress/报告.pdf",
    ]
    assert plain["include_keys"] is False
    assert AuditEvent.objects.filter(action="platform.backup").count() == 1
    assert plain["audit"]["count"] == AuditEvent.objects.count()  # the backup's own event in it
    with tarfile.open(tmp_path / "plain.tar.gz") as tar:
        assert tar.getnames()[-1] == "manifest.json"
        assert set(tar.getnames()) == {*plain["files"], "manifest.json"}

    err = io.StringIO()
    call_command(
        "backup", "--output", str(tmp_path / "keys.tar.gz"), "--include-keys", "--quiet", stderr=err
    )
    assert "警告：备份中包含审计密钥" in err.getvalue()
    with tarfile.open(tmp_path / "keys.tar.gz") as tar:
        assert "keys/audit-1.key" in tar.getnames()

    with pytest.raises(CommandError, match="已存在"):
        call_command("backup", "--output", str(tmp_path / "plain.tar.gz"), "--quiet")


@needs_postgresql
def test_pg_dump_missing_or_older_than_the_server_is_refused(
    data_dir: Path, mechanism: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17 (H6 brief): pg_dump must be on PATH and at least the server's major version;
    otherwise a Chinese message says what to install, and no archive is left behind."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(BackupError, match=r"找不到 pg_dump.*postgresql-client"):
        backup_create(output=tmp_path / "a.tar.gz")
    old = bin_dir / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    old.chmod(0o755)
    with pytest.raises(BackupError, match="pg_dump 版本过旧：pg_dump 为 9"):
        backup_create(output=tmp_path / "b.tar.gz")
    assert not list(tmp_path.glob("*.tar.gz*"))
    assert PG_MEMBER.endswith(".pgdump")
