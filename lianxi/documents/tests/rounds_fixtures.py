"""Fixtures of the comment-round tests (三(二)): a plan consulted with four units, each with its
liaison and its member, on a fixed working day (so deadlines are known)."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from lianxi.organization.models import Unit

from ..models import Consultation, OfficialDocument, UnitReply
from ..services import consultation_send, reply_draft
from .conftest import member_of

# A Monday; 3 working days later is Thursday 2026-11-05.
SENT_ON = date(2026, 11, 2)


# The co-issuing units' members, who sign (四(五)); shared with the API's tests.
@pytest.fixture
def hrss_member(hrss: Unit) -> Any:
    return member_of(hrss, "hrssboss", "钱局长")


@pytest.fixture
def union_member(union: Unit) -> Any:
    return member_of(union, "unionboss", "孙主席")


@pytest.fixture
def safety(unit_named: Callable[[str], Unit]) -> Unit:
    return unit_named("市应急管理局")


@pytest.fixture
def finance(unit_named: Callable[[str], Unit]) -> Unit:
    return unit_named("市财政局")


@pytest.fixture
def safety_member(safety: Unit) -> Any:
    return member_of(safety, "safetyboss", "应急局长")


@pytest.fixture
def finance_member(finance: Unit) -> Any:
    return member_of(finance, "financeboss", "财政局长")


@pytest.fixture
def consulted(
    other_liaison: Any,
    hrss_member: Any,
    union_liaison: Any,
    union_member: Any,
    safety_liaison: Any,
    safety_member: Any,
    finance_liaison: Any,
    finance_member: Any,
) -> dict[str, Any]:
    """The four consulted units' people, by unit short name."""
    return {
        "hrss": (other_liaison, hrss_member),
        "union": (union_liaison, union_member),
        "safety": (safety_liaison, safety_member),
        "finance": (finance_liaison, finance_member),
    }


@pytest.fixture
def send_round(
    clerk: Any, hrss: Unit, union: Unit, safety: Unit, finance: Unit, consulted: Any
) -> Callable[..., Consultation]:
    # `consulted`: the units' people exist before the round is sent, so its messages reach them.
    def send(document: OfficialDocument, **changes: Any) -> Consultation:
        fields: dict[str, Any] = {
            "actor": clerk.membership,
            "document": document,
            "unit_ids": [hrss.pk, union.pk, safety.pk, finance.pk],
            "deadline_workdays": 3,
            "note": "请重点研究职责分工。",
            "today": SENT_ON,
        }
        fields.update(changes)
        return consultation_send(**fields)

    return send


@pytest.fixture
def round1(plan: OfficialDocument, send_round: Callable[..., Consultation]) -> Consultation:
    return send_round(plan)


def reply_of(consultation: Consultation, unit: Unit) -> UnitReply:
    return consultation.replies.get(unit=unit)


def answer(person: Any, consultation: Consultation, unit: Unit, **fields: Any) -> UnitReply:
    return reply_draft(actor=person.membership, reply=reply_of(consultation, unit), **fields)
