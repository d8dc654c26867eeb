"""The next number in a scope (issue 8): per series, scope and year, never the same twice."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from lianxi.core.models import Serial
from lianxi.core.serials import next_number


@pytest.mark.django_db
def test_numbers_run_from_one_per_series_scope_and_year():
    with transaction.atomic():
        taken = [next_number(series="minutes", scope_id=1, year=2026) for _ in range(3)]
        other_scope = next_number(series="minutes", scope_id=2, year=2026)
        other_year = next_number(series="minutes", scope_id=1, year=2027)
        other_series = next_number(series="brief", scope_id=1, year=2026)
    assert taken == [1, 2, 3]
    assert (other_scope, other_year, other_series) == (1, 1, 1)


@pytest.mark.django_db
def test_a_rolled_back_issue_gives_its_number_back():
    with transaction.atomic():
        assert next_number(series="minutes", scope_id=1, year=2026) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_number(series="minutes", scope_id=1, year=2026) == 2
        raise RuntimeError("the issue failed after taking its number")
    with transaction.atomic():
        assert next_number(series="minutes", scope_id=1, year=2026) == 2


def test_a_number_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        next_number(series="minutes", scope_id=1, year=2026)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="并发取号要在 PostgreSQL 上验证：SQLite 把所有写入串行执行，测不出竞争",
)
@pytest.mark.django_db(transaction=True)
def test_forty_clerks_issuing_at_once_take_forty_different_numbers():
    start = threading.Barrier(8)

    def take(n: int) -> list[int]:
        start.wait()
        numbers = []
        try:
            for _ in range(5):
                with transaction.atomic():
                    numbers.append(next_number(series="minutes", scope_id=7, year=2026))
        finally:
            connection.close()
        return numbers

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [n for chunk in pool.map(take, range(8)) for n in chunk]
    assert sorted(results) == list(range(1, 41))
    assert Serial.objects.get(series="minutes", scope_id=7, year=2026).last == 40
