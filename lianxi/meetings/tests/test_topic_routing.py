"""Who handles an agenda topic, a topical meeting, an agreed matter: the routing suggestion where
the convener assigns units, and the secretariat's decisions teaching routing (二(四), 三(一))."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from lianxi.core.exceptions import ApplicationError
from lianxi.meetings import services
from lianxi.meetings.models import AgendaItem, Meeting
from lianxi.organization.models import Membership, Unit
from lianxi.routing import selectors as routing
from lianxi.routing.models import RoutingExample

from .fixtures import hold, soon

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("annex_duties")]


def test_a_topic_names_its_reporting_unit_and_the_units_it_concerns_三_一_1(
    plenary: Meeting, sec: Membership, unit_named: Callable[[str], Unit]
) -> None:
    """三(一)1 议题: the secretariat says who reports on a topic (牵头汇报) and whom it concerns."""
    union, hrss = unit_named("市总工会"), unit_named("市人力资源和社会保障局")
    item = services.agenda_item_add(
        meeting=plenary, title="研究尘肺病农民工维权工作", lead_unit=union,
        supporting_units=[hrss, union], actor=sec,
    )  # fmt: skip
    assert item.lead_unit == union
    assert list(item.supporting_units.all()) == [hrss]
    assert "研究尘肺病农民工维权工作（汇报单位：市总工会）" in services.default_notice(plenary)


def test_the_government_office_cannot_report_on_a_topic(
    plenary: Meeting, sec: Membership, mechanism: Any
) -> None:
    """三(一)1: topics are reported on by member or invited units; the government office
    receives the minutes as a copy (抄报)."""
    government = Unit.objects.get(mechanism=mechanism, kind=Unit.Kind.GOVERNMENT)
    with pytest.raises(ApplicationError, match="成员单位或参会单位"):
        services.agenda_item_add(meeting=plenary, title="x", lead_unit=government, actor=sec)
    assert not AgendaItem.objects.filter(title="x").exists()


def test_the_secretariats_choice_for_a_topic_teaches_routing_二_四(
    plenary: Meeting, sec: Membership, unit_named: Callable[[str], Unit]
) -> None:
    """二(四): an agenda topic whose units the secretariat set is a decision routing learns from:
    the duties lean to 人社 for this matter; after one decision for the union, a similar matter
    follows it and says so."""
    union, hrss = unit_named("市总工会"), unit_named("市人力资源和社会保障局")
    before = routing.route(plenary.mechanism, "一批尘肺病农民工要维权")
    assert before.lead is not None and before.lead.name == hrss.name
    item = services.agenda_item_add(
        meeting=plenary, title="尘肺病农民工集体维权", lead_unit=union,
        supporting_units=[hrss], actor=sec,
    )  # fmt: skip
    example = RoutingExample.objects.get(source_key=f"meetings.agenda_item:{item.pk}")
    assert example.lead_unit == union
    after = routing.route(plenary.mechanism, "一批尘肺病农民工要维权")
    assert after.lead is not None and after.lead.name == union.name
    assert after.neighbours


def test_a_topic_without_units_teaches_nothing(plenary: Meeting, sec: Membership) -> None:
    """二(四): only a choice of units by the secretariat is a decision routing learns from."""
    services.agenda_item_add(meeting=plenary, title="通报工作进展", actor=sec)
    assert not RoutingExample.objects.exists()


def test_a_chair_units_own_topics_do_not_teach_routing_二_四(
    sec: Membership, safety_liaison: Any, unit_named: Callable[[str], Unit]
) -> None:
    """二(四) learns from the secretariat's decisions; a topical meeting's chair unit decides for
    its own meeting only."""
    meeting = services.topical_meeting_entrust(
        title="矿山粉尘专题会议", topic="研究矿山粉尘治理", chair_unit=unit_named("市应急管理局"),
        concerned_units=[unit_named("市卫生健康委")], starts_at=soon(), ends_at=soon(hour=11),
        location="市应急管理局会议室", actor=sec,
    )  # fmt: skip
    RoutingExample.objects.all().delete()
    services.agenda_item_add(
        meeting=meeting, title="尾矿库粉尘", lead_unit=unit_named("市应急管理局"),
        actor=safety_liaison.membership,
    )  # fmt: skip
    assert not RoutingExample.objects.exists()


def test_entrusting_a_topical_meeting_teaches_routing_三_一_2(
    sec: Membership, unit_named: Callable[[str], Unit]
) -> None:
    """三(一)2 and 二(四): the chair and the units the topic concerns are the secretariat's
    decision on who handles the topic."""
    safety, health = unit_named("市应急管理局"), unit_named("市卫生健康委")
    meeting = services.topical_meeting_entrust(
        title="尘肺病防治专题会议", topic="研究矿山、冶金行业粉尘危害治理", chair_unit=safety,
        concerned_units=[safety, health], starts_at=soon(), ends_at=soon(hour=11),
        location="市应急管理局会议室", actor=sec,
    )  # fmt: skip
    example = RoutingExample.objects.get(source_key=f"meetings.topical:{meeting.pk}")
    assert example.lead_unit == safety
    assert list(example.supporting_units.all()) == [health]
    assert "粉尘危害治理" in example.text


def test_the_agenda_form_takes_the_units_and_shows_the_suggestion(
    login: Callable[[Any], Any], clerk: Any, plenary: Meeting, unit_named: Callable[[str], Unit]
) -> None:
    """二(四): the suggestion sits where the convener assigns a topic's units."""
    union, hrss = unit_named("市总工会"), unit_named("市人力资源和社会保障局")
    client = login(clerk)
    page = client.get(reverse("meetings:detail", args=[plenary.pk])).content.decode()
    assert 'id="agenda-suggestion"' in page
    assert 'hx-include="#agenda_title, #agenda_description"' in page
    assert "routing/suggest" in page
    response = client.post(
        reverse("meetings:agenda_add", args=[plenary.pk]),
        {"title": "尘肺病农民工集体维权", "lead_unit": union.pk, "supporting_units": [hrss.pk]},
    )
    assert response.status_code == 302
    item = plenary.agenda.get(title="尘肺病农民工集体维权")
    assert item.lead_unit == union and list(item.supporting_units.all()) == [hrss]
    page = client.get(reverse("meetings:detail", args=[plenary.pk])).content.decode()
    assert "牵头汇报：市总工会；相关单位：市人力资源和社会保障局" in page


