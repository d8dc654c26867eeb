"""The situation report (形势通报, 二(三)): the joint meeting reports the city's situation and
each unit's work for a period, compiled from the record — meetings held and matters agreed,
action items opened, closed on time or late and overdue, incidents by grade and outcome, and
the units' information — each figure traceable to the rows behind it (`figure_rows`).

Campaign and monitoring figures join when those apps exist (issues 10 and 14).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from lianxi.core.dates import cn_date
from lianxi.incidents.grading import grade_label, grades
from lianxi.incidents.models import Incident
from lianxi.meetings.models import Meeting, Minutes, Resolution
from lianxi.organization.models import Mechanism, Unit
from lianxi.organization.selectors import member_units
from lianxi.supervision.models import ActionItem

from .access import SEEN_BY_OFFICE
from .models import InfoReport
from .selectors import PERIODS, period_window

# Each figure the report states, by its key: what it counts (the label of its list).
FIGURES = {
    "plenary": "召开全体会议",
    "topical": "召开专题会议",
    "resolutions": "议定事项",
    "items_opened": "新立督办事项",
    "items_on_time": "按期办结的督办事项",
    "items_late": "逾期办结的督办事项",
    "items_overdue": "逾期未办结的督办事项",
    "incidents": "职业病危害事故",
    "incidents_closed": "已结案的事故",
    "info_sent": "成员单位报送信息",
    "info_adopted": "采用信息",
}

UNIT_FIGURES = (
    "items_opened",
    "items_on_time",
    "items_late",
    "items_overdue",
    "info_sent",
    "info_adopted",
)


@dataclass
class UnitPart:
    unit: Unit
    items_opened: int = 0
    items_on_time: int = 0
    items_late: int = 0
    items_overdue: int = 0
    info_sent: int = 0
    info_adopted: int = 0


@dataclass
class Situation:
    year: int
    period: str
    start: datetime
    end: datetime
    as_of: date  # overdue is judged on this day (the period's last, or today if sooner)
    counts: dict[str, int] = field(default_factory=dict)
    by_grade: list[tuple[str, str, int]] = field(default_factory=list)  # (code, label, n)
    units: list[UnitPart] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.year}年{PERIODS[self.period]}"


def _meetings(mechanism_id: int, start: datetime, end: datetime) -> QuerySet[Meeting]:
    return Meeting.objects.filter(
        mechanism_id=mechanism_id,
        status=Meeting.Status.HELD,
        starts_at__gte=start,
        starts_at__lt=end,
    )


def _resolutions(mechanism_id: int, start: datetime, end: datetime) -> QuerySet[Resolution]:
    """Agreed matters of the meetings held, once their minutes are approved: a draft's matters
    may still change."""
    return Resolution.objects.filter(
        minutes__meeting__in=_meetings(mechanism_id, start, end),
        minutes__status__in=[
            Minutes.Status.APPROVED,
            Minutes.Status.SIGNED,
            Minutes.Status.ISSUED,
        ],
    )


def _items(mechanism_id: int) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(mechanism_id=mechanism_id)


def _closed_in(start: datetime, end: datetime) -> Q:
    return Q(status=ActionItem.Status.CLOSED, closed_at__gte=start, closed_at__lt=end)


def _overdue_on(day: date, end: datetime) -> Q:
    """Open at the period's end (or closed after it) and past its deadline on `day`."""
    return Q(created_at__lt=end, deadline__lt=day) & (
        Q(closed_at__isnull=True) | Q(closed_at__gte=end)
    )


def _item_query(key: str, s: Situation) -> Q:
    return {
        "items_opened": Q(created_at__gte=s.start, created_at__lt=s.end),
        "items_on_time": _closed_in(s.start, s.end) & Q(closed_on_time=True),
        "items_late": _closed_in(s.start, s.end) & Q(closed_on_time=False),
        "items_overdue": _overdue_on(s.as_of, s.end),
    }[key]


def _incidents(mechanism_id: int, start: datetime, end: datetime) -> QuerySet[Incident]:
    return Incident.objects.filter(
        mechanism_id=mechanism_id, occurred_at__gte=start, occurred_at__lt=end
    ).exclude(status=Incident.Status.WITHDRAWN)


