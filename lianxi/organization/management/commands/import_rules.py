"""`lianxi import_rules PATH [--dry-run] [--format json]`: import the rules (annex; 四(一))."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection

from lianxi.core.exceptions import ApplicationError
from lianxi.organization.importer import parse_rules
from lianxi.organization.models import Mechanism
from lianxi.organization.services import rules_import_apply, rules_import_plan


class Command(BaseCommand):
    help = (
        "导入联席会议工作规则（.txt 为 UTF-8 或 GB18030/GBK 编码，或 .docx），"
        "全部成功或全部不写入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="工作规则文件的路径")
        parser.add_argument("--dry-run", action="store_true", help="只解析并预览变化，不写入")
        parser.add_argument(
            "--format", choices=["text", "json"], default="text", help="输出格式（默认 text）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        if not path.is_file():
            raise CommandError(f"不是文件：{path}")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from exc
        # A newcomer may try the importer before `make run` has set up the database.
        try:
            ready = Mechanism._meta.db_table in connection.introspection.table_names()
        except DatabaseError:  # e.g. the PostgreSQL database itself not created yet
            ready = False
        try:
            parsed = parse_rules(data, filename=path.name)
            if options["dry_run"]:
                plan = rules_import_plan(parsed=parsed, empty_database=not ready)
            elif not ready:
                raise CommandError(
                    "数据库尚未初始化或无法连接：请确认数据库已创建，先运行 `lianxi migrate`"
                    "（`make run` 会自动完成），再导入；只预览可加 --dry-run。"
                )
            else:
                plan = rules_import_apply(parsed=parsed, actor=None, source_name=path.name)
        except ApplicationError as exc:
            raise CommandError(f"{path.name}：{exc.message}") from exc

        if options["format"] == "json":
            self.stdout.write(json.dumps(parsed.to_json(), ensure_ascii=False, indent=2))
            return
        heading = "预览（--dry-run，未写入）" if options["dry_run"] else "已导入"
        if not options["dry_run"] and plan.is_empty:
            heading = "无需更新"
        self.stdout.write(f"{heading}：{path.name}")
        for line in plan.summary_lines():
            self.stdout.write(line)
