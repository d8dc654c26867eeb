"""履职情况 (四(三), with 三(一)1, 四(二), 三(二), 三(四)2, 四(四)): each member unit's year
compiled from the platform's own record — the meetings it attended or asked leave from (with a named
substitute or not), the action items it led and supported (closed on time, late, still open),
its progress feedback against the feedback period, its acknowledgements of incident notices and
how long they took, the comment rounds and major-matter rounds it answered, and the timeliness
of its annual submission. Information reports (三(四)1) are not kept on the platform yet: that
figure is shown as not enabled, never as 0.

`unit_year_records` reads every unit's figures with one aggregate query per kind of record
(the count does not grow with the units); `unit_year_details` lists the records behind one
unit's figures, which the unit page shows so that every figure can be traced to its rows.

Who sees it is decided in access.py (record_unit_for and its neighbours); the .xlsx and .docx are
built in record_files.py.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from lianxi.bulletins.models import InfoReport
from lianxi.core.calendar import workdays_after
from lianxi.decisions.models import Opinion
from lianxi.documents.models import UnitReply
from lianxi.incidents.models import IncidentNotice
from lianxi.meetings.models import Attendance, Meeting
from lianxi.organization.access import membership_of
from lianxi.organization.models import Mechanism, Unit
from lianxi.organization.selectors import member_units
from lianxi.supervision.models import ActionItem, ProgressReport, Reminder

from .models import AnnualCycle, AnnualSubmission

NOT_ENABLED = "—"


# --- the figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int | str | None  # None: the platform keeps no such record (未启用)
    url: str
    note: str = ""

    @property
    def shown(self) -> str:
        return NOT_ENABLED if self.value is None else str(self.value)


@dataclass
class UnitYearRecord:
    unit: Unit
    year: int
    # 三(一)1: meetings held in the year to which the unit was invited, and what it did.
    meetings_invited: int = 0
    meetings_present: int = 0  # 出席 (or 列席)
    meetings_delegated: int = 0  # 请假，委托其他负责同志出席
    meetings_on_leave: int = 0  # 请假，无人出席
    meetings_absent: int = 0  # 缺席
    # 四(二): action items of the year the unit led / supported.
    led_total: int = 0
    led_on_time: int = 0
    led_late: int = 0
    led_open: int = 0
    led_overdue: int = 0  # of the open ones, past their deadline
    supported_total: int = 0
    supported_on_time: int = 0
    supported_late: int = 0
    supported_open: int = 0
    # 四(二): progress feedback sent, and feedback periods that passed without one (the
    # supervision tick's 进展反馈到期 reminders on the items the unit leads).
    reports_sent: int = 0
    feedback_missed: int = 0
    # 三(四)2: incident notices and their acknowledgement.
    notices: int = 0
    acked_on_time: int = 0
    acked_late: int = 0
    unacked: int = 0
    ack_minutes_avg: int | None = None
    ack_minutes_max: int | None = None
    # 三(二): comment rounds on documents; 四(四): rounds on major matters.
    rounds_asked: int = 0
    rounds_on_time: int = 0
    rounds_late: int = 0
    rounds_silent: int = 0
    opinions_asked: int = 0
    opinions_on_time: int = 0
    opinions_late: int = 0
    opinions_silent: int = 0
    # 三(四)1: information reports first sent in the year, and of those adopted.
    info_sent: int = 0
    reports_adopted: int | None = 0
    # 四(三): the submission of the cycle whose summary is of this year.
    submission: AnnualSubmission | None = None
    submission_late_workdays: int | None = None
    cycle: AnnualCycle | None = field(default=None, repr=False)

    @property
    def submission_state(self) -> str:
        if self.cycle is None or self.submission is None:
            return "未启动"
        if self.submission.completed_at is None:
            days = self.submission_late_workdays or 0
            return f"未报送齐全（已逾期 {days} 个工作日）" if days else "未报送齐全"
        days = self.submission_late_workdays or 0
        return f"逾期 {days} 个工作日报送" if days else "按时报送"

    @property
    def submission_brief(self) -> str:
        """The state in a few characters, for the all-units table (beside it the working days
        late; its title has the whole)."""
        if self.cycle is None or self.submission is None:
            return "未启动"
        if self.submission.completed_at is None:
            return "未报齐"
        return "逾期" if self.submission_late_workdays else "按时"

    def url(self, anchor: str) -> str:
        return reverse("annual:record_unit", args=[self.year, self.unit.pk]) + f"#{anchor}"

    def groups(self) -> list[tuple[str, str, list[Figure]]]:
        """(title, clause, figures), each figure linking to the rows behind it."""
        u = self.url
        ack_avg = "" if self.ack_minutes_avg is None else f"平均 {self.ack_minutes_avg} 分钟"
        ack_max = "" if self.ack_minutes_max is None else f"最长 {self.ack_minutes_max} 分钟"
        submitted = (
            timezone.localtime(self.submission.completed_at).date().isoformat()
            if self.submission is not None and self.submission.completed_at
            else ""
        )
        return [
            (
                "参加会议",
                "三(一)1",
                [
                    Figure(
                        "meetings_invited", "应参会（次）", self.meetings_invited, u("meetings")
                    ),
                    Figure("meetings_present", "出席（次）", self.meetings_present, u("meetings")),
                    Figure(
                        "meetings_delegated",
                        "请假并委托出席（次）",
                        self.meetings_delegated,
                        u("meetings"),
                    ),
                    Figure(
                        "meetings_on_leave",
                        "请假未委托（次）",
                        self.meetings_on_leave,
                        u("meetings"),
                    ),
                    Figure("meetings_absent", "缺席（次）", self.meetings_absent, u("meetings")),
                ],
            ),
            (
                "牵头督办事项",
                "四(二)",
                [
                    Figure("led_total", "牵头（项）", self.led_total, u("led")),
                    Figure("led_on_time", "按期办结（项）", self.led_on_time, u("led")),
                    Figure("led_late", "逾期办结（项）", self.led_late, u("led")),
                    Figure("led_open", "未办结（项）", self.led_open, u("led")),
                    Figure("led_overdue", "其中已逾期（项）", self.led_overdue, u("led")),
                ],
            ),
            (
                "配合督办事项",
                "四(二)",
                [
                    Figure("supported_total", "配合（项）", self.supported_total, u("supported")),
                    Figure(
                        "supported_on_time",
                        "按期办结（项）",
                        self.supported_on_time,
                        u("supported"),
                    ),
                    Figure("supported_late", "逾期办结（项）", self.supported_late, u("supported")),
                    Figure("supported_open", "未办结（项）", self.supported_open, u("supported")),
                ],
            ),
            (
                "进展反馈",
                "四(二)",
                [
                    Figure("reports_sent", "报送进展反馈（次）", self.reports_sent, u("feedback")),
                    Figure(
                        "feedback_missed",
                        "反馈周期内未反馈（次）",
                        self.feedback_missed,
                        u("feedback"),
                        "按事项反馈周期（工作日）到期未反馈、收到反馈提醒的次数",
                    ),
                ],
            ),
            (
                "事故通报确认",
                "三(四)2",
                [
                    Figure("notices", "收到通报（次）", self.notices, u("incidents")),
                    Figure("acked_on_time", "按时确认（次）", self.acked_on_time, u("incidents")),
                    Figure("acked_late", "超时确认（次）", self.acked_late, u("incidents")),
                    Figure("unacked", "未确认（次）", self.unacked, u("incidents")),
                    Figure(
                        "ack_minutes_avg",
                        "确认用时（分钟，平均）",
                        self.ack_minutes_avg if self.ack_minutes_avg is not None else "",
                        u("incidents"),
                        "；".join(x for x in (ack_avg, ack_max) if x),
                    ),
                ],
            ),
            (
                "征求意见答复",
                "三(二)、四(四)",
                [
                    Figure("rounds_asked", "公文征求意见（轮）", self.rounds_asked, u("rounds")),
                    Figure("rounds_on_time", "按时反馈（轮）", self.rounds_on_time, u("rounds")),
                    Figure("rounds_late", "逾期反馈（轮）", self.rounds_late, u("rounds")),
                    Figure("rounds_silent", "未反馈（轮）", self.rounds_silent, u("rounds")),
                    Figure(
                        "opinions_asked",
                        "重大事项征求意见（轮）",
                        self.opinions_asked,
                        u("opinions"),
                    ),
                    Figure(
                        "opinions_on_time", "按时答复（轮）", self.opinions_on_time, u("opinions")
                    ),
                    Figure("opinions_late", "逾期答复（轮）", self.opinions_late, u("opinions")),
                    Figure("opinions_silent", "未答复（轮）", self.opinions_silent, u("opinions")),
                ],
            ),
            (
                "信息报送",
                "三(四)1",
                [
                    Figure("info_sent", "报送信息（篇）", self.info_sent, u("bulletins")),
                    Figure(
                        "reports_adopted",
                        "信息被采用（篇）",
                        self.reports_adopted,
                        u("bulletins"),
                        "按首次报送时间计入年度",
                    ),
                ],
            ),
            (
                "年度材料报送",
                "四(三)",
                [
                    Figure(
                        "submission",
                        "报送情况",
                        self.submission_state,
                        u("submission"),
                        f"报送齐全于 {submitted}" if submitted else "",
                    ),
                    Figure(
                        "submission_late_workdays",
                        "逾期（工作日）",
                        ""
                        if self.submission_late_workdays is None
                        else self.submission_late_workdays,
                        u("submission"),
                    ),
                ],
            ),
        ]

    def figures(self) -> dict[str, Figure]:
        return {f.key: f for _, _, figures in self.groups() for f in figures}


def year_window(year: int) -> tuple[datetime, datetime]:
    """The year in the platform's time zone: [1 January, next 1 January)."""
    return (
        timezone.make_aware(datetime(year, 1, 1)),
        timezone.make_aware(datetime(year + 1, 1, 1)),
    )


