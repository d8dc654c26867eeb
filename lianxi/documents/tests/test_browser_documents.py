"""In a real browser, the issue's whole loop (三(二), 四(五), 四(六)): the secretariat
drafts a joint 方案 with 人社局 and 总工会, consults four units, two comment (one on a
paragraph), the drafter decides each comment and revises the text, the co-issuers' members
sign, the secretariat issues it with a number, and the units it was sent to sign for it.
Screenshots of each step land in var/screenshots/documents-*.png, with the issued PDF's pages
as PNGs.

Everything goes through the pages, as the clerks would do it: the register and the seals, the
draft, the round, each consulted unit's answer (its member's, reached from the home panel), the
drafter's decision on each comment, the revision and its comparison, 会签, 印发 and 签收. The
round ends by itself when the fourth unit has answered."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
from playwright.sync_api import expect

from ..models import Comment, Consultation, OfficialDocument, Seal, UnitReply
from .conftest import PLAN_BODY, member_of
from .issuing_helpers import seal_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "关于开展职业病危害专项治理的工作方案"


def test_a_joint_plan_from_draft_to_receipts_in_the_browser_三二_四五_四六(
    clerk: Any, hrss_member: Any, union_member: Any, safety_liaison: Any, gov_reader: Any,
    unit_named: Any, page: Any, browser_login: Any, screenshot_dir: Any, tmp_path: Any,
) -> None:  # fmt: skip
    shot = lambda name: page.screenshot(  # noqa: E731
        path=str(screenshot_dir / f"documents-{name}.png"), full_page=True
    )
    health, hrss, union = (
        unit_named(n) for n in ("市卫生健康委", "市人力资源和社会保障局", "市总工会")
    )
    consulted = [
        unit_named(n) for n in ("市应急管理局", "市财政局", "市医保局", "市住房和城乡建设局")
    ]
    members = {u.pk: member_of(u, f"m{u.pk}", f"{u.name[1:3]}成员") for u in consulted}
    gov = unit_named("市政府办公室")
    # 0. The secretariat opens the lead organ's 发文字号 register and uploads the three
    #    issuers' seals on their pages (四(六)).
    browser_login(clerk)
    page.goto("/documents/registers/")
    form = page.locator("#register-form")
    form.locator("select[name=unit]").select_option(str(health.pk))
    form.locator("input[name=code]").fill("信卫职健")
    form.locator("button[type=submit]").click()
    expect(page.locator("#registers")).to_contain_text("信卫职健")
    seal_file = tmp_path / "seal.png"
    seal_file.write_bytes(seal_png())
    page.goto("/documents/seals/")
    for unit in (health, hrss, union):
        form = page.locator("#seal-form")
        form.locator("select[name=unit]").select_option(str(unit.pk))
        form.locator("input[name=image]").set_input_files(str(seal_file))
        form.locator("button[type=submit]").click()
        expect(page.locator(".flash")).to_contain_text(unit.name)
    assert Seal.objects.filter(unit__in=[health, hrss, union]).count() == 3
    shot("0-seals")

    # 1. The secretariat drafts the joint plan: 人社局 2nd, 总工会 3rd in seal order.
    page.goto("/documents/")
    page.click("text=新建公文")
    page.select_option("#id_kind", "plan")
    page.fill("#id_title", TITLE)
    page.fill(f"#id_order_{hrss.pk}", "2")
    page.fill(f"#id_order_{union.pk}", "3")
    page.check(f"input[name=main_to_units][value='{consulted[0].pk}']")
    page.check(f"input[name=main_to_units][value='{consulted[1].pk}']")
    page.check(f"input[name=copy_to_units][value='{gov.pk}']")
    page.fill("#id_main_to_names", "各县区人民政府")
    page.fill("#id_body", "\n".join(PLAN_BODY))
    page.fill("#id_attachments", "专项治理工作任务分工表")
    page.fill("#id_note", "（此件公开发布）")
    shot("1-new")
    page.click("#document-form button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("第 1 稿")
    document = OfficialDocument.objects.get(title=TITLE)
    assert [i.unit for i in document.issuers.all()] == [health, hrss, union]
    header = page.inner_text("#header")
    assert "市卫生健康委（主办）、市人力资源和社会保障局、市总工会" in header
    shot("2-draft")

    # 2. 征求意见 to four units (三(二)), from the document page.
    form = page.locator("#round-send")
    for box in form.locator("input[name=units]").all():
        box.uncheck()
    for unit in consulted:
        form.locator(f"input[name=units][value='{unit.pk}']").check()
    form.locator("input[name=deadline_workdays]").fill("5")
    form.locator("button[type=submit]").click()
    expect(page.locator("#round-1")).to_be_visible()
    consultation = Consultation.objects.get(document=document)
    assert set(consultation.replies.values_list("unit_id", flat=True)) == {u.pk for u in consulted}
    shot("3-round-sent")

    # 3. Two units comment (one on a paragraph), two have none: each unit's member answers on
    #    the reply page reached from the home panel, and sends it at once.
    def answer(unit: Any, fill: Any) -> None:
        page.context.clear_cookies()
        browser_login(members[unit.pk])
        page.goto("/")
        page.click(f"a:has-text('{TITLE}（第 1 轮）')")
        expect(page.locator("#text")).to_contain_text(PLAN_BODY[2])
        fill()
        page.click("button[name=submit]")
        expect(page.locator("#answer")).to_contain_text("本单位已反馈")

    def on_paragraph() -> None:
        page.click("#p3 a:has-text('对此段提意见')")
        page.check("input[name=stance][value=comments]")
        row = page.locator("#comment-row-1")
        row.locator("textarea").nth(0).fill("申报率目标偏低，建议提高。")
        row.locator("textarea").nth(1).fill(
            "到2025年底，重点行业用人单位职业病危害项目申报率达到98%以上。"
        )
        shot("4a-comment")

    def on_the_whole() -> None:
        page.check("input[name=stance][value=comments]")
        page.locator("#comment-row-1 textarea").nth(0).fill("请在保障措施中写明经费来源。")

    def none() -> None:
        page.check("input[name=stance][value=no_comment]")

    for unit, fill in zip(consulted, (on_paragraph, on_the_whole, none, none), strict=True):
        answer(unit, fill)
    assert not consultation.replies.exclude(status=UnitReply.Status.SUBMITTED).exists()
    first = Comment.objects.get(reply__unit=consulted[0])
    second = Comment.objects.get(reply__unit=consulted[1])
    assert first.paragraph == 2 and second.paragraph is None
    assert first.proposed.endswith("98%以上。")

    # 4. The drafter decides each comment on the 意见采纳情况表, revises the text on the edit
    #    page (a new version), compares the two versions. The round ended at the fourth answer.
    page.context.clear_cookies()
    browser_login(clerk)
    page.goto(f"/documents/{document.pk}/")
    assert "修改意见 2 条" in page.inner_text("#round-1")
    shot("4-replies")
    page.goto(f"/documents/{document.pk}/adoption/")
    decide = page.locator(f"#comment-{first.pk} form.documents-decide")
    decide.locator("select").select_option("adopted")
    decide.locator("button").click()
    expect(page.locator(f"#comment-{first.pk}")).to_contain_text("现为：采纳")
    decide = page.locator(f"#comment-{second.pk} form.documents-decide")
    decide.locator("select").select_option("partly")
    decide.locator("textarea").fill("经费按各单位预算渠道安排。")
    decide.locator("button").click()
    expect(page.locator(f"#comment-{second.pk}")).to_contain_text("现为：部分采纳")
    expect(page.locator("#adoption-counts")).to_contain_text("待处理 0")
    shot("4b-adoption")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.decision, second.decision) == ("adopted", "partly")
    page.goto(f"/documents/{document.pk}/")
    page.click("text=修改草稿")
    revised = list(PLAN_BODY)
    revised[2] = "到2025年底，重点行业用人单位职业病危害项目申报率达到98%以上。"
    revised[-1] += "所需经费按各单位预算渠道安排。"
    page.fill("#id_body", "\n".join(revised))
    page.fill("#id_summary", "采纳市应急管理局、部分采纳市财政局意见")
    page.click("#document-form button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("第 2 稿")
    page.click("text=版本记录")
    shot("5-versions")
    page.click("#compare-form button[type=submit]")
    expect(page.locator("#summary")).to_contain_text("2")
    assert page.locator(".documents-diff ins").count() >= 2
    shot("6-compare")
    page.goto(f"/documents/{document.pk}/")
    expect(page.locator("#round-1")).to_contain_text("已结束")

    # 5. 会签 (四(五)): sent by the drafter, signed by each co-issuer's member on the page.
    page.click("#issuing button:has-text('送会签')")
    expect(page.locator("#cosignatures")).to_contain_text("待会签")
    shot("7-cosign-sent")
    for signer in (hrss_member, union_member):
        page.context.clear_cookies()
        browser_login(signer)
        page.goto(f"/documents/{document.pk}/")
        page.click("#cosignatures button:has-text('会签')")
        expect(page.locator("#cosignatures")).to_contain_text("已会签")
    shot("8-signed")
    document.refresh_from_db()
    assert document.status == OfficialDocument.Status.SIGNED

    # 6. 印发 (四(六)): the secretariat issues it with the lead organ's next number.
    page.context.clear_cookies()
    browser_login(clerk)
    page.goto(f"/documents/{document.pk}/")
    page.click("#issue-form button[type=submit]")
    expect(page.locator("#receipts")).to_be_visible()
    document.refresh_from_db()
    assert document.status == OfficialDocument.Status.ISSUED
    assert document.document_number.startswith("信卫职健〔") and document.document_number.endswith(
        "〕1号"
    )
    assert document.document_number in page.inner_text("#header")
    shot("9-issued")
    pdf = page.request.get(f"/documents/{document.pk}/document.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    pdf_path = tmp_path / "issued.pdf"
    pdf_path.write_bytes(pdf.body())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(pdf_path), str(screenshot_dir / "documents-pdf")],
        check=True,
    )

    # 7. 签收: the units it went to sign for it.
    for receiver in (safety_liaison, gov_reader):
        page.context.clear_cookies()
        browser_login(receiver)
        page.goto("/documents/")
        expect(page.locator("#waiting")).to_contain_text("待签收")
        page.click(f"#waiting a:has-text('{TITLE}')")
        page.click("#receipts button:has-text('签收')")
        expect(page.locator(".flash")).to_be_visible()
    assert document.receipts.filter(acknowledged_at__isnull=False).count() == 2
    page.context.clear_cookies()
    browser_login(clerk)
    page.goto(f"/documents/{document.pk}/")
    shot("10-receipts")

    # 8. The 发文登记簿 lists it under its number (四(六)).
    page.goto("/documents/outgoing/")
    expect(page.locator("body")).to_contain_text(document.document_number)
    shot("11-outgoing")
