"""Reads of reports and briefs that pages and the API share (三(四)1, 三(四)3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from lianxi.organization.models import Membership, Unit
from lianxi.organization.selectors import member_units

from . import access
from .models import Brief, BriefArticle, BriefReceipt, InfoReport

PERIODS = {
    "year": "全年",
    "h1": "上半年",
    "h2": "下半年",
    "q1": "第一季度",
    "q2": "第二季度",
    "q3": "第三季度",
    "q4": "第四季度",
}
_PERIOD_MONTHS = {
    "year": (1, 13),
    "h1": (1, 7),
    "h2": (7, 13),
    "q1": (1, 4),
    "q2": (4, 7),
    "q3": (7, 10),
    "q4": (10, 13),
}


def period_window(year: int, period: str = "year") -> tuple[datetime, datetime]:
    """[start, end) of a year, half-year or quarter in the platform's time zone."""
    first, after = _PERIOD_MONTHS[period]
    start = timezone.make_aware(datetime(year, first, 1))
    end = timezone.make_aware(datetime(year + 1, 1, 1) if after == 13 else datetime(year, after, 1))
    return start, end


def unit_reports(membership: Membership) -> QuerySet[InfoReport]:
    return (
        access.visible_reports(membership)
        .select_related("unit", "author")
        .order_by("-updated_at", "-id")
    )


def review_queue(mechanism_id: int) -> QuerySet[InfoReport]:
    """Sent and not yet reviewed, oldest first: what waits for the secretariat."""
    return (
        InfoReport.objects.filter(mechanism_id=mechanism_id, status=InfoReport.Status.SENT)
        .select_related("unit")
        .order_by("sent_at", "id")
    )


def reviewed(mechanism_id: int, limit: int = 30) -> QuerySet[InfoReport]:
    return (
        InfoReport.objects.filter(
            mechanism_id=mechanism_id,
            status__in=[
                InfoReport.Status.ADOPTED,
                InfoReport.Status.RETURNED,
                InfoReport.Status.DECLINED,
            ],
        )
        .select_related("unit")
        .order_by("-reviewed_at", "-id")[:limit]
    )


def adopted_unused(mechanism_id: int) -> QuerySet[InfoReport]:
    """Adopted reports not yet in an issued brief: what the next brief can take."""
    in_issued = BriefArticle.objects.filter(
        source_report=OuterRef("pk"), brief__status=Brief.Status.ISSUED
    )
    return (
        InfoReport.objects.filter(mechanism_id=mechanism_id, status=InfoReport.Status.ADOPTED)
        .exclude(Exists(in_issued))
        .select_related("unit")
        .order_by("reviewed_at", "id")
    )


@dataclass
class UnitFigures:
    unit: Unit
    sent: int = 0
    adopted: int = 0
    returned: int = 0
    declined: int = 0
    in_briefs: int = 0

    @property
    def rate(self) -> float | None:
        """Adopted of sent, as a percentage; None when nothing was sent."""
        return None if not self.sent else round(100 * self.adopted / self.sent, 1)


def adoption_figures(mechanism_id: int, year: int, period: str = "year") -> list[UnitFigures]:
    """三(四)1 per unit and period: reports sent (first reaching the secretariat in the
    period), of those adopted, returned at least once, declined; and articles of the unit in
    briefs issued in the period. One query per kind, whatever the number of units."""
    start, end = period_window(year, period)
    units = list(member_units(mechanism_id))
    rows = {u.pk: UnitFigures(unit=u) for u in units}
    for row in (
        InfoReport.objects.filter(
            mechanism_id=mechanism_id, first_sent_at__gte=start, first_sent_at__lt=end
        )
        .values("unit_id")
        .annotate(
            sent=Count("pk"),
            adopted=Count("pk", filter=Q(status=InfoReport.Status.ADOPTED)),
            returned=Count("pk", filter=Q(returned_count__gt=0)),
            declined=Count("pk", filter=Q(status=InfoReport.Status.DECLINED)),
        )
        .order_by()
    ):
        if row["unit_id"] in rows:
            r = rows[row["unit_id"]]
            r.sent, r.adopted = row["sent"], row["adopted"]
            r.returned, r.declined = row["returned"], row["declined"]
    for counted in (
        BriefArticle.objects.filter(
            brief__mechanism_id=mechanism_id,
            brief__status=Brief.Status.ISSUED,
            brief__issued_at__gte=start,
            brief__issued_at__lt=end,
            source_unit__isnull=False,
        )
        .values("source_unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if counted["source_unit_id"] in rows:
            rows[counted["source_unit_id"]].in_briefs = counted["n"]
    return [rows[u.pk] for u in units]


def briefs_archive(
    membership: Membership, *, q: str = "", year: int | None = None, kind: str = ""
) -> QuerySet[Brief]:
    """The briefs one may see, newest first, searched in titles and articles."""
    briefs = access.visible_briefs(membership)
    if year:
        briefs = briefs.filter(year=year)
    if kind in Brief.Kind.values:
        briefs = briefs.filter(kind=kind)
    if q:
        briefs = briefs.filter(
            Q(title__icontains=q) | Q(articles__title__icontains=q) | Q(articles__body__icontains=q)
        ).distinct()
    # Counted in a subquery: a search through the articles joins only the matching ones.
    articles = (
        BriefArticle.objects.filter(brief=OuterRef("pk"))
        .values("brief")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return briefs.annotate(
        article_count=Coalesce(Subquery(articles), 0),
        signed=Count("receipts", filter=Q(receipts__signed_at__isnull=False), distinct=True),
        receivers=Count("receipts", distinct=True),
    ).order_by("status", "-issued_at", "-id")


def brief_detail(brief: Brief) -> tuple[list[BriefArticle], list[BriefReceipt]]:
    articles = list(brief.articles.select_related("source_unit", "source_report"))
    receipts = list(brief.receipts.select_related("unit", "signed_by"))
    return articles, receipts


def unsigned_briefs(membership: Membership) -> QuerySet[Brief]:
    return Brief.objects.filter(
        mechanism_id=membership.unit.mechanism_id,
        status=Brief.Status.ISSUED,
        receipts__unit_id=membership.unit_id,
        receipts__signed_at__isnull=True,
    ).order_by("-issued_at")


def library_list(
    membership: Membership,
    *,
    q: str = "",
    unit_id: int | None = None,
    industry: str = "",
    topic: str = "",
    year: int | None = None,
) -> QuerySet[InfoReport]:
    """三(四)3: the library of adopted 经验做法, searched by unit, industry, topic and year."""
    reports = access.library(membership).select_related("unit")
    if unit_id:
        reports = reports.filter(unit_id=unit_id)
    if industry:
        reports = reports.filter(industry__icontains=industry)
    if topic:
        reports = reports.filter(topic__icontains=topic)
    if year:
        start, end = period_window(year)
        reports = reports.filter(first_sent_at__gte=start, first_sent_at__lt=end)
    if q:
        reports = reports.filter(Q(title__icontains=q) | Q(body__icontains=q))
    return reports.order_by("-first_sent_at", "-id")


def years_with_reports(mechanism_id: int, today: date) -> list[int]:
    """This year back to the year of the first report sent."""
    first = InfoReport.objects.filter(
        mechanism_id=mechanism_id, first_sent_at__isnull=False
    ).aggregate(first=Min("first_sent_at"))["first"]
    since = timezone.localtime(first).year if first else today.year
    return list(range(today.year, min(since, today.year) - 1, -1))
