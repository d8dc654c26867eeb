from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lianxi.core.access import allowed_by

from . import selectors
from .access import can_import_rules, can_view_catalogue, require_membership, unit_for
from .models import Unit
from .unit_sections import unit_sections


@allowed_by(can_view_catalogue)
def catalogue(request: HttpRequest) -> HttpResponse:
    """职责分工 (annex): every unit, its numbered duties, its member and liaison."""
    mechanism = require_membership(request.user).unit.mechanism
    units = selectors.catalogue_listing(mechanism)
    members = [u for u in units if u.kind == Unit.Kind.MEMBER]
    others = [u for u in units if u.kind != Unit.Kind.MEMBER]
    return render(
        request,
        "organization/catalogue.html",
        {
            "mechanism": mechanism,
            "can_import": can_import_rules(request.user),
            "units": members,
            "other_units": others,
            "member_count": len(members),
            "duty_count": sum(len(u.current_duties) for u in units),  # type: ignore[attr-defined,misc]
        },
    )


@allowed_by(can_view_catalogue)
def unit_page(request: HttpRequest, pk: int) -> HttpResponse:
    unit = unit_for(request.user, pk)
    return render(
        request,
        "organization/unit.html",
        {"unit": unit, "sections": unit_sections(unit, request.user)},
    )


@allowed_by(can_view_catalogue)
def rules(request: HttpRequest) -> HttpResponse:
    mechanism = require_membership(request.user).unit.mechanism
    document = selectors.rules_in_force(mechanism)
    clauses = list(selectors.clauses_of(document)) if document else []
    return render(
        request,
        "organization/rules.html",
        {
            "document": document,
            "clauses": clauses,
            "can_configure": can_import_rules(request.user),
        },
    )
