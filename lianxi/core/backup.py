"""Backups as one archive, and their restore (`lianxi backup`, `lianxi restore`).

An archive is a .tar.gz holding:

- ``database/lianxi.sqlite3`` (SQLite's online backup, consistent while the server writes) or
  ``database/lianxi.pgdump`` (``pg_dump`` in custom format, taken from an exported snapshot);
- ``media/…``: the uploaded files (MEDIA_ROOT);
- ``data/…``: whatever else under LIANXI_DATA_DIR is data (the local mail files, and anything a
  later app keeps there), minus what is not: the database's own files (-wal, -shm), collected
  static files, screenshots, rules-import previews, test databases and run reports, logs,
  caches and backups, and the audit checkpoints (``LIANXI_AUDIT_CHECKPOINT_DIR``): they are the
  witness kept outside the database, and a restore of an older archive must not put older
  checkpoints back over newer ones;
- ``keys/…`` only with ``--include-keys``: the audit trail's keys (``<data dir>/keys``). A backup
  must not carry the key that protects the trail, so by default they stay out and are kept
  (and restored) separately;
- ``manifest.json`` (the last member): platform version, database vendor, the latest migration
  per app, the row count of every table, the audit chain's head (count, newest id and hash) and
  the SHA-256 and size of every other member. Counts and head are read in the same snapshot
  the database copy is taken from.

A restore checks every checksum before it writes anything, refuses a database that holds data,
restores the database and the files, compares the row counts and the audit chain's head with the
manifest, runs the migrations the archive lacks and then ``lianxi audit verify``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

import lianxi

FORMAT = "lianxi-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/lianxi.sqlite3"
PG_MEMBER = "database/lianxi.pgdump"

# Under the data dir, top-level names that are not data (see the module docstring). The SQLite
# file itself and MEDIA_ROOT are taken separately; the keys only on request.
EXCLUDED_NAMES = {"static", "screenshots", "rules-import", "backups", "cache", "tmp", "logs"}
EXCLUDED_PATTERNS = (
    re.compile(r"^test_lianxi_.*"),
    re.compile(r"^test-run-.*\.json$"),
    re.compile(r".*\.log(\.\d+)?$"),
    re.compile(r".*\.sqlite3(-wal|-shm|-journal)?$"),
    re.compile(r".*\.part$"),
)
# Django's bookkeeping, which `migrate` fills in any database: rows there do not make a
# database "not empty".
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for people, in Chinese."""


Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    pass


# --- where things are --------------------------------------------------------------------


def data_dir() -> Path:
    return Path(settings.DATA_DIR).resolve()


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT).resolve()


def keys_dir() -> Path:
    """The audit trail's keys: <data dir>/keys unless the audit settings say otherwise."""
    for name in ("LIANXI_AUDIT_KEY_DIR", "LIANXI_AUDIT_KEYS_DIR"):
        value = getattr(settings, name, None)
        if value:
            return Path(value).resolve()
    return data_dir() / "keys"


def _excluded(name: str) -> bool:
    return name in EXCLUDED_NAMES or any(p.match(name) for p in EXCLUDED_PATTERNS)


