"""`lianxi worker` as a real process: it delivers, stops cleanly, and loses nothing when killed."""

import os
import signal
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from lianxi.notifications.models import Delivery
from lianxi.notifications.services import notify

from .servers import SmtpServer

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PROJECT = Path(settings.BASE_DIR)


def database_url() -> str:
    """The URL of the test database this test runs on, for a worker in another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        options = {
            "transaction_mode": "IMMEDIATE",
            "timeout": "20",
            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;",
        }
        name = str(Path(db["NAME"]).resolve())
        assert ":memory:" not in name and "mode=memory" not in name
        return f"sqlite:///{name}?{urllib.parse.urlencode(options)}"
    quote = urllib.parse.quote
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Starts `lianxi worker` processes on the test database; kills them all at the end."""
    processes: list[subprocess.Popen[bytes]] = []
    logs: list[Any] = []

    def start(smtp: SmtpServer | None = None, name: str = "worker") -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url(),
            "LIANXI_DATA_DIR": str(settings.DATA_DIR),
            "LIANXI_DELIVERY_LEASE_SECONDS": "2",
            "LIANXI_DELIVERY_BACKOFF_SECONDS": "1",
            "LIANXI_TICK_SECONDS": "1",
            "EMAIL_TIMEOUT": "30",
            "PYTHONUNBUFFERED": "1",
        }
        if smtp is not None:
            env.update({"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port)})
        log = (tmp_path / f"{name}.log").open("wb")
        logs.append(log)
        process = subprocess.Popen(
            [sys.executable, "-m", "lianxi", "worker", "--interval", "0.2", "--tick-seconds", "1"],
            cwd=PROJECT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append(process)
        return process

    try:
        yield start
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)
        for log in logs:
            log.close()


def log_of(tmp_path: Path, name: str) -> str:
    return (tmp_path / f"{name}.log").read_text(errors="replace")


def test_worker_runs_ticks_and_stops_cleanly_on_sigterm(
    start_worker: Callable[..., subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    worker = start_worker(name="calm")
    wait_for(
        lambda: DBTaskResult.objects.filter(
            task_path="lianxi.core.tasks.tick", status="SUCCESSFUL"
        ).exists(),
        timeout=60,
        what="a tick to run in the worker\n" + log_of(tmp_path, "calm"),
    )
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=20) == 0, log_of(tmp_path, "calm")
    assert "已停止" in log_of(tmp_path, "calm")


def test_killed_worker_loses_nothing_and_nothing_arrives_twice(
    start_worker: Callable[..., subprocess.Popen[bytes]], tmp_path: Path, health_liaison: Any
) -> None:
    """THE KILL TEST: SIGKILL the worker in the middle of an SMTP conversation.

    The SMTP server holds the 10th mail without answering until the first worker is dead, so
    that mail is in flight when the worker dies (and, its connection being gone, does not count
    as received). A second worker takes over the expired leases: every one of the 30 messages
    must arrive, each exactly once (counted by Message-ID).
    """
    smtp = SmtpServer()
    smtp.recorder.block_at = 10
    smtp.start()
    try:
        with transaction.atomic():
            for n in range(30):
                notify(
                    recipients=[health_liaison],
                    kind="test.kill",
                    subject=f"消息 {n + 1}",
                    body="投递不丢失、不重复。",
                )
        expected = {
            f"<{key}@127.0.0.1>"
            for key in Delivery.objects.filter(channel="email").values_list(
                "idempotency_key", flat=True
            )
        }
        assert len(expected) == 30

        first = start_worker(smtp, name="first")
        assert smtp.recorder.blocked.wait(timeout=90), log_of(tmp_path, "first")
        assert len(smtp.recorder.received) == 9
        in_flight = Delivery.objects.filter(channel="email", status="claimed").count()
        assert in_flight >= 1
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        smtp.recorder.release.set()
        wait_for(lambda: smtp.recorder.dropped == 1, 10, "the server to see the dropped mail")
        assert len(smtp.recorder.received) == 9

        second = start_worker(smtp, name="second")
        wait_for(
            lambda: not Delivery.objects.filter(channel="email").exclude(status="sent").exists(),
            timeout=120,
            what="all deliveries sent\n" + log_of(tmp_path, "second"),
        )
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0, log_of(tmp_path, "second")

        counts = smtp.recorder.message_ids()
        assert set(counts) == expected
        assert all(count == 1 for count in counts.values()), counts
        assert len(smtp.recorder.received) == 30
        # The mail that was in flight was claimed twice: once by each worker.
        assert Delivery.objects.filter(channel="email", attempts=2).count() >= 1
    finally:
        smtp.stop()