def _items_of_year(mechanism_id: int, start: datetime, end: datetime) -> Q:
    """Action items the year had in hand: created before its end, not closed before it began."""
    return Q(mechanism_id=mechanism_id, created_at__lt=end) & (
        Q(closed_at__isnull=True) | Q(closed_at__gte=start)
    )


def _item_counts(
    prefix: str, start: datetime, end: datetime, overdue_before: date
) -> dict[str, Any]:
    p = prefix
    closed_in_year = Q(**{f"{p}status": ActionItem.Status.CLOSED}) & Q(
        **{f"{p}closed_at__gte": start, f"{p}closed_at__lt": end}
    )
    still_open = Q(**{f"{p}closed_at__isnull": True}) | Q(**{f"{p}closed_at__gte": end})
    return {
        "total": Count("pk"),
        "on_time": Count("pk", filter=closed_in_year & Q(**{f"{p}closed_on_time": True})),
        "late": Count("pk", filter=closed_in_year & Q(**{f"{p}closed_on_time": False})),
        "open": Count("pk", filter=still_open),
        "overdue": Count("pk", filter=still_open & Q(**{f"{p}deadline__lt": overdue_before})),
    }


def _rows(queryset: Any) -> list[Mapping[str, Any]]:
    """An aggregate's rows (annotations built from a dict are unknown to the type checker)."""
    return list(queryset)