def _walk(root: Path, *, skip: set[Path]) -> Iterator[Path]:
    """Regular files under `root`, sorted, not following links, without the paths in `skip`."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if (here / d).resolve() not in skip)
        for name in sorted(filenames):
            path = here / name
            if path.is_file() and not path.is_symlink() and path.resolve() not in skip:
                yield path


def data_files(*, include_keys: bool, output: Path | None = None) -> list[tuple[str, Path]]:
    """(archive name, path) of every file a backup takes besides the database."""
    base, media, keys = data_dir(), media_root(), keys_dir()
    checkpoints = Path(settings.LIANXI_AUDIT_CHECKPOINT_DIR).resolve()
    skip = {media, keys, checkpoints}
    if output is not None:
        skip.add(output.resolve())
    files: list[tuple[str, Path]] = []
    for path in _walk(media, skip=set()):
        files.append(("media/" + path.relative_to(media).as_posix(), path))
    if base.is_dir():
        for top in sorted(base.iterdir()):
            if _excluded(top.name) or top.resolve() in skip:
                continue
            if top.is_dir() and not top.is_symlink():
                for path in _walk(top, skip=skip):
                    files.append(("data/" + path.relative_to(base).as_posix(), path))
            elif top.is_file() and not top.is_symlink():
                files.append(("data/" + top.name, top))
    if include_keys:
        for path in _walk(keys, skip=set()):
            files.append(("keys/" + path.relative_to(keys).as_posix(), path))
    return files


# --- reading a database's state ----------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    """Ordinary and virtual tables (FTS5's shadow tables and SQLite's own left out)."""
    rows = db.execute("PRAGMA table_list").fetchall()
    return sorted(
        name
        for schema, name, kind, *_ in rows
        if schema == "main" and kind in {"table", "virtual"} and not name.startswith("sqlite_")
    )


def _pg_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    return [row[0] for row in cursor.fetchall()]


def _counts(execute: Callable[[str], Any], tables: list[str]) -> dict[str, int]:
    # Names come from the database's own catalogue, quoted as identifiers.
    return {
        table: int(execute(f"SELECT count(*) FROM {_quote(table)}")[0])  # noqa: S608
        for table in tables
    }


def _audit_table() -> str:
    from .models import AuditEvent

    return AuditEvent._meta.db_table


def _audit_head(execute: Callable[[str], Any]) -> dict[str, Any]:
    """The chain's length and newest event, as `lianxi.core.audit` writes them (id and hash)."""
    table = _quote(_audit_table())
    count = int(execute(f"SELECT count(*) FROM {table}")[0])  # noqa: S608
    row = execute(f"SELECT id, hash FROM {table} ORDER BY id DESC LIMIT 1")  # noqa: S608
    return {
        "count": count,
        "last_id": int(row[0]) if row else None,
        "last_hash": row[1] if row else None,
    }


def _migrations(rows: list[tuple[str, str]]) -> dict[str, str]:
    """The newest migration applied per app, from django_migrations rows in applied order."""
    latest: dict[str, str] = {}
    for app, name in rows:
        latest[app] = name
    return dict(sorted(latest.items()))


@dataclass
class DatabaseState:
    migrations: dict[str, str]
    tables: dict[str, int]
    audit: dict[str, Any]


def _sqlite_state(path: Path) -> DatabaseState:
    db = sqlite3.connect(path)
    try:

        def one(sql: str) -> Any:
            return db.execute(sql).fetchone()

        tables = _sqlite_tables(db)
        rows = db.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
        return DatabaseState(_migrations(rows), _counts(one, tables), _audit_head(one))
    finally:
        db.close()


def _connection_state() -> DatabaseState:
    """The configured database's state, through Django's connection (either vendor)."""
    with connection.cursor() as cursor:

        def one(sql: str) -> Any:
            cursor.execute(sql)
            return cursor.fetchone()

        if connection.vendor == "sqlite":
            raw = connection.connection
            assert raw is not None
            tables = _sqlite_tables(raw)
        else:
            tables = _pg_tables(cursor)
        if "django_migrations" in tables:
            cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
            migrations = _migrations(cursor.fetchall())
        else:
            migrations = {}
        audit = _audit_head(one) if _audit_table() in tables else {"count": 0}
        return DatabaseState(migrations, _counts(one, tables), audit)


# --- PostgreSQL tools ---------------------------------------------------------------------


def _pg_env() -> dict[str, str]:
    """libpq's environment for the configured database (the password never on a command line)."""
    conf = connection.settings_dict
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", conf.get("HOST")),
        ("PGPORT", conf.get("PORT")),
        ("PGUSER", conf.get("USER")),
        ("PGPASSWORD", conf.get("PASSWORD")),
        ("PGDATABASE", conf.get("NAME")),
        ("PGSSLMODE", (conf.get("OPTIONS") or {}).get("sslmode")),
    ):
        if value:
            env[key] = str(value)
    return env


