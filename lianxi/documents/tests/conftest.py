"""Shared fixtures of the documents tests: the members who sign, and a joint 方案 in draft."""

from collections.abc import Callable
from typing import Any

import pytest

from lianxi.conftest import _person
from lianxi.organization.models import Membership, Unit

from ..models import OfficialDocument
from ..services import Parties, document_create

PLAN_BODY = [
    "为贯彻落实《职业病防治法》，推动用人单位落实职业病防治主体责任，制定本方案。",
    "一、工作目标",
    "到2025年底，重点行业用人单位职业病危害项目申报率达到95%以上。",
    "二、重点任务",
    "（一）开展职业病危害专项治理。各成员单位按照职责分工，联合开展专项治理。",
    "1.摸清底数。",
    "（1）每季度报送一次进展情况。",
    "三、保障措施",
    "各单位要加强组织领导，明确责任分工，确保各项任务落到实处。",
]


def member_of(unit: Unit, username: str, name: str) -> Any:
    return _person(username, name, unit, Membership.Role.MEMBER)


@pytest.fixture
def make_plan(clerk: Any, hrss: Unit, union: Unit) -> Callable[..., OfficialDocument]:
    """A joint 方案 drafted by the secretariat (市卫生健康委) with 人社局 and 总工会."""

    def make(**changes: Any) -> OfficialDocument:
        fields: dict[str, Any] = {
            "actor": clerk.membership,
            "kind": "方案",
            "title": "关于开展职业病危害专项治理的工作方案",
            "paragraphs": PLAN_BODY,
            "parties": Parties(
                co_issuing_unit_ids=[hrss.pk, union.pk],
                main_to_names=["各县区人民政府"],
                copy_to_unit_ids=[],
            ),
            "attachments": ["专项治理工作任务分工表"],
            "note": "（此件公开发布）",
        }
        fields.update(changes)
        return document_create(**fields)

    return make


@pytest.fixture
def plan(make_plan: Callable[..., OfficialDocument]) -> OfficialDocument:
    return make_plan()
