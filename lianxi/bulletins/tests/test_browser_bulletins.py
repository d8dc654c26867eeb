"""信息报送 and 工作简报 in a real browser (三(四)1): two units' liaisons draft reports, their
members approve and send them, the secretariat adopts one and returns the other, compiles brief
第1期 from the adopted report, issues it, the units sign for it, and the adoption figures show
it. Screenshots land in /tmp/bulletins-*.png, the brief's PDF pages in /tmp/bulletins-pdf-*.png.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from playwright.sync_api import expect

from ..models import Brief, BriefReceipt, InfoReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HRSS_TITLE = "市人社局开展尘肺病患者帮扶行动"
UNION_TITLE = "市总工会开展职业健康宣传进企业"
RETURN_NOTE = "请补充走访企业数量和帮扶人数。"


@pytest.fixture
def shoot(page: Any) -> Callable[[str], None]:
    def shot(name: str) -> None:
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        page.screenshot(path=f"/tmp/bulletins-{name}.png", full_page=True)

    return shot


def _flash(page: Any) -> Any:
    return expect(page.locator(".flash"))


def _draft_and_send(page: Any, act: Any, liaison: Any, member: Any, title: str, kind: str) -> int:
    act(liaison)
    page.goto("/bulletins/")
    page.click("#new-report")
    page.select_option("select[name=kind]", kind)
    page.fill("input[name=title]", title)
    page.fill(
        "textarea[name=body]",
        f"{title}。\n一是摸清底数，建立台账；二是上门服务，解决实际困难；三是跟踪回访，巩固成效。",
    )
    page.click("#report-form button[type=submit]")
    _flash(page).to_contain_text("信息已保存为草稿")
    report_url = page.url
    page.click("#send button")
    _flash(page).to_contain_text("已提交本单位联席会议成员审核")
    act(member)
    page.goto("/")
    expect(page.locator("main")).to_contain_text(f"待审核报送：{title}")
    page.goto(report_url)
    page.click("#send button")
    _flash(page).to_contain_text("信息已报送联席会议办公室")
    return int(report_url.rstrip("/").rsplit("/", 1)[1])


def test_two_units_report_the_office_adopts_one_and_issues_brief_1_三_四_1(
    page: Any,
    act: Callable[[Any], Any],
    shoot: Callable[[str], None],
    clerk: Any,
    hrss_pair: tuple[Any, Any],
    union_pair: tuple[Any, Any],
    tmp_path: Path,
) -> None:
    """三(四)1: units send their work information through the member; the office adopts or
    returns it with a note; adopted information goes into the numbered brief, issued to the
    units, each signing for it; the adoption figures count it."""
    hrss_id = _draft_and_send(page, act, *hrss_pair, HRSS_TITLE, "experience")
    union_id = _draft_and_send(page, act, *union_pair, UNION_TITLE, "news")
    shoot("1_member_sent")

    # --- the office reviews: adopts 人社局's, returns 总工会's with a note -------------
    act(clerk)
    page.goto("/bulletins/")
    queue = page.locator("#queue")
    expect(queue).to_contain_text(HRSS_TITLE)
    expect(queue).to_contain_text(UNION_TITLE)
    shoot("2_queue")
    page.click(f"#queue a:has-text('{HRSS_TITLE}')")
    expect(page.locator("#review")).to_be_visible()
    shoot("2b_review_form")
    page.check("input[name=decision][value=adopt]")
    page.click("#review button[type=submit]")
    _flash(page).to_contain_text("已采用，并告知市人力资源和社会保障局")
    page.goto(f"/bulletins/reports/{union_id}/")
    page.check("input[name=decision][value=return]")
    page.click("#review button[type=submit]")
    _flash(page).to_contain_text("请填写退回意见")  # a return needs its note
    page.check("input[name=decision][value=return]")
    page.fill("textarea[name=note]", RETURN_NOTE)
    page.click("#review button[type=submit]")
    _flash(page).to_contain_text("已退回修改")

    # --- the returned unit sees the note on its page ---------------------------------------------
    act(union_pair[0])
    page.goto("/bulletins/")
    expect(page.locator("#my-reports")).to_contain_text(RETURN_NOTE)
    expect(page.locator("#my-reports")).to_contain_text("退回修改")
    expect(page.locator("#my-reports")).not_to_contain_text(HRSS_TITLE)
    shoot("3_union_returned")

    # --- the office compiles 第1期 from the adopted report and issues it --------------------------
    act(clerk)
    page.goto("/bulletins/")
    page.click("#unused button")
    expect(page.locator("#sources")).to_contain_text(HRSS_TITLE)
    page.fill("#brief-form input[name=title]", "尘肺病患者帮扶专题")
    page.fill("input[name=article_1_title]", "联席会议办公室部署一季度信息报送工作")
    page.fill(
        "textarea[name=article_1_body]", "联席会议办公室要求各成员单位按季度报送职业健康工作信息。"
    )
    page.fill("input[name=copies]", "60")
    page.click("#brief-form button[type=submit]")
    _flash(page).to_contain_text("简报草稿已保存")
    expect(page.locator("#contents")).to_contain_text(HRSS_TITLE)
    brief_url = page.url
    shoot("4_brief_draft")
    page.click("#issue button[type=submit]")
    _flash(page).to_contain_text("简报已印发并分送")
    expect(page.locator("h1")).to_contain_text("第1期")
    brief = Brief.objects.get()
    assert (brief.number, brief.status) == (1, "issued")
    expect(page.locator("#receipts")).to_contain_text("0 / 16")
    shoot("5_brief_issued")

    # The issued PDF as the units will print it.
    response = page.request.get(brief_url + "brief.pdf")
    assert response.ok
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(response.body())
    with pdfplumber.open(pdf) as document:
        first = document.pages[0].extract_text() or ""
        last = document.pages[-1].extract_text() or ""
    assert "职业病防治工作简报" in first.replace(" ", "") and "第1期" in first.replace(" ", "")
    assert "共印60份" in last.replace(" ", "")
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", "50", "-png", str(pdf), "/tmp/bulletins-pdf"], check=True, timeout=60
        )

    # --- the units sign for it --------------------------------------------------------------------
    for liaison in (hrss_pair[0], union_pair[0]):
        act(liaison)
        page.goto("/")
        expect(page.locator("main")).to_contain_text("待签收简报")
        page.goto(brief_url)
        page.click("#sign button")
        _flash(page).to_contain_text("已签收")
        expect(page.locator("#signed")).to_contain_text("本单位已于")
    shoot("6_unit_signed")
    assert BriefReceipt.objects.filter(brief=brief, signed_at__isnull=False).count() == 2

    # --- the adoption figures show it -------------------------------------------------------------
    act(clerk)
    page.goto(brief_url)
    expect(page.locator("#receipts")).to_contain_text("2 / 16")
    page.goto("/bulletins/figures/")
    hrss_row = page.locator(f"#unit-{hrss_pair[0].membership.unit_id}")
    expect(hrss_row).to_contain_text("1")
    expect(hrss_row.locator("td").nth(3)).to_have_text("100.0%")
    expect(hrss_row.locator("td").nth(6)).to_have_text("1")
    union_row = page.locator(f"#unit-{union_pair[0].membership.unit_id}")
    expect(union_row.locator("td").nth(3)).to_have_text("0.0%")
    expect(union_row.locator("td").nth(4)).to_have_text("1")
    expect(page.locator("#figures-chart canvas")).to_have_count(1)
    shoot("7_figures")
    assert InfoReport.objects.get(pk=hrss_id).status == "adopted"

    # --- the situation report of the year, and the exchange library as a unit reads it ---------
    page.goto("/bulletins/situation/")
    expect(page.locator("#figure-info_sent")).to_contain_text("2")
    expect(page.locator("#figure-info_adopted")).to_contain_text("1")
    page.click("#figure-info_adopted a")
    expect(page.locator("#records")).to_contain_text(HRSS_TITLE)
    page.go_back()
    page.click("#situation-text button")
    _flash(page).to_contain_text("形势通报已起草为专刊草稿")
    shoot("8_situation_brief")
    page.goto("/bulletins/situation/")
    shoot("9_situation")
    act(union_pair[0])
    page.goto("/bulletins/library/")
    expect(page.locator("#library")).to_contain_text(HRSS_TITLE)  # 经验做法, open to all units
    shoot("10_library")
