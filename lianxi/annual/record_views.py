"""履职情况 pages (四(三)): all units' year as a table, one unit's figures with the records behind
them, the .xlsx of all units and the .docx of one. Thin: access, one selector, render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from lianxi.core.access import allowed_by
from lianxi.core.downloads import download_response
from lianxi.organization.models import Membership

from . import access, record, record_files

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _chart(records: list[record.UnitYearRecord]) -> dict[str, object]:
    """The ledger's stacked bars (charts.js "unit-lights"), read as the items each unit led:
    closed on time, closed late, open, and those it supported."""
    return {
        "labels": {"green": "按期办结", "red": "逾期办结", "yellow": "未办结", "done": "配合事项"},
        "units": [
            {
                "unit": r.unit.name,
                "green": r.led_on_time,
                "red": r.led_late,
                "yellow": r.led_open,
                "done": r.supported_total,
            }
            for r in records
        ],
    }


@allowed_by(access.can_see_records)
def records_page(request: HttpRequest, year: int) -> HttpResponse:
    membership = access.require_records(request.user)
    access.check_year(year)
    if not access.sees_all_units(membership):
        return redirect("annual:record_unit", year, membership.unit_id)
    records = record.unit_year_records(membership.unit.mechanism, year)
    return render(
        request,
        "annual/record.html",
        {
            "year": year,
            "records": records,
            "chart": _chart(records),
            "can_export": membership.role == Membership.Role.SECRETARIAT,
        },
    )


@allowed_by(access.can_see_records)
def record_unit_page(request: HttpRequest, year: int, unit_id: int) -> HttpResponse:
    membership = access.require_records(request.user)
    access.check_year(year)
    unit = access.record_unit_for(request.user, unit_id)
    mechanism = membership.unit.mechanism
    return render(
        request,
        "annual/record_unit.html",
        {
            "year": year,
            "unit": unit,
            "record": record.unit_year_record(mechanism, unit, year),
            "details": record.openable(
                request.user, record.unit_year_details(mechanism, unit, year)
            ),
            "sees_all": access.sees_all_units(membership),
            # 四(三): the submission's page is the unit's own and the secretariat's.
            "opens_submission": membership.role == Membership.Role.SECRETARIAT
            or membership.unit_id == unit.pk,
        },
    )


@allowed_by(access.can_see_records)
def records_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    membership = access.require_all_units(request.user)
    access.check_year(year)
    mechanism = membership.unit.mechanism
    content = record_files.records_xlsx(
        record.unit_year_records(mechanism, year, today=timezone.localdate()),
        year=year,
        mechanism_name=mechanism.name,
    )
    return download_response(
        content,
        filename=f"{mechanism.name}{year}年度履职情况.xlsx",
        ascii_filename=f"record-{year}.xlsx",
        actor=request.user,
        content_type=XLSX,
    )


@allowed_by(access.can_see_records)
def record_unit_docx(request: HttpRequest, year: int, unit_id: int) -> HttpResponse:
    membership = access.require_records(request.user)
    access.check_year(year)
    unit = access.record_unit_for(request.user, unit_id)
    mechanism = membership.unit.mechanism
    content = record_files.record_docx(
        record.unit_year_record(mechanism, unit, year),
        record.unit_year_details(mechanism, unit, year),
        mechanism_name=mechanism.name,
    )
    return download_response(
        content,
        filename=f"{unit.name}{year}年度履职情况.docx",
        ascii_filename=f"record-{year}-{unit.pk}.docx",
        actor=request.user,
        target=unit,
        content_type=DOCX,
    )