def _reports(mechanism_id: int, start: datetime, end: datetime) -> QuerySet[InfoReport]:
    return InfoReport.objects.filter(
        mechanism_id=mechanism_id, first_sent_at__gte=start, first_sent_at__lt=end
    )


def _rows(queryset: Any) -> list[Mapping[str, Any]]:
    """An aggregate's rows (annotations built from a dict are unknown to the type checker)."""
    return list(queryset)


def situation(mechanism: Mechanism, year: int, period: str, today: date) -> Situation:
    """The figures of the period: one query per kind of record, whatever the number of units."""
    start, end = period_window(year, period)
    last_day = timezone.localtime(end).date().toordinal() - 1
    s = Situation(
        year=year,
        period=period,
        start=start,
        end=end,
        as_of=min(today, date.fromordinal(last_day)),
    )
    m = mechanism.pk
    held = _meetings(m, start, end).aggregate(
        plenary=Count("pk", filter=Q(kind=Meeting.Kind.PLENARY)),
        topical=Count("pk", filter=Q(kind=Meeting.Kind.TOPICAL)),
    )
    s.counts.update(held)
    s.counts["resolutions"] = _resolutions(m, start, end).count()
    units = list(member_units(m))
    parts = {u.pk: UnitPart(unit=u) for u in units}
    annotations = {
        key: Count("pk", filter=_item_query(key, s)) for key in FIGURES if key.startswith("items_")
    }
    totals = {key: 0 for key in annotations}
    for row in _rows(_items(m).values("lead_unit_id").annotate(**annotations).order_by()):
        for key in annotations:
            totals[key] += row[key]
            if row["lead_unit_id"] in parts:
                setattr(parts[row["lead_unit_id"]], key, row[key])
    s.counts.update(totals)
    by_grade = dict(
        _incidents(m, start, end).values_list("grade").annotate(n=Count("pk")).order_by()
    )
    s.by_grade = [(g.code, g.label, by_grade.get(g.code, 0)) for g in grades()]
    s.by_grade += [
        (code, grade_label(code), n)
        for code, n in by_grade.items()
        if code not in {g.code for g in grades()}
    ]
    s.counts["incidents"] = sum(by_grade.values())
    s.counts["incidents_closed"] = (
        _incidents(m, start, end).filter(status=Incident.Status.CLOSED).count()
    )
    info_totals = {"info_sent": 0, "info_adopted": 0}
    for row in _rows(
        _reports(m, start, end)
        .values("unit_id")
        .annotate(sent=Count("pk"), adopted=Count("pk", filter=Q(status=InfoReport.Status.ADOPTED)))
        .order_by()
    ):
        info_totals["info_sent"] += row["sent"]
        info_totals["info_adopted"] += row["adopted"]
        if row["unit_id"] in parts:
            parts[row["unit_id"]].info_sent = row["sent"]
            parts[row["unit_id"]].info_adopted = row["adopted"]
    s.counts.update(info_totals)
    s.units = [parts[u.pk] for u in units]
    return s


@dataclass(frozen=True)
class RecordRow:
    when: str
    title: str
    state: str
    url: str
    unit: str = ""


