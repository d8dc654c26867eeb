import json

from django.core.management.base import BaseCommand, CommandError

from lianxi.core.ticks import registered_ticks, run_tick


class Command(BaseCommand):
    help = "运行一次 tick：各模块计算到期的提醒、期限和待投递的消息（可重复运行，结果不变）。"

    def handle(self, *args: object, **options: object) -> None:
        results = run_tick()
        verbosity = int(str(options.get("verbosity", 1)))
        if verbosity >= 1:
            for name in sorted(registered_ticks()):
                value = json.dumps(results.get(name), ensure_ascii=False, default=str)
                self.stdout.write(f"{name}: {value}")
        failed = sorted(name for name, value in results.items() if value == "failed")
        if failed:
            raise CommandError(f"以下 tick 处理失败（详见日志）：{'、'.join(failed)}")
