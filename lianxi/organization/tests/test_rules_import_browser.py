"""In a real browser: the clerk uploads revised rules, checks the preview, confirms (四(一))."""

import pytest
from playwright.sync_api import expect

from lianxi.organization.importer import parse_rules
from lianxi.organization.models import Unit
from lianxi.organization.services import rules_import_apply

from .test_importer import DATA, SEED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_uploads_revised_rules_previews_and_confirms(
    browser_login, clerk, screenshot_dir, settings, tmp_path
):
    """附件; 四(一): preview lists the changed duty and the new unit; nothing before confirm."""
    settings.DATA_DIR = tmp_path
    rules_import_apply(parsed=parse_rules(SEED.read_bytes()), actor=None)
    page = browser_login(clerk)

    page.click("nav >> text=成员单位与职责")
    expect(page.locator("#unit-count")).to_have_text("15")
    page.click("text=导入或更新工作规则")
    page.wait_for_url("**/units/rules/import/")
    page.set_input_files("input[name=file]", str(DATA / "xinyang-2024-revised.txt"))
    page.click("text=上传并预览")

    # The click returns once the preview is committed, not parsed: wait for each section's words
    # (the removed duties come last).
    expect(page.locator("#new-units")).to_contain_text("市司法局")
    changed = page.locator("#changed-duties")
    expect(changed).to_contain_text("市科技局")
    expect(changed).to_contain_text("支持职业病防治科技成果转化应用")
    expect(page.locator("#removed-duties")).to_contain_text("根据职业病防治形势")
    expect(page.locator("#document-number")).to_have_text("信卫职健〔2024〕3号")
    page.screenshot(path=str(screenshot_dir / "rules_import_preview.png"), full_page=True)
    assert not Unit.objects.filter(name="市司法局").exists()

    page.click("text=确认导入")
    page.wait_for_url("**/units/")
    assert page.inner_text("#unit-count") == "16"
    body = page.inner_text("body")
    assert "已导入《信阳市职业病防治工作部门间联席会议制度工作规则》" in body
    assert "市司法局" in body
    assert "支持职业病防治科技成果转化应用" in body
    page.screenshot(path=str(screenshot_dir / "rules_import_done.png"), full_page=True)
