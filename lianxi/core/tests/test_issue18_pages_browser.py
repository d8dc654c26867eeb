"""Issue 18, "Pages", in a real browser (Chromium through Playwright), with screenshots in
var/screenshots/issue18-*.png: the government reader's home, the audit log in Chinese, the
catalogue's counts, 谁来管 → an action item in one step, search by name / credit code / 文号,
a new person's page surviving a refresh, local mail read from the dead-letters page, and short
words unbroken on a phone."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from lianxi.incidents.tests.conftest import VALID_CODE
from lianxi.notifications.services import deliveries_dispatch, notify
from lianxi.organization.tests.factories import give_annex_duties, make_mechanism
from lianxi.routing import selectors as routing_selectors
from lianxi.search.tests import conftest as search_fixtures
from lianxi.search.tests.conftest import Record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# The search tests' small record of every kind (minutes, incidents, items…), used here too.
edu_liaison = search_fixtures.edu_liaison
search_record = search_fixtures.record


@pytest.fixture
def mechanism(db: Any) -> Any:
    """The annex's real duty texts, so that 谁来管 routes as it does for the clerk."""
    routing_selectors.clear_cache()
    yield give_annex_duties(make_mechanism())
    routing_selectors.clear_cache()


@pytest.fixture
def record(search_record: Record) -> Record:
    return search_record


def shot(page: Any, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"issue18-{name}.png"), full_page=True)


def test_government_reader_home_is_the_city_wide_overview(
    browser_login: Any, record: Record, gov_reader: Any, screenshot_dir: Path
) -> None:
    page = browser_login(gov_reader)
    page.goto("/")
    panels = page.locator("section.panel h2")
    expect(panels.filter(has_text="督办事项总览")).to_have_count(1)
    expect(panels.filter(has_text="职业病危害事故")).to_have_count(1)
    expect(panels.filter(has_text="纪要")).to_have_count(1)
    body = page.inner_text("main")
    assert "待办事项" not in body and "即将上线" not in body
    shot(page, screenshot_dir, "government-home")


def test_audit_log_in_chinese(
    browser_login: Any, record: Record, auditor: Any, screenshot_dir: Path
) -> None:
    page = browser_login(auditor)
    page.goto("/core/audit/")
    table = page.locator("#audit-events")
    expect(table).to_contain_text("印发会议纪要")
    expect(table).to_contain_text("登记事故")
    assert "minutes.issue" not in table.inner_text()
    assert "年" in page.locator("#audit-events tbody tr td").nth(1).inner_text()
    shot(page, screenshot_dir, "audit-log")


def test_catalogue_counts_member_units_and_shows_the_government_office_apart(
    browser_login: Any, clerk: Any, screenshot_dir: Path
) -> None:
    page = browser_login(clerk)
    page.goto("/units/")
    expect(page.locator("#unit-count")).to_have_text("15")
    expect(page.locator("#member-units section.unit")).to_have_count(15)
    expect(page.locator("#other-units")).to_contain_text("市政府办公室")
    expect(page.locator("#member-units")).to_contain_text("联络员：未登记")
    shot(page, screenshot_dir, "catalogue")


def test_routing_suggestion_becomes_an_action_item_in_one_step(
    browser_login: Any, clerk: Any, unit_named: Any, screenshot_dir: Path
) -> None:
    page = browser_login(clerk)
    page.goto("/routing/?text=" + "工厂天天加班，一个月只休一天")
    rows = page.locator("table.routing-units tbody tr")
    expect(rows.first).to_contain_text("很可能")
    assert rows.count() < 15
    assert "1.00" not in page.inner_text("table.routing-units")
    shot(page, screenshot_dir, "routing")
    page.click("#routing-to-supervision")
    page.wait_for_url("**/supervision/new/**")
    expect(page.locator("input[name=title]")).to_have_value("工厂天天加班，一个月只休一天")
    hrss = unit_named("市人力资源和社会保障局")
    expect(page.locator("select[name=lead_unit]")).to_have_value(str(hrss.pk))
    shot(page, screenshot_dir, "routing-to-action-item")


def test_search_by_name_credit_code_and_document_number(
    browser_login: Any, record: Record, clerk: Any, screenshot_dir: Path
) -> None:
    page = browser_login(clerk)
    for query, expected, name in (
        ("张联络", "市人力资源和社会保障局", "search-person"),
        (VALID_CODE, record.incident.title, "search-credit-code"),
        (f"{record.minutes.year} {record.minutes.serial}号", "纪要", "search-document-number"),
    ):
        page.goto("/")
        page.fill("header input[name=q]", query)
        page.press("header input[name=q]", "Enter")
        page.wait_for_url("**/search/**")
        expect(page.locator("main")).to_contain_text(expected)
        shot(page, screenshot_dir, name)


def test_local_mail_is_read_from_the_dead_letters_page(
    browser_login: Any,
    clerk: Any,
    health_liaison: Any,
    settings: Any,
    tmp_path: Path,
    screenshot_dir: Path,
) -> None:
    folder = tmp_path / "mail"
    settings.MAILERS = {
        "default": {
            "BACKEND": "lianxi.notifications.mail_files.EmlFileBackend",
            "OPTIONS": {"file_path": str(folder)},
        }
    }
    notify(
        recipients=[health_liaison],
        kind="t",
        subject="关于召开全体会议的通知",
        body="定于下周召开。",
    )
    deliveries_dispatch()
    assert len(list(folder.glob("*.eml"))) == 1
    page = browser_login(clerk)
    page.goto("/messages/dead-letters/")
    expect(page.locator("#local-mail")).to_contain_text("关于召开全体会议的通知")
    shot(page, screenshot_dir, "dead-letters-local-mail")
    page.click("#local-mail a:has-text('关于召开全体会议的通知')")
    expect(page.locator("#local-mail-view")).to_contain_text("定于下周召开")
    shot(page, screenshot_dir, "local-mail")


def test_short_words_do_not_break_on_a_phone(
    browser: Any, live_server: Any, clerk: Any, health_liaison: Any, screenshot_dir: Path
) -> None:
    from lianxi.conftest import PASSWORD

    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    try:
        page.goto("/account/login/")
        page.fill("input[name=username]", clerk.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("#login-submit")
        page.wait_for_url(lambda url: "/account/login/" not in url)
        for path, name in (("/units/people/", "people"), ("/units/", "catalogue"), ("/", "home")):
            page.goto(path)
            shot(page, screenshot_dir, f"phone-{name}")
            # A short word is broken when its text lies on more than one line.
            broken = page.evaluate(
                """() => [...document.querySelectorAll('.pill, .nowrap, .who button')]
                    .filter(e => e.offsetParent !== null && e.innerText.trim().length <= 6)
                    .filter(e => {
                        const tops = [];
                        const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
                        while (walker.nextNode()) {
                            const r = document.createRange();
                            r.selectNodeContents(walker.currentNode);
                            for (const x of r.getClientRects()) if (x.width > 0) tops.push(x.top);
                        }
                        return tops.some(t => Math.abs(t - tops[0]) > 4);
                    }).map(e => e.innerText)"""
            )
            assert broken == [], (path, broken)
    finally:
        context.close()
