"""履职情况 (四(三), with 三(一)1): each member unit's year compiled from the platform's record —
meetings attended or delegated, action items led and supported, progress feedback, incident
acknowledgements, comment rounds answered, information reports (not enabled), the annual
submission's timeliness — as a page, an .xlsx of all units and a .docx per unit.

The world is made through the apps' own services, on the dates it happened (time_machine); the
expected figures are counted here, in plain Python over the model rows, never by record.py."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
import docx.shared
import lxml.html
import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx.oxml.ns import qn
from openpyxl import load_workbook

from lianxi.bulletins.models import InfoReport
from lianxi.bulletins.services import info_report_review, info_report_save, info_report_send
from lianxi.conftest import _person, aware
from lianxi.core.calendar import is_workday
from lianxi.decisions.models import Decision, Opinion
from lianxi.decisions.services import decision_create, opinion_answer, round_open
from lianxi.documents.models import UnitReply
from lianxi.documents.services import Parties, consultation_send, document_create, reply_draft
from lianxi.incidents.models import IncidentNotice
from lianxi.incidents.services import incident_notify, incident_register, notice_acknowledge
from lianxi.incidents.tests.conftest import sample_input
from lianxi.meetings import services as meetings
from lianxi.meetings.models import Attendance, Meeting
from lianxi.meetings.tests.fixtures import attendance_of, move_to_day
from lianxi.organization.models import Membership, Unit
from lianxi.organization.selectors import member_units
from lianxi.supervision.models import ActionItem, ProgressReport, Reminder
from lianxi.supervision.reminders import send_reminders
from lianxi.supervision.services import (
    action_item_close,
    action_item_create,
    progress_report_create,
)
from lianxi.testing.libreoffice import libreoffice_convert

from .. import record
from ..models import AnnualCycle, AnnualSubmission
from .conftest import send_all

pytestmark = pytest.mark.django_db

YEAR = 2026
# The day the record is read: the 2027 cycle's deadline (15 January) has passed.
READ_AT = aware(2027, 1, 20, 10)
PAGE = f"/annual/record/{YEAR}/"
XLSX = f"/annual/record/{YEAR}.xlsx"


def unit_page(unit: Unit) -> str:
    return f"/annual/record/{YEAR}/{unit.pk}/"


def unit_docx(unit: Unit) -> str:
    return f"/annual/record/{YEAR}/{unit.pk}.docx"


@dataclass
class World:
    hrss: Unit
    union: Unit
    safety: Unit
    finance: Unit
    people: dict[str, tuple[Any, Any]]

    @property
    def units(self) -> list[Unit]:
        return [self.hrss, self.union, self.safety, self.finance]


# --- making the world through the services ----------------------------------------------------


def _meeting(
    clerk: Any,
    day: datetime,
    answers: dict[Any, dict[str, Any]],
    title: str,
    actual: dict[Unit, str] | None = None,
) -> Meeting:
    """A plenary notified the day before `day`, answered by the given people, held on `day`;
    the convener records what each unit's answer implies, or `actual` where given."""
    sec = clerk.membership
    with time_machine.travel(day - timedelta(days=1), tick=False):
        meeting = meetings.meeting_schedule(
            kind=Meeting.Kind.PLENARY,
            title=title,
            starts_at=day,
            ends_at=day + timedelta(hours=2),
            location="市卫生健康委三楼会议室",
            actor=sec,
        )
        meetings.agenda_item_add(meeting=meeting, title="审议年度工作要点", actor=sec)
        meetings.meeting_notify(meeting=meeting, actor=sec)
        for person, answer in answers.items():
            meetings.attendance_answer(
                attendance=attendance_of(meeting, person.membership.unit),
                actor=person.membership,
                **answer,
            )
    with time_machine.travel(day + timedelta(hours=1), tick=False):
        move_to_day(meeting)
        rows = list(meeting.attendances.select_related("unit"))
        done = {a.pk: meetings.default_actual(a) for a in rows}
        for a in rows:
            if actual and a.unit in actual:
                done[a.pk] = (actual[a.unit], "")
        return meetings.attendance_record(
            meeting=meeting,
            actual={pk: v[0] for pk, v in done.items()},
            names={pk: v[1] for pk, v in done.items()},
            actor=sec,
        )


ATTENDS = {"attending": True, "attendee_name": "刘副局长", "attendee_title": "副局长"}
DELEGATES = {
    "attending": False,
    "substitute_name": "周处长",
    "substitute_title": "职业健康处处长",
    "leave_reason": "出差",
}


def _item(
    mechanism: Any,
    clerk: Any,
    title: str,
    *,
    created: datetime,
    deadline: date,
    lead: Unit,
    supporting: tuple[Unit, ...] = (),
) -> ActionItem:
    with time_machine.travel(created, tick=False):
        return action_item_create(
            mechanism=mechanism,
            title=title,
            source=ActionItem.Source.GOVERNMENT,
            source_label="市政府交办函",
            lead_unit=lead,
            supporting_units=supporting,
            deadline=deadline,
            feedback_every_workdays=15,
            actor=clerk,
            today=created.date(),
        )


def _report(item: ActionItem, person: Any, when: datetime, *, closure: bool = False) -> None:
    with time_machine.travel(when, tick=False):
        progress_report_create(
            item=item,
            actor=person,
            text="已按要求推进，完成阶段性任务。",
            requests_closure=closure,
            submit=True,
            now=when,
        )


def _close(item: ActionItem, clerk: Any, when: datetime) -> None:
    with time_machine.travel(when, tick=False):
        action_item_close(item=item, actor=clerk, reason="同意办结。", now=when)


