"""Reads the API needs beyond those the apps' own selectors offer."""

from collections.abc import Iterable

from django.db.models import QuerySet

from lianxi.core.exceptions import ApplicationError
from lianxi.organization.models import Duty, Mechanism, Unit


def current_duties_of(mechanism: Mechanism, *, unit_id: int | None = None) -> QuerySet[Duty]:
    duties = Duty.objects.filter(
        valid_to__isnull=True, unit__mechanism=mechanism, unit__active=True
    ).select_related("unit")
    if unit_id is not None:
        duties = duties.filter(unit_id=unit_id)
    return duties.order_by("unit__order", "unit_id", "number")


def units_in_order(
    candidates: QuerySet[Unit], ids: Iterable[int], *, missing: str, field: str
) -> list[Unit]:
    """The units named by id among `candidates`, in the order given (each once); any id not
    among them is refused with `missing` (a Chinese label such as “牵头单位不存在”) and the ids."""
    wanted = list(dict.fromkeys(ids))
    found = {u.pk: u for u in candidates.filter(pk__in=wanted)}
    absent = [pk for pk in wanted if pk not in found]
    if absent:
        raise ApplicationError(f"{missing}：{'、'.join(str(pk) for pk in absent)}。", field=field)
    return [found[pk] for pk in wanted]
