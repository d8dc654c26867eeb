"""督办 reads shared by pages, panels, the API and the meetings app."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from lianxi.organization.models import Mechanism, Membership, Unit

from . import access
from .lights import LIGHTS, RED, Cutoffs
from .models import ActionItem, ExtensionRequest, ProgressReport, Reminder, Review

LEDGER_PAGE_SIZE = 50


def unfinished_items(*, mechanism: Mechanism) -> QuerySet[ActionItem]:
    """Items not closed, by deadline: the next plenary's "上次会议议定事项落实情况"."""
    return (
        ActionItem.objects.filter(mechanism=mechanism)
        .exclude(status=ActionItem.Status.CLOSED)
        .select_related("lead_unit")
        .prefetch_related("supporting_units")
        .order_by("deadline", "id")
    )


def item_light(item: ActionItem, *, today: date) -> str:
    """green, yellow, red or done for one item (the ledger computes it in the database)."""
    return Cutoffs.for_day(today).light_of(item)


def with_lights(items: QuerySet[ActionItem], cutoffs: Cutoffs) -> QuerySet[ActionItem]:
    return items.annotate(light=cutoffs.expression())


# --- the ledger (督办台账) ------------------------------------------------------------------


@dataclass
class LedgerFilters:
    unit: Unit | None = None
    source: str = ""
    status: str = ""
    light: str = ""


def ledger_items(
    user: Any, filters: LedgerFilters, cutoffs: Cutoffs, *, with_light_filter: bool = True
) -> QuerySet[ActionItem]:
    """The items this person sees, filtered, with their light — one query however many."""
    items = access.visible_items(user)
    if filters.unit is not None:
        items = items.filter(access.unit_items_q(filters.unit.pk))
    if filters.source:
        items = items.filter(source=filters.source)
    if filters.status:
        items = items.filter(status=filters.status)
    if with_light_filter and filters.light:
        items = items.filter(cutoffs.q(filters.light))
    return with_lights(items, cutoffs)