def build_world(mechanism: Any, clerk: Any, consulted: dict[str, Any], units: list[Unit]) -> World:
    hrss, union, safety, finance = units
    (hrss_l, hrss_m), (union_l, union_m) = consulted["hrss"], consulted["union"]
    safety_l, finance_l = consulted["safety"][0], consulted["finance"][0]

    # 三(一)1: a meeting of the year before (not counted), and two of the year.
    _meeting(clerk, aware(2025, 12, 16, 9), {hrss_l: ATTENDS}, "2025年第二次全体会议")
    _meeting(
        clerk,
        aware(2026, 3, 10, 9),
        {hrss_l: ATTENDS, union_l: DELEGATES},  # finance: no answer, absent
        "2026年第一次全体会议",
        # 应急管理局 asked leave by telephone on the day; no one came in its place.
        actual={safety: Attendance.Actual.ON_LEAVE},
    )
    _meeting(
        clerk,
        aware(2026, 9, 15, 9),
        {hrss_m: DELEGATES, union_l: ATTENDS, safety_l: ATTENDS, finance_l: ATTENDS},
        "2026年第二次全体会议",
    )

    # 四(二): items led and supported, closed on time, late, open; one of the year before.
    old = _item(
        mechanism, clerk, "2025年已办结事项",
        created=aware(2025, 3, 3), deadline=date(2025, 6, 30), lead=hrss,
    )  # fmt: skip
    _report(old, hrss_l, aware(2025, 5, 6), closure=True)
    _close(old, clerk, aware(2025, 5, 20))
    carried = _item(
        mechanism, clerk, "跨年度办结的尘肺病筛查",
        created=aware(2025, 10, 10), deadline=date(2026, 2, 27), lead=safety, supporting=(hrss,),
    )  # fmt: skip
    _close(carried, clerk, aware(2026, 2, 20))
    on_time = _item(
        mechanism, clerk, "开展工伤保险扩面专项行动",
        created=aware(2026, 2, 2), deadline=date(2026, 4, 30), lead=hrss, supporting=(union,),
    )  # fmt: skip
    _report(on_time, union_l, aware(2026, 3, 16))
    _report(on_time, hrss_l, aware(2026, 4, 10), closure=True)
    _close(on_time, clerk, aware(2026, 4, 20))
    late = _item(
        mechanism, clerk, "推进尘肺病患者救治救助",
        created=aware(2026, 3, 2), deadline=date(2026, 5, 29), lead=hrss,
        supporting=(union, safety),
    )  # fmt: skip
    _report(late, hrss_l, aware(2026, 4, 1))
    _report(late, hrss_l, aware(2026, 6, 10), closure=True)
    _close(late, clerk, aware(2026, 6, 15))
    quiet = _item(
        mechanism, clerk, "重点行业职业病危害专项治理",
        created=aware(2026, 5, 6), deadline=date(2026, 8, 31), lead=hrss, supporting=(safety,),
    )  # fmt: skip
    # 四(二): no feedback on it; the tick reminds the liaison, then the member, of the same
    # period (one miss), and of the next period (a second).
    for day in (aware(2026, 5, 28, 9), aware(2026, 6, 2, 9), aware(2026, 6, 19, 9)):
        with time_machine.travel(day, tick=False):
            send_reminders(day)
    assert quiet.reminders.filter(kind=Reminder.Kind.FEEDBACK).count() >= 2
    union_led = _item(
        mechanism, clerk, "职工职业健康维权宣传",
        created=aware(2026, 10, 9), deadline=date(2027, 3, 31), lead=union, supporting=(hrss,),
    )  # fmt: skip
    _report(union_led, union_l, aware(2026, 11, 3))
    # A draft is not feedback.
    with time_machine.travel(aware(2026, 11, 4), tick=False):
        progress_report_create(item=union_led, actor=hrss_l, text="草稿，尚未报送。")
    year_end = _item(
        mechanism, clerk, "年底前完成财政保障测算",
        created=aware(2026, 11, 2), deadline=date(2026, 12, 31), lead=finance,
    )  # fmt: skip
    _close(year_end, clerk, aware(2027, 1, 8))  # late, and in 2026 still open

    # 三(四)2: incidents notified; acknowledged on time, late, never; one of the year before.
    def incident(at: datetime, title: str, notified: list[Unit]) -> Any:
        with time_machine.travel(at, tick=False):
            made, _ = incident_register(
                mechanism=mechanism,
                data=replace(sample_input(), title=title),
                actor=clerk.membership,
                now=at,
            )
            incident_notify(incident=made, units=notified, actor=clerk.membership, now=at)
        return made

    def ack(made: Any, person: Any, at: datetime) -> None:
        notice = IncidentNotice.objects.get(incident=made, unit=person.membership.unit)
        with time_machine.travel(at, tick=False):
            notice_acknowledge(notice=notice, actor=person, now=at)

    old_incident = incident(aware(2025, 12, 30, 10), "2025年某矿山粉尘事故", [hrss])
    ack(old_incident, hrss_l, aware(2025, 12, 30, 10, 5))
    first = incident(aware(2026, 7, 1, 10), "某化工公司硫化氢中毒事故", [hrss, union, safety])
    ack(first, hrss_l, aware(2026, 7, 1, 10, 12))
    ack(first, union_m, aware(2026, 7, 1, 11, 40))
    second = incident(aware(2026, 8, 3, 15), "某冶炼厂一氧化碳中毒事故", [hrss, finance])
    ack(second, hrss_m, aware(2026, 8, 3, 15, 20))

    # 三(二): a comment round; answered on time by 人社局, late by 总工会, not by the others.
    with time_machine.travel(aware(2026, 11, 2, 9), tick=False):
        document = document_create(
            actor=clerk.membership,
            kind="方案",
            title="关于开展职业病危害专项治理的工作方案",
            paragraphs=["为贯彻落实《职业病防治法》，制定本方案。", "一、工作目标"],
            parties=Parties(co_issuing_unit_ids=[], main_to_names=["各县区人民政府"]),
        )
        round1 = consultation_send(
            actor=clerk.membership,
            document=document,
            unit_ids=[u.pk for u in units],
            deadline_workdays=3,
            silence_is_consent=False,
            today=date(2026, 11, 2),
        )
    with time_machine.travel(aware(2026, 11, 4, 9), tick=False):
        reply_draft(
            actor=hrss_m.membership,
            reply=round1.replies.get(unit=hrss),
            stance=UnitReply.Stance.NO_COMMENT,
            submit=True,
        )
    with time_machine.travel(aware(2026, 11, 9, 9), tick=False):
        reply_draft(
            actor=union_m.membership,
            reply=round1.replies.get(unit=union),
            stance=UnitReply.Stance.NO_COMMENT,
            submit=True,
        )
    # 四(四): a major matter put to the four in writing: 人社局 answers on time, 总工会 late.
    matter = decision_create(
        actor=clerk.membership,
        title="尘肺病患者医疗救助政策",
        proposal="将尘肺病患者纳入城乡医疗救助范围，所需资金由市财政统筹安排。",
        proposing_unit_id=hrss.pk,
        concerned_unit_ids=[u.pk for u in units],
    )
    with time_machine.travel(aware(2026, 11, 2, 9), tick=False):
        put = round_open(
            actor=clerk.membership,
            decision=matter,
            method=Decision.Method.WRITING,
            deadline_workdays=5,
            today=date(2026, 11, 2),
        )
    for person, at in ((hrss_m, aware(2026, 11, 5, 9)), (union_m, aware(2026, 11, 12, 9))):
        with time_machine.travel(at, tick=False):
            opinion_answer(
                actor=person.membership,
                opinion=Opinion.objects.get(round=put, unit=person.membership.unit),
                stance=Opinion.Stance.AGREE,
                submit=True,
            )
    # 三(四)1: information reports. 人社局 sends three in 2026 (two adopted, one returned) and
    # one on 31 December 2025; 总工会 one, declined.
    for title, person_pair, at, decision in (
        ("人社局帮扶行动", consulted["hrss"], aware(2026, 3, 2, 9), "adopt"),
        ("人社局工伤认定", consulted["hrss"], aware(2026, 6, 2, 9), "return"),
        ("人社局扩面参保", consulted["hrss"], aware(2026, 9, 2, 9), "adopt"),
        ("人社局去年信息", consulted["hrss"], aware(2025, 12, 31, 20), "adopt"),
        ("总工会慰问", consulted["union"], aware(2026, 4, 2, 9), "decline"),
    ):
        liaison, member = person_pair
        with time_machine.travel(at, tick=False):
            report = info_report_save(
                actor=liaison.membership, kind="news", title=title, body="正文一段。"
            )
            info_report_send(actor=liaison.membership, report=report, now=at)
            info_report_send(actor=member.membership, report=report, now=at)
            info_report_review(
                actor=clerk.membership, report=report, decision=decision, note="理由", now=at
            )
    return World(hrss, union, safety, finance, consulted)


