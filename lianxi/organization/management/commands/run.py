"""`make run`: set up if needed, then serve the web app and run the background worker together."""

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动联席平台：网页服务和后台任务一起运行（Ctrl-C 停止）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--web-workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("setup", stdout=self.stdout)
        host, port = options["host"], options["port"]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
        web = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "config.wsgi:application",
                "--bind", f"{host}:{port}",
                "--workers", str(options["web_workers"]),
                "--threads", "4",
                "--access-logfile", "-",
                "--graceful-timeout", "5",
                # gunicorn's largest: the API's lookups (谁来管) carry their text in the query.
                "--limit-request-line", "8190",
            ],
            env=env,
        )  # fmt: skip
        worker = subprocess.Popen([sys.executable, "-m", "lianxi", "worker"], env=env)
        self.stdout.write(f"联席平台已启动：http://{host}:{port}/  （按 Ctrl-C 停止）")
        children = [web, worker]

        def stop(signum: int, frame: Any) -> None:
            raise KeyboardInterrupt

        # Installed explicitly: a shell that starts us in the background leaves SIGINT ignored.
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
            self.stderr.write("一个子进程已退出，正在停止其余进程……")
        except KeyboardInterrupt:
            self.stdout.write("\n正在停止……")
            self.stdout.flush()
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
            self.stdout.write("已停止。")
