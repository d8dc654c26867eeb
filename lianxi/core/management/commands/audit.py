"""`lianxi audit`: verify the trail, rotate its key, ship a checkpoint, archive old events.

Exit status (for scripts and `lianxi restore`): 0 when intact / done, 1 when verify finds a
problem or a step is refused.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianxi.core.audit import audit_record, audit_verify_report
from lianxi.core.audit_archive import AuditArchiveError, audit_archive, verify_archive
from lianxi.core.audit_checkpoints import audit_checkpoint, checkpoint_file
from lianxi.core.audit_keys import AuditKeyError, current_key, key_dir, rotate_key


class Command(BaseCommand):
    help = (
        "审计日志工具。verify：校验签名链、链头与检查点，发现改动、删除、截断时以非零状态退出；"
        "rotate-key：轮换审计密钥；checkpoint：立即写出一个检查点；archive：归档超过保存期的记录。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", title="子命令")
        verify = sub.add_parser("verify", help="逐条校验审计记录的签名链、链头和检查点")
        verify.add_argument(
            "--archive",
            action="append",
            default=[],
            metavar="FILE",
            help="校验归档文件（可多次给出）；不再校验数据库中的链",
        )
        sub.add_parser("rotate-key", help="生成新的审计密钥，此后的记录用新密钥签名")
        sub.add_parser("checkpoint", help="立即把链头写入检查点文件（及 syslog）")
        archive = sub.add_parser("archive", help="把超过保存期的记录导出到归档文件后移出数据库")
        archive.add_argument(
            "--output-dir", type=Path, help="归档文件目录（默认 LIANXI_AUDIT_ARCHIVE_DIR）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        handlers = {
            "verify": lambda: self.verify(options["archive"]),
            "rotate-key": self.rotate_key,
            "checkpoint": self.checkpoint,
            "archive": lambda: self.archive(options["output_dir"]),
        }
        handler = handlers.get(options["subcommand"] or "")
        if handler is None:
            raise CommandError(
                "请指定子命令，如：lianxi audit verify（另有 rotate-key、checkpoint、archive）"
            )
        try:
            handler()
        except (AuditKeyError, AuditArchiveError) as exc:
            raise CommandError(str(exc)) from exc

    def verify(self, archives: list[str]) -> None:
        if archives:
            self.verify_archives([Path(name) for name in archives])
            return
        report = audit_verify_report()
        self.stdout.write(f"已校验 {report.checked} 条审计记录。")
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS("哈希链完整：签名、链头与检查点一致，未发现改动、删除或截断。")
            )
            return
        for problem in report.problems:
            self.stderr.write(f"  - {problem.message}")
        raise CommandError(
            f"审计日志校验未通过：发现 {len(report.problems)} 处问题，记录可能被改动或删除。"
        )

    def verify_archives(self, paths: list[Path]) -> None:
        failed = 0
        for path in paths:
            report = verify_archive(path)
            span = f"第 {report.from_id}–{report.to_id} 条" if report.count else "无记录"
            self.stdout.write(f"{path}：{report.count} 条审计记录（{span}）。")
            if report.problems:
                failed += 1
                for problem in report.problems:
                    self.stderr.write(f"  - {problem}")
            else:
                self.stdout.write(self.style.SUCCESS(f"  归档完整。{report.linked}"))
        if failed:
            raise CommandError(f"审计归档校验未通过：{failed} 个文件有问题。")

    def rotate_key(self) -> None:
        old = current_key()
        new = rotate_key()
        audit_record(actor=None, action="audit.key_rotated", data={"old": old.id, "new": new.id})
        self.stdout.write(
            self.style.SUCCESS(
                f"已启用新审计密钥 {new.id}（{key_dir()}）。旧密钥 {old.id} 保留用于校验，"
                "请与新密钥一并备份到数据库之外。"
            )
        )

    def checkpoint(self) -> None:
        if audit_checkpoint(force=True) == "no chain":
            self.stdout.write("还没有任何审计记录，无需写出检查点。")
            return
        self.stdout.write(f"已写出检查点：{checkpoint_file()}")

    def archive(self, output_dir: Path | None) -> None:
        result = audit_archive(output_dir=output_dir)
        if result is None:
            self.stdout.write("没有超过保存期的审计记录，无需归档。")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"已归档第 {result.from_id}–{result.to_id} 条共 {result.count} 条审计记录到 "
                f"{result.path}，并移出数据库。请把该文件保存到数据库之外，可用 "
                f"lianxi audit verify --archive {result.path} 校验。"
            )
        )
