"""The database refuses to rewrite the audit trail (issue 17; GB/T 22239-2019 8.1.4.3 c
审计记录应进行保护，避免受到未预期的删除、修改或覆盖).

Defect (4): ``TRUNCATE core_auditevent`` on PostgreSQL passed `lianxi audit verify`. Now the
triggers refuse UPDATE, DELETE and TRUNCATE of events and let the head only move forward (on
SQLite UPDATE and DELETE), and what gets past them (the owner switching them off) is reported.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from lianxi.core.audit import audit_record, audit_verify_report, guard_open, missing_guard_triggers
from lianxi.core.audit_checkpoints import audit_checkpoint
from lianxi.core.models import AuditEvent, AuditHead

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"


@contextmanager
def guard_closed(settings: Any) -> Iterator[None]:
    """As in production: the suite's open guard (see conftest) closed for this test."""
    settings.LIANXI_AUDIT_GUARD_OPEN = False
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lianxi.audit_maintenance', 'off', false)")
    yield


def refused(sql: str, params: list[Any] | None = None) -> str:
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params or [])
    return str(caught.value)


def test_triggers_refuse_update_and_delete_of_events(settings: Any) -> None:
    event = audit_record(actor=None, action="test.guarded")
    with guard_closed(settings):
        assert "只能追加" in refused(
            "UPDATE core_auditevent SET action = 'x' WHERE id = %s", [event.id]
        )
        assert "只能追加" in refused("DELETE FROM core_auditevent WHERE id = %s", [event.id])
        with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic():
            AuditEvent.objects.all().delete()
    assert audit_verify_report().ok


def test_head_only_moves_forward(settings: Any) -> None:
    events = [audit_record(actor=None, action="test.step") for _ in range(3)]
    with guard_closed(settings):
        assert "只能向前推进" in refused(
            "UPDATE core_audithead SET last_id = %s, count = 2 WHERE id = 1", [events[1].id]
        )
        assert "不能删除" in refused("DELETE FROM core_audithead") or POSTGRES
        audit_record(actor=None, action="test.forward")  # a forward move is fine
    assert AuditHead.objects.get(pk=1).count == 4
    assert audit_verify_report().ok


@pytest.mark.skipif(not POSTGRES, reason="TRUNCATE exists on PostgreSQL only")
def test_4_truncate_is_refused_on_postgresql(settings: Any) -> None:
    """Defect (4): TRUNCATE of the events or of the head is refused."""
    audit_record(actor=None, action="test.guarded")
    with guard_closed(settings):
        assert "只能追加" in refused("TRUNCATE core_auditevent")
        assert "只能向前推进" in refused("TRUNCATE core_audithead")
        assert "只能向前推进" in refused("DELETE FROM core_audithead")
    assert audit_verify_report().ok


@pytest.mark.skipif(not POSTGRES, reason="TRUNCATE exists on PostgreSQL only")
def test_4_truncate_by_the_owner_is_caught_by_verify_and_checkpoints(settings: Any) -> None:
    """Defect (4), by someone who can open the guard: TRUNCATE of the events leaves the head's
    count; TRUNCATE of both leaves the checkpoint."""
    for _ in range(3):
        audit_record(actor=None, action="test.step")
    audit_checkpoint()
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lianxi.audit_maintenance', 'on', false)")
        cursor.execute("TRUNCATE core_auditevent")
    assert {p.kind for p in audit_verify_report().problems} >= {"count", "checkpoint"}
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_audithead")
    problems = audit_verify_report().problems
    assert [p.kind for p in problems] == ["checkpoint"]
    assert "审计链比检查点短" in problems[0].message


def test_archive_passes_the_guard_inside_its_transaction_only(settings: Any) -> None:
    """The archive step's way through (documented in migration 0007): guard_open()."""
    event = audit_record(actor=None, action="test.old")
    with guard_closed(settings):
        with transaction.atomic(), guard_open():
            AuditEvent.objects.filter(pk=event.pk).update(action="test.allowed")
        assert "只能追加" in refused("DELETE FROM core_auditevent WHERE id = %s", [event.id])


def test_missing_trigger_is_reported() -> None:
    """A trigger switched off or lost (SQLite loses them when a migration rebuilds a table)."""
    assert missing_guard_triggers() == []
    with connection.cursor() as cursor:
        if POSTGRES:
            cursor.execute(
                "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_truncate"
            )
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_delete")
    problems = audit_verify_report().problems
    assert [p.kind for p in problems] == ["unguarded"]
    assert "触发器缺失或被停用" in problems[0].message
