from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .access import INSIDE_ROLES, Role, role_required
from .unit_sections import unit_sections

VIEW_ROLES = (*INSIDE_ROLES, Role.AUDITOR, Role.SECURITY_ADMIN)


@role_required(*VIEW_ROLES)
def catalogue(request: HttpRequest) -> HttpResponse:
    """职责分工 (annex): every unit, its numbered duties, its member and liaison."""
    mechanism = selectors.current_mechanism()
    units = list(selectors.catalogue_units(mechanism)) if mechanism else []
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
    try:
        unit = selectors.unit_detail(pk)
    except selectors.Unit.DoesNotExist as exc:
        raise Http404("单位不存在") from exc
    return render(
        request,
        "organization/unit.html",
        {"unit": unit, "sections": unit_sections(unit, request.user)},
    )


@role_required(*VIEW_ROLES)
def rules(request: HttpRequest) -> HttpResponse:
    mechanism = selectors.current_mechanism()
    document = selectors.rules_in_force(mechanism) if mechanism else None
    clauses = list(selectors.clauses_of(document)) if document else []
    return render(request, "organization/rules.html", {"document": document, "clauses": clauses})
