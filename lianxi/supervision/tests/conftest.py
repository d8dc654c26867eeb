"""Fixtures of the supervision tests: units by name and an action-item maker."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from django.utils import timezone

from lianxi.organization.models import Unit
from lianxi.supervision.models import ActionItem
from lianxi.supervision.services import action_item_create


def aware(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour, minute))


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
