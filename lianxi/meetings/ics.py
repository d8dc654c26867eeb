"""Calendar files (RFC 5545) for meeting invitations and for a person's calendar feed.

An invitation (iTIP, RFC 5546) is one VEVENT with the meeting's UID for its whole life and a
SEQUENCE the meetings services raise with each update; a cancellation is METHOD:CANCEL with
STATUS:CANCELLED. Times are written with TZID=Asia/Shanghai and the matching VTIMEZONE.

Attendees (三(一)1). Each invited unit is one ATTENDEE (CUTYPE=GROUP, CN = the unit's name):

- ROLE: REQ-PARTICIPANT for a member unit; OPT-PARTICIPANT for a unit invited to sit in (列席):
  it attends, but the meeting does not depend on it (NON-PARTICIPANT would say "copied for
  information only", which 列席 is not).
- PARTSTAT from the unit's answer: no answer → NEEDS-ACTION; attends (出席) or sits in (列席) →
  ACCEPTED; leave with a substitute (委托出席) → DELEGATED; leave without one → DECLINED.
- A substitute (RFC 5545 §3.2.4 DELEGATED-FROM / §3.2.5 DELEGATED-TO): the unit on leave has
  PARTSTAT=DELEGATED;DELEGATED-TO=<substitute>, and the substitute is an extra ATTENDEE
  (CUTYPE=INDIVIDUAL, CN = "姓名（单位，受委托）", PARTSTAT=ACCEPTED) with DELEGATED-FROM=<unit>.

Addresses. A calendar address must be a URI that stays the same across updates, because clients
match an attendee of an update to the one they already have by its address. A unit's liaison
changes, and a liaison may have no e-mail at all, so every unit gets a stable, non-deliverable
address ``mailto:unit-<id>@<domain>`` and its substitute ``mailto:unit-<id>-delegate@<domain>``.
The e-mails themselves reach people through the notifications backbone, not through these
addresses, and RSVP is FALSE: units answer on the platform. The ORGANIZER is the platform's
sender address (``settings.DEFAULT_FROM_EMAIL``) with CN "联席会议办公室" for a plenary or the chair
unit's name for a topical meeting. ``<domain>`` is ``settings.LIANXI_CALENDAR_DOMAIN`` if set,
else the domain of ``DEFAULT_FROM_EMAIL``.

UIDs. A meeting's UID (``<uuid4>@lianxi``) and an action item's (``action-item-<uuid4>@lianxi``)
are made once and stored with the object; nothing configurable goes into them, so changing the
sender address, the calendar domain or the site's host changes no event in a calendar that has
subscribed. (Action items published before their UID was stored keep the one they had,
``action-item-<pk>@<calendar domain>``.)
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, TimezoneStandard, vCalAddress

from lianxi.core.dates import cn_date
from lianxi.core.text import date_in_range, one_line

from .models import AgendaItem, Attendance, Meeting

PRODID = "-//Lianxi//Lianxi joint-meeting platform//ZH"
TZ = ZoneInfo("Asia/Shanghai")
METHODS = ("REQUEST", "CANCEL", "PUBLISH")
ICS_FILENAME = "meeting.ics"


def ics_mimetype(method: str) -> str:
    """The Content-Type of an iTIP attachment (RFC 6047 §2.4: method matches METHOD)."""
    return f"text/calendar; method={method}; charset=UTF-8"


# --- Addresses ----------------------------------------------------------------------------


def calendar_domain() -> str:
    configured = getattr(settings, "LIANXI_CALENDAR_DOMAIN", "")
    if configured:
        return str(configured)
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    domain = address.rpartition("@")[2]
    if domain:
        return domain
    return urllib.parse.urlsplit(settings.LIANXI_SITE_URL).hostname or "lianxi.localhost"


def organizer_address() -> str:
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return f"mailto:{address or 'lianxi@' + calendar_domain()}"


def unit_address(unit_id: int) -> str:
    return f"mailto:unit-{unit_id}@{calendar_domain()}"


def substitute_address(unit_id: int) -> str:
    return f"mailto:unit-{unit_id}-delegate@{calendar_domain()}"


# --- Pieces of an event -------------------------------------------------------------------


def absolute_url(path: str) -> str:
    if not path or urllib.parse.urlsplit(path).scheme:
        return path
    return settings.LIANXI_SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def meeting_url(meeting: Meeting) -> str:
    """The meeting's page, if the meetings pages are installed."""
    try:
        return absolute_url(reverse("meetings:detail", kwargs={"pk": meeting.pk}))
    except NoReverseMatch:
        return ""