@pytest.fixture
def units(unit_named: Callable[[str], Unit]) -> list[Unit]:
    return [
        unit_named(n) for n in ("市人力资源和社会保障局", "市总工会", "市应急管理局", "市财政局")
    ]


@pytest.fixture
def world(
    mechanism: Any, clerk: Any, consulted: dict[str, Any], units: list[Unit], cycle: AnnualCycle
) -> World:
    """The year 2026 on the record; the 2027 cycle's submissions (四(三)): 人社局 on time, 总工会
    two working days late, 应急管理局 and 财政局 not complete by 20 January."""
    w = build_world(mechanism, clerk, consulted, units)
    (hrss_l, hrss_m), (union_l, union_m) = consulted["hrss"], consulted["union"]
    with time_machine.travel(aware(2027, 1, 14, 10), tick=False):
        send_all(hrss_l, hrss_m, cycle, aware(2027, 1, 14, 10))
    with time_machine.travel(aware(2027, 1, 19, 10), tick=False):
        send_all(union_l, union_m, cycle, aware(2027, 1, 19, 10))
    return w


# --- the figures counted here, from the rows ---------------------------------------------------


def in_year(moment: datetime | None) -> bool:
    return moment is not None and timezone.localtime(moment).year == YEAR


def expected(unit: Unit, today: date) -> dict[str, Any]:
    """The unit's 2026, counted in plain Python over every row of each kind."""
    out: dict[str, Any] = {}
    held = [
        a
        for a in Attendance.objects.select_related("meeting").filter(unit=unit)
        if a.meeting.status == Meeting.Status.HELD and in_year(a.meeting.starts_at)
    ]
    out["meetings_invited"] = len(held)
    out["meetings_present"] = sum(a.actual in ("present", "observer") for a in held)
    out["meetings_delegated"] = sum(
        a.actual == "delegate" and bool(a.substitute_name) for a in held
    )
    out["meetings_on_leave"] = sum(a.actual == "on_leave" for a in held)
    out["meetings_absent"] = sum(a.actual == "absent" for a in held)

    end = timezone.make_aware(datetime(YEAR + 1, 1, 1))
    start = timezone.make_aware(datetime(YEAR, 1, 1))

    def items_counts(items: list[ActionItem], prefix: str, overdue: bool) -> None:
        year_items = [
            i for i in items if i.created_at < end and (i.closed_at is None or i.closed_at >= start)
        ]
        closed = [i for i in year_items if i.closed_at is not None and i.closed_at < end]
        still_open = [i for i in year_items if i not in closed]
        out[f"{prefix}_total"] = len(year_items)
        out[f"{prefix}_on_time"] = sum(
            timezone.localtime(i.closed_at).date() <= i.deadline for i in closed if i.closed_at
        )
        out[f"{prefix}_late"] = len(closed) - out[f"{prefix}_on_time"]
        out[f"{prefix}_open"] = len(still_open)
        if overdue:
            out[f"{prefix}_overdue"] = sum(
                i.deadline < min(today, date(YEAR + 1, 1, 1)) for i in still_open
            )

    everything = list(ActionItem.objects.prefetch_related("supporting_units"))
    items_counts([i for i in everything if i.lead_unit_id == unit.pk], "led", True)
    items_counts([i for i in everything if unit in i.supporting_units.all()], "supported", False)
    out["feedback_missed"] = len(
        {
            (m.item_id, m.about)
            for m in Reminder.objects.select_related("item")
            if m.kind == "feedback" and m.item.lead_unit_id == unit.pk and in_year(m.sent_at)
        }
    )
    out["reports_sent"] = sum(
        r.status == "submitted" and in_year(r.submitted_at)
        for r in ProgressReport.objects.filter(unit=unit)
    )
    notices = [n for n in IncidentNotice.objects.filter(unit=unit) if in_year(n.sent_at)]
    acked = [n for n in notices if n.acknowledged_at is not None]
    out["notices"] = len(notices)
    out["acked_on_time"] = sum(n.acknowledged_at <= n.ack_due_at for n in acked)  # type: ignore[operator]
    out["acked_late"] = len(acked) - out["acked_on_time"]
    out["unacked"] = len(notices) - len(acked)
    minutes = [(n.acknowledged_at - n.sent_at).total_seconds() / 60 for n in acked]  # type: ignore[operator]
    out["ack_minutes_avg"] = round(sum(minutes) / len(minutes)) if minutes else None
    out["ack_minutes_max"] = round(max(minutes)) if minutes else None
    replies = [
        r
        for r in UnitReply.objects.select_related("consultation").filter(unit=unit)
        if in_year(r.consultation.sent_at)
    ]
    answered = [r for r in replies if r.status == "submitted" and r.submitted_at]
    out["rounds_asked"] = len(replies)
    out["rounds_on_time"] = sum(
        timezone.localtime(r.submitted_at).date() <= r.consultation.deadline  # type: ignore[arg-type]
        for r in answered
    )
    out["rounds_late"] = len(answered) - out["rounds_on_time"]
    opinions = [
        o
        for o in Opinion.objects.select_related("round").filter(unit=unit)
        if in_year(o.round.opened_at)
    ]
    given = [o for o in opinions if o.status == "submitted" and o.submitted_at]
    out["opinions_asked"] = len(opinions)
    out["opinions_on_time"] = sum(
        timezone.localtime(o.submitted_at).date() <= o.round.deadline  # type: ignore[arg-type]
        for o in given
    )
    reports = [r for r in InfoReport.objects.filter(unit=unit) if in_year(r.first_sent_at)]
    out["info_sent"] = len(reports)
    out["reports_adopted"] = sum(r.status == "adopted" for r in reports)
    out["opinions_late"] = len(given) - out["opinions_on_time"]
    out["opinions_silent"] = sum(
        o.status == "silent" or (o.status in ("pending", "drafted") and o.round.deadline < today)
        for o in opinions
    )
    out["rounds_silent"] = sum(
        r.status in ("deemed", "overdue")
        or (r.status in ("pending", "drafted") and r.consultation.deadline < today)
        for r in replies
    )
    return out


