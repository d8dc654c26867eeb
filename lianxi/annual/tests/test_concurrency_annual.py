"""Ticks racing on the opening day (四(三)): several worker processes run the daily tick at the
same minute; one cycle opens, each unit is told once, and no tick fails."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections

from lianxi.conftest import aware
from lianxi.notifications.models import Message
from lianxi.organization.models import Mechanism

from ..models import AnnualCycle, AnnualSubmission
from ..services import annual_tick
from .conftest import configure

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TICKS = 6


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="并发启动要在 PostgreSQL 上验证：SQLite 的 IMMEDIATE 事务把写入串行执行"
    "（用 DATABASE_URL=postgres://… 运行）",
)
def test_ticks_racing_on_the_opening_day_open_one_cycle_and_tell_each_unit_once_四_三(
    mechanism: Mechanism, consulted: Any
) -> None:
    """四(三): six ticks at 00:05 on 1 December, released together. Before the mechanism's row
    was locked, the losers of the race failed on the (mechanism, year) unique key."""
    configure(mechanism)
    start = threading.Barrier(TICKS)
    now = aware(2026, 12, 1, 0, 5)

    def tick() -> dict[str, int]:
        try:
            start.wait()
            return annual_tick(now)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=TICKS) as pool:
        results = [f.result() for f in [pool.submit(tick) for _ in range(TICKS)]]
    assert sum(r["opened"] for r in results) >= 1
    assert AnnualCycle.objects.count() == 1
    assert AnnualSubmission.objects.count() == 15
    assert Message.objects.filter(kind="annual.cycle_open").count() == 15