def _prefetched(instance: Any, name: str) -> bool:
    return name in getattr(instance, "_prefetched_objects_cache", {})


def meeting_attendances(meeting: Meeting) -> list[Attendance]:
    if _prefetched(meeting, "attendances"):
        rows = list(meeting.attendances.all())
    else:
        rows = list(meeting.attendances.select_related("unit"))
    return sorted(rows, key=lambda a: (a.unit.order, a.unit_id))


def meeting_agenda(meeting: Meeting) -> list[AgendaItem]:
    rows = list(meeting.agenda.all())
    return sorted(rows, key=lambda a: (a.order, a.pk))


def organizer_name(meeting: Meeting) -> str:
    if meeting.kind == Meeting.Kind.TOPICAL:
        return meeting.chair_unit.name
    return "联席会议办公室"


PARTSTAT: dict[str, str] = {
    Attendance.Status.PENDING: "NEEDS-ACTION",
    Attendance.Status.ATTENDING: "ACCEPTED",
    Attendance.Status.OBSERVER: "ACCEPTED",
    Attendance.Status.ON_LEAVE: "DECLINED",  # DELEGATED when a substitute is named
}
ROLE: dict[str, str] = {
    Attendance.InvitedAs.MEMBER: "REQ-PARTICIPANT",
    Attendance.InvitedAs.OBSERVER: "OPT-PARTICIPANT",
}


def partstat(attendance: Attendance) -> str:
    """三(一)1: the unit's answer as an RFC 5545 participation status."""
    if attendance.status == Attendance.Status.ON_LEAVE and attendance.substitute_name.strip():
        return "DELEGATED"
    return PARTSTAT.get(attendance.status, "NEEDS-ACTION")


def substitute_label(attendance: Attendance) -> str:
    """ "姓名（单位，受委托）" — with the title when known: "姓名（单位副局长，受委托）"."""
    name = attendance.substitute_name.strip()
    where = attendance.unit.name + attendance.substitute_title.strip()
    return f"{name}（{where}，受委托）"


def _address(uri: str, **params: str) -> vCalAddress:
    address = vCalAddress(uri)
    for key, value in params.items():
        address.params[key.replace("_", "-").upper()] = value
    return address


def attendee_addresses(attendance: Attendance) -> list[vCalAddress]:
    """One ATTENDEE for the unit, and one more for its substitute if it delegated."""
    role = ROLE.get(attendance.invited_as, "REQ-PARTICIPANT")
    state = partstat(attendance)
    unit = _address(
        unit_address(attendance.unit_id),
        cn=attendance.unit.name,
        cutype="GROUP",
        role=role,
        partstat=state,
        rsvp="FALSE",
    )
    if state != "DELEGATED":
        return [unit]
    unit.params["DELEGATED-TO"] = substitute_address(attendance.unit_id)
    substitute = _address(
        substitute_address(attendance.unit_id),
        cn=substitute_label(attendance),
        cutype="INDIVIDUAL",
        role=role,
        partstat="ACCEPTED",
        rsvp="FALSE",
    )
    substitute.params["DELEGATED-FROM"] = unit_address(attendance.unit_id)
    return [unit, substitute]


def answer_text(attendance: Attendance) -> str:
    """A unit's answer in words, for the description of its own copy."""
    who = " ".join(p for p in (attendance.attendee_name, attendance.attendee_title) if p)
    if attendance.status == Attendance.Status.ATTENDING:
        return f"出席（{who}）" if who else "出席"
    if attendance.status == Attendance.Status.OBSERVER:
        return f"列席（{who}）" if who else "列席"
    if attendance.status == Attendance.Status.ON_LEAVE:
        if attendance.substitute_name.strip():
            return f"请假，委托{substitute_label(attendance)}出席"
        return "请假"
    return "尚未答复"


