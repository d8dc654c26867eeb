"""Routing writes (二(四), annex): thesaurus entries, and the decisions routing learns from.

`routing_example_record` is the registration the domains call (supervision, incidents, …)
whenever the secretariat sets or corrects the lead and supporting units of a real matter;
routing imports none of them.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError
from lianxi.core.text import text_problem
from lianxi.organization.access import user_of
from lianxi.organization.models import Mechanism, Unit

from .engine import split_targets
from .models import RoutingExample, ThesaurusEntry

TERM_MAX = 50
TARGETS_MAX = 300
EXAMPLE_TEXT_MAX = 2000


@transaction.atomic
def thesaurus_entry_create(
    *, mechanism: Mechanism, term: str, targets: str, note: str = "", actor: Any
) -> ThesaurusEntry:
    """The secretariat adds a term and what it leads to (e.g. 矽肺 → 尘肺); routing merges it
    with the shipped thesaurus from the next matter on."""
    term = (term or "").strip()
    # The platform's text policy here too, for any caller without the page's form.
    for field, label, value in (
        ("term", "词语", term),
        ("targets", "指向", targets),
        ("note", "说明", note),
    ):
        problem = text_problem(value or "", "line")
        if problem is not None:
            raise ApplicationError(f"{label}{problem}", field=field)
    words = split_targets(targets)
    if not term:
        raise ApplicationError("请填写词语。", field="term")
    if len(term) > TERM_MAX or any(c.isspace() for c in term):
        raise ApplicationError(f"词语不超过 {TERM_MAX} 个字，且不含空格。", field="term")
    if not words:
        raise ApplicationError("请填写它指向的词语（附件职责里的说法或上位词）。", field="targets")
    if term in [w.lstrip("=") for w in words]:
        raise ApplicationError("词语不能指向它自己。", field="targets")
    joined = " ".join(dict.fromkeys(words))
    if len(joined) > TARGETS_MAX:
        raise ApplicationError(f"指向的词语合计不超过 {TARGETS_MAX} 个字。", field="targets")
    if ThesaurusEntry.objects.filter(mechanism=mechanism, term=term).exists():
        raise ApplicationError(f"“{term}”已在同义词表中，请先删除原词条。", field="term")
    entry = ThesaurusEntry.objects.create(
        mechanism=mechanism,
        term=term,
        targets=joined,
        note=(note or "").strip()[:200],
        created_by=user_of(actor),
    )
    audit_record(
        actor=actor, action="routing.thesaurus_add", target=entry, data={"targets": joined}
    )
    return entry


@transaction.atomic
def thesaurus_entry_delete(*, entry: ThesaurusEntry, actor: Any) -> None:
    audit_record(
        actor=actor,
        action="routing.thesaurus_delete",
        target=entry,
        data={"term": entry.term, "targets": entry.targets},
    )
    entry.delete()


@transaction.atomic
def routing_example_record(
    *,
    text: str,
    lead_unit: Unit | None,
    supporting_units: Iterable[Unit] = (),
    source_key: str,
    actor: Any,
) -> RoutingExample | None:
    """Learn from a decision: the secretariat set or corrected who leads and who supports a
    real matter (an action item 四(二), an incident notice 三(四)2, an agenda topic).

    One example per source: a later call with the same `source_key` is a correction and
    replaces the earlier decision. A matter without text or units teaches nothing (None).
    Call it inside the domain's own transaction.
    """
    text = " ".join((text or "").split())[:EXAMPLE_TEXT_MAX]
    supporting = [u for u in dict.fromkeys(supporting_units or ()) if u != lead_unit]
    units = [u for u in (lead_unit, *supporting) if u is not None]
    if not text or not units or not source_key:
        return None
    mechanism_id = units[0].mechanism_id
    if any(u.mechanism_id != mechanism_id for u in units):
        raise ApplicationError("牵头单位和配合单位应属于同一个联席会议。")
    example, created = RoutingExample.objects.update_or_create(
        mechanism_id=mechanism_id,
        source_key=source_key[:100],
        defaults={"text": text, "lead_unit": lead_unit, "decided_by": user_of(actor)},
    )
    example.supporting_units.set(supporting)
    audit_record(
        actor=actor,
        action="routing.example_record" if created else "routing.example_correct",
        target=example,
        data={
            "source_key": example.source_key,
            "lead_unit": lead_unit.name if lead_unit else None,
            "supporting_units": [u.name for u in supporting],
        },
    )
    return example


@transaction.atomic
def routing_example_forget(*, source_key: str, actor: Any) -> bool:
    """The matter behind a decision was withdrawn (an agenda topic removed): it teaches no more."""
    example = RoutingExample.objects.filter(source_key=source_key[:100]).first()
    if example is None:
        return False
    audit_record(
        actor=actor,
        action="routing.example_forget",
        target=example,
        data={"source_key": example.source_key},
    )
    example.delete()
    return True
