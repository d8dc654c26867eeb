"""Shared fixtures of the major-matter tests (四(四)): a matter of 人社局 concerning four units
(人社局, 总工会, 应急管理局, 财政局), each with its liaison and member (rounds_fixtures'
`consulted`), put to them on Monday 2026-11-02."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import time_machine

from lianxi.conftest import aware
from lianxi.organization.models import Unit

from ..models import Decision, DecisionRound, Opinion
from ..services import ResolutionInput, decision_create, opinion_answer, round_open

SENT_ON = date(2026, 11, 2)  # a Monday: 5 working days later is Monday 2026-11-09
PROPOSAL = (
    "将尘肺病患者纳入城乡医疗救助范围，由医疗救助资金按规定予以救助，"
    "所需资金由市财政统筹安排，人社、工会做好工伤保险和帮扶衔接。"
)


@pytest.fixture
def people(consulted: dict[str, Any]) -> dict[str, Any]:
    return consulted


@pytest.fixture
def four(hrss: Unit, union: Unit, safety: Unit, finance: Unit) -> list[Unit]:
    return [hrss, union, safety, finance]


@pytest.fixture
def matter(clerk: Any, four: list[Unit], people: Any) -> Decision:
    return decision_create(
        actor=clerk.membership,
        title="尘肺病患者医疗救助政策",
        proposal=PROPOSAL,
        background="本市现有尘肺病患者 1,200 余人，多数无法认定工伤。",
        proposing_unit_id=four[0].pk,
        concerned_unit_ids=[u.pk for u in four],
    )


@pytest.fixture
def put(clerk: Any) -> Callable[..., DecisionRound]:
    """Opens a written round of 5 working days on SENT_ON (or as told)."""

    def open_(decision: Decision, **changes: Any) -> DecisionRound:
        fields: dict[str, Any] = {
            "actor": clerk.membership,
            "decision": decision,
            "method": Decision.Method.WRITING,
            "deadline_workdays": 5,
        }
        fields.update(changes)
        with time_machine.travel(aware(2026, 11, 2, 9), tick=False):
            return round_open(today=SENT_ON, **fields)

    return open_


def opinion_of(decision: Decision, unit: Unit) -> Opinion:
    return Opinion.objects.get(round=decision.rounds.order_by("-number").first(), unit=unit)


def say(person: Any, decision: Decision, stance: str, text: str = "", **kw: Any) -> Opinion:
    """The person's unit answers in the open round; given at once by a member."""
    opinion = opinion_of(decision, person.membership.unit)
    return opinion_answer(
        actor=person.membership, opinion=opinion, stance=stance, text=text, submit=True, **kw
    )


def one_item(unit: Unit, text: str = "建立尘肺病患者医疗救助工作机制") -> list[ResolutionInput]:
    return [ResolutionInput(text=text, lead_unit_id=unit.pk, deadline_workdays=20)]
