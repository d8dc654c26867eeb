"""Builds the neutral minutes structure (lianxi.typesetting.layout) from a Minutes, and renders it.

Attendance lines (GB/T 9704 纪要): 主持 / 出席 / 请假 / 缺席 / 列席, each entry "单位 姓名（职务）".
The chair (主持) is whoever attended for the meeting's chair unit.  A member on leave who entrusted
a substitute (委托其他负责同志出席, 三(一)1) appears under 请假, and the substitute under 出席 as
"单位 姓名（受委托出席）"; an invited unit nobody came from is 缺席.  The 版记 sends the minutes to
the member units and names the invited units (分送), with a copy to the city government office
(抄送, GB/T 9704-2012 §7.4.2).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from lianxi.core.downloads import download_response
from lianxi.typesetting.layout import AttendanceLine, MinutesDocument, MinutesSection

from .models import Attendance, Meeting, Minutes
from .selectors import minutes_detail
from .services import resolution_summary

MEMBER_UNITS = "联席会议各成员单位"
COPY_TO = "市政府办公室"
ISSUER = "联席会议办公室"


def _entry(unit: str, name: str, note: str) -> str:
    name = name.strip()
    if not name:
        return unit
    return f"{unit} {name}（{note}）" if note else f"{unit} {name}"


_ANSWERED: dict[str, str] = {
    Attendance.Status.ATTENDING: Attendance.Actual.PRESENT,
    Attendance.Status.ON_LEAVE: Attendance.Actual.ON_LEAVE,
    Attendance.Status.OBSERVER: Attendance.Actual.OBSERVER,
}


def _actual(a: Attendance) -> str:
    """What was recorded on the day, or (before that) what the unit answered."""
    return a.actual or _ANSWERED.get(a.status, Attendance.Actual.ABSENT)


def _present_entry(a: Attendance) -> str:
    name = a.actual_name or a.attendee_name
    return _entry(a.unit.name, name, a.attendee_title if name == a.attendee_name else "")


def _substitute(a: Attendance) -> str:
    return a.actual_name if a.actual else a.substitute_name


def _chair(meeting: Meeting, attendances: list[Attendance]) -> str:
    """主持: who attended for the chair unit (the unit alone when nobody is named)."""
    for a in attendances:
        if a.unit_id != meeting.chair_unit_id:
            continue
        actual = _actual(a)
        if actual == Attendance.Actual.PRESENT:
            return _present_entry(a)
        if actual in (Attendance.Actual.ON_LEAVE, Attendance.Actual.DELEGATE) and _substitute(a):
            return _entry(a.unit.name, _substitute(a), "受委托出席")
    return meeting.chair_unit.name


def attendance_lines(meeting: Meeting) -> list[AttendanceLine]:
    """主持 / 出席 / 请假 / 缺席 / 列席 as the convener recorded them (before that, as answered)."""
    present: list[str] = []
    leave: list[str] = []
    absent: list[str] = []
    observers: list[str] = []
    attendances = list(
        meeting.attendances.select_related("unit").order_by("unit__order", "unit_id")
    )
    for a in attendances:
        unit = a.unit.name
        actual = _actual(a)
        if actual == Attendance.Actual.PRESENT:
            present.append(_present_entry(a))
        elif actual == Attendance.Actual.OBSERVER:
            observers.append(_present_entry(a))
        elif actual in (Attendance.Actual.ON_LEAVE, Attendance.Actual.DELEGATE):
            if a.invited_as != Attendance.InvitedAs.OBSERVER and _substitute(a):
                present.append(_entry(unit, _substitute(a), "受委托出席"))
            leave.append(_entry(unit, a.attendee_name, a.attendee_title))
        else:
            absent.append(unit)
    lines = [
        AttendanceLine(label="主持", entries=[_chair(meeting, attendances)]),
        AttendanceLine(label="出席", entries=present),
    ]
    if leave:
        lines.append(AttendanceLine(label="请假", entries=leave))
    if absent:
        lines.append(AttendanceLine(label="缺席", entries=absent))
    if observers:
        lines.append(AttendanceLine(label="列席", entries=observers))
    return lines


def distribution(meeting: Meeting) -> str:
    """分送: the member units, then each invited (non-member) unit by name (三(一)1)."""
    invited = [
        a.unit.name
        for a in meeting.attendances.select_related("unit").order_by("unit__order", "unit_id")
        if a.invited_as == Attendance.InvitedAs.OBSERVER
    ]
    return "，".join([MEMBER_UNITS, "、".join(invited)]) if invited else MEMBER_UNITS


def build_minutes_document(minutes: Minutes) -> MinutesDocument:
    meeting = minutes.meeting
    sections, _ = minutes_detail(minutes)
    issued: date = (
        timezone.localtime(minutes.issued_at).date() if minutes.issued_at else timezone.localdate()
    )
    return MinutesDocument(
        organ=meeting.mechanism.name,
        issue_number=minutes.number or "（未编号）",
        issuer=ISSUER if meeting.kind == Meeting.Kind.PLENARY else meeting.chair_unit.name,
        date=issued,
        title=f"{meeting.title}纪要",
        intro=[p.strip() for p in minutes.intro.splitlines() if p.strip()],
        sections=[
            MinutesSection(
                heading=section.heading,
                paragraphs=[p.strip() for p in section.discussion.splitlines() if p.strip()],
                resolutions=[resolution_summary(r) for r in section.resolutions.all()],
            )
            for section in sections
        ],
        attendance=attendance_lines(meeting),
        distribution=distribution(meeting),
        copy_to=COPY_TO,
    )


def render_docx(minutes: Minutes) -> bytes:
    from lianxi.typesetting.docx_render import render_minutes_docx

    return render_minutes_docx(build_minutes_document(minutes))


def render_pdf(minutes: Minutes) -> bytes:
    # Imported here: WeasyPrint is heavy, and only a PDF download needs it.
    from lianxi.typesetting.pdf_render import render_minutes_pdf

    return render_minutes_pdf(build_minutes_document(minutes))


DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def minutes_ascii_filename(minutes: Minutes, kind: str) -> str:
    """The file name for clients that read no RFC 5987 name: minutes-2026-1.docx."""
    number = f"{minutes.year}-{minutes.serial}" if minutes.serial else f"draft-{minutes.pk}"
    return f"minutes-{number}.{kind}"


def minutes_download(minutes: Minutes, kind: str, *, actor: Any) -> HttpResponse:
    """The issued minutes as a download (`kind` docx or pdf), named 《…纪要〔2026〕1号》 with
    :func:`minutes_ascii_filename` as the ASCII fallback; the page and the API serve this."""
    name = f"{minutes.meeting.title}纪要{minutes.number}.{kind}"
    if kind == "docx":
        content, content_type = render_docx(minutes), DOCX_CONTENT_TYPE
    else:
        content, content_type = render_pdf(minutes), "application/pdf"
    return download_response(
        content,
        filename=name,
        actor=actor,
        target=minutes,
        content_type=content_type,
        ascii_filename=minutes_ascii_filename(minutes, kind),
    )