def _minutes(value: timedelta | None) -> int | None:
    return None if value is None else round(value.total_seconds() / 60)


def unit_year_records(
    mechanism: Mechanism, year: int, *, units: list[Unit] | None = None, today: date | None = None
) -> list[UnitYearRecord]:
    """Every active member unit's year (or `units`'), in the units' order: one query per kind
    of record, whatever the number of units."""
    today = today or timezone.localdate()
    start, end = year_window(year)
    overdue_before = min(today, date(year + 1, 1, 1))
    units = list(member_units(mechanism.pk)) if units is None else units
    ids = [u.pk for u in units]
    records = {u.pk: UnitYearRecord(unit=u, year=year) for u in units}

    row: Mapping[str, Any]  # each query's aggregate row, by unit
    # 三(一)1: attendance at the meetings held in the year.
    for row in (
        Attendance.objects.filter(
            unit_id__in=ids,
            meeting__mechanism=mechanism,
            meeting__status=Meeting.Status.HELD,
            meeting__starts_at__gte=start,
            meeting__starts_at__lt=end,
        )
        .values("unit_id")
        .annotate(
            invited=Count("pk"),
            present=Count(
                "pk", filter=Q(actual__in=[Attendance.Actual.PRESENT, Attendance.Actual.OBSERVER])
            ),
            delegated=Count("pk", filter=Q(actual=Attendance.Actual.DELEGATE)),
            on_leave=Count("pk", filter=Q(actual=Attendance.Actual.ON_LEAVE)),
            absent=Count("pk", filter=Q(actual=Attendance.Actual.ABSENT)),
        )
        .order_by()
    ):
        r = records[row["unit_id"]]
        r.meetings_invited, r.meetings_present = row["invited"], row["present"]
        r.meetings_delegated, r.meetings_on_leave = row["delegated"], row["on_leave"]
        r.meetings_absent = row["absent"]

    # 四(二): the items led.
    for row in _rows(
        ActionItem.objects.filter(_items_of_year(mechanism.pk, start, end), lead_unit_id__in=ids)
        .values("lead_unit_id")
        .annotate(**_item_counts("", start, end, overdue_before))
        .order_by()
    ):
        r = records[row["lead_unit_id"]]
        r.led_total, r.led_on_time, r.led_late = row["total"], row["on_time"], row["late"]
        r.led_open, r.led_overdue = row["open"], row["overdue"]

    # 四(二): the items supported (rows of the supporting-units table).
    through = ActionItem.supporting_units.through
    year_q = _items_of_year(mechanism.pk, start, end)
    supported_q = Q(actionitem__in=ActionItem.objects.filter(year_q))
    for row in _rows(
        through.objects.filter(supported_q, unit_id__in=ids)
        .values("unit_id")
        .annotate(**_item_counts("actionitem__", start, end, overdue_before))
        .order_by()
    ):
        r = records[row["unit_id"]]
        r.supported_total, r.supported_on_time = row["total"], row["on_time"]
        r.supported_late, r.supported_open = row["late"], row["open"]

    # 四(二): progress feedback sent in the year, by the unit (lead or supporting).
    for row in (
        ProgressReport.objects.filter(
            unit_id__in=ids,
            item__mechanism=mechanism,
            status=ProgressReport.Status.SUBMITTED,
            submitted_at__gte=start,
            submitted_at__lt=end,
        )
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        records[row["unit_id"]].reports_sent = row["n"]

    # 四(二): feedback periods missed: one per item and period end (the liaison's and the
    # member's reminders of the same period are one miss); distinct pairs, counted here.
    for unit_id, _item, _about in (
        Reminder.objects.filter(
            item__mechanism=mechanism,
            item__lead_unit_id__in=ids,
            kind=Reminder.Kind.FEEDBACK,
            sent_at__gte=start,
            sent_at__lt=end,
        )
        .values_list("item__lead_unit_id", "item_id", "about")
        .distinct()
        .order_by()
    ):
        records[unit_id].feedback_missed += 1

    # 三(四)2: incident notices sent in the year and their acknowledgement.
    took = ExpressionWrapper(F("acknowledged_at") - F("sent_at"), output_field=DurationField())
    for row in (
        IncidentNotice.objects.filter(
            unit_id__in=ids,
            incident__mechanism=mechanism,
            sent_at__gte=start,
            sent_at__lt=end,
        )
        .values("unit_id")
        .annotate(
            n=Count("pk"),
            on_time=Count("pk", filter=Q(acknowledged_at__lte=F("ack_due_at"))),
            late=Count("pk", filter=Q(acknowledged_at__gt=F("ack_due_at"))),
            unacked=Count("pk", filter=Q(acknowledged_at__isnull=True)),
            avg=Avg(took),
            longest=Max(took),
        )
        .order_by()
    ):
        r = records[row["unit_id"]]
        r.notices, r.acked_on_time, r.acked_late = row["n"], row["on_time"], row["late"]
        r.unacked = row["unacked"]
        r.ack_minutes_avg, r.ack_minutes_max = _minutes(row["avg"]), _minutes(row["longest"])

    # 三(二): the comment rounds on documents sent in the year.
    submitted = Q(status=UnitReply.Status.SUBMITTED)
    # 未反馈: deemed or marked overdue by the round's tick, or still unanswered past the deadline
    # (the tick may not have run yet: the figure must not wait for it).
    reply_silent = Q(status__in=[UnitReply.Status.DEEMED, UnitReply.Status.OVERDUE]) | Q(
        status__in=[UnitReply.Status.PENDING, UnitReply.Status.DRAFTED],
        consultation__deadline__lt=today,
    )
    for row in (
        UnitReply.objects.filter(
            unit_id__in=ids,
            consultation__document__mechanism=mechanism,
            consultation__sent_at__gte=start,
            consultation__sent_at__lt=end,
        )
        .values("unit_id")
        .annotate(
            n=Count("pk"),
            on_time=Count(
                "pk", filter=submitted & Q(submitted_at__date__lte=F("consultation__deadline"))
            ),
            late=Count(
                "pk", filter=submitted & Q(submitted_at__date__gt=F("consultation__deadline"))
            ),
            silent=Count("pk", filter=reply_silent),
        )
        .order_by()
    ):
        r = records[row["unit_id"]]
        r.rounds_asked, r.rounds_on_time = row["n"], row["on_time"]
        r.rounds_late, r.rounds_silent = row["late"], row["silent"]

    # 四(四): the rounds on major matters opened in the year.
    answered = Q(status=Opinion.Status.SUBMITTED)
    for row in (
        Opinion.objects.filter(
            unit_id__in=ids,
            round__decision__mechanism=mechanism,
            round__opened_at__gte=start,
            round__opened_at__lt=end,
        )
        .values("unit_id")
        .annotate(
            n=Count("pk"),
            on_time=Count("pk", filter=answered & Q(submitted_at__date__lte=F("round__deadline"))),
            late=Count("pk", filter=answered & Q(submitted_at__date__gt=F("round__deadline"))),
            silent=Count(
                "pk",
                filter=Q(status=Opinion.Status.SILENT)
                | Q(
                    status__in=[Opinion.Status.PENDING, Opinion.Status.DRAFTED],
                    round__deadline__lt=today,
                ),
            ),
        )
        .order_by()
    ):
        r = records[row["unit_id"]]
        r.opinions_asked, r.opinions_on_time = row["n"], row["on_time"]
        r.opinions_late, r.opinions_silent = row["late"], row["silent"]

    # 三(四)1: information reports first sent to the secretariat in the year, and adopted.
    for row in (
        InfoReport.objects.filter(
            mechanism=mechanism, unit_id__in=ids, first_sent_at__gte=start, first_sent_at__lt=end
        )
        .values("unit_id")
        .annotate(n=Count("pk"), adopted=Count("pk", filter=Q(status=InfoReport.Status.ADOPTED)))
        .order_by()
    ):
        records[row["unit_id"]].info_sent = row["n"]
        records[row["unit_id"]].reports_adopted = row["adopted"]

    # 四(三): the submission of the next year's cycle (its summary is of this year).
    # The working days past the deadline are read once for every unit (as the board does),
    # not once a unit: the page's queries must not grow with the units.
    submissions = list(
        AnnualSubmission.objects.filter(
            cycle__mechanism=mechanism, cycle__year=year + 1, unit_id__in=ids
        ).select_related("cycle")
    )
    ends = {
        s.pk: timezone.localtime(s.completed_at).date() if s.completed_at else today
        for s in submissions
    }
    if submissions:
        deadline = submissions[0].cycle.deadline  # one cycle a year per joint meeting
        last = max(ends.values())
        after = workdays_after(deadline, last) if last > deadline else []
    for submission in submissions:
        r = records[submission.unit_id]
        r.cycle, r.submission = submission.cycle, submission
        r.submission_late_workdays = bisect_right(after, ends[submission.pk])

    return [records[u.pk] for u in units]


def unit_year_record(
    mechanism: Mechanism, unit: Unit, year: int, *, today: date | None = None
) -> UnitYearRecord:
    return unit_year_records(mechanism, year, units=[unit], today=today)[0]


# --- the records behind the figures --------------------------------------------------------


@dataclass
class Row:
    """One record behind a figure: what it is, its state for the unit, and its page."""

    when: str
    title: str
    state: str
    url: str  # "" when the person reading could not open it (see `openable`)
    note: str = ""
    kind: str = ""  # meeting, item, incident, reply, decision: whose access decides the link
    pk: int = 0


@dataclass
class UnitYearDetails:
    meetings: list[Row]
    led: list[Row]
    supported: list[Row]
    feedback: list[Row]
    incidents: list[Row]
    rounds: list[Row]
    opinions: list[Row]
    bulletins: list[Row]


def _day(moment: datetime | None) -> str:
    return timezone.localtime(moment).date().isoformat() if moment else ""


def _item_state(item: ActionItem, end: datetime, overdue_before: date) -> str:
    if item.status == ActionItem.Status.CLOSED and item.closed_at and item.closed_at < end:
        return "按期办结" if item.closed_on_time else "逾期办结"
    return "未办结（已逾期）" if item.deadline < overdue_before else "未办结"


def _on_time(answered_at: datetime | None, deadline: date) -> str:
    if answered_at is None:
        return ""
    return "按时" if timezone.localtime(answered_at).date() <= deadline else "逾期"


def _answer_state(
    label: str, status: str, answered_at: datetime | None, deadline: date, today: date
) -> str:
    """A reply's state as the figures count it: on time or late once answered; past the
    deadline without an answer it is silent even before the round's tick has marked it."""
    if status == "submitted":
        return f"{label}（{_on_time(answered_at, deadline)}）"
    if status in ("pending", "drafted") and deadline < today:
        return f"{label}（已过截止日，计为未反馈）"
    return label


def unit_year_details(
    mechanism: Mechanism, unit: Unit, year: int, *, today: date | None = None
) -> UnitYearDetails:
    """The rows each figure counts, with a link to each record's own page."""
    today = today or timezone.localdate()
    start, end = year_window(year)
    attendances = (
        Attendance.objects.filter(
            unit=unit,
            meeting__mechanism=mechanism,
            meeting__status=Meeting.Status.HELD,
            meeting__starts_at__gte=start,
            meeting__starts_at__lt=end,
        )
        .select_related("meeting")
        .order_by("meeting__starts_at", "pk")
    )
    meetings = [
        Row(
            when=_day(a.meeting.starts_at),
            title=a.meeting.title,
            state=a.get_actual_display() or "未登记",
            url=reverse("meetings:detail", args=[a.meeting_id]),
            kind="meeting",
            pk=a.meeting_id,
            note=f"委托{a.actual_name or a.substitute_name}出席"
            if a.actual == Attendance.Actual.DELEGATE
            else "",
        )
        for a in attendances
    ]
    items = ActionItem.objects.filter(_items_of_year(mechanism.pk, start, end)).order_by(
        "deadline", "pk"
    )

    def item_rows(qs: Any) -> list[Row]:
        return [
            Row(
                when=i.deadline.isoformat(),
                title=i.title,
                state=_item_state(i, end, min(today, date(year + 1, 1, 1))),
                url=reverse("supervision:item", args=[i.pk]),
                kind="item",
                pk=i.pk,
                note=f"办结于 {_day(i.closed_at)}" if i.closed_at else "",
            )
            for i in qs
        ]

    led = item_rows(items.filter(lead_unit=unit))
    supported = item_rows(items.filter(supporting_units=unit))
    reports = ProgressReport.objects.filter(
        unit=unit,
        item__mechanism=mechanism,
        status=ProgressReport.Status.SUBMITTED,
        submitted_at__gte=start,
        submitted_at__lt=end,
    ).select_related("item")
    feedback = [
        Row(
            when=_day(r.submitted_at),
            title=r.item.title,
            state="报送进展反馈",
            url=reverse("supervision:item", args=[r.item_id]),
            kind="item",
            pk=r.item_id,
        )
        for r in reports.order_by("submitted_at", "pk")
    ]
    missed = (
        Reminder.objects.filter(
            item__mechanism=mechanism,
            item__lead_unit=unit,
            kind=Reminder.Kind.FEEDBACK,
            sent_at__gte=start,
            sent_at__lt=end,
        )
        .values_list("item_id", "item__title", "about")
        .distinct()
        .order_by("about", "item_id")
    )
    feedback += [
        Row(
            when=about.isoformat(),
            title=title,
            state="反馈周期到期未反馈",
            url=reverse("supervision:item", args=[item_id]),
            kind="item",
            pk=item_id,
        )
        for item_id, title, about in missed
    ]
    feedback.sort(key=lambda row: row.when)  # the reports and the missed periods, by date
    notices = (
        IncidentNotice.objects.filter(
            unit=unit, incident__mechanism=mechanism, sent_at__gte=start, sent_at__lt=end
        )
        .select_related("incident")
        .order_by("sent_at", "pk")
    )
    incidents = []
    for n in notices:
        if n.acknowledged_at is None:
            state, note = "未确认", f"应于 {timezone.localtime(n.ack_due_at):%Y-%m-%d %H:%M} 前确认"
        else:
            state = "按时确认" if n.acknowledged_at <= n.ack_due_at else "超时确认"
            minutes = _minutes(n.acknowledged_at - n.sent_at)
            at = timezone.localtime(n.acknowledged_at)
            note = f"通报后 {minutes} 分钟确认（{at:%Y-%m-%d %H:%M}）"
        incidents.append(
            Row(
                when=_day(n.sent_at),
                title=n.incident.title,
                state=state,
                url=reverse("incidents:detail", args=[n.incident_id]),
                kind="incident",
                pk=n.incident_id,
                note=note,
            )
        )
    replies = (
        UnitReply.objects.filter(
            unit=unit,
            consultation__document__mechanism=mechanism,
            consultation__sent_at__gte=start,
            consultation__sent_at__lt=end,
        )
        .select_related("consultation__document")
        .order_by("consultation__sent_at", "pk")
    )
    rounds = [
        Row(
            when=_day(r.consultation.sent_at),
            title=f"{r.consultation.document.title}（第{r.consultation.round}轮）",
            state=_answer_state(
                r.get_status_display(),
                r.status,
                r.submitted_at,
                r.consultation.deadline,
                today,
            ),
            url=reverse("documents:reply", args=[r.pk]),
            kind="reply",
            pk=r.pk,
            note=f"截止 {r.consultation.deadline.isoformat()}",
        )
        for r in replies
    ]
    opinion_rows = (
        Opinion.objects.filter(
            unit=unit,
            round__decision__mechanism=mechanism,
            round__opened_at__gte=start,
            round__opened_at__lt=end,
        )
        .select_related("round__decision")
        .order_by("round__opened_at", "pk")
    )
    opinions = [
        Row(
            when=_day(o.round.opened_at),
            title=o.round.decision.title,
            state=_answer_state(
                o.get_status_display(),
                o.status,
                o.submitted_at,
                o.round.deadline,
                today,
            ),
            # The matter's page, where the round and every answer are (the answer page is the
            # unit's own form, refused to the secretariat).
            url=reverse("decisions:detail", args=[o.round.decision_id]),
            kind="decision",
            pk=o.round.decision_id,
            note=f"截止 {o.round.deadline.isoformat()}",
        )
        for o in opinion_rows
    ]
    info = InfoReport.objects.filter(
        mechanism=mechanism, unit=unit, first_sent_at__gte=start, first_sent_at__lt=end
    ).order_by("first_sent_at", "pk")
    bulletins = [
        Row(
            when=_day(r.first_sent_at),
            title=r.title,
            state=r.get_status_display(),
            url=reverse("bulletins:report", args=[r.pk]),
            kind="info_report",
            pk=r.pk,
            note=r.get_kind_display(),
        )
        for r in info
    ]
    return UnitYearDetails(
        bulletins=bulletins,
        meetings=meetings,
        led=led,
        supported=supported,
        feedback=feedback,
        incidents=incidents,
        rounds=rounds,
        opinions=opinions,
    )


def openable(user: Any, details: UnitYearDetails) -> UnitYearDetails:
    """The rows with their links kept only where the person may follow them: each record's own
    app decides (the government office reads the record, not every meeting's or reply's page;
    a dead link would answer 404). One query per kind of record, plus one per reply."""
    from lianxi.bulletins.access import visible_reports
    from lianxi.decisions.access import visible_decisions
    from lianxi.documents.access import reply_for
    from lianxi.incidents.access import visible_incidents
    from lianxi.meetings.access import visible_meetings
    from lianxi.supervision.access import visible_items

    visible: dict[str, Any] = {
        "meeting": visible_meetings(user),
        "item": visible_items(user),
        "incident": visible_incidents(user),
        "decision": visible_decisions(user),
        "info_report": visible_reports(membership_of(user)),
    }
    rows = [
        row
        for section in fields(details)
        for row in getattr(details, section.name)
        if isinstance(row, Row)
    ]
    allowed: set[tuple[str, int]] = set()
    for kind, queryset in visible.items():
        ids = {row.pk for row in rows if row.kind == kind}
        if ids:
            found = queryset.filter(pk__in=ids).values_list("pk", flat=True)
            allowed |= {(kind, pk) for pk in found}
    for row in rows:
        if row.kind == "reply":
            try:
                reply_for(user, row.pk)
                allowed.add(("reply", row.pk))
            except Http404:
                pass
        if row.kind and (row.kind, row.pk) not in allowed:
            row.url = ""
    return details
