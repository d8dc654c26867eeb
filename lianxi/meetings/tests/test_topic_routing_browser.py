"""二(四) in a real browser, where the convener assigns units in the meetings pages: an agenda
topic's reporting unit, a topical meeting's chair and concerned units, an agreed matter's lead.
The clerk sees the suggestion with its reasons and adopts it with one click."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from lianxi.meetings import services
from lianxi.meetings.models import Meeting
from lianxi.organization.models import Unit

from .fixtures import hold

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("annex_duties"),
]


def test_agenda_topic_and_agreed_matter_take_the_suggestion_二_四(
    clerk: Any,
    plenary: Meeting,
    page: Any,
    browser_login: Any,
    unit_named: Callable[[str], Unit],
    screenshot_dir: Any,
) -> None:
    hrss = unit_named("市人力资源和社会保障局")
    browser_login(clerk)
    page.goto(f"/meetings/{plenary.pk}/")
    page.click("summary:has-text('添加议题')")
    page.fill("#agenda_title", "研究农民工反映工厂天天加班到半夜的问题")
    page.wait_for_selector("#agenda-suggestion .routing-adopt")
    suggestion = page.inner_text("#agenda-suggestion")
    assert "牵头 市人力资源和社会保障局" in suggestion
    assert "加班→工作时间" in suggestion
    page.screenshot(path=str(screenshot_dir / "meetings-agenda-suggestion.png"), full_page=True)
    page.click("#agenda-suggestion .routing-adopt")
    assert page.input_value("#agenda_lead_unit") == str(hrss.pk)
    with page.expect_navigation():
        page.click("#agenda-form button[type=submit]")
    topic = plenary.agenda.get(title__startswith="研究农民工反映")
    assert topic.lead_unit == hrss
    assert "牵头汇报：市人力资源和社会保障局" in page.inner_text("#agenda")

    # The minutes: the agreed matter under that topic starts from its reporting unit, and the
    # suggestion for the matter's own words sits beside it.
    sec = clerk.membership
    hold(plenary, sec)
    minutes = services.minutes_draft(meeting=plenary, actor=sec)
    section = minutes.sections.get(agenda_item=topic)
    page.goto(f"/meetings/minutes/{minutes.pk}/edit/")
    page.click(f"#add-{section.pk} summary")
    assert page.input_value(f"#r{section.pk}_lead_unit") == str(hrss.pk)
    page.fill(f"#r{section.pk}_text", "医院新买的CT机还没办许可就给病人拍片，由卫生健康委查处")
    page.wait_for_selector(f"#add-{section.pk} .routing-adopt")
    assert "牵头 市卫生健康委" in page.inner_text(f"#add-{section.pk} .routing-suggestion")
    page.click(f"#add-{section.pk} .routing-adopt")
    health = unit_named("市卫生健康委")
    assert page.input_value(f"#r{section.pk}_lead_unit") == str(health.pk)
    page.screenshot(path=str(screenshot_dir / "meetings-resolution-suggestion.png"), full_page=True)


def test_topical_meeting_form_takes_the_suggestion_三_一_2(
    clerk: Any,
    page: Any,
    browser_login: Any,
    unit_named: Callable[[str], Unit],
    screenshot_dir: Any,
) -> None:
    """三(一)2: the units the topic concerns; the suggested lead becomes the chair and is among
    the concerned units."""
    browser_login(clerk)
    page.goto("/meetings/topical/new/")
    page.fill("#id_title", "放射诊疗专题会议")
    page.fill("#id_topic", "医院新买的CT机还没办许可就给病人拍片")
    # Title and topic each ask for a suggestion: wait for the one that has read the topic.
    expect(page.locator("#topical-suggestion")).to_contain_text("匹配：病人")
    page.click("#topical-suggestion .routing-adopt")
    health = unit_named("市卫生健康委")
    assert page.input_value("select[name=chair_unit]") == str(health.pk)
    assert page.is_checked(f"input[name=concerned_units][value='{health.pk}']")
    page.screenshot(path=str(screenshot_dir / "meetings-topical-suggestion.png"), full_page=True)
