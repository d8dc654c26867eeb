"""Search over the whole record (二(四), annex): Chinese words, filters, highlights, and only
what the searcher may see. Runs on SQLite and on PostgreSQL (DATABASE_URL) with the same
expectations: both databases must find exactly the same documents."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from lianxi.search.selectors import search
from lianxi.supervision.models import ActionItem

from .conftest import Record

pytestmark = pytest.mark.django_db


def found(user: Any, query: str, **filters: Any) -> set[tuple[str, int]]:
    page = search(user, query, **filters)
    hits = {(h.kind, h.object_id) for h in page.hits}
    assert len(hits) == page.total  # everything on one page in these tests
    return hits


def kinds(user: Any, query: str, **filters: Any) -> set[str]:
    return {kind for kind, _ in found(user, query, **filters)}


def test_one_box_finds_every_kind_by_chinese_words(record: Record, clerk: Any) -> None:
    """二(四): units' duties, rules, meetings, minutes, items, reports, incidents — one search."""
    assert kinds(clerk, "尘肺") == {
        "duty", "meeting", "minutes", "action_item", "progress_report", "incident",
    }  # fmt: skip
    assert ("clause", record.clause.pk) in found(clerk, "督办")
    assert kinds(clerk, "市总工会") >= {"unit"}


def test_the_same_documents_on_both_databases(record: Record, clerk: Any) -> None:
    """The exact sets below are expected whichever database runs the test."""
    r = record
    from_minutes = ActionItem.objects.get(source=ActionItem.Source.MEETING)
    assert found(clerk, "尘肺病 救治") == {
        ("action_item", r.item_a.pk),
        ("progress_report", r.lead_report.pk),  # titled after their item
        ("progress_report", r.support_report.pk),
        ("action_item", from_minutes.pk),
        ("minutes", r.minutes.pk),
        ("meeting", r.draft_minutes.meeting_id),  # its carry-over agenda item quotes the matter
    }
    assert found(clerk, "粉尘") == {
        ("action_item", r.item_a.pk),
        ("action_item", r.item_b.pk),
        ("incident", r.incident.pk),
    }
    assert found(clerk, "矽尘") == {("incident", r.incident.pk)}
    assert found(clerk, "医疗救助") == {("duty", r.duty.pk)}
    assert found(clerk, "没有这个词语") == set()


def test_every_word_must_occur(record: Record, clerk: Any) -> None:
    assert found(clerk, "粉尘 石材") == {("incident", record.incident.pk)}


def test_a_title_match_ranks_above_a_body_match(record: Record, clerk: Any) -> None:
    page = search(clerk, "粉尘", kinds=["action_item"])
    assert [h.object_id for h in page.hits] == [record.item_b.pk, record.item_a.pk]


def test_snippets_highlight_the_words(record: Record, clerk: Any) -> None:
    page = search(clerk, "绿色通道")
    (hit,) = page.hits
    assert hit.kind == "progress_report"
    assert "<mark>绿色通道</mark>" in hit.snippet
    assert "<mark>" not in hit.title
    assert hit.url.endswith(f"#report-{record.support_report.pk}")


def test_filter_by_kind_keeps_the_counts_of_the_others(record: Record, clerk: Any) -> None:
    page = search(clerk, "尘肺", kinds=["incident"])
    assert [h.kind for h in page.hits] == ["incident"]
    assert page.total == 1
    counts = {c.kind: c.count for c in page.counts}
    assert counts["action_item"] == 2 and counts["progress_report"] == 2


def test_filter_by_unit(record: Record, clerk: Any, unit_named: Any) -> None:
    union = unit_named("市总工会")
    assert found(clerk, "尘肺", unit_id=union.pk) == {
        ("action_item", record.item_a.pk),
        ("meeting", record.meeting.pk),  # invited to both plenaries
        ("meeting", record.draft_minutes.meeting_id),
    }
    # Without words, the unit alone lists what concerns it, newest first.
    listed = found(
        clerk, "", unit_id=unit_named("市应急管理局").pk, kinds=["action_item", "incident"]
    )
    assert listed == {("action_item", record.item_b.pk), ("incident", record.incident.pk)}