def test_the_topical_form_shows_the_suggestion(login: Callable[[Any], Any], clerk: Any) -> None:
    """三(一)2, 二(四): the entrusting form suggests the chair and the units the topic concerns."""
    page = login(clerk).get(reverse("meetings:topical")).content.decode()
    assert 'id="topical-suggestion"' in page
    assert 'data-lead-field="chair_unit"' in page
    assert 'data-support-field="concerned_units"' in page


def test_an_agreed_matter_starts_from_the_topics_units_三_一_1(
    login: Callable[[Any], Any],
    clerk: Any,
    plenary: Meeting,
    sec: Membership,
    unit_named: Callable[[str], Unit],
) -> None:
    """三(一)1 纪要: the matter agreed under a topic is likely led by the unit that reported on it;
    the form starts from there, with the routing suggestion beside it."""
    union, hrss = unit_named("市总工会"), unit_named("市人力资源和社会保障局")
    services.agenda_item_add(
        meeting=plenary, title="尘肺病农民工集体维权", lead_unit=union,
        supporting_units=[hrss], actor=sec,
    )  # fmt: skip
    hold(plenary, sec)
    minutes = services.minutes_draft(meeting=plenary, actor=sec)
    section = minutes.sections.get(heading="尘肺病农民工集体维权")
    page = login(clerk).get(reverse("meetings:minutes_edit", args=[minutes.pk])).content.decode()
    prefix = f"r{section.pk}_"
    assert f'hx-include="#{prefix}text"' in page
    assert f'<option value="{union.pk}" selected>' in page
    other = minutes.sections.exclude(pk=section.pk).first()
    assert other is not None and f'hx-include="#r{other.pk}_text"' in page


def test_the_suggestion_reads_an_agreed_matters_text_and_a_topic(
    login: Callable[[Any], Any], health_liaison: Any
) -> None:
    """二(四): the fragment answers whichever field the form names its matter by."""
    client = login(health_liaison)
    for field in ("text", "topic"):
        page = client.get(
            reverse("routing:suggest"), {field: "医院新买的CT机还没办许可就给病人拍片"}
        )
        assert "采用建议" in page.content.decode(), field


def test_a_removed_topic_teaches_no_more_二_四(
    plenary: Meeting, sec: Membership, unit_named: Callable[[str], Unit]
) -> None:
    """二(四): a topic taken off the agenda was a decision withdrawn."""
    item = services.agenda_item_add(
        meeting=plenary, title="尘肺病农民工集体维权", lead_unit=unit_named("市总工会"), actor=sec
    )
    assert RoutingExample.objects.count() == 1
    services.agenda_item_remove(item=item, actor=sec)
    assert not RoutingExample.objects.exists()
    after = routing.route(plenary.mechanism, "一批尘肺病农民工要维权")
    assert after.lead is not None and after.lead.name == "市人力资源和社会保障局"


def test_the_minutes_editor_reads_the_unit_lists_once(
    login: Callable[[Any], Any], clerk: Any, plenary: Meeting, sec: Membership
) -> None:
    """One agreed-matter form per section, with the same unit lists: the page's queries do not
    grow with the sections."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hold(plenary, sec)
    minutes = services.minutes_draft(meeting=plenary, actor=sec)
    client = login(clerk)
    url = reverse("meetings:minutes_edit", args=[minutes.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    for n in range(5):
        services.minutes_section_add(minutes=minutes, heading=f"其他事项{n}", actor=sec)
    assert queries() == before
