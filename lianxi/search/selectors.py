"""The search itself: one query for the matches, one for the page's rows, on either database.

The words of the query (jieba, as at index time) must all occur in a document, in its title or
its body. Ranking: SQLite's bm25 over the FTS5 table, PostgreSQL's ts_rank (normalised by
length) over the tsvector column; title words weigh more on both. Ties go to the newer record.
Which documents match, and what is shown for them, is the same on both databases; only the
order among documents of different relevance may differ, since the two rankings differ.

Filters (kind, unit, dates) and access are one WHERE clause built with the ORM and compiled
into the full-text statement: for each kind, EXISTS (<the app's visible queryset> whose
primary key is the document's object_id).
"""

import heapq
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.safestring import SafeString

from lianxi.organization.models import Unit

from . import text
from .models import SearchDocument
from .registry import registrations

PAGE_SIZE = 20
TABLE = SearchDocument._meta.db_table
TITLE_WEIGHT = 4.0  # SQLite bm25 column weight; PostgreSQL: weight A (1.0) against B (0.4)


@dataclass
class Hit:
    kind: str
    label: str
    object_id: int
    title: SafeString
    snippet: SafeString
    url: str
    date: date | None
    units: list[Unit]


@dataclass
class KindCount:
    kind: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchPage:
    query: str
    words: list[str]
    hits: list[Hit] = field(default_factory=list)
    counts: list[KindCount] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0

    @property
    def searched(self) -> bool:
        return bool(self.words)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def access_q(user: Any) -> Q:
    """The documents `user` may see: for each kind, the objects its app lets them see (an
    EXISTS per kind, correlated on the object's primary key)."""
    allowed = Q(pk__in=[])
    for reg in registrations():
        visible = reg.visible(user)
        if visible.query.is_empty():
            continue
        own = visible.filter(pk=OuterRef("object_id")).order_by().values("pk")
        allowed |= Q(kind=reg.kind) & Q(Exists(own))  # the cheap test first
    return allowed


def _where(queryset: QuerySet[SearchDocument]) -> tuple[str, list[Any]] | None:
    """The WHERE clause of `queryset` as SQL on the bare table name; None if nothing matches."""
    compiler = queryset.query.get_compiler(connection=connection)
    try:
        sql, params = compiler.compile(queryset.query.where)
    except FullResultSet:
        return "1 = 1", []
    except EmptyResultSet:
        return None
    return sql, list(params)


def _tune_sqlite() -> None:
    """SQLite's default page cache (2 MB) makes each matching row a trip to the OS; a search
    touches tens of thousands of rows of a large index, so give this connection 64 MB."""
    if connection.vendor == "sqlite" and not getattr(connection, "_lianxi_search_tuned", False):
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -65536")
        connection._lianxi_search_tuned = True  # type: ignore[attr-defined]


def _matches(words: list[str], where: tuple[str, list[Any]]) -> list[tuple[int, str, float, float]]:
    """(id, kind, score, day) of every matching document the searcher may see; a lower score
    is more relevant (bm25 is negative; PostgreSQL's ts_rank is negated), day orders ties."""
    if connection.vendor == "postgresql":
        day = f"COALESCE({TABLE}.date - DATE '1970-01-01', 0)"
        if words:
            source = f"{TABLE}, plainto_tsquery('simple', %s) AS q"
            condition = f"{TABLE}.search_vector @@ q AND ({where[0]})"
            score = f"-ts_rank({TABLE}.search_vector, q, 1)"
            params = [" ".join(words), *where[1]]
    else:
        _tune_sqlite()
        day = f"COALESCE(julianday({TABLE}.date), 0)"
        if words:
            # CROSS JOIN: SQLite must start from the full-text matches, not from the table.
            source = f"search_fts CROSS JOIN {TABLE} ON {TABLE}.id = search_fts.rowid"
            condition = f"search_fts MATCH %s AND ({where[0]})"
            score = f"bm25(search_fts, {TITLE_WEIGHT}, 1.0)"
            params = [" ".join(f'"{w}"' for w in words), *where[1]]
    if not words:
        source, condition, score, params = TABLE, where[0], "0", list(where[1])
    # Only our own fragments and the ORM's compiled WHERE are joined; values go as parameters.
    sql = f"SELECT {TABLE}.id, {TABLE}.kind, {score}, {day} FROM {source} WHERE {condition}"  # noqa: S608
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())
    # The planner's cost for the per-kind access subplans is far above PostgreSQL's JIT
    # threshold, and compiling the plan takes ten times as long as running it: no JIT here.
    # (Not on SQLite: its IMMEDIATE transactions would take the write lock for a read.)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def search(
    user: Any,
    query: str,
    *,
    kinds: list[str] | None = None,
    unit_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    page: int = 1,
) -> SearchPage:
    """One page of what `user` may see matching `query` and the filters.

    Without words, the filters alone list records newest first (e.g. all that concerns a unit);
    without words or filters, nothing is searched. One statement finds every match (id, kind,
    score); the counts per kind and the page's order are taken from it, then the page's rows
    are read: two queries whatever the number of matches.
    """
    words = text.query_words(query)
    result = SearchPage(query=query, words=words, page=max(page, 1))
    filtered = bool(kinds or unit_id or date_from or date_to)
    if not words and not filtered:
        return result
    labels = {reg.kind: reg.label for reg in registrations()}
    base = SearchDocument.objects.filter(access_q(user))
    if unit_id:
        base = base.filter(units__contains=f" {int(unit_id)} ")
    if date_from:
        base = base.filter(date__gte=date_from)
    if date_to:
        base = base.filter(date__lte=date_to)
    where = _where(base)
    if where is None:
        return result
    matches = _matches(words, where)
    per_kind = Counter(kind for _, kind, _, _ in matches)
    chosen = [k for k in (kinds or []) if k in labels]
    result.counts = [
        KindCount(kind=k, label=label, count=per_kind[k], selected=k in chosen)
        for k, label in labels.items()
        if per_kind[k]
    ]
    if chosen:
        matches = [m for m in matches if m[1] in chosen]
    result.total = len(matches)
    result.pages = math.ceil(result.total / PAGE_SIZE)
    if not result.total or result.page > result.pages:
        return result
    end = result.page * PAGE_SIZE
    best = heapq.nsmallest(end, matches, key=lambda m: (m[2], -m[3], -m[0]))
    ids = [m[0] for m in best[end - PAGE_SIZE : end]]
    documents = SearchDocument.objects.in_bulk(ids)
    result.hits = _hits([documents[i] for i in ids if i in documents], words, labels)
    return result


def _hits(documents: list[SearchDocument], words: list[str], labels: dict[str, str]) -> list[Hit]:
    unit_ids = {u for d in documents for u in d.unit_ids}
    units = Unit.objects.in_bulk(unit_ids) if unit_ids else {}
    return [
        Hit(
            kind=d.kind,
            label=labels.get(d.kind, d.kind),
            object_id=d.object_id,
            title=text.highlight(d.title, words),
            snippet=text.snippet(d.body, words),
            url=d.url,
            date=d.date,
            units=[units[u] for u in d.unit_ids if u in units],
        )
        for d in documents
    ]
