"""Supervision fixtures shared by the supervision tests and the API tests (plugged in from
``lianxi/conftest.py``): an action-item maker and a bulk writer of many items."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from lianxi.organization.models import Unit
from lianxi.supervision.models import ActionItem
from lianxi.supervision.services import action_item_create


@pytest.fixture
def make_item(mechanism: Any, clerk: Any, health: Unit) -> Callable[..., ActionItem]:
    """An item made through the service; `created_at` may be set for the stale-light rules."""

    def make(
        title: str = "开展重点行业职业病危害专项治理",
        *,
        lead: Unit | None = None,
        supporting: tuple[Unit, ...] = (),
        deadline: date | None = None,
        deadline_workdays: int | None = None,
        today: date | None = None,
        created_at: datetime | None = None,
        source: str = ActionItem.Source.GOVERNMENT,
        feedback_every_workdays: int = 15,
    ) -> ActionItem:
        today = today or timezone.localdate()
        if deadline is None and deadline_workdays is None:
            deadline_workdays = 30
        item = action_item_create(
            mechanism=mechanism,
            title=title,
            source=source,
            source_label="市政府交办函",
            lead_unit=lead or health,
            supporting_units=supporting,
            deadline=deadline,
            deadline_workdays=deadline_workdays,
            feedback_every_workdays=feedback_every_workdays,
            actor=clerk,
            today=today,
        )
        if created_at is not None:
            ActionItem.objects.filter(pk=item.pk).update(created_at=created_at)
            item.refresh_from_db()
        return item

    return make


def bulk_items(mechanism: Any, units: list[Unit], n: int, start: int = 0) -> None:
    """n items spread over units, deadlines and lights, written in bulk (bypassing the service,
    for volume: no notifications, no audit)."""
    today = timezone.localdate()
    rows = []
    for i in range(start, start + n):
        deadline = today + timedelta(days=(i % 40) - 10)
        rows.append(
            ActionItem(
                mechanism=mechanism,
                title=f"批量事项{i:05d}",
                source=ActionItem.Source.values[i % 5],
                lead_unit=units[i % len(units)],
                deadline=deadline,
                original_deadline=deadline,
                status=ActionItem.Status.CLOSED if i % 7 == 0 else ActionItem.Status.OPEN,
            )
        )
    created = ActionItem.objects.bulk_create(rows)
    through = ActionItem.supporting_units.through
    through.objects.bulk_create(
        [
            through(actionitem_id=item.pk, unit_id=units[(k + 1) % len(units)].pk)
            for k, item in enumerate(created)
        ]
    )
