"""The situation report (形势通报, 二(三)): a period's figures compiled from the record — equal to
counts made here from the rows — each linking to the rows behind it; the draft becomes a brief
the secretariat edits and issues."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from lianxi.conftest import aware
from lianxi.incidents.models import Incident
from lianxi.incidents.services import incident_register
from lianxi.incidents.tests.conftest import sample_input
from lianxi.meetings import services as meetings
from lianxi.meetings.models import Meeting, Resolution
from lianxi.supervision.models import ActionItem
from lianxi.supervision.services import action_item_close, action_item_create

from ..models import Brief, InfoReport
from ..selectors import period_window
from ..services import info_report_review
from ..situation import figure_rows, situation, situation_text
from .conftest import sent

pytestmark = pytest.mark.django_db

READ_ON = date(2027, 7, 10)


def _meeting(clerk: Any, kind: str, at: datetime, resolutions: list[str], unit: Any) -> Meeting:
    sec = clerk.membership
    with time_machine.travel(at - timedelta(days=7), tick=False):
        meeting = meetings.meeting_schedule(
            kind=kind,
            title=f"{at:%Y年%m月}会议",
            starts_at=at,
            ends_at=at + timedelta(hours=2),
            location="市卫生健康委三楼会议室",
            chair_unit=unit if kind == Meeting.Kind.TOPICAL else None,
            actor=sec,
        )
        meetings.agenda_item_add(meeting=meeting, title="通报工作形势", actor=sec)
        meetings.meeting_notify(meeting=meeting, actor=sec)
    with time_machine.travel(at + timedelta(hours=3), tick=False):
        attendances = list(meeting.attendances.all())
        meeting = meetings.attendance_record(
            meeting=meeting,
            actual={a.pk: meetings.default_actual(a)[0] for a in attendances},
            names={a.pk: meetings.default_actual(a)[1] for a in attendances},
            actor=sec,
        )
        minutes = meetings.minutes_draft(meeting=meeting, actor=sec)
        section = meetings.minutes_section_add(minutes=minutes, heading="议定事项", actor=sec)
        for text in resolutions:
            meetings.resolution_add(
                section=section, text=text, lead_unit=unit, deadline=date(2027, 12, 31), actor=sec
            )
        if kind == Meeting.Kind.PLENARY:  # the topical meeting's minutes stay a draft
            meetings.minutes_approve(minutes=minutes, actor=sec)
    return meeting


def _item(clerk: Any, title: str, lead: Any, created: datetime, deadline: date) -> ActionItem:
    with time_machine.travel(created, tick=False):
        return action_item_create(
            mechanism=clerk.membership.unit.mechanism,
            title=title,
            source=ActionItem.Source.GOVERNMENT,
            source_label="市政府交办函",
            lead_unit=lead,
            deadline=deadline,
            actor=clerk.membership,
            today=created.date(),
        )


def _close(item: ActionItem, clerk: Any, at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        action_item_close(item=item, actor=clerk.membership, reason="已完成", now=at)


@pytest.fixture
def half_year(clerk: Any, hrss_pair: Any, union_pair: Any, unit_named: Any) -> None:
    """2027 H1: a plenary (2 agreed matters) and a topical meeting (1) held, one of 2026; items
    of 人社局 and 总工会 opened, closed on time, late, and overdue; two incidents (一般, 重大) and
    one of 2026 and one withdrawn; reports sent and adopted."""
    hrss, union = unit_named("市人力资源和社会保障局"), unit_named("市总工会")
    _meeting(clerk, Meeting.Kind.PLENARY, aware(2026, 12, 10, 9), ["去年的事项"], hrss)
    _meeting(
        clerk, Meeting.Kind.PLENARY, aware(2027, 3, 10, 9), ["推进尘肺病救治", "扩面参保"], hrss
    )
    _meeting(clerk, Meeting.Kind.TOPICAL, aware(2027, 5, 12, 9), ["宣传周"], union)
    a = _item(clerk, "人社甲", hrss, aware(2027, 1, 5), date(2027, 3, 31))
    _close(a, clerk, aware(2027, 3, 20))  # on time
    b = _item(clerk, "人社乙", hrss, aware(2027, 2, 5), date(2027, 4, 30))
    _close(b, clerk, aware(2027, 5, 20))  # late
    _item(clerk, "人社丙", hrss, aware(2027, 3, 5), date(2027, 5, 31))  # overdue at 30 June
    _item(clerk, "工会甲", union, aware(2026, 11, 5), date(2027, 2, 28))  # 2026's, overdue
    c = _item(clerk, "工会乙", union, aware(2027, 6, 1), date(2027, 12, 31))  # open, not due
    _close(c, clerk, aware(2027, 7, 2))  # closed after the period: still open in H1
    for at, poisoned in (
        (aware(2027, 4, 2, 10), 2),
        (aware(2027, 6, 2, 10), 12),
        (aware(2026, 12, 2, 10), 3),
    ):
        with time_machine.travel(at, tick=False):
            incident_register(
                mechanism=clerk.membership.unit.mechanism,
                data=replace(sample_input(), title=f"{at:%m月}中毒事故", poisoned_count=poisoned),
                actor=clerk.membership,
                now=at,
            )
    Incident.objects.filter(title="04月中毒事故").update(status=Incident.Status.CLOSED)
    with time_machine.travel(aware(2027, 5, 5, 10), tick=False):
        gone, _ = incident_register(
            mechanism=clerk.membership.unit.mechanism,
            data=replace(sample_input(), title="误报", poisoned_count=1),
            actor=clerk.membership,
            now=aware(2027, 5, 5, 10),
        )
    Incident.objects.filter(pk=gone.pk).update(status=Incident.Status.WITHDRAWN)
    r1 = sent(hrss_pair, "人社信息一", when=aware(2027, 2, 1))
    info_report_review(actor=clerk.membership, report=r1, decision="adopt", now=aware(2027, 2, 2))
    sent(union_pair, "工会信息一", when=aware(2027, 6, 30, 12))
    sent(union_pair, "工会信息二", when=aware(2027, 7, 1, 12))  # H2


def _counted(unit_name: str | None) -> dict[str, int]:
    """The same figures counted here, row by row."""
    start, end = period_window(2027, "h1")
    as_of = date(2027, 6, 30)

    def inside(moment: datetime | None) -> bool:
        return moment is not None and start <= moment < end

    items = [
        i
        for i in ActionItem.objects.select_related("lead_unit")
        if unit_name in (None, i.lead_unit.name)
    ]
    reports = [
        r for r in InfoReport.objects.select_related("unit") if unit_name in (None, r.unit.name)
    ]
    out = {
        "items_opened": sum(inside(i.created_at) for i in items),
        "items_on_time": sum(
            i.status == "closed" and inside(i.closed_at) and bool(i.closed_on_time) for i in items
        ),
        "items_late": sum(
            i.status == "closed" and inside(i.closed_at) and i.closed_on_time is False
            for i in items
        ),
        "items_overdue": sum(
            i.created_at < end
            and (i.closed_at is None or i.closed_at >= end)
            and i.deadline < as_of
            for i in items
        ),
        "info_sent": sum(inside(r.first_sent_at) for r in reports),
        "info_adopted": sum(inside(r.first_sent_at) and r.status == "adopted" for r in reports),
    }
    if unit_name is None:
        held = [m for m in Meeting.objects.all() if m.status == "held" and inside(m.starts_at)]
        out["plenary"] = sum(m.kind == "plenary" for m in held)
        out["topical"] = sum(m.kind == "topical" for m in held)
        out["resolutions"] = sum(
            1
            for r in Resolution.objects.select_related("minutes__meeting")
            if r.minutes.meeting in held and r.minutes.status != "draft"  # approved on
        )
        incidents = [
            x for x in Incident.objects.all() if inside(x.occurred_at) and x.status != "withdrawn"
        ]
        out["incidents"] = len(incidents)
        out["incidents_closed"] = sum(x.status == "closed" for x in incidents)
    return out


@pytest.mark.usefixtures("half_year")
def test_the_situation_figures_equal_counts_made_from_the_records_二_三(clerk: Any) -> None:
    """二(三): the city's figures and each unit's part, for 2027 H1, equal the rows counted one
    by one here; each figure's rows are the ones it counts."""
    mechanism = clerk.membership.unit.mechanism
    s = situation(mechanism, 2027, "h1", READ_ON)
    assert s.as_of == date(2027, 6, 30)
    assert s.counts == _counted(None)
    assert s.counts["plenary"] == 1 and s.counts["resolutions"] == 2 and s.counts["incidents"] == 2
    assert {label: n for _, label, n in s.by_grade} == {"特大": 0, "重大": 1, "一般": 1}
    for part in s.units:
        mine = {key: getattr(part, key) for key in _counted(part.unit.name)}
        assert mine == _counted(part.unit.name), part.unit.name
    hrss = next(p for p in s.units if p.unit.name == "市人力资源和社会保障局")
    assert (hrss.items_opened, hrss.items_on_time, hrss.items_late, hrss.items_overdue) == (
        3,
        1,
        1,
        1,
    )
    for key, n in s.counts.items():
        assert len(figure_rows(mechanism, s, key)) == n, key
    rows = figure_rows(mechanism, s, "items_overdue", hrss.unit.pk)
    assert [r.title for r in rows] == ["人社丙"]
    text = "\n".join(situation_text(s, mechanism.name))
    assert "召开全体会议1次、专题会议1次，议定事项2项" in text
    assert "重大1起、一般1起" in text and "已结案1起" in text
    assert (
        "市人力资源和社会保障局：新立牵头事项3项，按期办结1项，逾期办结1项，逾期未办结1项" in text
    )


