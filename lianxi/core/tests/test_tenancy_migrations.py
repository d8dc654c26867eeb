"""The tenancy migrations on a database written before them (issue 8): minutes keep their
numbers and the series continues after them; messages land in their joint meeting."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("core", "0004_audit_event_scope"),
    ("meetings", "0002_agenda_item_units"),
    ("notifications", "0002_message_attachment"),
]
AFTER = [
    ("core", "0005_serial"),
    ("meetings", "0003_minutes_numbered_per_mechanism"),
    ("notifications", "0003_message_mechanism"),
]


def _migrate(targets: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_minutes_and_messages_written_before_tenancy_are_placed_in_their_joint_meeting():
    try:
        old = _migrate(BEFORE)
        user = old.get_model("auth", "User").objects.create(username="old_clerk")
        mechanism = old.get_model("organization", "Mechanism").objects.create(name="信阳市联席会议")
        unit = old.get_model("organization", "Unit").objects.create(
            mechanism=mechanism, name="市卫生健康委"
        )
        meeting_model = old.get_model("meetings", "Meeting")
        minutes_model = old.get_model("meetings", "Minutes")
        at = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
        for serial in (1, 2, None):
            meeting = meeting_model.objects.create(
                mechanism=mechanism,
                chair_unit=unit,
                created_by=user,
                kind="plenary",
                title=f"全体会议{serial}",
                starts_at=at,
                ends_at=at,
                location="会议室",
                status="held",
            )
            minutes_model.objects.create(
                meeting=meeting, year=2026, serial=serial, drafted_by=user, status="issued"
            )
        message = old.get_model("notifications", "Message").objects.create(
            kind="t", subject="旧消息"
        )

        new = _migrate(AFTER)
        minutes = new.get_model("meetings", "Minutes").objects.all()
        assert {m.mechanism_id for m in minutes} == {mechanism.pk}
        serial = new.get_model("core", "Serial").objects.get(
            series="minutes", scope_id=mechanism.pk, year=2026
        )
        assert serial.last == 2
        placed = new.get_model("notifications", "Message").objects.get(pk=message.pk)
        assert placed.mechanism_id == mechanism.pk
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
