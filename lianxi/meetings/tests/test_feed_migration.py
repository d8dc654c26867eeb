"""The calendar-feed migrations on a database written before them: a feed issued when a feed
was a person's is bound to their membership, one that cannot be is dropped, and afterwards a
person in two joint meetings may have a feed in each (one per membership)."""

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("meetings", "0003_minutes_numbered_per_mechanism")]
AFTER = [("meetings", "0005_calendar_feed_one_per_membership")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_feeds_written_per_person_become_one_per_membership() -> None:
    try:
        old = _migrate(BEFORE)
        users = old.get_model("auth", "User").objects
        mechanism = old.get_model("organization", "Mechanism").objects.create(name="信阳市联席会议")
        second = old.get_model("organization", "Mechanism").objects.create(name="青溪县联席会议")
        units = old.get_model("organization", "Unit").objects
        memberships = old.get_model("organization", "Membership").objects
        health = units.create(mechanism=mechanism, name="市卫生健康委")
        liaison, gone = users.create(username="liaison"), users.create(username="gone")
        in_first = memberships.create(user=liaison, unit=health, role="liaison")
        in_second = memberships.create(
            user=liaison, unit=units.create(mechanism=second, name="县卫生健康局"), role="liaison"
        )
        memberships.create(user=gone, unit=health, role="liaison", active=False)
        feeds = old.get_model("meetings", "CalendarFeed").objects
        feeds.create(user=liaison, token_hash="a" * 64)
        feeds.create(user=gone, token_hash="b" * 64)

        new = _migrate(AFTER)
        feeds = new.get_model("meetings", "CalendarFeed").objects
        assert list(feeds.values_list("user_id", "membership_id")) == [(liaison.pk, in_first.pk)]
        feeds.create(user_id=liaison.pk, membership_id=in_second.pk, token_hash="c" * 64)
        with pytest.raises(IntegrityError), transaction.atomic():
            feeds.create(user_id=liaison.pk, membership_id=in_first.pk, token_hash="d" * 64)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
