"""Units, their duties (annex), their people and the clauses of the rules in force, for the
search box.

Inside people see the catalogue, the unit pages and the rules, so they find all four (access.py
says who). People are found by name, with their unit, role, post and phone.
"""

from urllib.parse import quote

from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils.timezone import localdate

from lianxi.search.registry import register

from .access import visible_clauses, visible_duties, visible_unit_people, visible_units
from .models import Clause, Duty, Membership, RulesDocument, Unit


def clauses_in_force() -> QuerySet[Clause]:
    """The clauses of each mechanism's newest rules document (older imports drop out)."""
    newest = RulesDocument.objects.values("mechanism_id").annotate(last=Max("id")).values("last")
    return Clause.objects.filter(document_id__in=newest).select_related("document")


def _unit_body(unit: Unit) -> str:
    parts = [unit.get_kind_display()]
    if unit.is_secretariat:
        parts.append("联席会议办公室所在单位")
    return "；".join(parts)


register(
    "unit",
    Unit,
    label="成员单位",
    title=lambda unit: unit.name,
    body=_unit_body,
    url=lambda unit: reverse("organization:unit", args=[unit.pk]),
    unit_ids=lambda unit: [unit.pk],
    date=lambda unit: None,
    visible=visible_units,
    indexable=lambda: Unit.objects.filter(active=True),
    order=10,
)

register(
    "duty",
    Duty,
    label="职责",
    title=lambda duty: f"{duty.unit.name} 职责{duty.label or duty.number}",
    body=lambda duty: duty.text,
    url=lambda duty: reverse("organization:unit", args=[duty.unit_id]) + f"#duty-{duty.number}",
    unit_ids=lambda duty: [duty.unit_id],
    date=lambda duty: localdate(duty.valid_from),
    visible=visible_duties,
    indexable=lambda: Duty.objects.filter(valid_to__isnull=True).select_related("unit"),
    order=20,
)


def _person_title(membership: Membership) -> str:
    return f"{membership.display_name}（{membership.unit.name} · {membership.get_role_display()}）"


def _person_body(membership: Membership) -> str:
    parts = [membership.unit.name, membership.get_role_display(), membership.title]
    return "；".join(p for p in parts if p) + (
        f"\n电话：{membership.phone}" if membership.phone else ""
    )


register(
    "person",
    Membership,
    label="人员",
    title=_person_title,
    body=_person_body,
    url=lambda m: reverse("organization:unit", args=[m.unit_id]) + f"#person-{m.pk}",
    unit_ids=lambda m: [m.unit_id],
    date=lambda m: None,
    visible=visible_unit_people,
    # Names live on the user: the kind is small and compared in full on every tick.
    indexable=lambda: Membership.objects.filter(active=True, user__is_active=True).select_related(
        "user", "unit"
    ),
    order=25,
)

register(
    "clause",
    Clause,
    label="工作规则条款",
    title=lambda clause: f"{clause.anchor} {clause.heading}".strip(),
    body=lambda clause: clause.text,
    url=lambda clause: reverse("organization:rules") + "#" + quote(clause.anchor),
    unit_ids=lambda clause: [],
    date=lambda clause: localdate(clause.document.created_at),
    visible=visible_clauses,
    indexable=clauses_in_force,
    order=30,
)
