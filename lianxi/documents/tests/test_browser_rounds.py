"""In a real browser, a consulted unit's side of a comment round (三(二)): its liaison comments
on a paragraph with proposed wording and saves the draft, its member approves and sends it, and
the drafter decides the comment on the 意见采纳情况表 page; then the secretariat's 发文字号 and
发文登记簿 pages (四(六)). Screenshots land in var/screenshots/documents-round-*.png."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from ..models import Comment, UnitReply
from ..services import consultation_send, register_create
from .conftest import PLAN_BODY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_consulted_unit_comments_its_member_sends_and_the_drafter_decides_三二(
    plan: Any, clerk: Any, other_liaison: Any, hrss_member: Any, hrss: Any, health: Any,
    page: Any, browser_login: Any, screenshot_dir: Any,
) -> None:  # fmt: skip
    shot = lambda name: page.screenshot(  # noqa: E731
        path=str(screenshot_dir / f"documents-round-{name}.png"), full_page=True
    )
    consultation_send(
        actor=clerk.membership, document=plan, unit_ids=[hrss.pk], deadline_workdays=5
    )
    reply = UnitReply.objects.get(unit=hrss)

    # The liaison drafts: one comment on the third paragraph, with the wording proposed.
    browser_login(other_liaison)
    page.goto(f"/documents/replies/{reply.pk}/")
    expect(page.locator("#text")).to_contain_text(PLAN_BODY[2])
    page.check("input[name=stance][value=comments]")
    row = page.locator("#comment-row-1")
    row.locator("select").select_option(index=3)
    row.locator("textarea").nth(0).fill("申报率目标宜与省里要求一致。")
    row.locator("textarea").nth(1).fill(
        "到2025年底，重点行业用人单位职业病危害项目申报率达到90%以上。"
    )
    shot("1-liaison")
    page.click("button[name=save]")
    expect(page.locator("#answer")).to_contain_text("待本单位成员审核后报送")
    assert page.locator("#approve-form").count() == 0  # a liaison does not send it

    # The member approves; only then does the drafter see it.
    page.context.clear_cookies()
    browser_login(hrss_member)
    page.goto(f"/documents/replies/{reply.pk}/")
    page.click("#approve-form button")
    expect(page.locator("#answer")).to_contain_text("本单位已反馈")
    shot("2-member")
    reply.refresh_from_db()
    assert reply.status == UnitReply.Status.SUBMITTED

    # The drafter decides it on the adoption table.
    page.context.clear_cookies()
    browser_login(clerk)
    page.goto(f"/documents/{plan.pk}/adoption/")
    expect(page.locator("body")).to_contain_text("申报率目标宜与省里要求一致")
    decide = page.locator("form.documents-decide").first
    decide.locator("select").select_option("partly")
    decide.locator("textarea").fill("目标维持95%，时限调整为2026年底。")
    decide.locator("button").click()
    expect(page.locator("body")).to_contain_text("部分采纳")
    shot("3-adoption")
    comment = Comment.objects.get(reply=reply)
    assert comment.decision == Comment.Decision.PARTLY and comment.paragraph == 2

    # The secretariat's number registers and outgoing register (四(六)).
    register_create(actor=clerk.membership, unit=health, prefix="信卫职健")
    page.goto("/documents/registers/")
    expect(page.locator("#registers")).to_contain_text("信卫职健")
    shot("4-registers")
    page.goto("/documents/outgoing/")
    expect(page.locator("h1")).to_contain_text("发文登记簿")
    shot("5-outgoing")
    page.goto(f"/documents/{plan.pk}/versions/")
    expect(page.locator("#versions")).to_contain_text("初稿")
    shot("6-versions")
