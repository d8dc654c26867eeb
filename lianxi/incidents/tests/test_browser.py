"""三(四)2, 二(四) in a real browser (Must show): a 12-poisoning incident is registered →
graded 重大 and its reporting clock runs → four units proposed and notified → one acknowledges
from its inbox, one does not and escalates on time (the clock moved by time_machine, the tick
run) → reports up, follow-up and final reports, closing → the timeline shows every step."""

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from lianxi.core.ticks import run_tick
from lianxi.incidents.models import Incident, IncidentNotice
from lianxi.organization.models import Membership

from .conftest import VALID_CODE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_incident_from_intake_to_closure_in_the_browser(
    browser_login: Any,
    page: Any,
    clerk: Any,
    other_liaison: Any,
    unit: Any,
    person: Any,
    screenshot_dir: Any,
) -> None:
    """三(四)2 / 二(四): the whole loop, with screenshots of every stage."""
    medical = unit("市医保局")
    medical_liaison = person("yb_liaison", medical, Membership.Role.LIAISON, "医保联络员")
    medical_member = person("yb_member", medical, Membership.Role.MEMBER, "医保局成员")
    person("union_liaison", unit("市总工会"), Membership.Role.LIAISON, "工会联络员")
    start = timezone.localtime()

    # 1. The secretariat registers the incident through the form.
    browser_login(clerk)
    page.click("nav >> text=事故通报")
    page.click("text=登记事故")
    page.fill("input[name=title]", "信阳某某化工有限公司硫化氢中毒事故")
    page.fill("input[name=occurred_at]", (start - timedelta(minutes=50)).strftime("%Y-%m-%dT%H:%M"))
    page.fill(
        "input[name=first_reported_at]", (start - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M")
    )
    page.fill("input[name=location]", "信阳市浉河区工业园区污水处理站")
    page.fill("input[name=enterprise_name]", "信阳某某化工有限公司")
    page.fill("input[name=credit_code]", VALID_CODE)
    page.fill("input[name=industry]", "化学原料和化学制品制造业")
    page.fill("input[name=county]", "浉河区")
    page.select_option("select[name=hazard]", label="化学因素")
    page.fill("input[name=substance]", "硫化氢")
    page.fill("input[name=exposed_count]", "30")
    page.fill("input[name=poisoned_count]", "12")
    page.fill("input[name=death_count]", "0")
    page.fill("textarea[name=onset]", "清理污水池时 12 人头晕、呼吸困难，已送市中心医院。")
    page.fill("textarea[name=probable_cause]", "未通风检测即进入有限空间作业。")
    page.fill("textarea[name=measures_taken]", "已停产封闭现场，中毒者全部送医。")
    page.fill("textarea[name=trend]", "2 人危重，其余平稳。")
    page.screenshot(path=str(screenshot_dir / "incidents-1-register.png"), full_page=True)
    page.click("button:has-text('登记并初判等级')")
    page.wait_for_url(re.compile(r"/incidents/\d+/$"))
    incident = Incident.objects.get()
    assert page.inner_text("#incident-grade") == "重大事故"
    assert page.inner_text("#clock-text").startswith("剩余1小时")
    assert "三、发病情况" in page.inner_text("#report-text")

    # 2. Four units are proposed (checked: the regulator and three for the victims); the
    # secretariat sends.
    checked = page.locator("#notify-form input[type=checkbox]:checked")
    assert checked.count() == 4
    labels = page.inner_text("#notify-form")
    for name in ("市人力资源和社会保障局", "市应急管理局", "市医保局", "市总工会"):
        assert f"{name}（建议：" in labels
    page.screenshot(path=str(screenshot_dir / "incidents-2-proposed.png"), full_page=True)
    page.click("button:has-text('发送通报')")
    # The page already shows the registration's flash: wait for this answer's own words.
    expect(page.locator(".flash")).to_contain_text("等待各单位确认")
    assert IncidentNotice.objects.filter(incident=incident).count() == 4
    # The escalation below counts from when the notices really went out, however slow the
    # machine was until here.
    sent_at = IncidentNotice.objects.filter(incident=incident).latest("sent_at").sent_at
    page.select_option("select[name=recipient]", "市人民政府")
    page.fill("input[name=channel]", "电话")
    page.click("button:has-text('记录已报送')")
    expect(page.locator("#up-reports")).to_contain_text("市人民政府")

    # 3. 市人社局's liaison acknowledges from the inbox link.
    browser_login(other_liaison)
    assert "待确认的事故通报" in page.inner_text("#panel-incidents_unit")
    page.click("a.inbox")
    page.click("text=【职业病危害事故通报】信阳某某化工有限公司硫化氢中毒事故")
    page.click("text=查看详情")
    page.wait_for_url(re.compile(rf"/incidents/{incident.pk}/$"))
    page.screenshot(path=str(screenshot_dir / "incidents-3-ack-wait.png"), full_page=True)
    page.click("#ack-button")
    expect(page.locator(".flash")).to_contain_text("已确认收到事故通报")
    expect(page.locator("#ack-section")).to_contain_text("本单位已于")

    # 4. 市医保局 does not acknowledge: each 30 minutes the tick escalates one step.
    levels = []
    for step in (1, 2, 3):
        with time_machine.travel(sent_at + timedelta(minutes=31 * step), tick=True):
            run_tick(timezone.now())
        levels.append(IncidentNotice.objects.get(incident=incident, unit=medical).level)
    assert levels == [1, 2, 3]
    union_notice = IncidentNotice.objects.get(incident=incident, unit=unit("市总工会"))
    assert union_notice.level == 3  # the union did not acknowledge either

    later = sent_at + timedelta(minutes=95)  # the reporting clock (2 hours) still runs
    with time_machine.travel(later, tick=True):
        browser_login(clerk)  # the session idled out while the clock moved on
        alerts = page.inner_text("#panel-incidents_secretariat")
        assert "红色警示：市医保局未确认通报" in alerts
        page.screenshot(path=str(screenshot_dir / "incidents-4-home-red-alert.png"), full_page=True)
        page.goto(f"/incidents/{incident.pk}/")
        row = page.inner_text(f"#notice-{medical.pk}")
        assert "红色警示" in row and "未确认" in row
        assert "已确认" in page.inner_text(f"#notice-{unit('市人力资源和社会保障局').pk}")
        page.screenshot(path=str(screenshot_dir / "incidents-5-escalated.png"), full_page=True)

        # 5. The second report up, a follow-up, the final report, closing.
        page.select_option("select[name=recipient]", "省卫生健康委")
        page.click("button:has-text('记录已报送')")
        expect(page.locator(".flash")).to_contain_text("已记录向省卫生健康委报告")
        expect(page.locator("#clock-text")).to_have_text("已按时报告")
        page.select_option("#update-form select[name=kind]", "follow_up")
        page.fill(
            "#update-form textarea[name=text]", "2 名危重者转入省级医院，其余 10 人病情平稳。"
        )
        page.click("#update-form button:has-text('发布')")
        expect(page.locator(".flash")).to_contain_text("续报已发布")
        page.select_option("#update-form select[name=kind]", "final")
        page.fill("#update-form textarea[name=text]", "12 名中毒者全部出院，无死亡。")
        page.click("#update-form button:has-text('发布')")
        expect(page.locator(".flash")).to_contain_text("终报已发布")
        page.fill(
            "#close-form textarea", "企业未落实有限空间作业审批制度，已依法立案处罚并责令整改。"
        )
        page.click("#close-form button:has-text('结案')")
        expect(page.locator("#incident-status")).to_contain_text("已结案")
        page.screenshot(path=str(screenshot_dir / "incidents-6-closed.png"), full_page=True)

        # 6. The timeline shows every step, who knew what and when. The incident page has a
        # #timeline too: read it on the timeline's own page once that has loaded.
        page.click("text=（单独查看）")
        page.wait_for_url(re.compile(rf"/incidents/{incident.pk}/timeline/$"))
        timeline = page.inner_text("#timeline")
        page.screenshot(path=str(screenshot_dir / "incidents-7-timeline.png"), full_page=True)
    for words in (
        "事故发生",
        "首次报告",
        "登记事故，初判重大事故",
        "向市人力资源和社会保障局通报",
        "向市医保局通报",
        "向市总工会通报",
        "市人力资源和社会保障局张联络确认收到通报",
        "市医保局未在时限内确认，再次提醒联络员",
        "市医保局仍未确认，提醒本单位联席会议成员",
        "市医保局仍未确认，向联席会议办公室发出红色警示",
        "向市人民政府报告",
        "向省卫生健康委报告",
        "发布续报",
        "发布终报",
        "结案",
    ):
        assert words in timeline, words
    assert medical_liaison and medical_member
