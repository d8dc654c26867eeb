"""Writes of the organization app: importing the rules (annex; 四(一))."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError

from .importer import ParsedDuty, ParsedRules
from .models import Clause, Duty, Mechanism, RulesDocument, Unit
from .rules_settings import SETTING_LABELS
from .settings_services import SettingChange, rules_settings_changes, rules_settings_store

GOVERNMENT_UNIT_NAME = "市政府办公室"
GOVERNMENT_UNIT_ORDER = 100


@dataclass
class PlannedDuty:
    unit: str
    number: int
    label: str
    text: str


@dataclass
class ChangedDuty:
    unit: str
    number: int
    label: str
    old_text: str
    new_text: str


@dataclass
class NewUnit:
    name: str
    order: int
    duties: list[ParsedDuty]


@dataclass
class UnlistedUnit:
    """A unit in the database that the new annex no longer lists."""

    name: str
    has_records: bool
    records: dict[str, int]
    duty_count: int

    @property
    def action(self) -> str:
        return "保留（有关联记录）" if self.has_records else "停用（无关联记录）"


@dataclass
class ImportPlan:
    """What importing a parsed rules document changes, unit by unit and duty by duty."""

    mechanism_name: str
    document_number: str
    title: str
    mechanism_exists: bool = True
    new_document: bool = True
    secretariat_unit: str = ""
    create_government_unit: bool = False
    new_units: list[NewUnit] = field(default_factory=list)
    changed_duties: list[ChangedDuty] = field(default_factory=list)
    new_duties: list[PlannedDuty] = field(default_factory=list)
    removed_duties: list[PlannedDuty] = field(default_factory=list)
    unlisted_units: list[UnlistedUnit] = field(default_factory=list)
    reactivated_units: list[str] = field(default_factory=list)
    reordered_units: list[str] = field(default_factory=list)
    unit_count: int = 0
    duty_count: int = 0
    clause_count: int = 0
    # 四(三), 三(一)1: the settings the document gives that differ from the mechanism's, and
    # the ones it does not give (the secretariat is asked on the settings page).
    settings_changes: list[SettingChange] = field(default_factory=list)
    settings_missing: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            not self.mechanism_exists
            or self.settings_changes
            or self.new_document
            or self.create_government_unit
            or self.new_units
            or self.changed_duties
            or self.new_duties
            or self.removed_duties
            or self.unlisted_units
            or self.reactivated_units
            or self.reordered_units
        )

    @property
    def kept_units(self) -> list[UnlistedUnit]:
        return [u for u in self.unlisted_units if u.has_records]

    @property
    def deactivated_units(self) -> list[UnlistedUnit]:
        return [u for u in self.unlisted_units if not u.has_records]

    def counts(self) -> dict[str, int]:
        return {
            "units": self.unit_count,
            "duties": self.duty_count,
            "clauses": self.clause_count,
            "units_new": len(self.new_units),
            "duties_new": len(self.new_duties) + sum(len(u.duties) for u in self.new_units),
            "duties_changed": len(self.changed_duties),
            "duties_removed": len(self.removed_duties),
            "units_kept": len(self.kept_units),
            "units_deactivated": len(self.deactivated_units),
            "units_reactivated": len(self.reactivated_units),
        }

    def summary_lines(self) -> list[str]:
        """A Chinese summary for the command line."""
        c = self.counts()
        lines = [
            f"标题：{self.title}",
            f"发文字号：{self.document_number or '（未找到）'}",
            f"联席会议：{self.mechanism_name}" + ("（新建）" if not self.mechanism_exists else ""),
            f"条款 {c['clauses']} 条，成员单位 {c['units']} 个，职责 {c['duties']} 项",
        ]
        if self.is_empty:
            lines.append("与现行工作规则相同，没有需要更新的内容。")
            return lines
        if self.secretariat_unit:
            lines.append(f"联席会议办公室所在单位：{self.secretariat_unit}")
        lines.append(
            f"新增单位 {c['units_new']} 个，新增职责 {c['duties_new']} 项，"
            f"修改职责 {c['duties_changed']} 项，删除职责 {c['duties_removed']} 项"
        )
        for unit in self.new_units:
            lines.append(f"  + 新增单位 {unit.name}（{len(unit.duties)} 项职责）")
        for changed in self.changed_duties:
            lines.append(f"  ~ {changed.unit} {changed.label or '职责'}：{changed.old_text}")
            lines.append(f"    → {changed.new_text}")
        for duty in self.new_duties:
            lines.append(f"  + {duty.unit} {duty.label or '职责'}：{duty.text}")
        for duty in self.removed_duties:
            lines.append(f"  - {duty.unit} {duty.label or '职责'}：{duty.text}")
        for unlisted in self.unlisted_units:
            lines.append(f"  ! {unlisted.name} 不再列于附件：{unlisted.action}")
        for name in self.reactivated_units:
            lines.append(f"  + 重新启用单位 {name}")
        for setting in self.settings_changes:
            lines.append(f"  * {setting.label}：{setting.new}（依据 {setting.source}）")
        for label in self.settings_missing:
            lines.append(f"  ? 规则未规定{label}，导入后请在联席会议设置中填写")
        if self.create_government_unit:
            lines.append(f"  + 新建 {GOVERNMENT_UNIT_NAME}（市政府办公室）")
        return lines


def _core(name: str) -> str:
    """The part of a unit or issuer name after the place: 信阳市卫生健康委员会 → 卫生健康委员会."""
    for sep in ("市", "县", "区", "州", "盟", "旗"):
        index = name.find(sep)
        if 0 <= index < len(name) - 2:
            return name[index + 1 :]
    return name


def _is_abbreviation(short: str, full: str) -> bool:
    """卫健委 abbreviates 卫生健康委员会: same first character, characters in order."""
    if not short or not full or short[0] != full[0]:
        return False
    position = 0
    for char in short:
        position = full.find(char, position)
        if position < 0:
            return False
        position += 1
    return True


def secretariat_unit_name(parsed: ParsedRules) -> str:
    """The issuer's unit in the annex (the joint meeting's office), else the first unit."""
    names = [unit.name for unit in parsed.units]
    if parsed.issuer:
        issuer = _core(parsed.issuer)
        for name in names:
            if _is_abbreviation(_core(name), issuer):
                return name
    return names[0] if names else ""


def _records_of(unit: Unit) -> dict[str, int]:
    """Rows elsewhere that point at this unit (its own duties are the rules, not records)."""
    counts: dict[str, int] = {}
    for relation in unit._meta.related_objects:
        if relation.related_model is Duty:
            continue
        if relation.many_to_many or relation.one_to_many or relation.one_to_one:
            model: Any = relation.related_model
            # Filtering the pointing model by its own field also covers hidden (related_name="+")
            # many-to-many relations, which have no accessor on the unit.
            count = model._default_manager.filter(**{relation.field.name: unit}).count()
            if count:
                counts[str(model._meta.verbose_name)] = count
    return counts


def rules_import_plan(
    *, parsed: ParsedRules, empty_database: bool = False, into: Mechanism | None = None
) -> ImportPlan:
    """What importing `parsed` would change; reads the database, writes nothing.

    `empty_database`: plan against a database not yet set up (nothing to read; all is new).
    `into`: a joint meeting's own import (its secretariat's page or token) may revise that
    meeting's rules only; opening another joint meeting is the platform operator's."""
    if into is not None and parsed.mechanism_name != into.name:
        raise ApplicationError(
            f"该文件是“{parsed.mechanism_name}”的工作规则，不是本联席会议（{into.name}）的，"
            "未导入。新设联席会议请由平台管理员办理。"
        )
    plan = ImportPlan(
        mechanism_name=parsed.mechanism_name,
        document_number=parsed.document_number,
        title=parsed.title,
        unit_count=len(parsed.units),
        duty_count=parsed.duty_count,
        clause_count=len(parsed.clauses),
    )
    mechanism = (
        None if empty_database else Mechanism.objects.filter(name=parsed.mechanism_name).first()
    )
    plan.settings_changes = rules_settings_changes(mechanism, parsed.settings)
    plan.settings_missing = [
        SETTING_LABELS[name]
        for name in parsed.settings.missing
        if mechanism is None or not getattr(mechanism, name)
    ]
    if mechanism is None:
        plan.mechanism_exists = False
        plan.create_government_unit = True
        plan.secretariat_unit = secretariat_unit_name(parsed)
        plan.new_units = [
            NewUnit(unit.name, order, unit.duties)
            for order, unit in enumerate(parsed.units, start=1)
        ]
        return plan

    in_force = RulesDocument.objects.filter(mechanism=mechanism).order_by("-id").first()
    plan.new_document = in_force is None or in_force.sha256 != parsed.sha256
    units = {unit.name: unit for unit in Unit.objects.filter(mechanism=mechanism)}
    plan.create_government_unit = GOVERNMENT_UNIT_NAME not in units
    if not any(unit.is_secretariat for unit in units.values()):
        plan.secretariat_unit = secretariat_unit_name(parsed)
    current: dict[int, dict[int, Duty]] = {}
    for row in Duty.objects.filter(unit__mechanism=mechanism, valid_to__isnull=True):
        current.setdefault(row.unit_id, {})[row.number] = row

    listed = set()
    for order, parsed_unit in enumerate(parsed.units, start=1):
        listed.add(parsed_unit.name)
        unit = units.get(parsed_unit.name)
        if unit is None:
            plan.new_units.append(NewUnit(parsed_unit.name, order, parsed_unit.duties))
            continue
        if not unit.active or unit.kind != Unit.Kind.MEMBER:
            plan.reactivated_units.append(unit.name)
        if unit.order != order:
            plan.reordered_units.append(unit.name)
        duties = current.get(unit.pk, {})
        for duty in parsed_unit.duties:
            old = duties.get(duty.number)
            if old is None:
                plan.new_duties.append(PlannedDuty(unit.name, duty.number, duty.label, duty.text))
            elif old.text != duty.text:
                plan.changed_duties.append(
                    ChangedDuty(unit.name, duty.number, duty.label, old.text, duty.text)
                )
        numbers = {duty.number for duty in parsed_unit.duties}
        for number, old in sorted(duties.items()):
            if number not in numbers:
                plan.removed_duties.append(PlannedDuty(unit.name, number, old.label, old.text))

    for unit in sorted(units.values(), key=lambda u: (u.order, u.pk)):
        if unit.name in listed or unit.kind != Unit.Kind.MEMBER:
            continue
        duties = current.get(unit.pk, {})
        if not unit.active and not duties:
            continue  # already set aside by an earlier import
        records = _records_of(unit)
        if records and not duties:
            continue  # kept by an earlier import, with nothing left to close
        plan.unlisted_units.append(UnlistedUnit(unit.name, bool(records), records, len(duties)))
        for number, old in sorted(duties.items()):
            plan.removed_duties.append(PlannedDuty(unit.name, number, old.label, old.text))
    return plan


@transaction.atomic
def rules_import_apply(
    *,
    parsed: ParsedRules,
    actor: Any,
    source_name: str = "",
    into: Mechanism | None = None,
    create: bool = False,
) -> ImportPlan:
    """Import the rules document: all or nothing, one audit event (annex; 四(一)).

    Units are matched by name. A duty whose text changed is closed (valid_to) and a new row
    added; unchanged duties are untouched. A unit the annex no longer lists keeps its rows: with
    records pointing at it, it stays active and is reported; without, it is set inactive.
    `into`: the joint meeting whose rules these are (refused if they are another's). Without it,
    the rules of a joint meeting not on the platform open one only on an empty platform (the
    first run) or with `create` (mechanism_create, which also makes its first clerk).
    """
    if into is None and not create:
        known = Mechanism.objects.filter(name=parsed.mechanism_name).exists()
        if not known and Mechanism.objects.exists():
            raise ApplicationError(
                f"平台上没有“{parsed.mechanism_name}”这个联席会议。设立新的联席会议请用"
                "`lianxi mechanism create --rules 文件`或平台管理页面"
                "（会同时创建其联席会议办公室账号）。"
            )
    plan = rules_import_plan(parsed=parsed, into=into)
    if plan.is_empty:
        return plan
    now = timezone.now()
    mechanism, _ = Mechanism.objects.get_or_create(
        name=parsed.mechanism_name, defaults={"short_name": "联席会议"}
    )
    rules_settings_store(mechanism, parsed.settings)
    document = RulesDocument.objects.filter(mechanism=mechanism).order_by("-id").first()
    if plan.new_document or document is None:
        document = RulesDocument.objects.create(
            mechanism=mechanism,
            document_number=parsed.document_number,
            issuer=parsed.issuer,
            title=parsed.title,
            text=parsed.text,
            source_name=source_name[:255],
            sha256=parsed.sha256,
        )
        Clause.objects.bulk_create(
            Clause(
                document=document,
                anchor=clause.anchor,
                parent_anchor=clause.parent_anchor,
                heading=clause.heading[:200],
                text=clause.text,
                level=clause.level,
                order=order,
            )
            for order, clause in enumerate(parsed.clauses, start=1)
        )

    units = {
        unit.name: unit for unit in Unit.objects.select_for_update().filter(mechanism=mechanism)
    }
    current: dict[int, dict[int, Duty]] = {}
    for row in Duty.objects.filter(unit__mechanism=mechanism, valid_to__isnull=True):
        current.setdefault(row.unit_id, {})[row.number] = row

    for order, parsed_unit in enumerate(parsed.units, start=1):
        unit = units.get(parsed_unit.name)
        if unit is None:
            unit = Unit.objects.create(
                mechanism=mechanism,
                name=parsed_unit.name,
                kind=Unit.Kind.MEMBER,
                order=order,
                is_secretariat=parsed_unit.name == plan.secretariat_unit,
            )
        else:
            changes: dict[str, Any] = {}
            if unit.order != order:
                changes["order"] = order
            if not unit.active:
                changes["active"] = True
            if unit.kind != Unit.Kind.MEMBER:
                changes["kind"] = Unit.Kind.MEMBER
            if parsed_unit.name == plan.secretariat_unit and not unit.is_secretariat:
                changes["is_secretariat"] = True
            if changes:
                Unit.objects.filter(pk=unit.pk).update(**changes, updated_at=now)
        duties = current.get(unit.pk, {})
        numbers = set()
        for duty in parsed_unit.duties:
            numbers.add(duty.number)
            old = duties.get(duty.number)
            if old is not None and old.text == duty.text:
                if old.label != duty.label:
                    Duty.objects.filter(pk=old.pk).update(label=duty.label)
                continue
            if old is not None:
                Duty.objects.filter(pk=old.pk).update(valid_to=now)
            Duty.objects.create(
                unit=unit,
                number=duty.number,
                label=duty.label,
                text=duty.text,
                valid_from=now,
                source=document,
            )
        stale = [old.pk for number, old in duties.items() if number not in numbers]
        Duty.objects.filter(pk__in=stale).update(valid_to=now)

    for unlisted in plan.unlisted_units:
        unit = units[unlisted.name]
        Duty.objects.filter(unit=unit, valid_to__isnull=True).update(valid_to=now)
        if not unlisted.has_records:
            Unit.objects.filter(pk=unit.pk).update(active=False, updated_at=now)

    if plan.create_government_unit:
        Unit.objects.get_or_create(
            mechanism=mechanism,
            name=GOVERNMENT_UNIT_NAME,
            defaults={"kind": Unit.Kind.GOVERNMENT, "order": GOVERNMENT_UNIT_ORDER},
        )

    audit_record(
        actor=actor,
        action="rules.import",
        target=document,
        data={
            "source_name": source_name,
            "document_number": parsed.document_number,
            "title": parsed.title,
            "sha256": parsed.sha256,
            "new_document": plan.new_document,
            **plan.counts(),
            "units_kept_names": [u.name for u in plan.kept_units],
            "units_deactivated_names": [u.name for u in plan.deactivated_units],
            "settings_changed": {c.name: c.new for c in plan.settings_changes},
        },
    )
    return plan


__all__ = [
    "ChangedDuty",
    "ImportPlan",
    "NewUnit",
    "PlannedDuty",
    "UnlistedUnit",
    "rules_import_apply",
    "rules_import_plan",
]
