"""In a real browser (三(二)): two clerks edit the same draft, the second sees the first one's
version beside their own text with the differences marked, and saves the merge; a Word draft is
imported through its preview. Screenshots: var/screenshots/documents-stale.png,
documents-import-preview.png, documents-list.png."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from ..models import OfficialDocument
from ..services import document_save
from .conftest import PLAN_BODY
from .test_pages_drafts_import import draft_docx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_stale_save_and_an_import_in_the_browser_三二(
    plan: OfficialDocument, clerk: Any, health_liaison: Any, page: Any, browser_login: Any,
    screenshot_dir: Any, tmp_path: Any,
) -> None:  # fmt: skip
    browser_login(clerk)
    page.goto(f"/documents/{plan.pk}/edit/")
    # Meanwhile the liaison saves 第2稿.
    document_save(
        actor=health_liaison.membership, document=plan, based_on=1, title=plan.title,
        paragraphs=[*PLAN_BODY[:-1], "各单位要加强组织领导，确保各项任务按期完成。"],
        summary="完善保障措施",
    )  # fmt: skip
    page.fill("#id_body", "\n".join([*PLAN_BODY, "四、附则", "本方案自印发之日起施行。"]))
    page.click("#document-form button[type=submit]")
    expect(page.locator("#stale")).to_contain_text("李联络（市卫生健康委）保存的第 2 稿")
    expect(page.locator("#id_body")).to_have_value(
        "\n".join([*PLAN_BODY, "四、附则", "本方案自印发之日起施行。"])
    )
    page.screenshot(path=str(screenshot_dir / "documents-stale.png"), full_page=True)
    page.click("#document-form button[type=submit]")  # saved on 第2稿 as the clerk chose
    expect(page.locator(".flash")).to_contain_text("第 3 稿")

    page.goto("/documents/import/")
    path = tmp_path / "tongzhi.docx"
    path.write_bytes(draft_docx())
    page.set_input_files("input[name=file]", str(path))
    page.click("#import-form button[type=submit]")
    expect(page.locator("#preview")).to_contain_text("一、提高认识")
    page.screenshot(path=str(screenshot_dir / "documents-import-preview.png"), full_page=True)
    page.click("#confirm-form button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("已导入为第 1 稿")
    page.goto("/documents/")
    page.screenshot(path=str(screenshot_dir / "documents-list.png"), full_page=True)
    assert OfficialDocument.objects.count() == 2
