"""Units, their duties (annex) and the clauses of the rules in force, for the search box.

Inside people see the catalogue and the rules, so they find all three (access.py says who).
"""

from urllib.parse import quote

from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils.timezone import localdate

from lianxi.search.registry import register

from .access import visible_clauses, visible_duties, visible_units
from .models import Clause, Duty, RulesDocument, Unit


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
