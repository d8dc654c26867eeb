"""The append-only, hash-chained audit trail and `lianxi audit verify` (issue 2 §3)."""

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from lianxi.core.audit import GENESIS, audit_record, audit_verify, audit_verify_report
from lianxi.core.models import AuditEvent, AuditHead

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"


@contextmanager
def tampering() -> Iterator[None]:
    """Act as a database superuser would: on PostgreSQL switch the append-only trigger off."""
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only"
            )
    try:
        yield
    finally:
        if POSTGRES:
            with connection.cursor() as cursor:
                cursor.execute(
                    "ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only"
                )


def raw(sql: str, params: list[Any]) -> None:
    with tampering(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def record_five() -> list[AuditEvent]:
    return [
        audit_record(
            actor=None, action=f"test.step{i}", data={"i": i, "说明": "第" + str(i) + "步"}
        )
        for i in range(1, 6)
    ]


def run_verify() -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except CommandError as exc:
        return 1, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def test_events_chain_from_genesis_and_verify_passes() -> None:
    events = record_five()
    assert events[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    head = AuditHead.objects.get(pk=1)
    assert (head.last_id, head.last_hash) == (events[-1].id, events[-1].hash)
    code, out, _ = run_verify()
    assert code == 0
    assert "已校验 5 条审计记录" in out
    assert "哈希链完整" in out


def test_audit_without_a_subcommand_says_so_in_chinese() -> None:
    with pytest.raises(CommandError, match="请指定子命令"):
        call_command("audit")


def test_empty_trail_verifies() -> None:
    code, out, _ = run_verify()
    assert code == 0
    assert "已校验 0 条审计记录" in out


def test_edited_middle_row_is_detected() -> None:
    events = record_five()
    raw("UPDATE core_auditevent SET actor_name = %s WHERE id = %s", ["冒名者", events[2].id])
    code, out, err = run_verify()
    assert code == 1
    assert "已校验 5 条审计记录" in out
    assert f"第 {events[2].id} 条记录的内容被改动" in err
    assert "审计日志校验未通过" in err
    checked, problems = audit_verify()
    assert checked == 5
    assert [(p.event_id, p.kind) for p in problems] == [(events[2].id, "edited")]


def test_edited_data_field_is_detected() -> None:
    events = record_five()
    raw("UPDATE core_auditevent SET data = %s WHERE id = %s", ['{"i": 99}', events[1].id])
    _, problems = audit_verify()
    assert [(p.event_id, p.kind) for p in problems] == [(events[1].id, "edited")]


def test_edited_and_rehashed_row_breaks_the_next_link() -> None:
    """Recomputing the edited row's own hash does not help: the next row still points at the old."""
    from lianxi.core.audit import compute_hash

    events = record_five()
    forged = AuditEvent.objects.get(pk=events[2].id)
    forged.action = "test.forged"
    new_hash = compute_hash(forged)
    raw(
        "UPDATE core_auditevent SET action = %s, hash = %s WHERE id = %s",
        ["test.forged", new_hash, events[2].id],
    )
    _, problems = audit_verify()
    assert [(p.event_id, p.kind) for p in problems] == [(events[3].id, "broken_link")]


def test_deleted_middle_row_is_detected() -> None:
    events = record_five()
    raw("DELETE FROM core_auditevent WHERE id = %s", [events[2].id])
    code, out, err = run_verify()
    assert code == 1
    assert "已校验 4 条审计记录" in out
    assert f"第 {events[1].id} 条与第 {events[3].id} 条之间的记录被删除或改动" in err
    _, problems = audit_verify()
    assert [(p.event_id, p.kind) for p in problems] == [
        (events[3].id, "broken_link"),
        (events[4].id, "count"),
    ]


def test_deleted_first_row_is_detected() -> None:
    events = record_five()
    raw("DELETE FROM core_auditevent WHERE id = %s", [events[0].id])
    _, problems = audit_verify()
    assert [(p.event_id, p.kind) for p in problems] == [
        (events[1].id, "broken_link"),
        (events[4].id, "count"),
    ]


def test_deleted_last_row_is_detected() -> None:
    events = record_five()
    raw("DELETE FROM core_auditevent WHERE id = %s", [events[-1].id])
    code, out, err = run_verify()
    assert code == 1
    assert "已校验 4 条审计记录" in out
    assert f"最后写入的是第 {events[-1].id} 条记录" in err
    assert "末尾的记录被删除" in err


def test_deleted_last_row_stays_detected_after_new_events() -> None:
    """A new event chains onto the head, so it cannot paper over a row cut from the end."""
    events = record_five()
    raw("DELETE FROM core_auditevent WHERE id = %s", [events[-1].id])
    later = audit_record(actor=None, action="test.later")
    assert later.prev_hash == events[-1].hash
    _, problems = audit_verify()
    assert [(p.event_id, p.kind) for p in problems] == [
        (later.id, "broken_link"),
        (later.id, "count"),
    ]


def test_every_row_deleted_is_detected() -> None:
    record_five()
    raw("DELETE FROM core_auditevent", [])
    _, problems = audit_verify()
    assert [p.kind for p in problems] == ["truncated", "count"]
    assert "现在一条也没有" in problems[0].message


def test_small_batches_walk_the_same_chain() -> None:
    events = record_five()
    raw("DELETE FROM core_auditevent WHERE id = %s", [events[3].id])
    report = audit_verify_report(batch_size=2)
    assert report.checked == 4
    assert [(p.event_id, p.kind) for p in report.problems] == [
        (events[4].id, "broken_link"),
        (events[4].id, "count"),
    ]


def test_chain_survives_the_json_and_datetime_round_trip() -> None:
    """What the database gives back must hash the same, on SQLite and on PostgreSQL alike:
    key order (jsonb sorts keys its own way), integral floats, big and tiny numbers, Decimal,
    dates, nested lists, Chinese text, NaN (refused by jsonb), empty data."""
    odd = {
        "z": 1,
        "a": {"nested": [1, 2.5, {"deep": "值"}], "b": None},
        "float_int": 1.0,
        "big": 1e16,
        "huge": 1.5e300,
        "tiny": 1.5e-7,
        "precise": 0.1 + 0.2,
        "neg": -0.0,
        "decimal": Decimal("12.340"),
        "when": datetime(2026, 11, 29, 9, 30, 15, 123456, tzinfo=UTC),
        "day": date(2026, 10, 1),
        "nan": float("nan"),
        "bool": True,
        "long": 2**62,
        "中文键": "联席会议 “引号” \\ 反斜杠\n换行",
        "longer key than the others": [],
    }
    audit_record(actor=None, action="test.odd", data=odd)
    audit_record(actor=None, action="test.empty")
    audit_record(actor=None, action="test.list", data={"items": [[], {}, "", 0]})
    stored = AuditEvent.objects.get(action="test.odd")
    assert stored.data["day"] == "2026-10-01"
    assert stored.data["big"] == 10**16
    _, problems = audit_verify()
    assert problems == []


def test_microseconds_of_the_time_are_kept() -> None:
    event = audit_record(actor=None, action="test.time")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.at == event.at
    assert stored.hash == event.hash


def test_actor_membership_is_recorded(clerk) -> None:
    event = audit_record(actor=clerk.membership, action="test.by_clerk", ip="10.0.0.8")
    assert (event.actor_name, event.unit_name, event.role) == (
        "王秘书",
        "市卫生健康委",
        "secretariat",
    )
    assert event.ip == "10.0.0.8"
    user_event = audit_record(actor=clerk, action="test.by_user")
    assert user_event.unit_name == "市卫生健康委"
    assert audit_verify()[1] == []


def test_rolled_back_change_leaves_no_event_and_chain_intact() -> None:
    audit_record(actor=None, action="test.before")
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.rolled_back")
        raise RuntimeError("the change failed")
    audit_record(actor=None, action="test.after")
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()
    assert audit_verify() == (2, [])


@pytest.mark.skipif(not POSTGRES, reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_update_and_delete_of_audit_rows() -> None:
    event = audit_record(actor=None, action="test.guarded")
    with connection.cursor() as cursor:  # the suite opens the guard (see conftest): close it
        cursor.execute("SELECT set_config('lianxi.audit_maintenance', 'off', false)")
    for sql in (
        "UPDATE core_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="审计记录只能追加"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.id])
    with pytest.raises(DatabaseError, match="审计记录只能追加"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert audit_verify() == (1, [])


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain() -> None:
    """Several threads, each with its own database connection, write at once."""
    threads_n, per_thread = 6, 15
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads_n)

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    audit_record(actor=None, action="test.concurrent", data={"t": n, "i": i})
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = audit_verify_report()
    assert report.checked == threads_n * per_thread
    assert report.problems == []
    hashes = list(AuditEvent.objects.order_by("id").values_list("prev_hash", "hash"))
    assert len({prev for prev, _ in hashes}) == len(hashes)  # no fork: every hash used once
