"""Meetings and issued minutes (with their agreed matters) for the search box (三(一)).

Minutes are indexed only once issued: a draft or approved text is seen by its convener alone
and never reaches the index. Who finds what is `access.visible_meetings` and
`access.visible_minutes`.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.timezone import localdate

from lianxi.search.registry import register

from .access import visible_meetings, visible_minutes
from .models import Meeting, Minutes


def _meeting_body(meeting: Meeting) -> str:
    parts = [
        f"{meeting.get_kind_display()}，{meeting.chair_unit.name}主持，地点：{meeting.location}",
        meeting.topic,
    ]
    for item in meeting.agenda.all():
        parts.append(f"议题：{item.title}")
        parts.append(item.description)
    return "\n".join(p for p in parts if p)


def _meeting_units(meeting: Meeting) -> list[int]:
    return [meeting.chair_unit_id, *(a.unit_id for a in meeting.attendances.all())]


def _minutes_title(minutes: Minutes) -> str:
    number = f"（{minutes.number}）" if minutes.number else ""
    return f"{minutes.meeting.title}纪要{number}"


def _minutes_body(minutes: Minutes) -> str:
    parts = [minutes.intro]
    for section in minutes.sections.all():
        parts.append(section.heading)
        parts.append(section.discussion)
    resolutions = list(minutes.resolutions.all())
    if resolutions:
        parts.append("议定事项：")
        parts.extend(f"{r.number}. {r.text}" for r in resolutions)
    return "\n".join(p for p in parts if p)


def _minutes_units(minutes: Minutes) -> list[int | None]:
    units: list[int | None] = [minutes.meeting.chair_unit_id]
    for resolution in minutes.resolutions.all():
        units.append(resolution.lead_unit_id)
        units.extend(u.pk for u in resolution.supporting_units.all())
    return units


register(
    "meeting",
    Meeting,
    label="会议",
    title=lambda meeting: meeting.title,
    body=_meeting_body,
    url=lambda meeting: reverse("meetings:detail", args=[meeting.pk]),
    unit_ids=_meeting_units,
    date=lambda meeting: localdate(meeting.starts_at),
    visible=visible_meetings,
    indexable=lambda: Meeting.objects.select_related("chair_unit").prefetch_related(
        "agenda", "attendances"
    ),
    # Agenda items carry no timestamp: meetings are few, so each tick compares them all.
    changed=None,
    order=40,
)

register(
    "minutes",
    Minutes,
    label="会议纪要",
    title=_minutes_title,
    body=_minutes_body,
    url=lambda minutes: reverse("meetings:minutes", args=[minutes.pk]),
    unit_ids=_minutes_units,
    date=lambda minutes: localdate(minutes.issued_at) if minutes.issued_at else None,
    visible=visible_minutes,
    indexable=lambda: (
        Minutes.objects.filter(status=Minutes.Status.ISSUED)
        .select_related("meeting")
        .prefetch_related("sections", "resolutions__supporting_units")
    ),
    changed=lambda since: Q(updated_at__gte=since),
    order=50,
)