def shown(r: record.UnitYearRecord) -> dict[str, Any]:
    return {
        key: getattr(r, key)
        for key in (
            "meetings_invited", "meetings_present", "meetings_delegated", "meetings_on_leave",
            "meetings_absent", "led_total", "led_on_time", "led_late", "led_open", "led_overdue",
            "supported_total", "supported_on_time", "supported_late", "supported_open",
            "reports_sent", "feedback_missed", "notices", "acked_on_time", "acked_late", "unacked",
            "ack_minutes_avg", "ack_minutes_max", "rounds_asked", "rounds_on_time",
            "rounds_late", "rounds_silent", "opinions_asked", "opinions_on_time",
            "opinions_late", "opinions_silent", "info_sent", "reports_adopted",
        )
    }  # fmt: skip


def read(login: Callable[[Any], Client] | None, person: Any, url: str) -> Any:
    """GET `url` as `person` (anonymous when None) on the day the record is read, logged in
    within that day (the session's expiry follows the clock)."""
    with time_machine.travel(READ_AT, tick=False):
        client = Client() if login is None or person is None else login(person)
        return client.get(url)


def html(response: Any) -> Any:
    return lxml.html.fromstring(response.content.decode())


def workdays_late(deadline: date, done: date) -> int:
    """Working days after `deadline` up to `done`, counted day by day (Monday–Friday, less the
    holidays the calendar knows: 元旦 2027 is set by the fixtures)."""
    return sum(
        is_workday(deadline + timedelta(days=n)) for n in range(1, (done - deadline).days + 1)
    )


# --- the figures ---------------------------------------------------------------------------


