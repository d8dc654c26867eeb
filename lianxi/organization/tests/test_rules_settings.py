"""Rules as configuration (四(三), 三(一)1): the cadence of the plenary and the annual
submission's deadline and parts are read from the rules document, stored on the mechanism with
the clause each came from, shown on the import preview and the settings page, and confirmed or
corrected by the secretariat. Two documents written for these tests (每半年 + 12月31日, and one
that says nothing) configure themselves the same way the seed does, or ask."""

import json
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from lianxi.annual.services import cycle_dates
from lianxi.core.models import AuditEvent
from lianxi.organization.import_views import SESSION_KEY
from lianxi.organization.importer import parse_rules
from lianxi.organization.models import Mechanism
from lianxi.organization.rules_settings import rules_settings_read
from lianxi.organization.services import rules_import_apply, rules_import_plan

from .test_importer import DATA, SEED

pytestmark = pytest.mark.django_db

HALF_YEARLY = DATA / "hexi-district-half-yearly.txt"
SILENT = DATA / "beishan-county-silent.txt"
URL = "/units/settings/"
ALL_PARTS = ["summary", "plan", "topics"]


def settings_of(path: Any) -> dict[str, Any]:
    return parse_rules(path.read_bytes(), filename=path.name).settings.to_json()


def test_the_seed_configures_15_january_and_a_plenary_once_a_year_四三_三一1() -> None:
    """四(三) 每年1月15日前……报送上年度工作总结、本年度重点工作计划及……议题建议; 三(一)
    全体会议原则上每年召开一次 (whose sub-clause 三(一)1 is the plenary itself)."""
    assert settings_of(SEED) == {
        "plenary_per_year": 1,
        "annual_submission_deadline": "01-15",
        "annual_submission_parts": ALL_PARTS,
        "sources": {
            "plenary_per_year": "三(一)",
            "annual_submission_deadline": "四(三)",
            "annual_submission_parts": "四(三)",
        },
    }


def test_a_half_yearly_plenary_and_a_31_december_deadline_configure_themselves_四三_三一1() -> None:
    """河西区 (written for this test): 全体会议每半年召开一次 → 2; 联络员会议每季度 is not the
    plenary's cadence; 应于每年12月31日前……工作总结、下一年度工作要点及……议题 → 12-31, three parts;
    每季度末……报送工作进展 is not the annual submission."""
    assert settings_of(HALF_YEARLY) == {
        "plenary_per_year": 2,
        "annual_submission_deadline": "12-31",
        "annual_submission_parts": ALL_PARTS,
        "sources": {
            "plenary_per_year": "二(一)",
            "annual_submission_deadline": "三(一)",
            "annual_submission_parts": "三(一)",
        },
    }


def test_a_document_that_says_nothing_sets_nothing_and_asks_四三_三一1() -> None:
    """北山县 (written for this test): 根据工作需要不定期召开 and 每季度报送信息 set neither."""
    parsed = parse_rules(SILENT.read_bytes(), filename=SILENT.name)
    assert parsed.settings.to_json() == {
        "plenary_per_year": None,
        "annual_submission_deadline": None,
        "annual_submission_parts": [],
        "sources": {},
    }
    assert parsed.settings.missing == [
        "plenary_per_year",
        "annual_submission_deadline",
        "annual_submission_parts",
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # 每年至少召开一次; 每半年……报送一次工作进展 is a progress report, not a cadence.
        ("qingxi-county.txt", (1, None, [])),
        # Articles: 第九条 每年至少召开一次; 第十五条 每年1月20日前……总结和本年度工作计划.
        ("songling-county-articles.txt", (1, "01-20", ["summary", "plan"])),
        ("linjiang-city-articles-gbk.txt", (1, "01-15", ["summary", "plan"])),
        ("nanchuan-city-gb18030.txt", (1, None, [])),
    ],
)
def test_other_cities_wordings_configure_the_same_way_四三_三一1(
    name: str, expected: tuple[Any, ...]
) -> None:
    settings = settings_of(DATA / name)
    got = (
        settings["plenary_per_year"],
        settings["annual_submission_deadline"],
        settings["annual_submission_parts"],
    )
    assert got == expected


