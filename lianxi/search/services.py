"""Keeping the index up to date.

The index follows the record by the tick (`lianxi worker`, every minute), not by signals: for
each registered kind the tick

1. re-reads the rows changed since its last run (the kind's `changed(since)` filter, with an
   overlap of OVERLAP to cover transactions that committed after a later one), or every row
   for a small kind without such a filter, and rewrites the documents whose text changed;
2. adds the indexable rows that have no document yet (a late commit, a draft just sent);
3. removes the documents whose row is gone or is no longer indexable.

So a change is searchable at the latest one tick (one minute) after it is committed. The
access check is not subject to that delay: it is made live at query time. `lianxi
search_reindex` rebuilds everything (after an import, or with `--kind` for one kind), and a
change of tokenizer (a new domain dictionary) makes the next tick rebuild all kinds.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from lianxi.core.audit import audit_record

from . import text
from .models import SearchDocument, SearchWatermark
from .registry import Registration, registration, registrations

OVERLAP = timedelta(minutes=5)
BATCH = 500


@dataclass
class KindResult:
    written: int = 0
    removed: int = 0
    rebuilt: bool = False


def _units(ids: Iterable[int | None]) -> str:
    unique = sorted({int(i) for i in ids if i is not None})
    return f" {' '.join(map(str, unique))} " if unique else ""


def _document(reg: Registration, obj: Any, now: datetime) -> SearchDocument:
    title = (reg.title(obj) or "")[:300]
    body = reg.body(obj) or ""
    return SearchDocument(
        kind=reg.kind,
        object_id=obj.pk,
        title=title,
        body=body,
        url=reg.url(obj)[:300],
        title_tokens=text.tokens_of(title),
        tokens=text.tokens_of(body),
        date=reg.date(obj),
        units=_units(reg.unit_ids(obj)),
        indexed_at=now,
    )


def _same(a: SearchDocument, b: SearchDocument) -> bool:
    fields = ("title", "body", "url", "date", "units", "title_tokens", "tokens")
    return all(getattr(a, f) == getattr(b, f) for f in fields)


def _chunks(queryset: QuerySet[Any]) -> Iterator[list[Any]]:
    """The rows in batches by primary key, each batch one query (plus its prefetches)."""
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        batch = list(page[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def _write(reg: Registration, objects: list[Any], now: datetime, *, compare: bool) -> int:
    """Writes the documents of `objects` (replacing theirs); returns how many were written."""
    fresh = {obj.pk: _document(reg, obj, now) for obj in objects}
    if compare:
        existing = SearchDocument.objects.filter(kind=reg.kind, object_id__in=list(fresh))
        for old in existing:
            if _same(old, fresh[old.object_id]):
                del fresh[old.object_id]
    if not fresh:
        return 0
    SearchDocument.objects.filter(kind=reg.kind, object_id__in=list(fresh)).delete()
    SearchDocument.objects.bulk_create(fresh.values(), batch_size=BATCH)
    return len(fresh)


@transaction.atomic
def _index_kind(reg: Registration, *, now: datetime, full: bool) -> KindResult:
    result = KindResult(rebuilt=full)
    mark = SearchWatermark.objects.select_for_update().filter(kind=reg.kind).first()
    signature = text.signature()
    if mark is None or mark.tokenizer != signature:
        full = result.rebuilt = True
    started = timezone.now()
    indexable = reg.indexable()
    docs = SearchDocument.objects.filter(kind=reg.kind)
    if full:
        result.removed = docs.count()
        docs.delete()
        for batch in _chunks(indexable):
            result.written += _write(reg, batch, now, compare=False)
    else:
        assert mark is not None
        if reg.changed is None:
            changed = indexable
        else:
            changed = indexable.filter(reg.changed(mark.indexed_until - OVERLAP))
        for batch in _chunks(changed):
            result.written += _write(reg, batch, now, compare=True)
        missing = indexable.exclude(pk__in=docs.values("object_id"))
        for batch in _chunks(missing):
            result.written += _write(reg, batch, now, compare=False)
        gone = docs.exclude(object_id__in=indexable.values("pk"))
        result.removed = gone.delete()[0]
    SearchWatermark.objects.update_or_create(
        kind=reg.kind, defaults={"indexed_until": started, "tokenizer": signature}
    )
    return result


def search_index_refresh(now: datetime | None = None) -> dict[str, str]:
    """The tick handler: brings every kind's documents up to date (see the module docstring)."""
    moment = now or timezone.now()
    figures: dict[str, str] = {}
    for reg in registrations():
        result = _index_kind(reg, now=moment, full=False)
        if result.written or result.removed:
            figures[reg.kind] = f"+{result.written} -{result.removed}"
    return figures


def search_index_rebuild(
    *, kinds: Iterable[str] | None = None, actor: Any = None, now: datetime | None = None
) -> dict[str, int]:
    """Rebuilds the documents of `kinds` (all kinds when None) from the record."""
    moment = now or timezone.now()
    chosen = [registration(k) for k in kinds] if kinds else registrations()
    unknown = [k for k, reg in zip(kinds or [], chosen, strict=False) if reg is None]
    if unknown:
        from lianxi.core.exceptions import ApplicationError

        raise ApplicationError(f"没有这种检索类型：{'、'.join(unknown)}")
    counts: dict[str, int] = {}
    for reg in chosen:
        assert reg is not None
        counts[reg.kind] = _index_kind(reg, now=moment, full=True).written
    with transaction.atomic():
        audit_record(actor=actor, action="search.rebuild", data={"documents": counts})
    return counts
