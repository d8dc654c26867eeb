"""What the audit trail's tamper and checkpoint tests share: someone holding the database
account (triggers off), a few events, and `lianxi audit verify` run as the command."""

from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any

from django.core.management import CommandError, call_command
from django.db import connection

from lianxi.core.audit import audit_record
from lianxi.core.models import AuditEvent

POSTGRES = connection.vendor == "postgresql"


@contextmanager
def as_table_owner() -> Iterator[Any]:
    """Act as someone holding the database account: the triggers switched off."""
    with connection.cursor() as cursor:
        if POSTGRES:
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE core_audithead DISABLE TRIGGER USER")
        try:
            yield cursor
        finally:
            if POSTGRES:
                cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")
                cursor.execute("ALTER TABLE core_audithead ENABLE TRIGGER USER")


def record(n: int) -> list[AuditEvent]:
    return [audit_record(actor=None, action="test.step", data={"i": i}) for i in range(n)]


def verify() -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except CommandError as exc:
        return 1, out.getvalue() + err.getvalue() + str(exc)
    return 0, out.getvalue()
