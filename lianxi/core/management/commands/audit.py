"""`lianxi audit verify`: walk the audit trail's hash chain and report every break."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianxi.core.audit import audit_verify_report


class Command(BaseCommand):
    help = "审计日志工具。verify：逐条校验哈希链，发现记录被改动、删除或截断时以非零状态退出。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", title="子命令")
        sub.add_parser("verify", help="逐条校验审计记录的哈希链")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self.verify()
            return
        raise CommandError("请指定子命令，如：lianxi audit verify")

    def verify(self) -> None:
        report = audit_verify_report()
        self.stdout.write(f"已校验 {report.checked} 条审计记录。")
        if report.ok:
            self.stdout.write(self.style.SUCCESS("哈希链完整，未发现改动、删除或截断。"))
            return
        for problem in report.problems:
            self.stderr.write(f"  - {problem.message}")
        raise CommandError(
            f"审计日志校验未通过：发现 {len(report.problems)} 处问题，记录可能被改动或删除。"
        )
