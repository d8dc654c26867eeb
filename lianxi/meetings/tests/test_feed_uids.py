"""Calendar UIDs that stay put (issue 18): an action item's UID is stored with the item, like a
meeting's, and no longer derived from the mail domain (it ended in ``@localhost``); changing the
sender address or the calendar domain changes no UID, so a subscribed calendar keeps its events.
Items written before keep the UID they were published under."""

from datetime import date
from typing import Any

import icalendar
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, override_settings
from django.utils import timezone

from lianxi.meetings.feed_services import calendar_feed_issue
from lianxi.meetings.ics import action_item_event, feed_ics

from .test_ics import invite, make_meeting

pytestmark = pytest.mark.django_db


def uids(data: bytes) -> set[str]:
    return {str(e["UID"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def test_action_item_uids_are_stored_and_do_not_follow_the_mail_domain_四_二(
    mechanism: Any, clerk: Any, unit_named: Any, other_liaison: Any
) -> None:
    """四(二): a deadline in the feed has the item's stored UID, not one ending in @localhost,
    and neither it nor a meeting's UID changes when DEFAULT_FROM_EMAIL or
    LIANXI_CALENDAR_DOMAIN does."""
    from lianxi.supervision.models import ActionItem

    hrss = unit_named("市人力资源和社会保障局")
    item = ActionItem.objects.create(
        mechanism=mechanism, title="提高工伤保险参保率", source=ActionItem.Source.MEETING,
        lead_unit=hrss, deadline=date(2027, 6, 30), original_deadline=date(2027, 6, 30),
    )  # fmt: skip
    meeting = make_meeting(mechanism, created_by=clerk)
    invite(meeting, hrss)
    assert item.ical_uid.startswith("action-item-") and item.ical_uid.endswith("@lianxi")
    _, token = calendar_feed_issue(user=other_liaison)
    seen = []
    for sender, domain in (
        ("联席平台 <lianxi@localhost>", ""),
        ("联席平台 <noreply@wjw.xinyang.gov.cn>", ""),
        ("联席平台 <noreply@wjw.xinyang.gov.cn>", "calendar.example.org"),
    ):
        with override_settings(DEFAULT_FROM_EMAIL=sender, LIANXI_CALENDAR_DOMAIN=domain):
            event = action_item_event(item, unit_id=hrss.pk, now=timezone.now())
            assert str(event["UID"]) == item.ical_uid
            feed = Client().get(f"/calendar/feed/{token}.ics").content
            seen.append(uids(feed))
    assert seen[0] == seen[1] == seen[2]
    assert item.ical_uid in seen[0]
    assert not any(uid.endswith("@localhost") for uid in seen[0])
    # Two items never share one.
    other = ActionItem.objects.create(
        mechanism=mechanism, title="另一事项", source=ActionItem.Source.MEETING,
        lead_unit=hrss, deadline=date(2027, 7, 1), original_deadline=date(2027, 7, 1),
    )  # fmt: skip
    assert other.ical_uid != item.ical_uid
    data = feed_ics(
        name="x", unit=hrss, meetings=[], action_items=[item, other], now=timezone.now()
    )
    assert uids(data) == {item.ical_uid, other.ical_uid}


BEFORE = [("supervision", "0002_reminder")]
AFTER = [("supervision", "0003_item_ical_uid_report_attachment_name")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
@override_settings(DEFAULT_FROM_EMAIL="联席平台 <lianxi@localhost>", LIANXI_CALENDAR_DOMAIN="")
def test_items_published_before_keep_their_uid_and_reports_get_their_files_name() -> None:
    """Calendars subscribed before the change see the same UIDs after it (no duplicates); an
    existing report's file is named by the last part of its stored path."""
    try:
        old = _migrate(BEFORE)
        mechanism = old.get_model("organization", "Mechanism").objects.create(name="信阳市联席会议")
        unit = old.get_model("organization", "Unit").objects.create(
            mechanism=mechanism, name="市卫生健康委"
        )
        user = old.get_model("auth", "User").objects.create(username="liaison")
        items = old.get_model("supervision", "ActionItem").objects
        day = date(2027, 1, 1)
        first = items.create(
            mechanism=mechanism, title="甲", source="meeting", lead_unit=unit, deadline=day,
            original_deadline=day,
        )  # fmt: skip
        second = items.create(
            mechanism=mechanism, title="乙", source="meeting", lead_unit=unit, deadline=day,
            original_deadline=day,
        )  # fmt: skip
        old.get_model("supervision", "ProgressReport").objects.create(
            item=first, unit=unit, author=user, text="进展",
            attachment="progress/2026/12/进展情况.txt",
        )  # fmt: skip
        new = _migrate(AFTER)
        items = new.get_model("supervision", "ActionItem").objects
        assert dict(items.values_list("pk", "ical_uid")) == {
            first.pk: f"action-item-{first.pk}@localhost",
            second.pk: f"action-item-{second.pk}@localhost",
        }
        report = new.get_model("supervision", "ProgressReport").objects.get()
        assert report.attachment_name == "进展情况.txt"
        created = items.create(
            mechanism_id=mechanism.pk, title="丙", source="meeting", lead_unit_id=unit.pk,
            deadline=day, original_deadline=day,
        )  # fmt: skip
        assert created.ical_uid.endswith("@lianxi")
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