def test_the_figures_equal_counts_made_from_the_records_四三_三一1(
    world: World, mechanism: Any, clerk: Any, login: Callable[[Any], Client]
) -> None:
    """四(三), 三(一)1: every unit's figures — meetings attended and delegated, items led and
    supported (on time, late, open), feedback sent and missed, incident acknowledgements and
    their minutes, comment rounds answered — equal the counts made here from the rows; the
    page shows the same records."""
    with time_machine.travel(READ_AT, tick=False):
        today = timezone.localdate()
        records = {r.unit.pk: r for r in record.unit_year_records(mechanism, YEAR)}
        wanted = {u.pk: expected(u, today) for u in world.units}
        response = login(clerk).get(PAGE)
    for unit in world.units:
        assert shown(records[unit.pk]) == wanted[unit.pk], unit.name
    # Not a world of zeros: each kind of figure has something to count.
    for key in ("meetings_delegated", "meetings_on_leave", "meetings_absent", "led_on_time",
                "led_late", "led_open", "led_overdue", "supported_late", "feedback_missed",
                "acked_late", "unacked", "rounds_late", "rounds_silent", "opinions_late",
                "opinions_silent"):  # fmt: skip
        assert sum(w[key] for w in wanted.values()) > 0, key
    assert response.status_code == 200
    page_records = {r.unit.pk: r for r in response.context["records"]}
    for unit in world.units:
        assert shown(page_records[unit.pk]) == wanted[unit.pk], unit.name
    # The table's cells say the same numbers.
    row = html(response).get_element_by_id(f"unit-{world.hrss.pk}")
    tds = row.findall("td")
    assert tds[0].text_content().strip() == "市人力资源和社会保障局"
    cells = {str(td.get("data-figure")): td.text_content().strip() for td in tds[1:]}
    h = wanted[world.hrss.pk]
    figures = (
        "meetings_invited", "meetings_present", "meetings_delegated", "led_total",
        "led_on_time", "led_late", "led_open", "supported_total", "reports_sent",
        "feedback_missed", "notices", "acked_on_time", "ack_minutes_avg",
    )  # fmt: skip
    assert cells == {
        "submission": "按时",
        "submission_late_workdays": "0",
        **{key: str(h[key]) for key in figures},
        "answers_asked": str(h["rounds_asked"] + h["opinions_asked"]),
        "answers_on_time": str(h["rounds_on_time"] + h["opinions_on_time"]),
        "reports_adopted": str(h["reports_adopted"]),
    }


def test_a_year_counts_only_its_own_records_三一1(
    world: World, mechanism: Any, units: list[Unit]
) -> None:
    """三(一)1, 四(二): 2025's meeting, item, report and incident are 2025's, not 2026's; the
    item led by 财政局 closed in January 2027 is open in 2026's record."""
    with time_machine.travel(READ_AT, tick=False):
        before = {r.unit.pk: r for r in record.unit_year_records(mechanism, 2025)}
        after = {r.unit.pk: r for r in record.unit_year_records(mechanism, 2027)}
    hrss = before[world.hrss.pk]
    assert (hrss.meetings_invited, hrss.meetings_present) == (1, 1)
    assert (hrss.led_total, hrss.led_on_time, hrss.reports_sent, hrss.notices) == (1, 1, 1, 1)
    finance = after[world.finance.pk]
    assert (finance.led_total, finance.led_late, finance.led_open) == (1, 1, 0)


def test_the_submissions_timeliness_in_working_days_四三(
    world: World, mechanism: Any, cycle: AnnualCycle
) -> None:
    """四(三): the 2027 cycle's submission (the summary of 2026) by 15 January: on time, late by
    the working days counted here, or still incomplete and late till the day it is read."""
    with time_machine.travel(READ_AT, tick=False):
        records = {r.unit.pk: r for r in record.unit_year_records(mechanism, YEAR)}
    deadline = cycle.deadline
    for unit in world.units:
        submission = AnnualSubmission.objects.get(cycle=cycle, unit=unit)
        r = records[unit.pk]
        if submission.completed_at is None:
            late = workdays_late(deadline, READ_AT.date())
            assert r.submission_state == f"未报送齐全（已逾期 {late} 个工作日）", unit.name
        else:
            late = workdays_late(deadline, timezone.localtime(submission.completed_at).date())
            assert r.submission_state == (f"逾期 {late} 个工作日报送" if late else "按时报送"), (
                unit.name
            )
        assert r.submission_late_workdays == late
    assert records[world.hrss.pk].submission_state == "按时报送"
    assert records[world.union.pk].submission_late_workdays == 2  # 18 and 19 January
    assert records[world.safety.pk].submission_late_workdays == 3


def test_information_reports_adopted_are_counted_by_the_first_sending_三四1(
    world: World, mechanism: Any, clerk: Any, login: Callable[[Any], Client]
) -> None:
    """三(四)1: 人社局 sent three reports in 2026 (the one of 31 December 2025 is 2025's), two
    adopted; 总工会 one, declined; the unit's page lists each with its state and link."""
    with time_machine.travel(READ_AT, tick=False):
        records = {r.unit.pk: r for r in record.unit_year_records(mechanism, YEAR)}
    assert (records[world.hrss.pk].info_sent, records[world.hrss.pk].reports_adopted) == (3, 2)
    assert (records[world.union.pk].info_sent, records[world.union.pk].reports_adopted) == (1, 0)
    response = read(login, clerk, PAGE)
    row = html(response).get_element_by_id(f"unit-{world.hrss.pk}")
    (cell,) = row.xpath('td[@data-figure="reports_adopted"]')
    assert cell.text_content().strip() == "2"
    unit = html(read(login, clerk, unit_page(world.hrss)))
    section = unit.get_element_by_id("bulletins").text_content()
    assert "人社局帮扶行动" in section and "人社局去年信息" not in section
    assert "已采用" in section and "退回修改" in section


