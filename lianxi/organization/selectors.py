from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from .models import Clause, Duty, Mechanism, Membership, RulesDocument, Unit
from .rules_settings import RULE_SETTINGS, SETTING_LABELS, setting_text


def sole_mechanism_name() -> str:
    """The name of the platform's joint meeting when it hosts exactly one, else ""."""
    names = list(Mechanism.objects.order_by("id").values_list("name", flat=True)[:2])
    return names[0] if len(names) == 1 else ""


def current_duties() -> QuerySet[Duty]:
    return Duty.objects.filter(valid_to__isnull=True).order_by("number")


def member_units(mechanism_id: int, *, excluding: int | None = None) -> QuerySet[Unit]:
    """The joint meeting's active member units, in the annex's order (`excluding` one, say the
    drafting unit of a comment round)."""
    units = Unit.objects.filter(mechanism_id=mechanism_id, kind=Unit.Kind.MEMBER, active=True)
    if excluding is not None:
        units = units.exclude(pk=excluding)
    return units.order_by("order", "id")


def catalogue_units(mechanism: Mechanism) -> QuerySet[Unit]:
    """Every unit with its current duties and active people, in the annex's order."""
    return (
        Unit.objects.filter(mechanism=mechanism, active=True)
        .prefetch_related(
            Prefetch("duties", queryset=current_duties(), to_attr="current_duties"),
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(active=True, role__in=["member", "liaison"])
                .select_related("user")
                .order_by("role", "id"),
                to_attr="people",
            ),
        )
        .order_by("order", "id")
    )


def catalogue_listing(mechanism: Mechanism) -> list[Unit]:
    """catalogue_units, each unit's people split as the page names them (成员, 联络员)."""
    units = list(catalogue_units(mechanism))
    for unit in units:
        people = unit.people  # type: ignore[attr-defined]
        unit.members = [p for p in people if p.role == Membership.Role.MEMBER]  # type: ignore[attr-defined]
        unit.liaisons = [p for p in people if p.role == Membership.Role.LIAISON]  # type: ignore[attr-defined]
    return units


def catalogue_units_all() -> QuerySet[Unit]:
    return Unit.objects.select_related("mechanism").prefetch_related(
        Prefetch("duties", queryset=current_duties(), to_attr="current_duties"),
        Prefetch(
            "duties",
            queryset=Duty.objects.filter(valid_to__isnull=False).order_by("number", "valid_from"),
            to_attr="past_duties",
        ),
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(active=True).select_related("user"),
            to_attr="people",
        ),
    )


def rules_in_force(mechanism: Mechanism) -> RulesDocument | None:
    return RulesDocument.objects.filter(mechanism=mechanism).order_by("-id").first()


def clauses_of(document: RulesDocument) -> QuerySet[Clause]:
    return Clause.objects.filter(document=document).order_by("order")


def _role_users(mechanism_id: int, role: str) -> list[Any]:
    return [
        m.user
        for m in Membership.objects.filter(
            unit__mechanism_id=mechanism_id, role=role, active=True, user__is_active=True
        ).select_related("user")
    ]


def secretariat_users(mechanism_id: int) -> list[Any]:
    """The secretariat's active people: they receive what is addressed to the joint meeting."""
    return _role_users(mechanism_id, Membership.Role.SECRETARIAT)


def government_users(mechanism_id: int) -> list[Any]:
    """The government office's active readers of the joint meeting (the same-level government)."""
    return _role_users(mechanism_id, Membership.Role.GOVERNMENT)


def unit_people(unit_ids: Iterable[int]) -> dict[tuple[int, str], list[Any]]:
    """The active liaisons and members of the units, by (unit id, role): who a reminder to a
    unit reaches, the liaison first and then the member (督办 四(二), 征求意见 三(二))."""
    people: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for membership in Membership.objects.filter(
        unit_id__in=unit_ids,
        active=True,
        user__is_active=True,
        role__in=[Membership.Role.LIAISON, Membership.Role.MEMBER],
    ).select_related("user"):
        people[(membership.unit_id, membership.role)].append(membership.user)
    return people


@dataclass(frozen=True)
class MechanismSettings:
    """The cadences and deadlines a joint meeting runs on (四(三), 三(一)1), as the annual cycle
    and the plenary watch read them; `sources` names the clause each setting came from."""

    plenary_per_year: int | None
    annual_submission_deadline: tuple[int, int] | None  # (month, day)
    annual_submission_parts: list[str]
    sources: dict[str, str]
    confirmed: bool
    annual_cycle_opens: tuple[int, int]
    annual_deadline_shift: bool
    annual_reminder_workdays: list[int]
    plenary_warning_percent: int


def _month_day(value: str) -> tuple[int, int] | None:
    try:
        month, day = (int(part) for part in (value or "").split("-"))
    except ValueError:
        return None
    return (month, day) if 1 <= month <= 12 and 1 <= day <= 31 else None


def mechanism_settings(mechanism: Mechanism) -> MechanismSettings:
    return MechanismSettings(
        plenary_per_year=mechanism.plenary_per_year,
        annual_submission_deadline=_month_day(mechanism.annual_submission_deadline),
        annual_submission_parts=list(mechanism.annual_submission_parts or []),
        sources=dict(mechanism.settings_sources or {}),
        confirmed=mechanism.settings_confirmed_at is not None,
        annual_cycle_opens=_month_day(mechanism.annual_cycle_opens) or (12, 1),
        annual_deadline_shift=mechanism.annual_deadline_shift,
        annual_reminder_workdays=sorted(
            {int(n) for n in (mechanism.annual_reminder_workdays or []) if int(n) > 0},
            reverse=True,
        ),
        plenary_warning_percent=mechanism.plenary_warning_percent,
    )


@dataclass(frozen=True)
class SettingRow:
    """One setting on the settings page: its value as read, and the clause it came from (a
    clause anchor of the rules in force, "secretariat" when the office set it, "" unset)."""

    name: str
    label: str
    text: str
    source: str
    clause: Clause | None
    from_rules: bool
    missing: bool  # a setting of the rules that neither the rules nor the office gave


def settings_rows(mechanism: Mechanism) -> list[SettingRow]:
    sources = dict(mechanism.settings_sources or {})
    document = rules_in_force(mechanism)
    anchors = {a for a in sources.values() if a and a != "secretariat"}
    clauses = (
        {c.anchor: c for c in clauses_of(document).filter(anchor__in=anchors)}
        if document is not None and anchors
        else {}
    )
    rows = []
    for name, label in SETTING_LABELS.items():
        source = sources.get(name, "")
        value = getattr(mechanism, name)
        rows.append(
            SettingRow(
                name=name,
                label=label,
                text=setting_text(name, value),
                source=source,
                clause=clauses.get(source),
                from_rules=name in RULE_SETTINGS,
                missing=name in RULE_SETTINGS and not value,
            )
        )
    return rows
