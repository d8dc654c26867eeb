"""Keeping the index up to date: the tick's incremental reindex and the full rebuild."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from lianxi.core.models import AuditEvent
from lianxi.core.ticks import registered_ticks
from lianxi.organization.models import Duty
from lianxi.search.models import SearchDocument
from lianxi.search.selectors import search
from lianxi.search.services import search_index_rebuild, search_index_refresh
from lianxi.supervision.models import ActionItem
from lianxi.supervision.services import action_item_create, progress_report_submit

from .conftest import Record

pytestmark = pytest.mark.django_db


def ids(user: Any, query: str) -> set[tuple[str, int]]:
    return {(h.kind, h.object_id) for h in search(user, query).hits}


def test_the_tick_refreshes_the_index() -> None:
    assert registered_ticks()["search.refresh"] is search_index_refresh


def test_a_change_is_found_after_the_next_tick(record: Record, clerk: Any) -> None:
    item = record.item_b
    item.title = "非煤矿山企业噪声危害专项治理"
    item.save()
    assert ids(clerk, "噪声") == set()  # not yet: until the next tick
    assert search_index_refresh() == {"action_item": "+1 -0"}
    assert ("action_item", item.pk) in ids(clerk, "噪声")
    assert ("action_item", item.pk) not in ids(clerk, "粉尘")
    assert search_index_refresh() == {}  # nothing changed since: nothing rewritten


def test_new_records_and_sent_drafts_are_added(
    record: Record, clerk: Any, other_liaison: Any
) -> None:
    """四(二): a draft report enters the index when it is sent, not before."""
    new = action_item_create(
        mechanism=record.item_a.mechanism, title="职业健康达人评选", source="other",
        source_label="", lead_unit=other_liaison.membership.unit, supporting_units=(),
        deadline=None, deadline_workdays=10, actor=clerk,
    )  # fmt: skip
    progress_report_submit(report=record.draft_report, actor=other_liaison)
    search_index_refresh()
    assert ("action_item", new.pk) in ids(clerk, "达人")
    assert ("progress_report", record.draft_report.pk) in ids(other_liaison, "待核草稿")


def test_gone_records_leave_the_index(record: Record, clerk: Any) -> None:
    """A revised duty closes the old row: the old text is no longer found."""
    from django.utils import timezone

    Duty.objects.filter(pk=record.duty.pk).update(valid_to=timezone.now())
    ActionItem.supporting_units.through.objects.filter(actionitem=record.item_b).delete()
    record.item_b.delete()
    search_index_refresh()
    assert ids(clerk, "医疗救助") == set()
    assert ("action_item", record.item_b.pk) not in ids(clerk, "粉尘")


def test_rebuild_from_the_command_line(record: Record) -> None:
    before = set(SearchDocument.objects.values_list("kind", "object_id"))
    SearchDocument.objects.all().delete()
    out = StringIO()
    call_command("search_reindex", stdout=out)
    assert set(SearchDocument.objects.values_list("kind", "object_id")) == before
    assert "索引已重建" in out.getvalue() and "督办事项（action_item）" in out.getvalue()
    assert AuditEvent.objects.filter(action="search.rebuild").exists()


def test_rebuild_one_kind(record: Record, clerk: Any) -> None:
    counts = search_index_rebuild(kinds=["incident"])
    assert counts == {"incident": 1}
    assert ("incident", record.incident.pk) in ids(clerk, "石材")


def test_rebuild_of_an_unknown_kind_says_so(db: Any) -> None:
    from lianxi.core.exceptions import ApplicationError

    with pytest.raises(ApplicationError, match="没有这种检索类型"):
        search_index_rebuild(kinds=["nothing"])
