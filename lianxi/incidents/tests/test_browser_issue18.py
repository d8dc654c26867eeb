"""三(四)2 in a real browser (issue 18, "Incidents"): a fatal H₂S poisoning at a chemical plant is
registered → 市应急管理局 proposed (not 市生态环境局) → notified and reported to 市人民政府 → the
emergency bureau acknowledges and reports what it did → a 续报, reported up with its PDF → the
secretariat's home shows the unit overdue at once (no tick) → the government reader has the
message and the incidents panel. Screenshots of each stage land in var/screenshots."""

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from lianxi.incidents.models import Incident, IncidentNotice
from lianxi.incidents.services import up_report_record

from .conftest import VALID_CODE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_fatal_h2s_poisoning_from_proposal_to_the_government_reader_三_四_2(
    browser_login: Any,
    page: Any,
    clerk: Any,
    safety_liaison: Any,
    union_liaison: Any,
    gov_reader: Any,
    unit: Any,
    screenshot_dir: Any,
) -> None:
    """三(四)2: 报告本级政府和上级部门, 向相关部门通报, 协调应急救援处置 — every end of the loop."""
    start = timezone.localtime()
    safety, environment = unit("市应急管理局"), unit("市生态环境局")

    # 1. The secretariat registers the fatal poisoning.
    browser_login(clerk)
    page.goto("/incidents/new/")
    page.fill("input[name=title]", "信阳某某化工有限公司硫化氢中毒死亡事故")
    page.fill("input[name=occurred_at]", (start - timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M"))
    page.fill(
        "input[name=first_reported_at]", (start - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    )
    page.fill("input[name=location]", "信阳市浉河区工业园区污水处理站")
    page.fill("input[name=enterprise_name]", "信阳某某化工有限公司")
    page.fill("input[name=credit_code]", VALID_CODE)
    page.fill("input[name=industry]", "化学原料和化学制品制造业")
    page.fill("input[name=county]", "浉河区")
    page.fill("input[name=address]", "浉河区工业园区纬二路8号")
    page.select_option("select[name=hazard]", label="化学因素")
    page.fill("input[name=substance]", "硫化氢")
    page.fill("input[name=exposed_count]", "6")
    page.fill("input[name=poisoned_count]", "3")
    page.fill("input[name=death_count]", "1")
    page.fill("textarea[name=onset]", "清理污水池时 3 人中毒，1 人经抢救无效死亡。")
    page.fill("textarea[name=probable_cause]", "未通风检测即进入污水池有限空间作业。")
    page.fill("textarea[name=measures_taken]", "已停产封闭现场，伤者送市中心医院。")
    page.fill("textarea[name=trend]", "2 人病情稳定。")
    page.click("button:has-text('登记并初判等级')")
    page.wait_for_url(re.compile(r"/incidents/\d+/$"))
    incident = Incident.objects.get()
    assert page.inner_text("#incident-grade") == "重大事故"

    # 2. The regulator is proposed and checked; the environment bureau is not.
    form = page.locator("#notify-form")
    assert form.locator(f"input[value='{safety.pk}']").is_checked()
    assert "市应急管理局（建议：行业监管部门" in form.inner_text()
    assert not form.locator(f"input[value='{environment.pk}']").is_checked()
    count = form.locator("input[type=checkbox]:checked").count()
    expect(page.locator("#notices")).to_contain_text(f"已勾选的 {count} 个单位")
    page.screenshot(path=str(screenshot_dir / "incidents18-1-proposed.png"), full_page=True)
    page.click("button:has-text('发送通报')")
    expect(page.locator(".flash")).to_contain_text("等待各单位确认")
    sent_at = IncidentNotice.objects.filter(incident=incident).latest("sent_at").sent_at
    due = timezone.localtime(sent_at + timedelta(minutes=30))
    expect(page.locator(f"#notice-{safety.pk}")).to_contain_text(
        f"时限 {due.month}月{due.day}日 {due.hour}:{due.minute:02d}"
    )
    # Report up to the city government; the form then proposes the province.
    page.select_option("select[name=recipient]", "市人民政府")
    page.fill("#up-report-form input[name=channel]", "传真")
    page.click("button:has-text('记录已报送')")
    expect(page.locator("#up-reports")).to_contain_text("市人民政府")
    assert page.locator("select[name=recipient]").input_value() == "省卫生健康委"

    # 3. The emergency bureau acknowledges and reports what it did.
    browser_login(safety_liaison)
    page.goto(f"/incidents/{incident.pk}/")
    page.click("#ack-button")
    expect(page.locator(".flash")).to_contain_text("已确认收到事故通报")
    page.fill("#action-form textarea[name=text]", "已派执法人员赴现场，责令全厂停产排查有限空间。")
    page.click("#action-button")
    expect(page.locator(".flash")).to_contain_text("已报告本单位处置情况")
    expect(page.locator("#own-action")).to_contain_text("责令全厂停产排查有限空间")
    page.screenshot(path=str(screenshot_dir / "incidents18-2-unit-action.png"), full_page=True)

    # 4. The secretariat sees it, publishes a 续报 and reports it up; its PDF is there.
    browser_login(clerk)
    page.goto(f"/incidents/{incident.pk}/")
    expect(page.locator(f"#notice-{safety.pk}")).to_contain_text("责令全厂停产排查有限空间")
    page.select_option("#update-form select[name=kind]", "follow_up")
    page.fill("#update-form textarea[name=text]", "又有 1 名工人出现中毒症状，已送医。")
    page.fill("#update-form input[name=poisoned_count]", "4")
    page.click("#update-form button:has-text('发布')")
    expect(page.locator(".flash")).to_contain_text("续报已发布")
    update = incident.updates.get()
    page.select_option("#up-report-form select[name=report]", str(update.pk))
    page.select_option("#up-report-form select[name=recipient]", "市人民政府")
    page.click("button:has-text('记录已报送')")
    expect(page.locator(f"#update-{update.pk}")).to_contain_text("已报送：市人民政府")
    pdf = page.request.get(f"/incidents/{incident.pk}/updates/{update.pk}/report.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    page.screenshot(path=str(screenshot_dir / "incidents18-3-follow-up.png"), full_page=True)

    # 5. 35 minutes on, no tick run: the union's notice is overdue on the home page at once.
    with time_machine.travel(sent_at + timedelta(minutes=35), tick=True):
        browser_login(clerk)
        panel = page.inner_text("#panel-incidents_secretariat")
        assert "市总工会逾期未确认通报" in panel
        assert "市应急管理局逾期未确认" not in panel
        assert "没有正在计时的事故报告" not in panel
        page.screenshot(path=str(screenshot_dir / "incidents18-4-home-overdue.png"), full_page=True)
    assert not IncidentNotice.objects.filter(incident=incident).exclude(level=0).exists()

    # 6. The government reader: the report's message in the inbox, the incidents panel.
    browser_login(gov_reader)
    panel = page.inner_text("#panel-incidents_government")
    assert "信阳某某化工有限公司硫化氢中毒死亡事故" in panel
    page.screenshot(path=str(screenshot_dir / "incidents18-5-gov-home.png"), full_page=True)
    page.click("a.inbox")
    expect(page.locator("main")).to_contain_text(
        "【重大事故】信阳某某化工有限公司硫化氢中毒死亡事故"
    )
    page.screenshot(path=str(screenshot_dir / "incidents18-6-gov-inbox.png"), full_page=True)
    page.goto(f"/incidents/{incident.pk}/")
    assert page.locator("#notify-form").count() == 0
    assert page.locator("#up-report-form").count() == 0
    assert union_liaison


def test_the_incident_pages_on_a_phone_scroll_their_tables_inside_their_box(
    browser_login: Any,
    page: Any,
    clerk: Any,
    notified: Incident,
    screenshot_dir: Any,
) -> None:
    """At 390 px the list, the reports-up and the notices tables scroll inside their box (the
    page itself is no wider than the phone) and a unit's name stays on one line."""
    up_report_record(incident=notified, recipient="市人民政府", channel="传真", actor=clerk)
    browser_login(clerk)
    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in (
        ("/incidents/", "list"),
        (f"/incidents/{notified.pk}/", "detail"),
    ):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(screenshot_dir / f"incidents18-7-{name}-390.png"), full_page=True)
    cell = page.locator("#notice-table tbody td").first
    assert cell.inner_text() == "市人力资源和社会保障局"
    # One line: the name's text lies in a single line box.
    lines = cell.evaluate(
        "td => { const r = document.createRange(); r.selectNodeContents(td);"
        " return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }"
    )
    assert lines == 1
