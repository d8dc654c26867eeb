from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .access import INSIDE_ROLES, Role, require_membership, role_required, unit_for
from .unit_sections import unit_sections

VIEW_ROLES = (*INSIDE_ROLES, Role.AUDITOR, Role.SECURITY_ADMIN)


@role_required(*VIEW_ROLES)
def catalogue(request: HttpRequest) -> HttpResponse:
    """职责分工 (annex): every unit, its numbered duties, its member and liaison."""
    mechanism = require_membership(request.user).unit.mechanism
    units = list(selectors.catalogue_units(mechanism))
    members = [u for u in units if u.kind == "member"]
    return render(
        request,
        "organization/catalogue.html",
        {
            "mechanism": mechanism,
            "units": units,
            "member_count": len(members),
            "duty_count": sum(len(u.current_duties) for u in units),  # type: ignore[attr-defined,misc]
        },
    )


@role_required(*VIEW_ROLES)
def unit_page(request: HttpRequest, pk: int) -> HttpResponse:
    unit = unit_for(request.user, pk)
    return render(
        request,
        "organization/unit.html",
        {"unit": unit, "sections": unit_sections(unit, request.user)},
    )


@role_required(*VIEW_ROLES)
def rules(request: HttpRequest) -> HttpResponse:
    mechanism = require_membership(request.user).unit.mechanism
    document = selectors.rules_in_force(mechanism)
    clauses = list(selectors.clauses_of(document)) if document else []
    return render(request, "organization/rules.html", {"document": document, "clauses": clauses})
