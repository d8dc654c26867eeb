"""Applying the rules (annex; 四(一)): first import, re-import, versioned duties, kept units."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from lianxi.core.models import AuditEvent
from lianxi.organization.importer import parse_rules
from lianxi.organization.models import Clause, Duty, Mechanism, Membership, RulesDocument, Unit
from lianxi.organization.services import rules_import_apply, rules_import_plan

from .test_importer import DATA, SEED, SEED_UNITS

pytestmark = pytest.mark.django_db

REVISED = DATA / "xinyang-2024-revised.txt"


def parse(path: Path):
    return parse_rules(path.read_bytes(), filename=path.name)


def current(unit_name: str) -> list[Duty]:
    return list(Duty.objects.filter(unit__name=unit_name, valid_to__isnull=True).order_by("number"))


def snapshot() -> tuple[int, int, int, int, int, int]:
    return (
        Mechanism.objects.count(),
        RulesDocument.objects.count(),
        Clause.objects.count(),
        Unit.objects.count(),
        Duty.objects.count(),
        AuditEvent.objects.count(),
    )


def test_first_import_creates_mechanism_units_duties_clauses_and_one_audit_event():
    """附件; 四(一): the seed gives 15 member units, 50 duties, 市政府办公室, the secretariat."""
    plan = rules_import_apply(parsed=parse(SEED), actor=None, source_name="xinyang-2023.txt")
    assert plan.counts()["units_new"] == 15
    assert plan.counts()["duties_new"] == 50
    mechanism = Mechanism.objects.get()
    assert mechanism.name == "信阳市职业病防治工作部门间联席会议"
    members = Unit.objects.filter(mechanism=mechanism, kind=Unit.Kind.MEMBER).order_by("order")
    assert [(u.name, u.duties.count()) for u in members] == SEED_UNITS
    assert [u.order for u in members] == list(range(1, 16))
    assert list(Unit.objects.filter(is_secretariat=True).values_list("name", flat=True)) == [
        "市卫生健康委"
    ]
    government = Unit.objects.get(name="市政府办公室")
    assert government.kind == Unit.Kind.GOVERNMENT
    document = RulesDocument.objects.get()
    assert document.document_number == "信卫职健〔2023〕5号"
    assert document.issuer == "信阳市卫生健康委员会"
    assert document.source_name == "xinyang-2023.txt"
    assert Duty.objects.filter(valid_to__isnull=True, source=document).count() == 50
    assert Duty.objects.filter(valid_from__isnull=True).count() == 0
    anchors = list(Clause.objects.filter(document=document).values_list("anchor", flat=True))
    assert "三(一)1" in anchors and "四(一)" in anchors and len(anchors) == 28
    event = AuditEvent.objects.get(action="rules.import")
    assert event.data["units_new"] == 15
    assert event.data["duties_new"] == 50
    assert event.target_id == str(document.pk)
    assert event.actor_name == "系统"


def test_reimporting_the_identical_document_changes_nothing():
    """附件: importing the same rules twice is idempotent (no rows, no audit event)."""
    rules_import_apply(parsed=parse(SEED), actor=None)
    before = snapshot()
    updated = list(Unit.objects.values_list("updated_at", flat=True))
    plan = rules_import_plan(parsed=parse(SEED))
    assert plan.is_empty
    again = rules_import_apply(parsed=parse(SEED), actor=None)
    assert again.is_empty
    assert snapshot() == before
    assert list(Unit.objects.values_list("updated_at", flat=True)) == updated


def test_the_plan_writes_nothing():
    before = snapshot()
    plan = rules_import_plan(parsed=parse(SEED))
    assert not plan.is_empty
    assert not plan.mechanism_exists
    assert plan.secretariat_unit == "市卫生健康委"
    assert snapshot() == before


def test_revised_document_versions_changed_duties_and_adds_units():
    """附件; 四(一): changed text closes the old duty (kept), unchanged duties are untouched."""
    rules_import_apply(parsed=parse(SEED), actor=None)
    untouched = {d.pk: d.valid_from for d in current("市卫生健康委")}
    old_science = current("市科技局")[0]

    user = get_user_model().objects.create_user("clerk", first_name="王秘书")
    clerk = Membership.objects.create(
        user=user, unit=Unit.objects.get(name="市卫生健康委"), role="secretariat"
    )
    plan = rules_import_apply(parsed=parse(REVISED), actor=clerk, source_name=REVISED.name)

    assert [u.name for u in plan.new_units] == ["市司法局"]
    assert {(c.unit, c.number) for c in plan.changed_duties} == {("市科技局", 1), ("市财政局", 1)}
    assert [(d.unit, d.number) for d in plan.removed_duties] == [("市财政局", 2)]
    assert plan.unlisted_units == []

    old_science.refresh_from_db()
    assert old_science.valid_to is not None  # kept, closed
    assert old_science.text.endswith("纳入市科技发展专项相关计划。")
    [new_science] = current("市科技局")
    assert new_science.text.endswith("支持职业病防治科技成果转化应用。")
    assert new_science.valid_from == old_science.valid_to
    assert new_science.source.document_number == "信卫职健〔2024〕3号"
    assert {d.pk: d.valid_from for d in current("市卫生健康委")} == untouched
    assert len(current("市财政局")) == 1
    assert Duty.objects.filter(unit__name="市财政局").count() == 3  # 2 closed + 1 current
    justice = Unit.objects.get(name="市司法局")
    assert (justice.order, justice.kind, justice.is_secretariat) == (16, "member", False)
    assert len(current("市司法局")) == 2
    assert Duty.objects.filter(valid_to__isnull=True).count() == 51
    assert RulesDocument.objects.count() == 2
    event = AuditEvent.objects.filter(action="rules.import").latest("id")
    assert event.actor_name == "王秘书"
    assert event.unit_name == "市卫生健康委"
    assert (event.data["duties_changed"], event.data["duties_removed"]) == (2, 1)
    assert (event.data["units_new"], event.data["duties_new"]) == (1, 2)
    # And once more: nothing left to do.
    assert rules_import_plan(parsed=parse(REVISED)).is_empty


def without_units(*names: str) -> bytes:
    """The seed with the annex's last units cut off (市医保局, 市总工会, 市委宣传部 …)."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    keep: list[str] = []
    skipping = False
    for line in lines:
        stripped = line.strip()
        if any(stripped.endswith("、" + name) for name in names):
            skipping = True
            continue
        if skipping and stripped and stripped[0] in "十一二三四五六七八九" and "、市" in stripped:
            skipping = False
        if not skipping:
            keep.append(line)
    text = "\n".join(keep)
    # Renumber: 十四、市总工会 becomes 十三、 once 市医保局 is gone.
    return (
        text.replace("十四、市总工会", "十三、市总工会")
        .replace("十五、市委宣传部", "十四、市委宣传部")
        .encode()
    )