@pytest.mark.usefixtures("half_year")
def test_the_page_links_each_figure_and_the_draft_becomes_a_brief_二_三(
    clerk: Any, other_liaison: Any, login: Callable[[Any], Client]
) -> None:
    """二(三): the secretariat's page shows the figures with links to their rows; the draft is
    put into a brief (专刊) to edit and issue; units may not read the compiled figures."""
    with time_machine.travel(aware(2027, 7, 10, 9), tick=False):
        client = login(clerk)
        page = client.get("/bulletins/situation/?year=2027&period=h1")
        assert page.status_code == 200
        html = page.content.decode()
        assert "2027年上半年职业病防治工作形势通报" in html
        records = client.get("/bulletins/situation/records/?year=2027&period=h1&figure=items_late")
        assert records.status_code == 200 and "人社乙" in records.content.decode()
        assert "/supervision/" in records.content.decode()
        bad = client.get("/bulletins/situation/records/?year=2027&period=h9&figure=items_late")
        assert bad.status_code == 400
        ahead = client.get("/bulletins/situation/?year=2027&period=q4")
        assert ahead.status_code == 400 and "2027年第四季度尚未开始" in ahead.content.decode()
        response = client.post("/bulletins/situation/draft/", {"year": 2027, "period": "h1"})
        assert response.status_code == 302
        brief = Brief.objects.get()
        assert (brief.kind, brief.status) == ("special", "draft")
        assert "逾期未办结" in brief.articles.get().body
        unit = login(other_liaison)
        assert unit.get("/bulletins/situation/").status_code == 403
        assert (
            unit.post("/bulletins/situation/draft/", {"year": 2027, "period": "h1"}).status_code
            == 403
        )
    assert Client().get("/bulletins/situation/").status_code == 302


def test_a_returned_report_being_changed_is_counted_but_not_shown_二_三(
    hrss_pair: Any, clerk: Any
) -> None:
    """二(三): a report returned and changed by its unit counts in the period it was first sent,
    but its row shows neither its new title nor a link the secretariat could not open."""
    from ..services import info_report_save

    report = sent(hrss_pair, "人社初稿", when=aware(2026, 3, 2))
    info_report_review(
        actor=clerk.membership, report=report, decision="return", note="请补充。",
        now=aware(2026, 3, 3),
    )  # fmt: skip
    info_report_save(
        actor=hrss_pair[0].membership, report=report, kind="news", title="人社改稿", body="新"
    )
    mechanism = clerk.membership.unit.mechanism
    s = situation(mechanism, 2026, "h1", date(2026, 12, 7))
    assert s.counts["info_sent"] == 1
    (row,) = figure_rows(mechanism, s, "info_sent")
    assert (row.title, row.url) == ("（退回后单位修改中）", "")
