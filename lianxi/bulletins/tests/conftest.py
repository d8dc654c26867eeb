"""Shared fixtures of the information and brief tests (三(四)1, 三(四)3): 人社局 and 总工会
staffed with a liaison and a member each, and a helper that takes a report through the unit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone

from lianxi.conftest import _person
from lianxi.organization.models import Membership, Unit

from ..models import InfoReport
from ..services import info_report_save, info_report_send

BODY = (
    "今年以来，我局联合市卫生健康委开展尘肺病患者帮扶行动，走访企业42家。\n"
    "一是摸清底数，建立尘肺病患者台账；二是落实工伤保险待遇，完成认定87人。"
)


@pytest.fixture
def hrss_member(unit_named: Callable[[str], Unit]) -> Any:
    return _person(
        "hrssboss", "钱局长", unit_named("市人力资源和社会保障局"), Membership.Role.MEMBER
    )


@pytest.fixture
def union_member(unit_named: Callable[[str], Unit]) -> Any:
    return _person("unionboss", "孙主席", unit_named("市总工会"), Membership.Role.MEMBER)


@pytest.fixture
def hrss_pair(other_liaison: Any, hrss_member: Any) -> tuple[Any, Any]:
    return other_liaison, hrss_member


@pytest.fixture
def union_pair(union_liaison: Any, union_member: Any) -> tuple[Any, Any]:
    return union_liaison, union_member


def drafted(
    liaison: Any, title: str, kind: str = "news", body: str = BODY, **kw: Any
) -> InfoReport:
    return info_report_save(actor=liaison.membership, kind=kind, title=title, body=body, **kw)


def sent(
    pair: tuple[Any, Any], title: str, *, when: datetime | None = None, **kw: Any
) -> InfoReport:
    """The liaison drafts and puts it before the member; the member sends it at `when`."""
    liaison, member = pair
    report = drafted(liaison, title, **kw)
    now = when or timezone.now()
    info_report_send(actor=liaison.membership, report=report, now=now)
    info_report_send(actor=member.membership, report=report, now=now)
    report.refresh_from_db()
    return report