@pytest.mark.parametrize(
    ("text", "per_year"),
    [
        ("全体会议原则上每年召开一次，专题会议每季度召开一次。", 1),
        ("全体会议每年召开两次。", 2),
        ("全体会议每季度召开一次。", 4),
        ("联席会议全体会议每年上、下半年各召开一次。", 2),
        ("全体会议每年至少召开2次。", 2),
        ("专题会议每季度召开一次。", None),
        ("全体会议根据工作需要召开。", None),
        # The cadence of what follows in the same sentence is not the plenary's.
        ("全体会议每年召开一次，成员单位每半年向联席会议办公室报送一次工作进展情况。", 1),
        # The cadence before the noun.
        ("联席会议原则上每年召开一次全体会议。", 1),
        ("包括全体会议和专题会议，全体会议每半年召开一次。", 2),
    ],
)
def test_the_plenary_cadence_is_read_from_its_own_sentence_三一1(
    text: str, per_year: int | None
) -> None:
    class Clause:
        anchor, heading = "三(一)", ""

    clause = Clause()
    clause.text = text  # type: ignore[attr-defined]
    assert rules_settings_read([clause]).plenary_per_year == per_year


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("各成员单位每年1月15日前报送上年度工作总结和本年度工作计划。", "01-15"),
        # A half-year's report, however dated, is not the annual submission.
        ("各成员单位每年7月15日前报送上半年工作总结。", None),
        ("各成员单位每年4月10日前报送一季度工作总结。", None),
    ],
)
def test_the_annual_deadline_is_a_whole_years_submission_四三(
    text: str, deadline: str | None
) -> None:
    class Clause:
        anchor, heading = "四(三)", ""

    clause = Clause()
    clause.text = text  # type: ignore[attr-defined]
    assert rules_settings_read([clause]).annual_submission_deadline == deadline


def test_the_dry_run_json_carries_the_settings_四三() -> None:
    """`lianxi import_rules FILE --dry-run --format json` adds "settings"."""
    out = StringIO()
    call_command("import_rules", str(HALF_YEARLY), "--dry-run", "--format", "json", stdout=out)
    settings = json.loads(out.getvalue())["settings"]
    assert settings["plenary_per_year"] == 2
    assert settings["annual_submission_deadline"] == "12-31"
    assert settings["annual_submission_parts"] == ALL_PARTS
    assert settings["sources"]["plenary_per_year"] == "二(一)"


def test_import_stores_the_settings_with_their_clauses_and_awaits_confirmation_四三(
    mechanism: Mechanism, clerk: Any
) -> None:
    plan = rules_import_plan(parsed=parse_rules(SEED.read_bytes()))
    assert [c.name for c in plan.settings_changes] == [
        "plenary_per_year",
        "annual_submission_deadline",
        "annual_submission_parts",
    ]
    assert plan.settings_changes[1].new == "每年1月15日前"
    assert plan.settings_changes[1].source == "四(三)"
    rules_import_apply(parsed=parse_rules(SEED.read_bytes()), actor=clerk.membership)
    mechanism.refresh_from_db()
    assert (mechanism.plenary_per_year, mechanism.annual_submission_deadline) == (1, "01-15")
    assert mechanism.annual_submission_parts == ALL_PARTS
    assert mechanism.settings_sources["annual_submission_deadline"] == "四(三)"
    assert mechanism.settings_confirmed_at is None
    event = AuditEvent.objects.filter(action="rules.import").latest("id")
    assert event.data["settings_changed"]["annual_submission_deadline"] == "每年1月15日前"
    # The same document again changes nothing.
    assert rules_import_plan(parsed=parse_rules(SEED.read_bytes())).is_empty


def test_a_silent_revision_keeps_what_the_secretariat_set_四三(
    mechanism: Mechanism, clerk: Any, login: Any
) -> None:
    """A revised document that no longer names a deadline leaves the office's own one."""
    rules_import_apply(parsed=parse_rules(SEED.read_bytes()), actor=clerk.membership)
    silent = SEED.read_text(encoding="utf-8").replace("每年1月15日前", "及时")
    parsed = parse_rules(silent.encode())
    assert parsed.settings.annual_submission_deadline is None
    plan = rules_import_plan(parsed=parsed)
    assert plan.settings_changes == [] and plan.settings_missing == []
    rules_import_apply(parsed=parsed, actor=clerk.membership)
    mechanism.refresh_from_db()
    assert mechanism.annual_submission_deadline == "01-15"


def test_the_import_preview_shows_the_settings_and_their_clauses_四三(
    mechanism: Mechanism, clerk: Any, login: Any, settings: Any, tmp_path: Any
) -> None:
    settings.DATA_DIR = tmp_path
    rules_import_apply(parsed=parse_rules(SEED.read_bytes()), actor=clerk.membership)
    revised = SEED.read_text(encoding="utf-8").replace("每年1月15日前", "每年1月10日前")
    client = login(clerk)
    file = SimpleUploadedFile("rules.txt", revised.encode(), content_type="text/plain")
    page = client.post("/units/rules/import/", {"file": file}).content.decode()
    assert 'id="settings-changes"' in page
    assert "每年1月15日前" in page and "每年1月10日前" in page and "四(三)" in page
    token = client.session[SESSION_KEY]["token"]
    response = client.post("/units/rules/import/", {"token": token, "action": "confirm"})
    assert response["Location"] == URL
    mechanism.refresh_from_db()
    assert mechanism.annual_submission_deadline == "01-10"


