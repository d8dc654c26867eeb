"""`lianxi route "TEXT" --format json`, or one matter per line on stdin (二(四), annex)."""

import json
import sys
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lianxi.organization.models import Mechanism
from lianxi.routing import selectors


class Command(BaseCommand):
    help = "谁来管：按附件职责为事项排出牵头单位和配合单位；不给 TEXT 时从标准输入逐行读取"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("text", nargs="?", help="事项（日常说法）")
        # Reading matters from stdin is for other programs: JSON lines unless told otherwise.
        parser.add_argument(
            "--format",
            choices=["json", "text"],
            help="输出格式（默认：给 TEXT 时为 text，读标准输入时为 json）",
        )
        parser.add_argument("--mechanism", type=int, help="联席会议 ID（默认第一个）")

    def handle(self, *args: Any, **options: Any) -> None:
        query = Mechanism.objects.order_by("id")
        if options["mechanism"]:
            query = query.filter(pk=options["mechanism"])
        mechanism = query.first()
        if mechanism is None:
            raise CommandError("尚未导入工作规则，没有可分办的成员单位。")
        as_json = options["format"] == "json" or (
            options["format"] is None and options["text"] is None
        )
        lines: Iterable[str]
        if options["text"] is not None:
            lines = [options["text"]]
        else:
            lines = (line.rstrip("\n") for line in sys.stdin)
        for line in lines:
            if not line.strip():
                continue
            result = selectors.route(mechanism, line)
            if as_json:
                self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            else:
                self.stdout.write(self._text(result))
            self.stdout.flush()

    @staticmethod
    def _text(result: Any) -> str:
        lines = [result.text]
        if not result.confident:
            lines.append("  （附件职责中没有明确对应的内容，不建议牵头单位）")
        for unit in result.units:
            if unit.score <= 0:
                continue
            role = {"lead": "牵头", "support": "配合"}.get(unit.role or "", "")
            lines.append(f"  {unit.score:6.3f} {unit.name} {role}".rstrip())
            for duty in unit.duties[:1]:
                lines.append(f"         附件{duty.label} 匹配：{'、'.join(duty.matched)}")
        return "\n".join(lines)
