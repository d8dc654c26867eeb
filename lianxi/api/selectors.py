"""Reads the API needs beyond those the apps' own selectors offer."""

from django.db.models import QuerySet

from lianxi.organization.models import Duty, Mechanism


def current_duties_of(mechanism: Mechanism, *, unit_id: int | None = None) -> QuerySet[Duty]:
    duties = Duty.objects.filter(
        valid_to__isnull=True, unit__mechanism=mechanism, unit__active=True
    ).select_related("unit")
    if unit_id is not None:
        duties = duties.filter(unit_id=unit_id)
    return duties.order_by("unit__order", "unit_id", "number")
