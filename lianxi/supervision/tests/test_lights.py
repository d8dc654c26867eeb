"""四(二) lights in working days: green on track; yellow within 3 working days of the deadline
or after 15 working days without progress; red overdue; alike in Python and in the database."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from lianxi.conftest import aware
from lianxi.organization.models import Mechanism
from lianxi.supervision.lights import LIGHTS, Cutoffs
from lianxi.supervision.models import ActionItem
from lianxi.supervision.selectors import item_light, unfinished_items, with_lights

MON = date(2026, 3, 9)


@pytest.fixture
def items(make_item: Callable[..., ActionItem], clerk: Any) -> dict[str, ActionItem]:
    recent = aware(2026, 3, 5)
    made = {
        "green": make_item("绿", deadline=date(2026, 3, 31), today=MON, created_at=recent),
        "due_in_3": make_item(
            "三个工作日内到期", deadline=date(2026, 3, 12), today=MON, created_at=recent
        ),
        "due_in_4": make_item(
            "四个工作日后到期", deadline=date(2026, 3, 13), today=MON, created_at=recent
        ),
        "due_today": make_item("今天到期", deadline=MON, today=MON, created_at=recent),
        "overdue": make_item(
            "逾期", deadline=date(2026, 3, 6), today=date(2026, 3, 2), created_at=recent
        ),
        "stale": make_item(
            "久未反馈", deadline=date(2026, 3, 31), today=MON, created_at=aware(2026, 1, 5)
        ),
        "reported": make_item(
            "已反馈", deadline=date(2026, 3, 31), today=MON, created_at=aware(2026, 1, 5)
        ),
        "done": make_item("已办结", deadline=date(2026, 3, 6), today=date(2026, 3, 2)),
    }
    ActionItem.objects.filter(pk=made["reported"].pk).update(last_progress_at=aware(2026, 3, 6))
    ActionItem.objects.filter(pk=made["done"].pk).update(status=ActionItem.Status.CLOSED)
    for item in made.values():
        item.refresh_from_db()
    return made


EXPECTED = {
    "green": "green",
    "due_in_3": "yellow",
    "due_in_4": "green",
    "due_today": "yellow",
    "overdue": "red",
    "stale": "yellow",
    "reported": "green",
    "done": "done",
}


def test_lights_in_working_days_in_python_and_in_the_database(items: dict[str, ActionItem]) -> None:
    """四(二): yellow within 3 working days of the deadline (Thursday counts from Monday, Friday
    does not), or 15 working days without progress; red once the deadline has passed."""
    for name, item in items.items():
        assert item_light(item, today=MON) == EXPECTED[name], name
    cutoffs = Cutoffs.for_day(MON)
    annotated = {i.pk: i.light for i in with_lights(ActionItem.objects.all(), cutoffs)}  # type: ignore[attr-defined]
    for name, item in items.items():
        assert annotated[item.pk] == EXPECTED[name], name
    # The filter conditions split the items exactly as the annotation does.
    seen: set[int] = set()
    for light in LIGHTS:
        pks = set(ActionItem.objects.filter(cutoffs.q(light)).values_list("pk", flat=True))
        assert pks == {pk for pk, value in annotated.items() if value == light}, light
        assert not pks & seen
        seen |= pks
    assert seen == set(annotated)


def test_stale_threshold_counts_working_days_since_the_last_report(
    make_item: Callable[..., ActionItem],
) -> None:
    """四(二): 15 working days without progress turns an item yellow; holidays do not count."""
    from lianxi.core.calendar import subtract_workdays

    last_quiet = subtract_workdays(MON, 15)
    item = make_item(deadline=date(2026, 4, 30), today=MON)
    ActionItem.objects.filter(pk=item.pk).update(
        created_at=aware(2026, 1, 5),
        last_progress_at=aware(last_quiet.year, last_quiet.month, last_quiet.day, 23, 59),
    )
    item.refresh_from_db()
    assert item_light(item, today=MON) == "yellow"
    next_day = last_quiet + timedelta(days=1)
    ActionItem.objects.filter(pk=item.pk).update(
        last_progress_at=aware(next_day.year, next_day.month, next_day.day, 0, 1)
    )
    item.refresh_from_db()
    assert item_light(item, today=MON) == "green"


def test_thresholds_are_configurable(items: dict[str, ActionItem], settings: Any) -> None:
    """四(二): the yellow thresholds (3 working days to the deadline, 15 without progress) are
    settings."""
    settings.LIANXI_LIGHT_YELLOW_WORKDAYS = 4
    assert item_light(items["due_in_4"], today=MON) == "yellow"
    settings.LIANXI_LIGHT_STALE_WORKDAYS = 200
    assert item_light(items["stale"], today=MON) == "green"


def test_unfinished_items_are_the_open_ones_by_deadline(
    items: dict[str, ActionItem], mechanism: Mechanism
) -> None:
    """四(二): the next plenary's "上次会议议定事项落实情况" lists what is not closed."""
    titles = [i.title for i in unfinished_items(mechanism=mechanism)]
    assert "已办结" not in titles
    assert titles[0] == "逾期" and len(titles) == 7