def test_each_figure_links_to_the_records_behind_it_四三(
    world: World, mechanism: Any, clerk: Any, login: Callable[[Any], Client]
) -> None:
    """四(三): every number on the all-units page links to the unit's page, where each figure
    links to its section and each section lists the rows it counts, each linking to the
    record's own page (the meeting, the item, the incident, the reply)."""
    page = html(read(login, clerk, PAGE))
    unit_url = reverse("annual:record_unit", args=[YEAR, world.hrss.pk])
    row = page.get_element_by_id(f"unit-{world.hrss.pk}")
    links = [a.get("href") for a in row.iter("a")]
    assert links and all(href.startswith(unit_url) for href in links)
    assert len(links) == len(row.findall("td"))  # every figure, 信息采用 too
    response = read(login, clerk, unit_url)
    doc = html(response)
    r = response.context["record"]
    for key, figure in r.figures().items():
        if figure.value is None or figure.value == "":
            continue
        anchor = doc.get_element_by_id(f"figure-{key}").find(".//a").get("href")
        assert anchor == figure.url
        assert doc.get_element_by_id(anchor.split("#")[1]) is not None

    def hrefs(section: str) -> list[str]:
        rows = doc.get_element_by_id(section).findall(".//tbody/tr")
        return [a.get("href") for tr in rows for a in tr.iter("a")]

    hrss = world.hrss
    held = Attendance.objects.filter(
        unit=hrss, meeting__status="held", meeting__starts_at__year=YEAR
    ).values_list("meeting_id", flat=True)
    assert sorted(hrefs("meetings")) == sorted(f"/meetings/{pk}/" for pk in held)
    assert len(hrefs("meetings")) == r.meetings_invited
    led = [reverse("supervision:item", args=[i.pk]) for i in ActionItem.objects.filter(
        lead_unit=hrss, created_at__year__lte=YEAR).exclude(closed_at__year__lt=YEAR)]  # fmt: skip
    assert sorted(hrefs("led")) == sorted(led) and len(led) == r.led_total
    led_states = [
        tr.findall("td")[2].text_content() for tr in doc.get_element_by_id("led").iter("tr")
        if tr.findall("td")
    ]  # fmt: skip
    assert led_states.count("未办结（已逾期）") == r.led_overdue == 1
    assert len(hrefs("supported")) == r.supported_total
    assert len(hrefs("feedback")) == r.reports_sent + r.feedback_missed
    notices = IncidentNotice.objects.filter(unit=hrss, sent_at__year=YEAR)
    assert sorted(hrefs("incidents")) == sorted(
        reverse("incidents:detail", args=[n.incident_id]) for n in notices
    )
    assert hrefs("rounds") == [
        reverse("documents:reply", args=[u.pk]) for u in UnitReply.objects.filter(unit=hrss)
    ]
    assert hrefs("opinions") == [
        reverse("decisions:detail", args=[o.round.decision_id])
        for o in Opinion.objects.filter(unit=hrss)
    ]
    assert len(hrefs("opinions")) == r.opinions_asked == 1
    # Each linked record opens for the secretariat (no dead link).
    with time_machine.travel(READ_AT, tick=False):
        client = login(clerk)
        every = ("meetings", "led", "supported", "feedback", "incidents", "rounds", "opinions")
        linked = {h for section in every for h in hrefs(section)}
        for href in linked:
            assert client.get(href).status_code == 200, href
        # And for the unit's own liaison, who reads the same page of its own unit.
        liaison = login(world.people["hrss"][0])
        for href in linked:
            assert liaison.get(href).status_code == 200, href
        states = [
            tr.findall("td")[2].text_content()
            for tr in doc.get_element_by_id("rounds").findall(".//tbody/tr")
        ]
    assert states == ["已反馈（按时）"]
    safety = html(read(login, clerk, unit_page(world.safety)))
    state = safety.get_element_by_id("rounds").findall(".//tbody/tr")[0].findall("td")[2]
    assert "计为未反馈" in state.text_content()


def test_no_dead_links_for_the_government_office_四三(
    world: World, gov_reader: Any, login: Callable[[Any], Client]
) -> None:
    """四(三): the city government office reads every unit's year; a record it may not open
    (a meeting's page, a unit's reply, a matter not escalated, the submission itself) is
    listed without a link rather than linking to a 404."""
    with time_machine.travel(READ_AT, tick=False):
        client = login(gov_reader)
        response = client.get(unit_page(world.hrss))
        doc = html(response)
        links = {a.get("href") for a in doc.iter("a") if a.get("href", "").startswith("/")}
        for href in links:
            assert client.get(href).status_code in (200, 302), href
    details = response.context["details"]
    assert details.meetings and all(row.url == "" for row in details.meetings)
    assert details.led and all(row.url for row in details.led)  # items: open to it
    titles = [td.text_content() for td in doc.get_element_by_id("meetings").iter("td")]
    assert "2026年第一次全体会议" in titles
    assert "查看报送材料" not in response.content.decode()


# --- who sees it ---------------------------------------------------------------------------


def test_the_secretariat_and_the_government_see_every_unit_四三(
    world: World, clerk: Any, gov_reader: Any, login: Callable[[Any], Client]
) -> None:
    """四(三): the joint-meeting office and the city government office read every member unit's
    year, page and .docx; only the office exports all units (.xlsx)."""
    for person in (clerk, gov_reader):
        response = read(login, person, PAGE)
        assert response.status_code == 200
        assert {r.unit.pk for r in response.context["records"]} >= {u.pk for u in world.units}
        for unit in world.units:
            assert read(login, person, unit_page(unit)).status_code == 200
        assert read(login, person, unit_docx(world.union)).status_code == 200
    assert read(login, clerk, XLSX).status_code == 200
    assert b"record-xlsx" in read(login, clerk, PAGE).content
    assert read(login, gov_reader, XLSX).status_code == 403
    assert b"record-xlsx" not in read(login, gov_reader, PAGE).content


def test_a_unit_sees_only_its_own_year_四三(
    world: World, consulted: dict[str, Any], login: Callable[[Any], Client]
) -> None:
    """四(三): a unit's liaison and member read their own unit's year; another unit's page and
    .docx are missing (404), the all-units page leads to their own, the export is refused."""
    for person in consulted["hrss"]:
        response = read(login, person, PAGE)
        assert response.status_code == 302 and response["Location"] == unit_page(world.hrss)
        own = read(login, person, unit_page(world.hrss))
        assert own.status_code == 200 and "返回全部单位" not in own.content.decode()
        assert read(login, person, unit_docx(world.hrss)).status_code == 200
        assert read(login, person, unit_page(world.union)).status_code == 404
        assert read(login, person, unit_docx(world.union)).status_code == 404
        assert read(login, person, XLSX).status_code == 403


