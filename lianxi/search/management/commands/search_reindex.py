"""`lianxi search_reindex [--kind KIND ...]`: rebuild the search index from the record."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianxi.core.exceptions import ApplicationError
from lianxi.search.registry import registrations
from lianxi.search.services import search_index_rebuild


class Command(BaseCommand):
    help = "重建全文检索索引（平时由每分钟的 tick 增量更新，无需手动运行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = [reg.kind for reg in registrations()]
        parser.add_argument("--kind", action="append", choices=kinds, help="只重建这一类（可重复）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = search_index_rebuild(kinds=options["kind"])
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        labels = {reg.kind: reg.label for reg in registrations()}
        for kind, count in counts.items():
            self.stdout.write(f"{labels[kind]}（{kind}）：{count} 条")
        self.stdout.write(self.style.SUCCESS(f"索引已重建，共 {sum(counts.values())} 条。"))
