"""`make bench`: page timings on SQLite and on PostgreSQL, one JSON object per figure per line.

Each figure: {"name", "database", "n", "median_ms", "p95_ms", "items", "queries"}. The trivial
view `/healthz` is measured in the same run, before and after, as the framework's floor. The home
page and the supervision ledger are measured with 100 and with 10,000 action items; their query
counts must not change between the two. Timings go through Django's
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


def _time(client: Any, path: str, rounds: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):
        client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], len(queries)


def _emit(
    name: str, database: str, rounds: int, figures: tuple[float, float, int], items: int
) -> None:
    median, p95, queries = figures
    print(
        json.dumps(
            {
                "name": name,
                "database": database,
                "n": rounds,
                "median_ms": round(median, 2),
                "p95_ms": round(p95, 2),
                "items": items,
                "queries": queries,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


def _seed_action_items(total: int, user: Any) -> None:
    """Grows the ledger to `total` items, spread over units, sources, deadlines and states."""
    import random
    from datetime import timedelta

    from django.utils import timezone

    from lianxi.organization.models import Unit
    from lianxi.supervision.models import ActionItem

    have = ActionItem.objects.count()
    if have >= total:
        return
    rng = random.Random(total)
    units = list(Unit.objects.filter(kind="member"))
    today = timezone.localdate()
    sources = [choice for choice, _ in ActionItem.Source.choices]
    batch = []
    for n in range(have, total):
        deadline = today + timedelta(days=rng.randint(-60, 120))
        closed = rng.random() < 0.3
        batch.append(
            ActionItem(
                mechanism=units[0].mechanism,
                title=f"督办事项第{n + 1}项：落实职业病防治重点任务",
                source=sources[n % len(sources)],
                source_label="基准测试",
                lead_unit=units[n % len(units)],
                deadline=deadline,
                original_deadline=deadline,
                status=ActionItem.Status.CLOSED if closed else ActionItem.Status.OPEN,
                closed_at=timezone.now() if closed else None,
                closed_on_time=rng.random() < 0.8 if closed else None,
                created_by=user,
            )
        )
    ActionItem.objects.bulk_create(batch, batch_size=1000)
    through = ActionItem.supporting_units.through
    links = [
        through(actionitem_id=item_id, unit_id=units[(item_id + 3) % len(units)].pk)
        for item_id in ActionItem.objects.order_by("id").values_list("id", flat=True)[have:total]
    ]
    through.objects.bulk_create(links, batch_size=1000, ignore_conflicts=True)


def run_one() -> None:
    """Runs inside a process whose environment names the database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LIANXI_LOCKOUT_ENABLED"] = "0"
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from lianxi.organization.models import Clause, Duty

    call_command("migrate", interactive=False, verbosity=0)
    call_command("setup", username="bench", stdout=open(os.devnull, "w"))  # noqa: SIM115
    user = get_user_model().objects.get(username="bench")
    client = Client()
    client.force_login(user)
    database = connection.vendor
    settings.ALLOWED_HOSTS.append("testserver")
    duties = Duty.objects.filter(valid_to__isnull=True).count()
    clauses = Clause.objects.count()
    for name, path, items in (
        ("trivial_view", "/healthz", 0),
        ("duty_catalogue", "/units/", duties),
        ("rules_page", "/units/rules/", clauses),
    ):
        _emit(name, database, ROUNDS, _time(client, path, ROUNDS), items)
    for total in (100, 10_000):
        _seed_action_items(total, user)
        rounds = ROUNDS if total <= 100 else max(ROUNDS // 4, 20)
        _emit("home_page", database, rounds, _time(client, "/", rounds), total)
        _emit("ledger", database, rounds, _time(client, "/supervision/", rounds), total)
    _emit("trivial_view", database, ROUNDS, _time(client, "/healthz", ROUNDS), 0)


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