def test_filter_by_date(record: Record, clerk: Any) -> None:
    today = timezone.localdate()
    two_days_ago = today - timedelta(days=2)
    assert ("incident", record.incident.pk) in found(clerk, "粉尘", date_from=two_days_ago)
    assert found(clerk, "粉尘", date_to=two_days_ago - timedelta(days=1)) == set()
    assert found(clerk, "粉尘", date_from=two_days_ago, date_to=two_days_ago) == {
        ("incident", record.incident.pk)
    }
    assert found(clerk, "粉尘", date_from=date(2000, 1, 1), date_to=date(2000, 12, 31)) == set()


def test_nothing_searched_without_words_or_filters(record: Record, clerk: Any) -> None:
    page = search(clerk, "   的  ")
    assert not page.searched and page.total == 0 and page.hits == []


# --- Only what the searcher may see ------------------------------------------------------------


def test_drafts_of_reports_and_minutes_are_never_found(
    record: Record, clerk: Any, other_liaison: Any, gov_reader: Any
) -> None:
    """三(一)1, 四(二): a draft progress report (even by its own unit) and draft minutes (even by
    the secretariat that drafts them) are not in the index at all."""
    for user in (clerk, other_liaison, gov_reader):
        assert found(user, "待核草稿") == set()
        assert found(user, "矽肺草案") == set()
    from lianxi.search.models import SearchDocument

    assert not SearchDocument.objects.filter(
        kind="progress_report", object_id=record.draft_report.pk
    )
    assert not SearchDocument.objects.filter(kind="minutes", object_id=record.draft_minutes.pk)


def test_a_unit_finds_only_the_items_it_leads_or_supports(
    record: Record, other_liaison: Any, edu_liaison: Any, safety_liaison: Any
) -> None:
    """四(二): another unit's action items do not appear."""
    assert ("action_item", record.item_a.pk) in found(other_liaison, "尘肺")
    assert ("action_item", record.item_b.pk) not in found(other_liaison, "粉尘")
    assert found(edu_liaison, "粉尘") == set()
    assert found(safety_liaison, "粉尘") >= {("action_item", record.item_b.pk)}


def test_a_supporting_units_report_is_hidden_from_the_other_supporting_unit(
    record: Record, union_liaison: Any, health_liaison: Any, gov_reader: Any
) -> None:
    """四(二): a supporting unit's report is seen by that unit, the lead unit, the secretariat
    and the government office — not by another supporting unit."""
    lead, support = (
        ("progress_report", record.lead_report.pk),
        (
            "progress_report",
            record.support_report.pk,
        ),
    )
    assert lead in found(union_liaison, "尘肺") and support not in found(union_liaison, "尘肺")
    assert {lead, support} <= found(health_liaison, "尘肺")
    assert {lead, support} <= found(gov_reader, "尘肺")


def test_incidents_only_for_the_units_concerned(
    record: Record, safety_liaison: Any, other_liaison: Any, health_liaison: Any, gov_reader: Any
) -> None:
    """三(四)2: the notified unit and the registering unit find the incident; others do not."""
    incident = ("incident", record.incident.pk)
    assert incident in found(safety_liaison, "石材")
    assert incident in found(health_liaison, "石材")  # registered by its unit (the secretariat)
    assert incident in found(gov_reader, "石材")
    assert found(other_liaison, "石材") == set()


def test_issued_minutes_for_the_units_that_received_them(
    record: Record, other_liaison: Any, gov_reader: Any, auditor: Any
) -> None:
    """三(一)1: issued minutes reach every member unit and, as a copy, the government office."""
    minutes = ("minutes", record.minutes.pk)
    assert minutes in found(other_liaison, "攻坚行动")
    assert minutes in found(gov_reader, "攻坚行动")
    assert found(auditor, "攻坚行动") == set()


def test_people_outside_the_work_find_only_the_catalogue(record: Record, auditor: Any) -> None:
    """The auditor may read units, duties and rules, but no meeting, item or incident."""
    assert kinds(auditor, "尘肺") == {"duty"}
    assert kinds(auditor, "督办") <= {"clause", "duty", "unit"}


def test_access_is_live_not_indexed(record: Record, other_liaison: Any, clerk: Any) -> None:
    """三(四)2: a unit notified after indexing finds the incident at once (no reindex needed)."""
    from lianxi.incidents.services import incident_notify

    assert found(other_liaison, "石材") == set()
    incident_notify(
        incident=record.incident, units=[other_liaison.membership.unit], actor=clerk.membership
    )
    assert found(other_liaison, "石材") == {("incident", record.incident.pk)}
