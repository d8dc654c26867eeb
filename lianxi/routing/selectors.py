"""Reads for routing: the built index per mechanism, cached per process (二(四), annex).

The index (jieba's dictionary, the thesaurus file and entries, the current duties, past
decisions) is built once and kept until something it was built from changes. Whether anything
changed is one cheap query: counts and latest times of duties, units, thesaurus entries and
examples. A revised duty, a new entry or a recorded decision therefore shows at the next route.
"""

import threading
from typing import Any

from django.db import connection
from django.db.models import Prefetch, QuerySet

from lianxi.organization.models import Duty, Mechanism, Unit

from .engine import DutyDoc, Example, Router, Routing, UnitDoc, read_thesaurus_file
from .models import RoutingExample, ThesaurusEntry

_lock = threading.Lock()
_routers: dict[int, tuple[tuple[Any, ...], Router]] = {}


def routing_version() -> tuple[Any, ...]:
    """One query: what the index depends on, changed whenever any of it changes."""
    parts = []
    for model, stamp in (
        (Duty, "valid_to"),
        (Unit, "updated_at"),
        (ThesaurusEntry, "updated_at"),
        (RoutingExample, "updated_at"),
    ):
        table = connection.ops.quote_name(model._meta.db_table)
        column = connection.ops.quote_name(stamp)
        # Names come from the models, never from input.
        parts.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608
        parts.append(f"(SELECT MAX(id) FROM {table})")  # noqa: S608
        parts.append(f"(SELECT MAX({column}) FROM {table})")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    return tuple(row)


def routed_units(mechanism: Mechanism) -> QuerySet[Unit]:
    """Every member unit in the annex's order, with its current duties."""
    return (
        Unit.objects.filter(mechanism=mechanism, active=True, kind=Unit.Kind.MEMBER)
        .prefetch_related(
            Prefetch(
                "duties",
                queryset=Duty.objects.filter(valid_to__isnull=True).order_by("number"),
                to_attr="current_duties",
            )
        )
        .order_by("order", "id")
    )


def thesaurus_entries(mechanism: Mechanism) -> QuerySet[ThesaurusEntry]:
    return ThesaurusEntry.objects.filter(mechanism=mechanism).select_related("created_by")


def thesaurus_of(mechanism: Mechanism) -> dict[str, list[str]]:
    """The shipped file merged with the secretariat's entries (an entry adds to a file term)."""
    merged = read_thesaurus_file()
    for term, targets in thesaurus_entries(mechanism).values_list("term", "targets"):
        from .engine import split_targets

        merged.setdefault(term, [])
        merged[term] = list(dict.fromkeys([*merged[term], *split_targets(targets)]))
    return merged


def examples_of(mechanism: Mechanism) -> list[Example]:
    rows = RoutingExample.objects.filter(mechanism=mechanism).prefetch_related("supporting_units")
    return [
        Example(
            text=row.text,
            lead=row.lead_unit_id,
            supporting=tuple(u.pk for u in row.supporting_units.all()),
        )
        for row in rows
    ]


def build_router(mechanism: Mechanism) -> Router:
    units = [
        UnitDoc(
            key=unit.pk,
            name=unit.name,
            duties=tuple(
                DutyDoc(d.number, d.label, d.text)
                for d in unit.current_duties  # type: ignore[attr-defined]
            ),
        )
        for unit in routed_units(mechanism)
    ]
    return Router(units, thesaurus_of(mechanism), examples_of(mechanism))


def router_for(mechanism: Mechanism) -> Router:
    version = routing_version()
    cached = _routers.get(mechanism.pk)
    if cached is not None and cached[0] == version:
        return cached[1]
    with _lock:
        cached = _routers.get(mechanism.pk)
        if cached is not None and cached[0] == version:
            return cached[1]
        router = build_router(mechanism)
        _routers[mechanism.pk] = (version, router)
        return router


def route(mechanism: Mechanism, text: str) -> Routing:
    """二(四): every unit ranked for the matter, lead and supporting suggested, with reasons."""
    return router_for(mechanism).route(text)


def units_by_key(mechanism: Mechanism) -> dict[int, Unit]:
    return {u.pk: u for u in Unit.objects.filter(mechanism=mechanism, kind=Unit.Kind.MEMBER)}


def clear_cache() -> None:
    """Forget every built index (tests: a rolled-back database may repeat ids and counts)."""
    with _lock:
        _routers.clear()