def test_another_joint_meeting_sees_nothing_of_this_one_四三(
    world: World, second_clerk: Any, login: Callable[[Any], Client]
) -> None:
    """四(三): the secretariat of another joint meeting sees its own units only: this one's unit
    pages and .docx are missing, its table and export hold none of this one's units."""
    mine = {u.pk for u in world.units}
    response = read(login, second_clerk, PAGE)
    assert response.status_code == 200
    theirs = {r.unit.pk for r in response.context["records"]}
    assert theirs and not theirs & mine
    assert all(r.led_total == r.meetings_invited == 0 for r in response.context["records"])
    for unit in world.units:
        assert read(login, second_clerk, unit_page(unit)).status_code == 404
        assert read(login, second_clerk, unit_docx(unit)).status_code == 404
    book = load_workbook(BytesIO(read(login, second_clerk, XLSX).content))
    sheet = book.active
    assert sheet is not None
    assert sheet["A1"].value.startswith("青溪县")
    assert all(not isinstance(c.value, int) or c.value == 0 or c.column == 1
               for row in sheet.iter_rows(min_row=3) for c in row)  # fmt: skip


def test_anonymous_visitors_are_sent_to_log_in_四三(world: World) -> None:
    """四(三): every record page and download asks an anonymous visitor to log in."""
    for url in (PAGE, XLSX, unit_page(world.hrss), unit_docx(world.hrss)):
        response = read(None, None, url)
        assert response.status_code == 302 and response["Location"].startswith("/account/login/"), (
            url
        )


def test_other_roles_and_units_outside_the_record_are_refused_四三(
    world: World,
    clerk: Any,
    auditor: Any,
    outsider: Any,
    unit_named: Callable[[str], Unit],
    login: Callable[[Any], Client],
) -> None:
    """四(三): the auditor and a person without a unit are refused; the government office (not a
    member unit) has no record page; a year outside the platform's is missing."""
    for person in (auditor, outsider):
        for url in (PAGE, XLSX, unit_page(world.hrss), unit_docx(world.hrss)):
            assert read(login, person, url).status_code == 403, (person, url)
    gov_office = unit_named("市政府办公室")
    assert read(login, clerk, unit_page(gov_office)).status_code == 404
    assert read(login, clerk, "/annual/record/1999/").status_code == 404


# --- the files -----------------------------------------------------------------------------


def test_the_xlsx_of_all_units_cell_by_cell_四三(
    world: World, mechanism: Any, clerk: Any, login: Callable[[Any], Client]
) -> None:
    """四(三): the .xlsx holds a row per member unit; 人社局's row, read cell by cell, says what
    the records say."""
    response = read(login, clerk, XLSX)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    assert sheet["A1"].value == f"{mechanism.name}各成员单位{YEAR}年度履职情况"
    headers = [c.value for c in sheet[2]]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert "市卫生健康委" in rows and len(rows) == sheet.max_row - 2
    h = expected(world.hrss, READ_AT.date())
    wanted = {
        "序号": rows["市人力资源和社会保障局"][0],
        "单位": "市人力资源和社会保障局",
        "参加会议：应参会（次）": h["meetings_invited"],
        "参加会议：出席（次）": h["meetings_present"],
        "参加会议：请假并委托出席（次）": h["meetings_delegated"],
        "参加会议：请假未委托（次）": h["meetings_on_leave"],
        "参加会议：缺席（次）": h["meetings_absent"],
        "牵头督办事项：牵头（项）": h["led_total"],
        "牵头督办事项：按期办结（项）": h["led_on_time"],
        "牵头督办事项：逾期办结（项）": h["led_late"],
        "牵头督办事项：未办结（项）": h["led_open"],
        "牵头督办事项：其中已逾期（项）": h["led_overdue"],
        "配合督办事项：配合（项）": h["supported_total"],
        "配合督办事项：按期办结（项）": h["supported_on_time"],
        "配合督办事项：逾期办结（项）": h["supported_late"],
        "配合督办事项：未办结（项）": h["supported_open"],
        "进展反馈：报送进展反馈（次）": h["reports_sent"],
        "进展反馈：反馈周期内未反馈（次）": h["feedback_missed"],
        "事故通报确认：收到通报（次）": h["notices"],
        "事故通报确认：按时确认（次）": h["acked_on_time"],
        "事故通报确认：超时确认（次）": h["acked_late"],
        "事故通报确认：未确认（次）": h["unacked"],
        "事故通报确认：确认用时（分钟，平均）": h["ack_minutes_avg"],
        "征求意见答复：公文征求意见（轮）": h["rounds_asked"],
        "征求意见答复：按时反馈（轮）": h["rounds_on_time"],
        "征求意见答复：逾期反馈（轮）": h["rounds_late"],
        "征求意见答复：未反馈（轮）": h["rounds_silent"],
        "征求意见答复：重大事项征求意见（轮）": h["opinions_asked"],
        "征求意见答复：按时答复（轮）": h["opinions_on_time"],
        "征求意见答复：逾期答复（轮）": h["opinions_late"],
        "征求意见答复：未答复（轮）": h["opinions_silent"],
        "信息报送：报送信息（篇）": h["info_sent"],
        "信息报送：信息被采用（篇）": h["reports_adopted"],
        "年度材料报送：报送情况": "按时报送",
        "年度材料报送：逾期（工作日）": 0,
    }
    assert headers == list(wanted)
    assert dict(zip(headers, rows["市人力资源和社会保障局"], strict=True)) == wanted
    assert rows["市应急管理局"][headers.index("年度材料报送：报送情况")] == (
        "未报送齐全（已逾期 3 个工作日）"
    )
    assert sheet.freeze_panes == "C3"


def _docx_of(login: Callable[[Any], Client], person: Any, unit: Unit, tmp_path: Path) -> Path:
    response = read(login, person, unit_docx(unit))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    path = tmp_path / f"record-{unit.pk}.docx"
    path.write_bytes(response.content)
    return path