def _tool(name: str) -> tuple[str, int]:
    """The PostgreSQL client program on PATH and its major version."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"找不到 {name}：请安装与数据库服务器同一主版本或更新的 PostgreSQL 客户端"
            f"（Debian/Ubuntu：apt-get install postgresql-client），并确保 {name} 在 PATH 中。"
        )
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    match = re.search(r"(\d+)(?:\.\d+)?", out.stdout)
    if out.returncode != 0 or match is None:
        raise BackupError(f"无法读取 {name} 的版本（{path} --version 的输出：{out.stdout!r}）。")
    return path, int(match.group(1))


def _server_major() -> int:
    connection.ensure_connection()
    version = connection.pg_version  # type: ignore[attr-defined]
    return int(version) // 10000


# --- backup -------------------------------------------------------------------------------


class _Hashing(io.RawIOBase):
    """Reads exactly `size` bytes of a file, hashing them on the way into the archive."""

    def __init__(self, handle: IO[bytes], size: int) -> None:
        self.handle, self.left, self.digest = handle, size, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        chunk = self.handle.read(n)
        self.left -= len(chunk)
        self.digest.update(chunk)
        return chunk


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    files: int = 0
    size: int = 0
    warnings: list[str] = field(default_factory=list)


def _snapshot_sqlite(target: Path, progress: Progress) -> DatabaseState:
    """SQLite's online backup in one step: a consistent copy while other connections write
    (WAL: the writers are not blocked; a stepwise copy would restart on each of their writes)."""
    connection.ensure_connection()
    source = connection.connection
    assert source is not None
    progress("正在复制 SQLite 数据库（在线备份，服务可照常写入）…")
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
    finally:
        dest.close()
    return _sqlite_state(target)


def _snapshot_postgresql(target: Path, progress: Progress) -> tuple[DatabaseState, int]:
    """pg_dump of an exported snapshot, with the counts read in that same snapshot."""
    pg_dump, tool_major = _tool("pg_dump")
    server_major = _server_major()
    if tool_major < server_major:
        raise BackupError(
            f"pg_dump 版本过旧：pg_dump 为 {tool_major}，数据库服务器为 {server_major}。"
            f"请安装 PostgreSQL {server_major} 或更新版本的客户端"
            f"（postgresql-client-{server_major}）。"
        )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        progress("正在用 pg_dump 导出 PostgreSQL 数据库（自定义格式）…")
        dump = subprocess.run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            env=_pg_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if dump.returncode != 0:
            raise BackupError(f"pg_dump 失败（退出码 {dump.returncode}）：{dump.stderr.strip()}")
        state = _connection_state()
    return state, tool_major


def backup_create(
    *,
    output: Path,
    actor: Any = None,
    include_keys: bool = False,
    progress: Progress = _quiet,
) -> BackupResult:
    """Write one archive of the database and the data files to `output` (see the module)."""
    from .audit import audit_record

    output = output.resolve()
    if output.exists():
        raise BackupError(f"{output} 已存在：请指定新的文件名（--output），备份不会覆盖已有文件。")
    if not output.parent.is_dir():
        raise BackupError(f"目录 {output.parent} 不存在：请先创建，或用 --output 指定其他位置。")
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"不支持备份 {vendor} 数据库：只支持 SQLite 与 PostgreSQL。")
    # Recorded before the snapshot, so the backup carries its own record.
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="platform.backup",
            data={"file": output.name, "include_keys": include_keys},
        )
    started = time.monotonic()
    result = BackupResult(path=output, manifest={})
    partial = output.with_name(output.name + ".part")
    with tempfile.TemporaryDirectory(prefix="lianxi-backup-") as work:
        progress("[1/3] 数据库快照")
        pg_dump_major = None
        if vendor == "sqlite":
            db_member, db_file = SQLITE_MEMBER, Path(work) / "lianxi.sqlite3"
            state = _snapshot_sqlite(db_file, progress)
        else:
            db_member, db_file = PG_MEMBER, Path(work) / "lianxi.pgdump"
            state, pg_dump_major = _snapshot_postgresql(db_file, progress)
        files = [(db_member, db_file), *data_files(include_keys=include_keys, output=output)]
        progress(f"[2/3] 打包 {len(files)} 个文件")
        checksums: dict[str, dict[str, Any]] = {}
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                last_said = time.monotonic()
                for index, (name, path) in enumerate(files, start=1):
                    try:
                        handle = path.open("rb")
                    except FileNotFoundError:
                        result.warnings.append(f"{path} 在备份期间被删除，未备份。")
                        continue
                    with handle:
                        size = os.fstat(handle.fileno()).st_size
                        info = tarfile.TarInfo(name)
                        info.size, info.mtime, info.mode = size, int(path.stat().st_mtime), 0o600
                        reader = _Hashing(handle, size)
                        tar.addfile(info, reader)  # type: ignore[arg-type]
                    checksums[name] = {"sha256": reader.digest.hexdigest(), "size": size}
                    result.size += size
                    if time.monotonic() - last_said > 2 or index == len(files):
                        progress(f"  已打包 {index}/{len(files)} 个文件")
                        last_said = time.monotonic()
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "platform_version": lianxi.__version__,
                    "created_at": timezone.now().isoformat(),
                    "database": {
                        "vendor": vendor,
                        "member": db_member,
                        **({"pg_dump_major": pg_dump_major} if pg_dump_major else {}),
                    },
                    "migrations": state.migrations,
                    "tables": state.tables,
                    "audit": state.audit,
                    "include_keys": include_keys,
                    "files": checksums,
                }
                body = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(body), int(time.time()), 0o600
                tar.addfile(info, io.BytesIO(body))
            partial.rename(output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    result.manifest, result.files = manifest, len(checksums)
    progress(f"[3/3] 完成：{output}（{time.monotonic() - started:.1f} 秒）")
    return result


# --- restore ------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    migrated: bool
    files: int
    warnings: list[str] = field(default_factory=list)


def _damaged(detail: str) -> BackupError:
    return BackupError(f"备份文件已损坏或被改动，拒绝恢复（未写入任何数据）：{detail}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def archive_unpack(archive: Path, into: Path) -> dict[str, Any]:
    """Unpack `archive` into the empty directory `into` and check it against its manifest:
    every member listed, none extra, each of the right size and SHA-256. Returns the manifest."""
    if not archive.is_file():
        raise BackupError(f"找不到备份文件 {archive}。")
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            for member in tar:
                if not (member.isfile() or member.isdir()):
                    raise _damaged(f"档案中有非普通文件 {member.name}。")
                tar.extract(member, into, filter="data")
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise _damaged(f"无法读取档案（{exc}）。") from exc
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _damaged("缺少或无法读取 manifest.json。") from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"这不是本平台认识的备份格式（{manifest.get('format')} "
            f"{manifest.get('format_version')}）：请用生成它的平台版本恢复。"
        )
    listed: dict[str, dict[str, Any]] = manifest.get("files") or {}
    present = {p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()} - {MANIFEST}
    problems = [f"缺少 {name}" for name in sorted(set(listed) - present)]
    problems += [f"多出清单外的 {name}" for name in sorted(present - set(listed))]
    for name in sorted(set(listed) & present):
        path, want = into / name, listed[name]
        if path.stat().st_size != want.get("size") or _sha256(path) != want.get("sha256"):
            problems.append(f"{name} 的校验和不符")
    if problems:
        raise _damaged("；".join(problems[:10]) + ("……" if len(problems) > 10 else "") + "。")
    return manifest


def database_holding_data() -> dict[str, int]:
    """Tables of the configured database that hold rows (Django's bookkeeping aside)."""
    state = _connection_state()
    return {
        table: count
        for table, count in state.tables.items()
        if count and table not in BOOKKEEPING_TABLES
    }


def _refuse_non_empty() -> None:
    full = database_holding_data()
    if not full:
        return
    shown = "、".join(f"{t}（{n} 行）" for t, n in sorted(full.items())[:5])
    if connection.vendor == "sqlite":
        how = (
            f"停止服务后移走或删除数据库文件 {connection.settings_dict['NAME']}"
            "（连同 -wal、-shm 文件），或用 DATABASE_URL 指向一个新文件"
        )
    else:
        how = (
            f"新建一个空数据库（createdb lianxi_new）并用 DATABASE_URL 指向它，"
            f"或确认无用后删除并重建数据库 {connection.settings_dict['NAME']}"
        )
    raise BackupError(
        f"目标数据库不是空的，拒绝恢复（未写入任何数据）：{shown} 有数据。请{how}，再运行恢复。"
    )


def _check_migrations_known(manifest: dict[str, Any]) -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    unknown = [
        f"{app}.{name}"
        for app, name in (manifest.get("migrations") or {}).items()
        if (app, name) not in known and app in loader.migrated_apps
    ]
    if unknown:
        raise BackupError(
            f"备份来自更新的平台版本 {manifest.get('platform_version')}（本平台没有迁移 "
            f"{'、'.join(unknown)}）：请先把平台升级到该版本或更新，再恢复。"
        )


def _restore_sqlite(source: Path, progress: Progress) -> None:
    target = Path(connection.settings_dict["NAME"]).resolve()
    connections.close_all()
    progress(f"正在把数据库复制到 {target}（请确认没有运行中的服务或工作进程）…")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(target.name + ".restore.part")
    shutil.copyfile(source, staging)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    os.replace(staging, target)


def _restore_postgresql(source: Path, manifest: dict[str, Any], progress: Progress) -> None:
    pg_restore, tool_major = _tool("pg_restore")
    made_by = int(manifest["database"].get("pg_dump_major") or 0)
    if tool_major < made_by:
        raise BackupError(
            f"pg_restore 版本过旧：备份由 pg_dump {made_by} 生成，本机 pg_restore 为 "
            f"{tool_major}。请安装 PostgreSQL {made_by} 或更新版本的客户端。"
        )
    with connection.cursor() as cursor:
        has_tables = bool(_pg_tables(cursor))
    connections.close_all()
    progress(f"正在用 pg_restore 恢复到数据库 {connection.settings_dict['NAME']}…")
    args = [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if has_tables:  # migrated but empty: its (empty) tables make way for the archive's
        args += ["--clean", "--if-exists"]
    env = _pg_env()
    run = subprocess.run(
        [*args, f"--dbname={env.get('PGDATABASE', '')}", str(source)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        raise BackupError(
            f"pg_restore 失败（退出码 {run.returncode}，已整体回滚）：{run.stderr.strip()}"
        )


def _restore_files(unpacked: Path, manifest: dict[str, Any]) -> int:
    roots = {"media": media_root(), "data": data_dir(), "keys": keys_dir()}
    count = 0
    for name in manifest["files"]:
        top, _, rest = name.partition("/")
        if top not in roots:
            continue
        target = roots[top] / rest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(unpacked / name, target)
        if top == "keys":
            target.chmod(0o600)
        count += 1
    return count


def _compare(manifest: dict[str, Any], state: DatabaseState) -> list[str]:
    problems = []
    for table, expected in sorted(manifest["tables"].items()):
        got = state.tables.get(table)
        if got != expected:
            problems.append(f"表 {table}：备份时 {expected} 行，恢复后 {got} 行")
    want, have = manifest.get("audit") or {}, state.audit
    for key, label in (("count", "条数"), ("last_id", "最后一条"), ("last_hash", "链头哈希")):
        if want.get(key) != have.get(key):
            problems.append(f"审计链{label}：备份时 {want.get(key)}，恢复后 {have.get(key)}")
    return problems


def backup_restore(
    *, archive: Path, actor: Any = None, progress: Progress = _quiet
) -> RestoreResult:
    """Restore `archive` into the configured, empty database and the data directories."""
    from django.core.management import CommandError, call_command

    from .audit import audit_record

    with tempfile.TemporaryDirectory(prefix="lianxi-restore-") as work:
        unpacked = Path(work)
        progress("[1/5] 校验备份文件中每个文件的 SHA-256…")
        manifest = archive_unpack(archive, unpacked)
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise BackupError(
                f"备份的数据库是 {vendor}，当前配置的是 {connection.vendor}：请用 DATABASE_URL "
                f"指向一个空的 {vendor} 数据库再恢复。"
            )
        _check_migrations_known(manifest)
        _refuse_non_empty()
        progress("[2/5] 恢复数据库")
        source = unpacked / manifest["database"]["member"]
        if vendor == "sqlite":
            _restore_sqlite(source, progress)
        else:
            _restore_postgresql(source, manifest, progress)
        progress("[3/5] 恢复上传文件与数据文件")
        files = _restore_files(unpacked, manifest)
    progress("[4/5] 核对各表行数与审计链头")
    problems = _compare(manifest, _connection_state())
    if problems:
        raise BackupError("恢复后的数据与备份清单不符：" + "；".join(problems[:10]) + "。")
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        progress(f"备份早于本平台版本：执行 {len(plan)} 个迁移…")
        call_command("migrate", interactive=False, verbosity=0)
    progress("[5/5] 校验审计日志哈希链（lianxi audit verify）")
    out = io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=out)
    except CommandError as exc:
        raise BackupError(
            f"数据已恢复，但审计日志校验未通过：{exc}\n{out.getvalue().strip()}"
        ) from exc
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="platform.restore",
            data={"file": archive.name, "created_at": manifest.get("created_at")},
        )
    return RestoreResult(manifest=manifest, migrated=bool(plan), files=files)


def stderr_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