def ledger_rows(items: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
    return (
        items.select_related("lead_unit")
        .prefetch_related("supporting_units")
        .order_by("deadline", "id")
    )


def with_latest_progress(items: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
    """Each item's latest sent report of its lead unit (what everyone who sees the item may
    read), as `latest_progress_text` and `latest_progress_at`: the .xlsx's 最新进展."""
    latest = ProgressReport.objects.filter(
        item=OuterRef("pk"),
        status=ProgressReport.Status.SUBMITTED,
        unit_id=OuterRef("lead_unit_id"),
    ).order_by("-submitted_at", "-id")
    return items.annotate(
        latest_progress_text=Subquery(latest.values("text")[:1]),
        latest_progress_at=Subquery(latest.values("submitted_at")[:1]),
    )


def returned_count(items: QuerySet[ActionItem]) -> int:
    """How many of `items` were returned and wait for the lead unit's new report (待补报)."""
    return items.filter(status=ActionItem.Status.RETURNED).order_by().count()


def light_counts(items: QuerySet[ActionItem], cutoffs: Cutoffs) -> dict[str, int]:
    """How many items of each light, in one aggregate query."""
    counts = items.order_by().aggregate(
        **{light: Count("pk", filter=cutoffs.q(light)) for light in LIGHTS}
    )
    return {light: counts[light] or 0 for light in LIGHTS}


def unit_light_counts(items: QuerySet[ActionItem], cutoffs: Cutoffs) -> list[dict[str, Any]]:
    """Per lead unit, how many items of each light — the ledger's chart, in one grouped query."""
    rows = (
        items.order_by()
        .values("lead_unit__name", "lead_unit__order")
        .annotate(**{light: Count("pk", filter=cutoffs.q(light)) for light in LIGHTS})
        .order_by("lead_unit__order", "lead_unit__name")
    )
    result = []
    for row in rows:
        counts: dict[str, Any] = dict(row)
        result.append(
            {"unit": counts["lead_unit__name"], **{light: counts[light] for light in LIGHTS}}
        )
    return result


# --- one item -----------------------------------------------------------------------------


@dataclass
class Timeline:
    reports: list[ProgressReport]
    reviews: list[Review]
    extensions: list[ExtensionRequest]
    urges: list[Reminder]
    events: list[tuple[Any, str, Any]]  # (moment, kind, object), newest first


def item_timeline(item: ActionItem, user: Any) -> Timeline:
    from lianxi.organization.access import membership_of

    membership = membership_of(user)
    reports = list(
        item.reports.filter(access.visible_reports_q(membership, item))
        .select_related("unit", "author")
        .order_by("-created_at", "-id")
    )
    reviews = list(item.reviews.select_related("reviewer", "report"))
    extensions = list(item.extensions.select_related("unit", "requested_by", "decided_by"))
    urges = list(item.reminders.filter(kind=Reminder.Kind.URGE).select_related("sent_by"))
    events: list[tuple[Any, str, Any]] = []
    for report in reports:
        events.append((report.submitted_at or report.created_at, "report", report))
    for review in reviews:
        events.append((review.created_at, "review", review))
    for extension in extensions:
        events.append((extension.created_at, "extension", extension))
    for urge in urges:
        events.append((urge.sent_at, "urge", urge))
    events.sort(key=lambda e: e[0], reverse=True)
    return Timeline(
        reports=reports, reviews=reviews, extensions=extensions, urges=urges, events=events
    )


# --- a unit's record ------------------------------------------------------------------------


@dataclass
class UnitRecord:
    leads: list[ActionItem]
    supports: list[ActionItem]
    closed: int
    closed_on_time: int
    overdue_open: int

    @property
    def on_time_rate(self) -> float | None:
        return self.closed_on_time / self.closed if self.closed else None


def unit_open_items(
    items: QuerySet[ActionItem], unit_id: int, cutoffs: Cutoffs
) -> QuerySet[ActionItem]:
    """Of `items` (what the person sees), the open ones a unit leads or supports, with their
    lights, by deadline."""
    return with_lights(
        items.filter(access.unit_items_q(unit_id))
        .exclude(status=ActionItem.Status.CLOSED)
        .select_related("lead_unit")
        .order_by("deadline", "id"),
        cutoffs,
    )


def unit_record(items: QuerySet[ActionItem], unit: Unit, cutoffs: Cutoffs) -> UnitRecord:
    """Of `items` (what the person sees), what a unit leads and supports (open, with lights)
    and its on-time rate."""
    open_list = list(unit_open_items(items, unit.pk, cutoffs))
    led = items.filter(lead_unit=unit).aggregate(
        closed=Count("pk", filter=Q(status=ActionItem.Status.CLOSED)),
        on_time=Count("pk", filter=Q(status=ActionItem.Status.CLOSED, closed_on_time=True)),
        overdue=Count("pk", filter=cutoffs.q(RED)),
    )
    return UnitRecord(
        leads=[i for i in open_list if i.lead_unit_id == unit.pk],
        supports=[i for i in open_list if i.lead_unit_id != unit.pk],
        closed=led["closed"],
        closed_on_time=led["on_time"],
        overdue_open=led["overdue"],
    )


# --- what waits for people ------------------------------------------------------------------


def awaiting_review(items: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
    """Of `items`, those with a closure request or a pending extension request, in one query; a
    pending extension's new date and unit come as `ext_new_deadline` and `ext_unit_name`."""
    pending = ExtensionRequest.objects.filter(
        item=OuterRef("pk"), status=ExtensionRequest.Status.PENDING
    )
    return (
        items.filter(Q(status=ActionItem.Status.CLOSURE_REQUESTED) | Exists(pending))
        .annotate(
            ext_new_deadline=Subquery(pending.values("new_deadline")[:1]),
            ext_unit_name=Subquery(pending.values("unit__name")[:1]),
        )
        .select_related("lead_unit")
        .order_by("deadline", "id")
    )


def unit_drafts(user: Any) -> QuerySet[ProgressReport]:
    """The person's unit's unsent reports on items still open, oldest first."""
    return (
        access.own_drafts(user)
        .exclude(item__status=ActionItem.Status.CLOSED)
        .select_related("item")
        .order_by("created_at", "id")
    )


def report_attachment(
    item: ActionItem, membership: Membership | None, report_pk: int
) -> tuple[str, bytes] | None:
    """The file of a progress report the member may see (四(二): drafts stay their unit's):
    (file name, content), or None when there is none to see."""
    report = (
        item.reports.filter(access.visible_reports_q(membership, item)).filter(pk=report_pk).first()
    )
    if report is None or not report.attachment:
        return None
    with report.attachment.open("rb") as stored:
        return report.attachment_name, stored.read()
