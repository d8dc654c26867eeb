"""Builds the neutral minutes structure (lianxi.typesetting.layout) from a Minutes, and renders it.

Attendance lines (GB/T 9704 纪要): 出席 / 请假 / 列席, each entry "单位 姓名（职务）". A member on
leave who entrusted a substitute (委托其他负责同志出席, 三(一)1) appears under 请假, and the
substitute under 出席 as "单位 姓名（受委托出席）".
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from lianxi.typesetting.layout import AttendanceLine, MinutesDocument, MinutesSection

from .models import Attendance, Meeting, Minutes
from .selectors import minutes_detail
from .services import resolution_summary

DISTRIBUTION = "联席会议各成员单位，邀请参加会议的有关单位"
COPY_TO = "市政府办公室"
ISSUER = "联席会议办公室"


def _entry(unit: str, name: str, note: str) -> str:
    name = name.strip()
    if not name:
        return unit
    return f"{unit} {name}（{note}）" if note else f"{unit} {name}"


def attendance_lines(meeting: Meeting) -> list[AttendanceLine]:
    """出席 / 请假 / 列席 from what the convener recorded (or, before that, the answers)."""
    present: list[str] = []
    leave: list[str] = []
    observers: list[str] = []
    attendances = meeting.attendances.select_related("unit").order_by("unit__order", "unit_id")
    for a in attendances:
        unit = a.unit.name
        answered: dict[str, str] = {
            Attendance.Status.ATTENDING: Attendance.Actual.PRESENT,
            Attendance.Status.ON_LEAVE: Attendance.Actual.ON_LEAVE,
            Attendance.Status.OBSERVER: Attendance.Actual.OBSERVER,
        }
        actual = a.actual or answered.get(a.status, Attendance.Actual.ABSENT)
        if actual == Attendance.Actual.PRESENT:
            name = a.actual_name or a.attendee_name
            title = a.attendee_title if name == a.attendee_name else ""
            present.append(_entry(unit, name, title))
        elif actual == Attendance.Actual.OBSERVER:
            name = a.actual_name or a.attendee_name
            title = a.attendee_title if name == a.attendee_name else ""
            observers.append(_entry(unit, name, title))
        elif actual == Attendance.Actual.ON_LEAVE:
            substitute = a.actual_name if a.actual else a.substitute_name
            if a.invited_as == Attendance.InvitedAs.OBSERVER:
                leave.append(_entry(unit, a.attendee_name, a.attendee_title))
                continue
            if substitute:
                present.append(_entry(unit, substitute, "受委托出席"))
            leave.append(_entry(unit, a.attendee_name, a.attendee_title))
    lines = [AttendanceLine(label="出席", entries=present)]
    if leave:
        lines.append(AttendanceLine(label="请假", entries=leave))
    if observers:
        lines.append(AttendanceLine(label="列席", entries=observers))
    return lines


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
        distribution=DISTRIBUTION,
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


def minutes_file(minutes: Minutes, kind: str) -> tuple[bytes, str, str]:
    """The issued minutes as a file: (content, file name, content type); `kind` docx or pdf."""
    name = f"{minutes.meeting.title}纪要{minutes.number}.{kind}"
    if kind == "docx":
        return render_docx(minutes), name, DOCX_CONTENT_TYPE
    return render_pdf(minutes), name, "application/pdf"
