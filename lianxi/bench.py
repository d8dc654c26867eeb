"""`make bench`: page timings on SQLite and on PostgreSQL, one JSON object per figure per line.

Each figure: {"name", "database", "n", "median_ms", "p95_ms", "items"}. The trivial view
`/healthz` is measured in the same run as the framework's floor. Timings go through Django's
full middleware stack in-process (no network), after a warm-up.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

ROUNDS = int(os.environ.get("LIANXI_BENCH_ROUNDS", "200"))
PG_URL = os.environ.get("LIANXI_BENCH_PG", "postgres://postgres@127.0.0.1:5432/lianxi_bench")


def _time(client: Any, path: str, rounds: int) -> tuple[float, float]:
    for _ in range(10):
        client.get(path)
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def run_one() -> None:
    """Runs inside a process whose environment names the database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LIANXI_LOCKOUT_ENABLED"] = "0"
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from lianxi.organization.models import Clause, Duty

    call_command("migrate", interactive=False, verbosity=0)
    call_command("setup", username="bench", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="bench")
    client = Client()
    client.force_login(user)
    database = connection.vendor
    clauses = Clause.objects.count()
    duties = Duty.objects.filter(valid_to__isnull=True).count()
    settings.ALLOWED_HOSTS.append("testserver")
    for name, path, items in (
        ("trivial_view", "/healthz", 0),
        ("home_page", "/", 0),
        ("duty_catalogue", "/units/", duties),
        ("rules_page", "/units/rules/", clauses),
    ):
        median, p95 = _time(client, path, ROUNDS)
        print(
            json.dumps(
                {
                    "name": name,
                    "database": database,
                    "n": ROUNDS,
                    "median_ms": round(median, 2),
                    "p95_ms": round(p95, 2),
                    "items": items,
                },
                ensure_ascii=False,
            ),
            flush=True,
        )


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(
            "postgres://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=3
        ) as conn:
            conn.execute("DROP DATABASE IF EXISTS lianxi_bench")
            conn.execute("CREATE DATABASE lianxi_bench")
        return True
    except Exception as exc:
        print(f"PostgreSQL 不可用，跳过：{exc}", file=sys.stderr)
        return False


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        run_one()
        return 0
    failures = 0
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "LIANXI_DATA_DIR": data_dir}
        env.pop("DATABASE_URL", None)
        failures += subprocess.call([sys.executable, "-m", "lianxi.bench", "--one"], env=env)
        if _pg_available():
            env["DATABASE_URL"] = PG_URL
            failures += subprocess.call([sys.executable, "-m", "lianxi.bench", "--one"], env=env)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
