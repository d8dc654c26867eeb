"""`lianxi backup [--output PATH] [--include-keys]`: the database and the data files in one
archive with a manifest and checksums (see lianxi.core.backup)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from lianxi.core.backup import BackupError, backup_create, stderr_progress


class Command(BaseCommand):
    # Like migrate: a backup (or the restore after a failure) must not wait on system checks.
    requires_system_checks: list[str] = []
    help = (
        "备份数据库（SQLite 在线备份或 pg_dump）与上传文件、本机邮件等数据文件，"
        "打包为一个带清单和 SHA-256 校验和的 .tar.gz。审计密钥默认不放入备份。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            help="备份文件路径（默认：当前目录下 lianxi-backup-<日期时间>.tar.gz；不覆盖已有文件）",
        )
        parser.add_argument(
            "--include-keys",
            action="store_true",
            help="同时放入审计密钥（<数据目录>/keys）。带密钥的备份能伪造审计链，须单独妥善保管。",
        )
        parser.add_argument("--quiet", action="store_true", help="不在标准错误上显示进度")

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        output = Path(options["output"] or f"lianxi-backup-{stamp}.tar.gz")
        if options["include_keys"]:
            self.stderr.write(
                self.style.WARNING(
                    "警告：备份中包含审计密钥。持有此备份者可重写审计链而不被察觉，"
                    "请与日常备份分开、加密保管。"
                )
            )
        progress = (lambda _m: None) if options["quiet"] else stderr_progress
        try:
            result = backup_create(
                output=output, include_keys=options["include_keys"], progress=progress
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        audit = result.manifest["audit"]
        self.stdout.write(
            f"备份完成：{result.path}（{result.files} 个文件，数据 {result.size} 字节；"
            f"{len(result.manifest['tables'])} 张表，审计记录 {audit['count']} 条）。"
        )