def meeting_description(meeting: Meeting, *, for_unit: Any = None) -> str:
    lines: list[str] = []
    heading = meeting.get_kind_display()
    if meeting.kind == Meeting.Kind.TOPICAL:
        heading += f"（{meeting.chair_unit.name}主持）"
    lines.append(heading)
    if meeting.status == Meeting.Status.CANCELLED:
        reason = meeting.cancelled_reason.strip()
        lines.append(f"会议已取消。{('原因：' + reason) if reason else ''}".rstrip())
    if meeting.topic.strip():
        lines.append(meeting.topic.strip())
    agenda = meeting_agenda(meeting)
    if agenda:
        lines.append("议题：")
        lines.extend(f"{n}. {item.title}" for n, item in enumerate(agenda, start=1))
    if for_unit is not None:
        mine = next((a for a in meeting_attendances(meeting) if a.unit_id == for_unit.pk), None)
        if mine is not None:
            lines.append(f"{for_unit.name}答复：{answer_text(mine)}")
        elif meeting.chair_unit_id == for_unit.pk:
            lines.append(f"{for_unit.name}：主持单位")
    url = meeting_url(meeting)
    if url:
        lines.append(f"会议详情及参会答复：{url}")
    return "\n".join(lines)


def _aware(value: datetime) -> datetime:
    if timezone.is_naive(value):
        value = timezone.make_aware(value, TZ)
    return value.astimezone(TZ)


def meeting_event(
    meeting: Meeting,
    *,
    now: datetime,
    cancelled: bool = False,
    with_people: bool = True,
    for_unit: Any = None,
) -> Event:
    """The meeting as one VEVENT (with organizer and attendees unless `with_people` is False)."""
    event = Event()
    event.add("uid", meeting.ical_uid)
    event.add("sequence", meeting.ical_sequence)
    event.add("dtstamp", now.astimezone(ZoneInfo("UTC")))
    event.add("dtstart", _aware(meeting.starts_at))
    event.add("dtend", _aware(meeting.ends_at))
    event.add("summary", one_line(meeting.title))
    if meeting.location:
        event.add("location", meeting.location)
    event.add("description", meeting_description(meeting, for_unit=for_unit))
    event.add("categories", [meeting.get_kind_display()])
    cancelled = cancelled or meeting.status == Meeting.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("created", meeting.created_at.astimezone(ZoneInfo("UTC")))
    event.add("last-modified", meeting.updated_at.astimezone(ZoneInfo("UTC")))
    url = meeting_url(meeting)
    if url:
        event.add("url", url)
    if with_people:
        event.add(
            "organizer", _address(organizer_address(), cn=organizer_name(meeting)), encode=False
        )
        for attendance in meeting_attendances(meeting):
            for address in attendee_addresses(attendance):
                event.add("attendee", address, encode=False)
    return event


def _calendar(method: str | None, *, name: str = "") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", "Asia/Shanghai")
    return calendar


def shanghai_vtimezone() -> Timezone:
    """VTIMEZONE for Asia/Shanghai: UTC+8 all year, no daylight saving since 1991.

    Written out rather than computed from the tz database (icalendar's add_missing_timezones
    scans every transition and costs tens of milliseconds per file for the same four lines).
    """
    zone = Timezone()
    zone.add("tzid", "Asia/Shanghai")
    zone.add("x-lic-location", "Asia/Shanghai")
    standard = TimezoneStandard()
    # The last change: daylight saving (UTC+9) ended at 02:00 on 15 September 1991.
    standard.add("dtstart", datetime(1991, 9, 15, 2, 0))
    standard.add("tzoffsetfrom", timedelta(hours=9))
    standard.add("tzoffsetto", timedelta(hours=8))
    standard.add("tzname", "CST")
    zone.add_component(standard)
    return zone


