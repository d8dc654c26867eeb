"""`lianxi restore ARCHIVE`: an archive of `lianxi backup` into the configured, empty database
(see lianxi.core.backup)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianxi.core.backup import BackupError, backup_restore, stderr_progress


class Command(BaseCommand):
    # Like migrate: a backup (or the restore after a failure) must not wait on system checks.
    requires_system_checks: list[str] = []
    help = (
        "从 lianxi backup 生成的备份恢复：先校验全部校验和，只恢复到空数据库；"
        "恢复后核对各表行数并校验审计链，不符时以非零状态退出。"
        "SQLite 恢复时须先停止所有服务和工作进程。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="备份文件（.tar.gz）")
        parser.add_argument("--quiet", action="store_true", help="不在标准错误上显示进度")

    def handle(self, *args: Any, **options: Any) -> None:
        progress = (lambda _m: None) if options["quiet"] else stderr_progress
        try:
            result = backup_restore(archive=Path(options["archive"]), progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        self.stdout.write(
            f"恢复完成：{len(manifest['tables'])} 张表行数与备份一致，"
            f"审计记录 {manifest['audit']['count']} 条，哈希链完整；恢复文件 {result.files} 个"
            + ("；已执行新版本的迁移。" if result.migrated else "。")
        )
        if not manifest.get("include_keys"):
            self.stdout.write("备份不含审计密钥：新主机上须另行把密钥放回 <数据目录>/keys。")
