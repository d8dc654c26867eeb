"""The next number in a scope: minutes now, documents (发文字号) and briefs (期号) next.

Numbers run per series, per scope (a joint meeting) and per year, from 1. Taking one is an
UPDATE of the series' row, which holds the row lock until the caller's transaction ends: a second
clerk issuing at the same moment waits and takes the next number; a rolled-back issue gives its
number back.
"""

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import Serial


def next_number(*, series: str, scope_id: int, year: int) -> int:
    """Take the next number of `series` in `scope_id` and `year`, in the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that uses the number")
    row = Serial.objects.filter(series=series, scope_id=scope_id, year=year)
    if not row.update(last=F("last") + 1):
        try:
            with transaction.atomic():
                Serial.objects.create(series=series, scope_id=scope_id, year=year, last=1)
            return 1
        except IntegrityError:
            # Another transaction created the row first; it is there now (and locked by it).
            row.update(last=F("last") + 1)
    return row.values_list("last", flat=True).get()
