"""`lianxi worker`: the background worker.

The main thread runs django-tasks-db's worker loop (the same loop as `db_worker`); a daemon
thread puts the tick task in the queue every LIANXI_TICK_SECONDS. Ctrl-C or SIGTERM lets a running
task finish and then stops; a second Ctrl-C stops at once. Run as many workers as you like on
PostgreSQL: tasks and message deliveries are claimed so that each is done by one worker.
"""

import logging
import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.crypto import get_random_string
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from lianxi.core.tasks import tick_enqueue

logger = logging.getLogger("lianxi.worker")


def tick_loop(stop: threading.Event, seconds: float) -> None:
    """Enqueue a tick now and then every `seconds`, until `stop` is set."""
    while not stop.is_set():
        try:
            tick_enqueue()
        except Exception:
            logger.exception("could not enqueue the tick")
        finally:
            # This thread's own database connection; the next round opens a fresh one.
            connections.close_all()
        stop.wait(seconds)


class Command(BaseCommand):
    help = "后台工作进程：执行任务队列（消息投递等），并定时运行 tick。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="队列为空时，两次检查之间等待的秒数（默认 1）",
        )
        parser.add_argument(
            "--tick-seconds",
            type=float,
            default=None,
            help="每隔多少秒运行一次 tick（默认取 LIANXI_TICK_SECONDS）",
        )
        parser.add_argument("--no-tick", action="store_true", help="不运行 tick（只执行任务队列）")
        parser.add_argument(
            "--queue-name", default="*", help="要处理的队列，逗号分隔；* 表示全部（默认 *）"
        )
        parser.add_argument("--backend", default="default", help="任务后端（默认 default）")
        parser.add_argument("--worker-id", default=None, help="工作进程标识（默认随机生成）")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.tasks import task_backends

        backend_name: str = options["backend"]
        if not isinstance(task_backends[backend_name], DatabaseBackend):
            raise CommandError(
                f"任务后端 {backend_name} 不是数据库队列；请用该后端自己的工作进程运行任务。"
            )
        interval: float = options["interval"]
        tick_seconds = float(
            options["tick_seconds"]
            if options["tick_seconds"] is not None
            else settings.LIANXI_TICK_SECONDS
        )
        if interval < 0 or tick_seconds <= 0:
            raise CommandError("--interval 不能为负数，--tick-seconds 必须大于 0。")
        worker_id: str = options["worker_id"] or get_random_string(32)
        worker = Worker(
            queue_names=options["queue_name"].split(","),
            interval=interval,
            batch=False,
            backend_name=backend_name,
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        stop = threading.Event()
        ticker = None
        if not options["no_tick"]:
            ticker = threading.Thread(
                target=tick_loop, args=(stop, tick_seconds), name="lianxi-tick", daemon=True
            )
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"工作进程 {worker_id} 已启动（tick 间隔 {tick_seconds:g} 秒）。按 Ctrl-C 停止。"
            )
            self.stdout.flush()
        worker.configure_signals()
        if ticker is not None:
            ticker.start()
        try:
            worker.run()
        finally:
            stop.set()
            if ticker is not None:
                ticker.join(timeout=5)
            if options["verbosity"] >= 1:
                self.stdout.write(f"工作进程 {worker_id} 已停止。")
