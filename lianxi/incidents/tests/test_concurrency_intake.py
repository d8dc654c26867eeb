"""200 incidents posted concurrently through the API, half of them retried (三(四)2 intake).

Real HTTP against the live server, from a pool of 16 threads (each its own HTTP client), on
PostgreSQL: 200 distinct Idempotency-Keys, 100 of them posted a second time at the same moment,
so 300 requests race. Exactly 200 incidents must exist afterwards, every retry must answer the
first one's incident, and no request may fail with a 5xx.
"""

from __future__ import annotations

import json
import random
import threading
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from lianxi.api.services import api_token_create
from lianxi.incidents.credit_code import check_character
from lianxi.incidents.models import Enterprise, Incident

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

INCIDENTS = 200
RETRIED = 100
THREADS = 16
ENTERPRISES = 10  # shared by many incidents, so their creation races too


def credit_code(n: int) -> str:
    body = f"91411500MA3X{n:05d}"
    return body + check_character(body)


def report(n: int) -> dict[str, Any]:
    now = timezone.now()
    return {
        "title": f"并发测试事故第{n + 1}起",
        "occurred_at": (now - timedelta(hours=2, minutes=n)).isoformat(),
        "first_reported_at": (now - timedelta(hours=1)).isoformat(),
        "location": f"平桥区工业园区{n + 1}号",
        "enterprise": {
            "name": f"信阳第{n % ENTERPRISES + 1}化工有限公司",
            "credit_code": credit_code(n % ENTERPRISES),
            "county": "平桥区",
        },
        "hazard": "chemical",
        "substance": "一氧化碳",
        "exposed_count": 20,
        "poisoned_count": n % 15,
        "death_count": 0,
    }


def post(url: str, token: str, key: str, body: bytes) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="并发登记的幂等性要在 PostgreSQL 上验证：SQLite 把所有写入串行执行，测不出竞争"
    "（用 DATABASE_URL=postgres://… 运行）",
)
def test_200_concurrent_incidents_half_retried_make_exactly_200(
    live_server: Any, clerk: Any
) -> None:
    """三(四)2: an API intake with an idempotency key — a retried POST creates one incident,
    even when the retry races the first request (the unique constraint decides)."""
    _, token = api_token_create(user=clerk, name="医院信息系统")
    url = f"{live_server.url}/api/v1/incidents"
    bodies = {f"hospital-{n:04d}": json.dumps(report(n)).encode() for n in range(INCIDENTS)}
    retried = set(random.Random(4).sample(sorted(bodies), RETRIED))
    # A retried key sits next to its first POST, and neighbours go to different threads at the
    # same moment: the two requests of a key race each other.
    requests = [key for key in bodies for _ in range(2 if key in retried else 1)]
    results: list[tuple[str, int, dict[str, Any]]] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def worker(keys: list[str]) -> None:
        start.wait()  # all threads begin together
        for key in keys:
            status, body = post(url, token, key, bodies[key])
            with lock:
                results.append((key, status, body))

    chunks = [requests[i::THREADS] for i in range(THREADS)]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for future in [pool.submit(worker, chunk) for chunk in chunks]:
            future.result()

    statuses = Counter(status for _, status, _ in results)
    assert len(results) == INCIDENTS + RETRIED
    assert not [r for r in results if r[1] >= 500], statuses
    assert statuses == {201: INCIDENTS, 200: RETRIED}, statuses
    ids_by_key: dict[str, set[int]] = {}
    for key, _, body in results:
        ids_by_key.setdefault(key, set()).add(body["id"])
    assert all(len(ids) == 1 for ids in ids_by_key.values())
    assert len({next(iter(ids)) for ids in ids_by_key.values()}) == INCIDENTS
    assert Incident.objects.count() == INCIDENTS
    assert Incident.objects.values("idempotency_key").distinct().count() == INCIDENTS
    assert Enterprise.objects.count() == ENTERPRISES