def _finish(calendar: Calendar, *, with_timezone: bool = True) -> bytes:
    if with_timezone:
        # Before the events, as RFC 5545 asks of a VTIMEZONE a TZID refers to.
        calendar.subcomponents.insert(0, shanghai_vtimezone())
    return bytes(calendar.to_ical())


def meeting_ics(
    meeting: Meeting,
    *,
    method: str = "REQUEST",
    for_unit: Any = None,
    now: datetime | None = None,
) -> bytes:
    """The invitation (.ics) of a meeting: REQUEST for the notice and its updates, CANCEL.

    `for_unit` (optional): the copy for one invited unit — its description also states that
    unit's own answer. The attendee list is the same in every copy.
    """
    method = method.upper()
    if method not in METHODS:
        raise ValueError(f"unknown iTIP method {method!r}")
    now = now or timezone.now()
    calendar = _calendar(method)
    calendar.add_component(
        meeting_event(meeting, now=now, cancelled=method == "CANCEL", for_unit=for_unit)
    )
    return _finish(calendar)


def meeting_ics_attachment(
    meeting: Meeting, *, method: str = "REQUEST", for_unit: Any = None
) -> tuple[str, bytes, str]:
    """(filename, content, mimetype) for `notify(attachments=[...])`."""
    method = method.upper()
    return (
        ICS_FILENAME,
        meeting_ics(meeting, method=method, for_unit=for_unit),
        ics_mimetype(method),
    )


# --- The calendar feed --------------------------------------------------------------------


def action_item_event(item: Any, *, unit_id: int, now: datetime) -> Event:
    """四(二): an action item's deadline as an all-day event on the deadline date."""
    leads = item.lead_unit_id == unit_id
    event = Event()
    # The item's own stored UID (like a meeting's): never derived from the mail domain or any
    # setting, so a subscribed calendar keeps its events whatever is reconfigured. Items that
    # existed before it was stored kept the UID they were published under (migration
    # supervision 0003).
    event.add("uid", item.ical_uid)
    event.add("dtstamp", now.astimezone(ZoneInfo("UTC")))
    event.add("dtstart", item.deadline)
    event.add("dtend", item.deadline + timedelta(days=1))
    event.add("summary", f"【督办时限】{one_line(item.title)}")
    lines = [
        f"办结时限：{cn_date(item.deadline)}",
        f"牵头单位：{item.lead_unit.name}",
        "本单位：牵头" if leads else "本单位：配合",
        f"状态：{item.get_status_display()}",
    ]
    if item.source_label:
        lines.append(f"来源：{item.source_label}")
    try:
        url = absolute_url(reverse("supervision:item", kwargs={"pk": item.pk}))
    except NoReverseMatch:  # the supervision pages are not installed
        url = ""
    if url:
        lines.append(f"详情：{url}")
        event.add("url", url)
    event.add("description", "\n".join(lines))
    event.add("categories", ["督办事项"])
    event.add("transp", "TRANSPARENT")
    event.add("last-modified", item.updated_at.astimezone(ZoneInfo("UTC")))
    return event


def feed_ics(
    *,
    name: str,
    unit: Any,
    meetings: Iterable[Meeting],
    action_items: Sequence[Any],
    now: datetime,
) -> bytes:
    """A subscribed calendar (no METHOD; RFC 7986 REFRESH-INTERVAL one hour).

    Meetings carry no organizer and attendees here: a subscription is for seeing, not answering.
    """
    calendar = _calendar(None, name=name)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    any_meeting = False
    for meeting in meetings:
        if not (date_in_range(meeting.starts_at) and date_in_range(meeting.ends_at)):
            continue  # a value stored before the 2000–2100 bound (issue 17): left out, never a 500
        calendar.add_component(meeting_event(meeting, now=now, with_people=False, for_unit=unit))
        any_meeting = True
    for item in action_items:
        if not date_in_range(item.deadline):
            continue  # 9999-12-31 has no next day: the whole feed was a 500 (issue 17)
        calendar.add_component(action_item_event(item, unit_id=unit.pk, now=now))
    return _finish(calendar, with_timezone=any_meeting)
