"""Reads that the incident pages, panels and the API share."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from lianxi.core.dates import cn_duration
from lianxi.organization.models import Unit

from . import access, grading
from .models import Incident, IncidentNotice, IncidentUpdate, UpReport

LIST_PAGE_SIZE = 50


def incident_list(user: Any) -> QuerySet[Incident]:
    """The incidents a person may see, with what the list shows, in one query."""
    return (
        access.visible_incidents(user)
        .select_related("enterprise", "registering_unit")
        .annotate(
            notice_count=Count("notices", distinct=True),
            unacked_count=Count("notices", filter=Q(notices__acknowledged_at=None), distinct=True),
        )
        .order_by("-first_reported_at", "-id")
    )


@dataclass(frozen=True)
class Clock:
    """The reporting clock of an incident at a moment."""

    due_at: datetime
    reported_at: datetime | None
    now: datetime

    @property
    def stopped(self) -> bool:
        return self.reported_at is not None

    @property
    def late(self) -> bool:
        return (self.reported_at or self.now) > self.due_at

    @property
    def left(self) -> timedelta:
        return self.due_at - self.now

    @property
    def text(self) -> str:
        if self.reported_at is not None:
            return "已按时报告" if not self.late else "已报告（超过时限）"
        seconds = int(self.left.total_seconds())
        if seconds >= 0:
            return f"剩余{cn_duration(seconds // 60)}"
        return f"已超时{cn_duration(-seconds // 60)}"


def clock(incident: Incident, now: datetime | None = None) -> Clock:
    return Clock(incident.report_due_at, incident.reported_at, now or timezone.now())


def notices(incident: Incident) -> QuerySet[IncidentNotice]:
    return incident.notices.select_related("unit", "acknowledged_by").order_by("unit__order", "id")


def running_clocks(user: Any) -> QuerySet[Incident]:
    """The open incidents the person sees whose report up is not yet made."""
    return (
        access.visible_incidents(user)
        .filter(reported_at=None, status=Incident.Status.OPEN)
        .order_by("report_due_at", "id")
    )


def late_reports(user: Any) -> QuerySet[Incident]:
    """Reported after the clock ran out, in the last 30 days (still-unreported late ones are
    among the running clocks)."""
    since = timezone.now() - timedelta(days=30)
    return (
        access.visible_incidents(user)
        .filter(reported_at__gt=F("report_due_at"), reported_at__gte=since)
        .order_by("-reported_at")
    )


def overdue_notices(user: Any, now: datetime | None = None) -> QuerySet[IncidentNotice]:
    """Unacknowledged notices of open incidents whose acknowledgement is overdue, computed when
    read (not only once a tick escalated them): the window has passed, or an escalation step
    was taken already (which opens a new window). Red alerts first, then the oldest."""
    now = now or timezone.now()
    return (
        access.visible_notices(user)
        .filter(incident__status=Incident.Status.OPEN, acknowledged_at=None)
        .filter(Q(ack_due_at__lte=now) | Q(level__gt=IncidentNotice.Level.SENT))
        .select_related("unit", "incident")
        .order_by("-level", "sent_at", "id")
    )


def open_incidents(user: Any) -> QuerySet[Incident]:
    """The open incidents the person sees, newest first, each with its count of units yet to
    acknowledge (unacked_count): the government reader's overview."""
    return (
        access.visible_incidents(user)
        .filter(status=Incident.Status.OPEN)
        .annotate(
            unacked_count=Count("notices", filter=Q(notices__acknowledged_at=None), distinct=True)
        )
        .order_by("-first_reported_at", "-id")
    )


def waiting_for_unit(user: Any) -> QuerySet[IncidentNotice]:
    """The notices to the person's unit still waiting for its acknowledgement."""
    return (
        access.own_notices(user)
        .filter(acknowledged_at=None, incident__status=Incident.Status.OPEN)
        .select_related("incident")
        .order_by("ack_due_at", "id")
    )


def notifiable_units(incident: Incident, *, notified: Iterable[int]) -> QuerySet[Unit]:
    """The units the secretariat may still notify of the incident (三(四)2): the joint
    meeting's current member and invited units other than the secretariat's own and those
    already notified (`notified`, their ids)."""
    return (
        Unit.objects.filter(
            mechanism_id=incident.mechanism_id,
            active=True,
            kind__in=[Unit.Kind.MEMBER, Unit.Kind.INVITED],
        )
        .exclude(is_secretariat=True)
        .exclude(pk__in=list(notified))
        .order_by("order", "id")
    )


def sent_to(reports: Iterable[UpReport], update: IncidentUpdate | None) -> list[str]:
    """To whom a report (the first one: `update` None) has been reported up, each once."""
    key = update.pk if update is not None else None
    return list(dict.fromkeys(r.recipient for r in reports if r.update_id == key))


@dataclass(frozen=True)
class NextUpReport:
    report: str  # "" for the first report, else the update's pk
    recipient: str


def next_up_report(updates: list[IncidentUpdate], reports: list[UpReport]) -> NextUpReport:
    """What the report-up form proposes: the first report while a recipient lacks it (its clock
    runs), else the newest 续报 / 终报 some recipient lacks; and the first recipient that has not
    had it — never one already reported to."""
    recipients = grading.report_recipients()
    for update in [None, *reversed(updates)]:
        done = set(sent_to(reports, update))
        missing = [r for r in recipients if r not in done]
        if missing:
            return NextUpReport("" if update is None else str(update.pk), missing[0])
    return NextUpReport(str(updates[-1].pk) if updates else "", "")
