"""四(二) in a real browser: the secretariat creates an item, the lead unit's liaison drafts and
sends progress asking for closure, the secretariat closes it; the ledger and pages are looked at."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lianxi.organization.models import Unit
from lianxi.supervision.models import ActionItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_item_from_creation_to_closure_in_the_browser(
    browser_login: Any,
    page: Any,
    clerk: Any,
    health_liaison: Any,
    hrss: Unit,
    make_item: Callable[..., ActionItem],
    screenshot_dir: Any,
) -> None:
    """四(二): an item created with a lead and a supporting unit, reported on, closed — in the
    browser."""
    today = timezone.localdate()
    late = make_item("督促用人单位落实职业健康检查", lead=hrss, deadline=today)
    ActionItem.objects.filter(pk=late.pk).update(deadline=today - timedelta(days=3))
    browser_login(clerk)
    page.click("nav >> text=督办")
    page.click("text=新建督办事项")
    page.fill("input[name=title]", "开展尘肺病防治攻坚行动回头看")
    # The routing suggestion arrives 500 ms after typing and pushes the form down; clicking
    # before it lands can hit "采用建议" instead of the submit button on a slow machine.
    page.wait_for_selector("#routing-suggestion .routing-suggest")
    page.select_option("select[name=source]", label="市政府交办")
    page.fill("input[name=source_label]", "市政府督查通知")
    page.select_option("select[name=lead_unit]", label="市卫生健康委")
    page.check(f"input[name=supporting_units][value='{hrss.pk}']")
    page.fill("input[name=deadline_workdays]", "10")
    page.screenshot(path=str(screenshot_dir / "supervision-create.png"), full_page=True)
    page.click("button:has-text('创建并通知')")
    page.wait_for_url(re.compile(r"/supervision/\d+/$"))
    assert "已通知牵头单位和配合单位" in page.inner_text("body")
    item = ActionItem.objects.get(title="开展尘肺病防治攻坚行动回头看")

    browser_login(health_liaison)
    page.goto(f"/supervision/{item.pk}/")
    page.fill("textarea[name=text]", "已完成全市 120 家企业复查。")
    page.check("input[name=requests_closure]")
    page.click("button:has-text('存为草稿')")
    # Clicks return once the next page is committed, not parsed: wait for the words themselves
    # (the timeline is at the bottom of the page).
    expect(page.locator(".flash")).to_contain_text("草稿已保存")
    expect(page.locator("#timeline")).to_contain_text("仅本单位可见")
    page.click("#drafts button:has-text('报送此稿')")
    expect(page.locator(".flash")).to_contain_text("进展反馈已报送")
    page.screenshot(path=str(screenshot_dir / "supervision-item-reported.png"), full_page=True)

    browser_login(clerk)
    page.goto(f"/supervision/{item.pk}/")
    assert "牵头单位已申请办结" in page.inner_text("#review-section")
    page.click("#review-section button:has-text('办结销号')")
    expect(page.locator(".flash")).to_contain_text("已办结销号")
    expect(page.locator("#item-light")).to_have_text("已办结")
    page.goto("/supervision/")
    assert page.inner_text("#count-red").endswith("1")
    # The per-unit chart is drawn by the vendored ECharts (no CDN): a canvas appears.
    page.wait_for_selector("#ledger-chart canvas")
    page.screenshot(path=str(screenshot_dir / "supervision-ledger.png"), full_page=True)
    page.goto(f"/units/{hrss.pk}/")
    assert "督促用人单位落实职业健康检查" in page.inner_text("#section-supervision")
    page.screenshot(path=str(screenshot_dir / "supervision-unit.png"), full_page=True)
    page.goto("/")
    page.screenshot(path=str(screenshot_dir / "supervision-home.png"), full_page=True)