def test_unit_no_longer_listed_with_records_is_kept_and_reported():
    """附件: a unit the annex drops is never dropped silently; kept when it has records."""
    rules_import_apply(parsed=parse(SEED), actor=None)
    health = Unit.objects.get(name="市医保局")
    user = get_user_model().objects.create_user("ybj", first_name="医保联络员")
    Membership.objects.create(user=user, unit=health, role="liaison")

    parsed = parse_rules(without_units("市医保局", "市委宣传部"))
    assert [u.name for u in parsed.units][-2:] == ["市市场监督管理局", "市总工会"]
    plan = rules_import_plan(parsed=parsed)
    reported = {u.name: (u.has_records, u.records) for u in plan.unlisted_units}
    assert reported == {"市医保局": (True, {"成员与联络员": 1}), "市委宣传部": (False, {})}
    assert {(d.unit, d.number) for d in plan.removed_duties} == {("市医保局", 1), ("市委宣传部", 1)}

    rules_import_apply(parsed=parsed, actor=None)
    kept = Unit.objects.get(name="市医保局")
    assert kept.active
    assert current("市医保局") == []
    assert Duty.objects.filter(unit=kept).count() == 1  # the closed duty stays on record
    dropped = Unit.objects.get(name="市委宣传部")  # set aside, not deleted
    assert not dropped.active
    event = AuditEvent.objects.filter(action="rules.import").latest("id")
    assert event.data["units_kept_names"] == ["市医保局"]
    assert event.data["units_deactivated_names"] == ["市委宣传部"]
    # Importing the same shorter annex again changes nothing.
    assert rules_import_plan(parsed=parsed).is_empty
    # Listing the unit again brings it back.
    plan = rules_import_apply(parsed=parse(SEED), actor=None)
    assert plan.reactivated_units == ["市委宣传部"]
    assert Unit.objects.get(name="市委宣传部").active
    assert len(current("市委宣传部")) == 1


def test_import_over_the_factory_mechanism_matches_units_by_name(mechanism):
    """附件: units already there (built by hand) are matched by name, not duplicated."""
    before_units = Unit.objects.count()
    plan = rules_import_apply(parsed=parse(SEED), actor=None)
    assert plan.new_units == []
    assert len(plan.changed_duties) == 50
    assert not plan.create_government_unit
    assert Unit.objects.count() == before_units
    assert Unit.objects.get(name="市卫生健康委").is_secretariat
    assert Duty.objects.filter(valid_to__isnull=True).count() == 50
    assert Duty.objects.filter(valid_to__isnull=False).count() == 50


@pytest.mark.parametrize(
    ("path", "secretariat", "units", "duties"),
    [
        (DATA / "qingxi-county.txt", "县卫健委", 8, 25),
        (DATA / "nanchuan-city-gb18030.txt", "市卫生健康委", 12, 25),
    ],
)
def test_other_documents_import_with_the_issuer_unit_as_secretariat(
    path, secretariat, units, duties
):
    """附件: other cities' and counties' rules import; the issuer's unit hosts the office."""
    parsed = parse(path)
    rules_import_apply(parsed=parsed, actor=None)
    mechanism = Mechanism.objects.get(name=parsed.mechanism_name)
    assert mechanism.units.filter(kind="member").count() == units
    assert Duty.objects.filter(unit__mechanism=mechanism).count() == duties
    assert list(mechanism.units.filter(is_secretariat=True).values_list("name", flat=True)) == [
        secretariat
    ]
    assert mechanism.units.filter(name="市政府办公室", kind="government").exists()
