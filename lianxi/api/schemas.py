"""What the API returns. Field names follow DESIGN.md's glossary."""

from datetime import datetime
from typing import Any

from django.utils import timezone
from ninja import Schema

from lianxi.organization.models import Clause, Duty, Membership, RulesDocument, Unit


class ErrorOut(Schema):
    detail: str


class PersonOut(Schema):
    name: str
    role: str
    role_display: str
    title: str

    @staticmethod
    def from_membership(membership: Membership) -> "PersonOut":
        return PersonOut(
            name=membership.display_name,
            role=membership.role,
            role_display=membership.get_role_display(),
            title=membership.title,
        )


class DutyOut(Schema):
    id: int
    unit_id: int
    number: int
    label: str
    text: str
    valid_from: datetime
    valid_to: datetime | None
    source_id: int

    @staticmethod
    def from_duty(duty: Duty) -> "DutyOut":
        return DutyOut(
            id=duty.pk,
            unit_id=duty.unit_id,
            number=duty.number,
            label=duty.label,
            text=duty.text,
            valid_from=duty.valid_from,
            valid_to=duty.valid_to,
            source_id=duty.source_id,
        )


class DutyWithUnitOut(DutyOut):
    unit_name: str


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    kind_display: str
    order: int
    is_secretariat: bool
    active: bool
    members: list[PersonOut]
    liaisons: list[PersonOut]
    duties: list[DutyOut]

    @classmethod
    def build(cls, unit: Unit, **extra: Any) -> Any:
        people: list[Membership] = getattr(unit, "people", [])
        return cls(
            id=unit.pk,
            name=unit.name,
            kind=unit.kind,
            kind_display=unit.get_kind_display(),
            order=unit.order,
            is_secretariat=unit.is_secretariat,
            active=unit.active,
            members=[PersonOut.from_membership(m) for m in people if m.role == "member"],
            liaisons=[PersonOut.from_membership(m) for m in people if m.role == "liaison"],
            duties=[DutyOut.from_duty(d) for d in getattr(unit, "current_duties", [])],
            **extra,
        )


class UnitDetailOut(UnitOut):
    past_duties: list[DutyOut]


class ClauseOut(Schema):
    anchor: str
    parent_anchor: str
    heading: str
    text: str
    level: int
    order: int

    @staticmethod
    def from_clause(clause: Clause) -> "ClauseOut":
        return ClauseOut(
            anchor=clause.anchor,
            parent_anchor=clause.parent_anchor,
            heading=clause.heading,
            text=clause.text,
            level=clause.level,
            order=clause.order,
        )


class SettingOut(Schema):
    name: str
    label: str
    text: str
    # The clause anchor of the rules in force it came from; "secretariat" when the office set
    # it; "" when neither the rules nor the office did.
    source: str
    clause_text: str


class MechanismSettingsOut(Schema):
    """四(三), 三(一)1: the cadences and deadlines the joint meeting runs on."""

    plenary_per_year: int | None
    annual_submission_deadline: str | None
    annual_submission_parts: list[str]
    sources: dict[str, str]
    confirmed_at: datetime | None
    annual_cycle_opens: str
    annual_deadline_shift: bool
    annual_reminder_workdays: list[int]
    plenary_warning_percent: int
    settings: list[SettingOut]


class RulesOut(Schema):
    id: int
    document_number: str
    issuer: str
    title: str
    source_name: str
    sha256: str
    imported_at: datetime
    clauses: list[ClauseOut]

    @staticmethod
    def build(document: RulesDocument, clauses: list[Clause]) -> "RulesOut":
        return RulesOut(
            id=document.pk,
            document_number=document.document_number,
            issuer=document.issuer,
            title=document.title,
            source_name=document.source_name,
            sha256=document.sha256,
            imported_at=document.created_at,
            clauses=[ClauseOut.from_clause(c) for c in clauses],
        )


class RulesImportOut(Schema):
    dry_run: bool
    applied: bool
    parsed: dict[str, Any]
    plan: dict[str, Any]


def aware(moment: datetime) -> datetime:
    """A time sent without an offset is Beijing time (the platform's time zone)."""
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
