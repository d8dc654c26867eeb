"""Units, duties and the rules (annex; 四(一)), and the rules import."""

import dataclasses
import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from ninja import File, Form, Router
from ninja.files import UploadedFile

from lianxi.core.exceptions import ApplicationError
from lianxi.organization import access
from lianxi.organization.importer import parse_rules
from lianxi.organization.models import Membership, Unit
from lianxi.organization.selectors import (
    catalogue_units,
    catalogue_units_all,
    clauses_of,
    rules_in_force,
    settings_rows,
)
from lianxi.organization.services import rules_import_apply, rules_import_plan

from ..auth import token_auth
from ..contract import PathId, QueryId
from ..errors import NotFound
from ..schemas import (
    DutyOut,
    DutyWithUnitOut,
    ErrorOut,
    MechanismSettingsOut,
    RulesImportOut,
    RulesOut,
    SettingOut,
    UnitDetailOut,
    UnitOut,
)
from ..selectors import current_duties_of

router = Router(tags=["单位与职责"])

MAX_RULES_FILE_BYTES = 5 * 1024 * 1024
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut}
PEOPLE_ROLES = (Membership.Role.MEMBER, Membership.Role.LIAISON)


def reader(request: HttpRequest) -> Membership:
    """People inside the joint meeting read its units, duties and rules (organization.access)."""
    membership = access.require_membership(request.user)
    if not access.can_view_catalogue(request.user):
        raise PermissionDenied("您的角色无权查看单位、职责和制度文件。")
    return membership


@router.get("/units", response={200: list[UnitOut], **READ_ERRORS}, summary="单位及其现行职责")
def unit_list(request: HttpRequest) -> list[UnitOut]:
    membership = reader(request)
    return [UnitOut.build(unit) for unit in catalogue_units(membership.unit.mechanism)]


@router.get(
    "/units/{unit_id}",
    response={200: UnitDetailOut, 404: ErrorOut, **READ_ERRORS},
    summary="单位详情（含已失效的职责版本）",
)
def unit_detail(request: HttpRequest, unit_id: PathId) -> UnitDetailOut:
    membership = reader(request)
    unit = catalogue_units_all().filter(mechanism_id=membership.unit.mechanism_id, pk=unit_id)
    found: Unit | None = unit.first()
    if found is None:
        raise NotFound("未找到该单位。")
    found.people = [m for m in getattr(found, "people", []) if m.role in PEOPLE_ROLES]  # type: ignore[attr-defined]
    past = [DutyOut.from_duty(d) for d in getattr(found, "past_duties", [])]
    return UnitDetailOut.build(found, past_duties=past)


@router.get(
    "/duties",
    response={200: list[DutyWithUnitOut], 404: ErrorOut, **READ_ERRORS},
    summary="现行职责，可按单位筛选",
)
def duty_list(request: HttpRequest, unit: QueryId = None) -> list[DutyWithUnitOut]:
    membership = reader(request)
    mechanism = membership.unit.mechanism
    if unit is not None and not Unit.objects.filter(mechanism=mechanism, pk=unit).exists():
        raise NotFound("未找到该单位。")
    return [
        DutyWithUnitOut(**DutyOut.from_duty(duty).dict(), unit_name=duty.unit.name)
        for duty in current_duties_of(mechanism, unit_id=unit)
    ]


@router.get(
    "/rules",
    response={200: RulesOut, 404: ErrorOut, **READ_ERRORS},
    summary="现行制度文件及其条款",
)
def rules(request: HttpRequest) -> RulesOut:
    membership = reader(request)
    document = rules_in_force(membership.unit.mechanism)
    if document is None:
        raise NotFound("尚未导入制度文件。")
    return RulesOut.build(document, list(clauses_of(document)))


@router.get(
    "/mechanism/settings",
    response={200: MechanismSettingsOut, **READ_ERRORS},
    summary="联席会议设置：全体会议频次、年度报送截止日与内容，及各自依据的条款",
)
def mechanism_settings(request: HttpRequest) -> MechanismSettingsOut:
    """四(三)、三(一)1：设置取自工作规则的哪一条（sources 为条款编号；secretariat 表示由联席会议
    办公室设定）。联席会议内的人员均可读取。"""
    mechanism = reader(request).unit.mechanism
    return MechanismSettingsOut(
        plenary_per_year=mechanism.plenary_per_year,
        annual_submission_deadline=mechanism.annual_submission_deadline or None,
        annual_submission_parts=list(mechanism.annual_submission_parts or []),
        sources=dict(mechanism.settings_sources or {}),
        confirmed_at=mechanism.settings_confirmed_at,
        annual_cycle_opens=mechanism.annual_cycle_opens,
        annual_deadline_shift=mechanism.annual_deadline_shift,
        annual_reminder_workdays=list(mechanism.annual_reminder_workdays or []),
        plenary_warning_percent=mechanism.plenary_warning_percent,
        settings=[
            SettingOut(
                name=row.name,
                label=row.label,
                text=row.text,
                source=row.source,
                clause_text=row.clause.text if row.clause else "",
            )
            for row in settings_rows(mechanism)
        ],
    )


def _jsonable(value: Any) -> Any:
    """Plain JSON values from the importer's results (their `to_json()`, or the dataclass)."""
    value = value.to_json() if hasattr(value, "to_json") else dataclasses.asdict(value)
    return json.loads(json.dumps(value, cls=_LenientEncoder, ensure_ascii=False))


class _LenientEncoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        try:
            return super().default(o)
        except TypeError:
            return str(o)


@router.post(
    "/rules/import",
    response={200: RulesImportOut, 400: ErrorOut, **READ_ERRORS},
    auth=[token_auth],
    summary="导入制度文件（dry_run 时只预览变更）",
)
def rules_import(
    request: HttpRequest, file: File[UploadedFile], dry_run: Form[bool] = False
) -> RulesImportOut:
    """四(一): the secretariat imports a rules document; `dry_run` shows the plan only."""
    membership = access.require_membership(request.user)
    if not access.can_import_rules(request.user):
        raise PermissionDenied("只有联席会议办公室可以导入制度文件。")
    if file.size is not None and file.size > MAX_RULES_FILE_BYTES:
        limit_mb = MAX_RULES_FILE_BYTES // 1024 // 1024
        size_kb = file.size // 1024
        raise ApplicationError(f"文件过大（{size_kb} KB），制度文件不应超过 {limit_mb} MB。")
    data = file.read()
    filename = file.name or ""

    parsed = parse_rules(data, filename=filename)
    mechanism = membership.unit.mechanism
    if dry_run:
        plan = rules_import_plan(parsed=parsed, into=mechanism)
    else:
        plan = rules_import_apply(
            parsed=parsed, actor=membership, source_name=filename, into=mechanism
        )
    return RulesImportOut(
        dry_run=dry_run, applied=not dry_run, parsed=_jsonable(parsed), plan=_jsonable(plan)
    )
