"""四(二) in a real browser, as the clerk of issue 18 went through it: a lead unit's draft with a
file is edited, another deleted, the report sent asking for closure; the secretariat returns it
(已退回待补报) and urges (催办, recorded with who and when); the attachment keeps its name; the
ledger on a 390-px phone scrolls inside its box and keeps short cells on one line; the
government reader's home has the overview."""

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lianxi.organization.models import Unit
from lianxi.supervision.models import ActionItem, ProgressReport, Reminder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# How many lines a cell's content takes: its height over the cell's line height.
ONE_LINE = """(el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const lineHeight = parseFloat(getComputedStyle(el).lineHeight);
  return Math.round(range.getBoundingClientRect().height / lineHeight);
}"""


def test_returned_urged_drafts_and_the_phone_ledger_四_二(
    browser_login: Any,
    page: Any,
    clerk: Any,
    health_liaison: Any,
    gov_reader: Any,
    hrss: Unit,
    make_item: Callable[..., ActionItem],
    screenshot_dir: Path,
    tmp_path: Path,
) -> None:
    """四(二): drafts edited and deleted by their unit; 退回 shown as 已退回待补报 and counted; 催办
    sent and recorded; the file's own name; the ledger usable at 390 px."""
    today = timezone.localdate()
    item = make_item(
        "督促重点行业用人单位落实职业病危害项目申报和定期检测制度",
        supporting=(hrss,),
        deadline=today + timedelta(days=60),
    )
    for i in range(6):
        make_item(f"其他督办事项{i}", lead=hrss, deadline=today + timedelta(days=10 + i))
    upload = tmp_path / "进展情况.txt"
    upload.write_text("全市 120 家企业排查清单", encoding="utf-8")

    # The lead unit's liaison: two drafts, one edited (with a file), one deleted, then sent.
    browser_login(health_liaison)
    page.goto(f"/supervision/{item.pk}/")
    page.fill("textarea[name=text]", "初稿：已排查 60 家。")
    page.click("#report-form button:has-text('存为草稿')")
    expect(page.locator(".flash")).to_contain_text("草稿已保存")
    page.fill("textarea[name=text]", "多余的草稿")
    page.click("#report-form button:has-text('存为草稿')")
    expect(page.locator("#drafts li")).to_have_count(2)
    first, extra = ProgressReport.objects.filter(item=item).order_by("id")
    page.click(f"#draft-{first.pk} a:has-text('修改')")
    page.wait_for_url(re.compile(rf"/reports/{first.pk}/edit/$"))
    page.fill("textarea[name=text]", "已完成全市 120 家企业排查，附清单。")
    page.set_input_files("input[name=attachment]", str(upload))
    page.check("input[name=requests_closure]")
    page.screenshot(path=str(screenshot_dir / "supervision-draft-edit.png"), full_page=True)
    page.click("#draft-form button:has-text('保存草稿')")
    expect(page.locator(".flash")).to_contain_text("草稿已修改")
    expect(page.locator(f"#draft-{first.pk}")).to_contain_text("附件：进展情况.txt")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"#draft-{extra.pk} button:has-text('删除')")
    expect(page.locator(".flash")).to_contain_text("草稿已删除")
    expect(page.locator("#drafts li")).to_have_count(1)
    assert not ProgressReport.objects.filter(pk=extra.pk).exists()
    page.click(f"#draft-{first.pk} button:has-text('报送此稿')")
    expect(page.locator(".flash")).to_contain_text("进展反馈已报送")
    expect(page.locator(f"#report-{first.pk}")).to_contain_text("附件：进展情况.txt")
    page.screenshot(path=str(screenshot_dir / "supervision-draft-sent.png"), full_page=True)

    # The secretariat returns it and urges the lead unit.
    browser_login(clerk)
    page.goto(f"/supervision/{item.pk}/")
    page.fill("#review-form textarea[name=reason]", "请补充问题企业的整改时限。")
    page.click("#review-form button:has-text('退回')")
    expect(page.locator(".flash")).to_contain_text("已退回牵头单位")
    expect(page.locator("#item-state")).to_have_text("已退回待补报")
    expect(page.locator("#item-light")).to_have_text("黄灯")
    page.fill("#urge-form textarea[name=note]", "请于本周五前补报。")
    page.click("#urge-form button:has-text('催办')")
    expect(page.locator(".flash")).to_contain_text("已向市卫生健康委催办")
    urge = Reminder.objects.get(item=item, kind=Reminder.Kind.URGE)
    entry = page.locator(f"#urge-{urge.pk}")
    expect(entry).to_contain_text("王秘书")
    expect(entry).to_contain_text("请于本周五前补报。")
    sent = timezone.localtime(urge.sent_at)
    expect(entry).to_contain_text(f"{sent.year}年{sent.month}月{sent.day}日")
    page.screenshot(path=str(screenshot_dir / "supervision-returned-urged.png"), full_page=True)
    page.goto("/supervision/")
    expect(page.locator("#count-returned b")).to_have_text("1")
    page.click("#count-returned")
    expect(page.locator("#ledger tbody tr")).to_have_count(1)

    # The ledger on a phone: the table scrolls in its box, the page does not overflow, short
    # cells stay on one line.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/supervision/")
    page.wait_for_selector("#ledger")
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, overflow
    box = page.locator(".supervision-table-scroll")
    assert box.evaluate("(el) => el.scrollWidth > el.clientWidth")  # it scrolls inside
    row = page.locator(f"#item-{item.pk}")
    for cell in (row.locator("td").nth(6), row.locator("td").nth(2), row.locator("td").nth(0)):
        assert cell.evaluate(ONE_LINE) == 1, cell.inner_text()
    page.screenshot(path=str(screenshot_dir / "supervision-ledger-390.png"), full_page=True)

    # The government reader's home: the city-wide overview, read-only.
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login(gov_reader)
    page.goto("/")
    expect(page.locator("body")).to_contain_text("督办事项总览")
    expect(page.locator("body")).to_contain_text("其中已退回待补报 1 项")
    page.screenshot(path=str(screenshot_dir / "supervision-government-home.png"), full_page=True)