def test_the_docx_of_a_unit_in_the_official_fonts_四三(
    world: World, clerk: Any, login: Callable[[Any], Client], tmp_path: Path
) -> None:
    """四(三): one unit's year as .docx — A4, the title in 小标宋, the body and the figures in
    仿宋_GB2312 (the government's name for it), headers in 黑体; the figures are the records'."""
    path = _docx_of(login, clerk, world.hrss, tmp_path)
    doc = docx.Document(str(path))
    section = doc.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4

    def east_asia(element: Any) -> str | None:
        fonts = element.find(".//" + qn("w:rFonts"))
        return None if fonts is None else fonts.get(qn("w:eastAsia"))

    assert east_asia(doc.styles["Normal"].element) == "仿宋_GB2312"
    title = doc.paragraphs[0]
    assert title.text == f"市人力资源和社会保障局{YEAR}年度履职情况"
    assert east_asia(title.runs[0]._element) == "方正小标宋简体"
    figures = doc.tables[0]
    assert [c.text for c in figures.rows[0].cells] == ["项目", "指标", "数值", "说明"]
    assert east_asia(figures.rows[0].cells[0].paragraphs[0].runs[0]._element) == "黑体"
    body = {row.cells[1].text: row.cells[2].text for row in figures.rows[1:]}
    h = expected(world.hrss, READ_AT.date())
    assert body["应参会（次）"] == str(h["meetings_invited"])
    assert body["请假并委托出席（次）"] == str(h["meetings_delegated"])
    assert body["牵头（项）"] == str(h["led_total"])
    assert body["反馈周期内未反馈（次）"] == str(h["feedback_missed"])
    assert body["信息被采用（篇）"] == str(h["reports_adopted"])
    assert body["报送情况"] == "按时报送"
    for row in figures.rows[1:]:
        for cell in row.cells:
            for run in cell.paragraphs[0].runs:
                assert east_asia(run._element) == "仿宋_GB2312"
    texts = "\n".join(c.text for t in doc.tables[1:] for row in t.rows for c in row.cells)
    assert "推进尘肺病患者救治救助" in texts and "2026年第一次全体会议" in texts


def test_the_docx_prints_the_figures_through_libreoffice_四三(
    world: World, other_liaison: Any, login: Callable[[Any], Client], tmp_path: Path
) -> None:
    """四(三): the unit's own liaison downloads its .docx; LibreOffice (as on a reader's PC)
    prints it, and the printed text carries the title, the figures and the records."""
    path = _docx_of(login, other_liaison, world.hrss, tmp_path)
    pdf = libreoffice_convert(path, tmp_path)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    h = expected(world.hrss, READ_AT.date())
    flat = re.sub(r"[ \t]+", " ", text)
    assert f"市人力资源和社会保障局{YEAR}年度履职情况" in flat.replace(" ", "")
    for label, key in (
        ("应参会（次）", "meetings_invited"),
        ("请假并委托出席（次）", "meetings_delegated"),
        ("牵头（项）", "led_total"),
        ("报送进展反馈（次）", "reports_sent"),
        ("收到通报（次）", "notices"),
    ):
        assert re.search(rf"{re.escape(label)} +{h[key]}\b", flat), label
    assert "按时报送" in flat
    assert re.search(rf"信息被采用（篇） +{h['reports_adopted']}\b", flat)
    assert "推进尘肺病患者救治救助" in flat.replace(" ", "")


# --- the query count -----------------------------------------------------------------------

# The all-units page: the session, the user, the membership, the password state; the units; one
# aggregate per kind of record (attendance, items led, items supported, progress reports,
# feedback reminders, incident notices, comment replies, major-matter opinions); the
# submissions and one read of the calendar for their lateness; the page's frame (joint
# meetings, platform operator, inbox count).
RECORD_QUERIES = 19  # one query per kind of record, 信息报送 included


def _staff(units: list[Unit]) -> None:
    for unit in units:
        if not Membership.objects.filter(unit=unit, role="liaison").exists():
            _person(f"liaison{unit.pk}", f"{unit.name}联络员", unit, Membership.Role.LIAISON)


def test_the_all_units_page_does_not_grow_with_the_units_四三(
    world: World,
    mechanism: Any,
    clerk: Any,
    login: Callable[[Any], Client],
    django_assert_max_num_queries: Any,
) -> None:
    """四(三): the all-units page reads each kind of record once, whatever the number of units:
    the same pin with the four units staffed and busy as with every member unit staffed and
    each leading an item, supporting one and notified of an incident."""
    with time_machine.travel(READ_AT, tick=False):
        client = login(clerk)
        with django_assert_max_num_queries(RECORD_QUERIES):
            assert client.get(PAGE).status_code == 200
    everyone = list(member_units(mechanism.pk))
    assert len(everyone) >= 15
    _staff(everyone)
    for n, unit in enumerate(everyone):
        _item(
            mechanism, clerk, f"第{n + 1}项督办事项",
            created=aware(2026, 10, 12), deadline=date(2026, 12, 31), lead=unit,
            supporting=(everyone[(n + 1) % len(everyone)],),
        )  # fmt: skip
    with time_machine.travel(aware(2026, 12, 1, 10), tick=False):
        made, _ = incident_register(
            mechanism=mechanism,
            data=replace(sample_input(), title="某石材厂矽尘危害事故"),
            actor=clerk.membership,
            now=aware(2026, 12, 1, 10),
        )
        incident_notify(incident=made, units=everyone, actor=clerk.membership)
    with time_machine.travel(READ_AT, tick=False):
        client = login(clerk)
        with django_assert_max_num_queries(RECORD_QUERIES):
            response = client.get(PAGE)
    assert response.status_code == 200
    assert all(r.led_total >= 1 and r.notices >= 1 for r in response.context["records"])
