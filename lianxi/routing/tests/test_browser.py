"""二(四), 四(二) in a real browser: a clerk creating an action item sees the suggested units with
their reasons and adopts them; a correction by the secretariat changes the next suggestion for
a similar matter."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from lianxi.organization.models import Unit
from lianxi.supervision.models import ActionItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _new_item(page: Any, title: str) -> str:
    page.goto("/supervision/new/")
    page.fill("input[name=title]", title)
    page.wait_for_selector("#routing-suggestion .routing-suggest")
    return page.inner_text("#routing-suggestion")


def _finish(page: Any) -> None:
    page.select_option("select[name=source]", label="来函")
    page.fill("input[name=deadline_workdays]", "10")
    page.click("button:has-text('创建并通知')")
    page.wait_for_url(re.compile(r"/supervision/\d+/$"))


def test_clerk_adopts_the_suggestion_and_a_correction_teaches_routing(
    browser_login: Any,
    page: Any,
    clerk: Any,
    unit_named: Callable[[str], Unit],
    screenshot_dir: Any,
) -> None:
    """二(四): the clerk adopts the suggestion in one click; a correction teaches routing."""
    hrss, union = unit_named("市人力资源和社会保障局"), unit_named("市总工会")
    browser_login(clerk)

    # The suggestion, with the duty and the words that matched, adopted with one click.
    shown = _new_item(page, "反映工厂天天加班到半夜，一个月只休一天")
    assert "牵头 市人力资源和社会保障局" in shown
    assert "加班→工作时间" in shown
    page.screenshot(path=str(screenshot_dir / "routing-suggestion.png"), full_page=True)
    page.click("button:has-text('采用建议')")
    assert page.input_value("select[name=lead_unit]") == str(hrss.pk)
    _finish(page)
    item = ActionItem.objects.get(title__startswith="反映工厂天天加班")
    assert item.lead_unit == hrss

    # The duties lean to 人社; the secretariat decides the union leads.
    shown = _new_item(page, "尘肺病农民工集体维权")
    assert "牵头 市人力资源和社会保障局" in shown
    page.select_option("select[name=lead_unit]", str(union.pk))
    page.check(f"input[name=supporting_units][value='{hrss.pk}']")
    _finish(page)

    # A similar matter now follows that decision, and says so.
    shown = _new_item(page, "一批尘肺病农民工要维权")
    assert "牵头 市总工会" in shown
    assert "以往分办" in shown
    page.screenshot(path=str(screenshot_dir / "routing-suggestion-learned.png"), full_page=True)
    page.click("button:has-text('采用建议')")
    assert page.input_value("select[name=lead_unit]") == str(union.pk)
    assert page.is_checked(f"input[name=supporting_units][value='{hrss.pk}']")


def test_the_routing_page_in_the_browser(
    browser_login: Any, page: Any, health_liaison: Any, screenshot_dir: Any
) -> None:
    """二(四), 附件: the standalone page, reached from the navigation."""
    browser_login(health_liaison)
    page.click("nav >> text=谁来管")
    page.fill("textarea[name=text]", "医院新买的CT机还没办许可就给病人拍片")
    page.click("button:has-text('看看谁来管')")
    # Swapped by htmx, or a whole new page when the click came before htmx had loaded.
    expect(page.locator(".routing-result")).to_contain_text("建议：市卫生健康委牵头")
    text = page.inner_text(".routing-result")
    assert "拍片→放射诊疗" in text or "CT机→放射诊疗" in text
    page.screenshot(path=str(screenshot_dir / "routing-page.png"), full_page=True)
