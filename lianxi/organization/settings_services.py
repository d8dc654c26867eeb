"""The joint meeting's settings (四(三), 三(一)1): what the rules import found, and the
secretariat's confirmation or correction. Each write is audited with the values before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError

from .models import Mechanism, Membership
from .rules_settings import PARTS, RULE_SETTINGS, SETTING_LABELS, RulesSettings, setting_text


@dataclass(frozen=True)
class SettingChange:
    name: str
    label: str
    old: str
    new: str
    source: str  # the clause anchor


def _current(mechanism: Mechanism, name: str) -> Any:
    value = getattr(mechanism, name)
    return list(value or []) if name == "annual_submission_parts" else (value or None)


def rules_settings_changes(
    mechanism: Mechanism | None, found: RulesSettings
) -> list[SettingChange]:
    """What importing a document that sets `found` changes in the settings: a setting the
    document gives and the mechanism holds otherwise. A setting the document does not give is
    left as the secretariat set it."""
    changes = []
    for name in RULE_SETTINGS:
        new = getattr(found, name)
        if new is None or new == []:
            continue
        old = _current(mechanism, name) if mechanism is not None else None
        if old != new:
            changes.append(
                SettingChange(
                    name,
                    SETTING_LABELS[name],
                    setting_text(name, old) if old else "未设置",
                    setting_text(name, new),
                    found.sources.get(name, ""),
                )
            )
    return changes


def rules_settings_store(mechanism: Mechanism, found: RulesSettings) -> list[SettingChange]:
    """The import's write (inside rules_import_apply's transaction): the settings the document
    gives, with their clauses; a change awaits the secretariat's confirmation again."""
    changes = rules_settings_changes(mechanism, found)
    if not changes:
        return []
    sources = dict(mechanism.settings_sources or {})
    fields = ["settings_sources", "settings_confirmed_at", "settings_confirmed_by", "updated_at"]
    for change in changes:
        setattr(mechanism, change.name, getattr(found, change.name))
        sources[change.name] = change.source
        fields.append(change.name)
    mechanism.settings_sources = sources
    mechanism.settings_confirmed_at = None
    mechanism.settings_confirmed_by = None
    mechanism.save(update_fields=fields)
    return changes


def _month_day(value: str, label: str) -> str:
    try:
        month, day = (int(part) for part in value.split("-"))
        date(2024, month, day)  # a leap year: 02-29 is a day some rules could name
    except ValueError:
        raise ApplicationError(f"{label}应为“月-日”，如 01-15。") from None
    return f"{month:02d}-{day:02d}"


@transaction.atomic
def mechanism_settings_update(
    *,
    actor: Membership,
    plenary_per_year: int | None,
    annual_submission_deadline: str,
    annual_submission_parts: list[str],
    annual_cycle_opens: str,
    annual_deadline_shift: bool,
    annual_reminder_workdays: list[int],
    plenary_warning_percent: int,
) -> Mechanism:
    """The secretariat confirms or corrects the settings (四(三), 三(一)1). A rule setting it
    changes is then its own, not the clause's: its source says so."""
    if actor.role != Membership.Role.SECRETARIAT:
        raise ApplicationError("只有联席会议办公室可以修改联席会议设置。")
    mechanism = Mechanism.objects.select_for_update().get(pk=actor.unit.mechanism_id)
    if plenary_per_year is not None and not 1 <= plenary_per_year <= 12:
        raise ApplicationError("全体会议每年召开次数应在 1 到 12 之间。")
    deadline = (
        _month_day(annual_submission_deadline, "年度材料报送截止日")
        if annual_submission_deadline
        else ""
    )
    opens = _month_day(annual_cycle_opens, "年度报送启动日")
    unknown = [p for p in annual_submission_parts if p not in PARTS]
    if unknown:
        raise ApplicationError("年度报送内容只能是工作总结、工作计划和议题建议。")
    if deadline and not annual_submission_parts:
        raise ApplicationError("设置了报送截止日时，请至少选择一项报送内容。")
    workdays = sorted({int(n) for n in annual_reminder_workdays}, reverse=True)
    if any(not 1 <= n <= 30 for n in workdays):
        raise ApplicationError("截止前提醒应为 1 到 30 个工作日。")
    if not 1 <= plenary_warning_percent <= 99:
        raise ApplicationError("全体会议提醒时点应为 1% 到 99%。")
    new = {
        "plenary_per_year": plenary_per_year,
        "annual_submission_deadline": deadline,
        "annual_submission_parts": [p for p in PARTS if p in annual_submission_parts],
        "annual_cycle_opens": opens,
        "annual_deadline_shift": annual_deadline_shift,
        "annual_reminder_workdays": workdays,
        "plenary_warning_percent": plenary_warning_percent,
    }
    before = {name: getattr(mechanism, name) for name in new}
    sources = dict(mechanism.settings_sources or {})
    for name in RULE_SETTINGS:
        if (before[name] or None) != (new[name] or None):
            sources[name] = "secretariat"
    for name, value in new.items():
        setattr(mechanism, name, value)
    mechanism.settings_sources = sources
    mechanism.settings_confirmed_at = timezone.now()
    mechanism.settings_confirmed_by = actor.user
    mechanism.save()
    audit_record(
        actor=actor.user,
        action="mechanism.settings",
        target=mechanism,
        data={
            "before": before,
            "after": new,
            "changed": [name for name in new if before[name] != new[name]],
        },
    )
    return mechanism