def test_the_settings_page_is_the_secretariats_四三(
    mechanism: Mechanism,
    clerk: Any,
    other_liaison: Any,
    gov_reader: Any,
    second_clerk: Any,
    login: Any,
    client: Any,
) -> None:
    rules_import_apply(parsed=parse_rules(SEED.read_bytes()), actor=clerk.membership)
    assert client.get(URL).status_code == 302  # anonymous: to the login page
    assert login(other_liaison).get(URL).status_code == 403
    assert login(gov_reader).get(URL).status_code == 403
    page = login(clerk).get(URL).content.decode()
    assert "每年1月15日前" in page and "每年一次" in page
    assert 'href="/units/rules/#四(三)"' in page and "工作规则 三(一)" in page
    assert 'id="settings-unconfirmed"' in page
    # Another joint meeting's secretariat sees its own meeting's settings, not these.
    other = login(second_clerk).get(URL).content.decode()
    assert "<b>每年1月15日前</b>" in page and "<b>每年1月15日前</b>" not in other
    assert 'id="settings-missing"' in other


def form(**changes: Any) -> dict[str, Any]:
    data = {
        "plenary_per_year": "1",
        "annual_submission_deadline": "01-15",
        "annual_submission_parts": ALL_PARTS,
        "annual_cycle_opens": "12-01",
        "annual_reminder_workdays": "10、5、2、1",
        "plenary_warning_percent": "75",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_secretariat_confirms_or_corrects_and_it_is_audited_四三_三一1(
    mechanism: Mechanism, clerk: Any, second_clerk: Any, login: Any
) -> None:
    rules_import_apply(parsed=parse_rules(SEED.read_bytes()), actor=clerk.membership)
    client = login(clerk)
    response = client.post(URL, form(annual_deadline_shift="on"))
    assert response.status_code == 302
    mechanism.refresh_from_db()
    assert mechanism.settings_confirmed_at is not None
    assert mechanism.settings_sources["annual_submission_deadline"] == "四(三)"  # unchanged
    assert mechanism.annual_deadline_shift is True
    # A correction: the plenary twice a year, the deadline 1月20日 (typed as 1月20日).
    client.post(URL, form(plenary_per_year="2", annual_submission_deadline="1月20日"))
    mechanism.refresh_from_db()
    assert (mechanism.plenary_per_year, mechanism.annual_submission_deadline) == (2, "01-20")
    assert mechanism.settings_sources["plenary_per_year"] == "secretariat"
    event = AuditEvent.objects.filter(action="mechanism.settings").latest("id")
    assert event.data["changed"] == [
        "plenary_per_year",
        "annual_submission_deadline",
        "annual_deadline_shift",
    ]
    assert cycle_dates(mechanism, 2027).rule_deadline == date(2027, 1, 20)  # type: ignore[union-attr]
    # The second joint meeting's clerk changes only the second meeting.
    login(second_clerk).post(URL, form(plenary_per_year="4"))
    mechanism.refresh_from_db()
    assert mechanism.plenary_per_year == 2


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"annual_submission_deadline": "02-30"}, "月-日"),
        ({"annual_submission_deadline": "一月"}, "月-日"),
        ({"annual_submission_parts": None}, "至少选择一项"),
        ({"annual_reminder_workdays": "10、五"}, "工作日数"),
        ({"annual_reminder_workdays": "40"}, "1 到 30"),
        ({"plenary_warning_percent": "100"}, "1 到 99"),
        ({"plenary_per_year": "7"}, "召开频次"),
    ],
)
def test_bad_settings_are_refused_in_chinese_and_nothing_is_written_四三(
    mechanism: Mechanism, clerk: Any, login: Any, changes: dict[str, Any], error: str
) -> None:
    rules_import_apply(parsed=parse_rules(SEED.read_bytes()), actor=clerk.membership)
    response = login(clerk).post(URL, form(**changes))
    assert response.status_code == 200
    assert error in response.content.decode()
    mechanism.refresh_from_db()
    assert mechanism.settings_confirmed_at is None
    assert mechanism.annual_submission_deadline == "01-15"
    assert not AuditEvent.objects.filter(action="mechanism.settings").exists()


def test_a_31_december_deadline_closes_the_cycle_of_the_year_after_四三(
    clerk: Any,
) -> None:
    """河西区: 12月31日前 报送本年度总结 and next year's plan: the 2027 cycle closes 2026-12-31."""
    rules_import_apply(
        parsed=parse_rules(HALF_YEARLY.read_bytes(), filename=HALF_YEARLY.name),
        actor=None,
        create=True,
    )
    mechanism = Mechanism.objects.get(name="河西区职业病防治工作联席会议")
    dates = cycle_dates(mechanism, 2027)
    assert dates is not None
    assert (dates.opens_on, dates.rule_deadline) == (date(2026, 12, 1), date(2026, 12, 31))
    assert mechanism.plenary_per_year == 2