def figure_rows(
    mechanism: Mechanism, s: Situation, key: str, unit_id: int | None = None
) -> list[RecordRow]:
    """The rows behind one figure of the report (for one unit's part when `unit_id`)."""
    m = mechanism.pk
    if key in ("plenary", "topical"):
        meetings = _meetings(m, s.start, s.end).filter(kind=key).order_by("starts_at")
        return [
            RecordRow(
                cn_date(timezone.localtime(x.starts_at).date()),
                x.title,
                x.get_status_display(),
                reverse("meetings:detail", args=[x.pk]),
            )
            for x in meetings
        ]
    if key == "resolutions":
        rows = (
            _resolutions(m, s.start, s.end)
            .select_related("minutes__meeting", "lead_unit")
            .order_by("minutes__meeting__starts_at", "number")
        )
        return [
            RecordRow(
                cn_date(timezone.localtime(r.minutes.meeting.starts_at).date()),
                r.text[:80],
                r.minutes.meeting.title,
                reverse("meetings:detail", args=[r.minutes.meeting_id]),
                r.lead_unit.name if r.lead_unit else "",
            )
            for r in rows
        ]
    if key.startswith("items_"):
        items = (
            _items(m)
            .filter(_item_query(key, s))
            .select_related("lead_unit")
            .order_by("deadline", "pk")
        )
        if unit_id:
            items = items.filter(lead_unit_id=unit_id)
        return [
            RecordRow(
                cn_date(i.deadline),
                i.title,
                i.get_status_display(),
                reverse("supervision:item", args=[i.pk]),
                i.lead_unit.name,
            )
            for i in items
        ]
    if key in ("incidents", "incidents_closed"):
        incidents = _incidents(m, s.start, s.end).order_by("occurred_at")
        if key == "incidents_closed":
            incidents = incidents.filter(status=Incident.Status.CLOSED)
        return [
            RecordRow(
                cn_date(timezone.localtime(x.occurred_at).date()),
                x.title,
                f"{grade_label(x.grade)} · {x.get_status_display()}",
                reverse("incidents:detail", args=[x.pk]),
            )
            for x in incidents
        ]
    if key in ("info_sent", "info_adopted"):
        reports = _reports(m, s.start, s.end).select_related("unit").order_by("first_sent_at")
        if key == "info_adopted":
            reports = reports.filter(status=InfoReport.Status.ADOPTED)
        if unit_id:
            reports = reports.filter(unit_id=unit_id)
        return [
            RecordRow(
                cn_date(timezone.localtime(r.first_sent_at).date()) if r.first_sent_at else "",
                # Returned and being changed, it is the unit's draft again: not its new title.
                r.title if r.status in SEEN_BY_OFFICE else "（退回后单位修改中）",
                r.get_status_display(),
                (reverse("bulletins:report", args=[r.pk]) if r.status in SEEN_BY_OFFICE else ""),
                r.unit.name,
            )
            for r in reports
        ]
    raise KeyError(key)


def situation_text(s: Situation, mechanism_name: str) -> list[str]:
    """The draft's paragraphs: the secretariat edits them in the brief before issuing."""
    c = s.counts
    meetings = (
        f"召开全体会议{c['plenary']}次、专题会议{c['topical']}次，议定事项{c['resolutions']}项"
    )
    items = (
        f"新立督办事项{c['items_opened']}项，按期办结{c['items_on_time']}项、逾期办结"
        f"{c['items_late']}项，截至{cn_date(s.as_of)}逾期未办结{c['items_overdue']}项"
    )
    grades_text = "、".join(f"{label}{n}起" for _, label, n in s.by_grade if n)
    incidents = (
        f"发生职业病危害事故{c['incidents']}起（{grades_text}），已结案{c['incidents_closed']}起"
        if c["incidents"]
        else "未发生职业病危害事故"
    )
    info = f"各成员单位报送信息{c['info_sent']}篇，采用{c['info_adopted']}篇"
    paragraphs = [
        f"{s.label}，{mechanism_name}各成员单位认真履行职业病防治职责，现将有关情况通报如下。",
        "一、会议及议定事项",
        f"{s.label}，联席会议{meetings}。",
        "二、督办事项落实情况",
        f"{items}。",
        "三、职业病危害事故",
        f"{incidents}。",
        "四、信息报送",
        f"{info}。",
        "五、各成员单位工作情况",
    ]
    for p in s.units:
        if p.items_opened or p.items_on_time or p.items_late or p.items_overdue or p.info_sent:
            paragraphs.append(
                f"{p.unit.name}：新立牵头事项{p.items_opened}项，按期办结{p.items_on_time}项，"
                f"逾期办结{p.items_late}项，逾期未办结{p.items_overdue}项；报送信息"
                f"{p.info_sent}篇，采用{p.info_adopted}篇。"
            )
    return paragraphs


def figure_url(s: Situation, key: str, unit_id: int | None = None) -> str:
    query = f"?year={s.year}&period={s.period}&figure={key}"
    if unit_id:
        query += f"&unit={unit_id}"
    return reverse("bulletins:situation_records") + query


def city_rows(s: Situation) -> list[tuple[str, str, int, str]]:
    """(key, label, count, link to its rows) of each city-wide figure, in the report's order."""
    return [(key, label, s.counts[key], figure_url(s, key)) for key, label in FIGURES.items()]


def unit_rows(s: Situation) -> list[tuple[UnitPart, dict[str, str]]]:
    """Each unit's part with the link to the rows behind each of its figures."""
    return [(p, {key: figure_url(s, key, p.unit.pk) for key in UNIT_FIGURES}) for p in s.units]
