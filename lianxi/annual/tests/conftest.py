"""Shared fixtures of the annual-cycle tests (四(三), 三(一)1): the mechanism configured as the
seed configures it (1月15日, a plenary once a year, from clauses 四(三) and 三(一)1), and the
2027 cycle opened on Tuesday 2026-12-01 with 人社局, 总工会, 应急管理局 and 财政局 staffed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from lianxi.conftest import aware
from lianxi.core.models import CalendarDay
from lianxi.organization.models import Mechanism, Unit

from ..models import AnnualCycle, AnnualSubmission
from ..services import TaskIn, TopicIn, cycle_open, part_save, submission_send

OPENS = date(2026, 12, 1)
DEADLINE = date(2027, 1, 15)  # a Friday


def configure(mechanism: Mechanism, deadline: str = "01-15", per_year: int | None = 1) -> None:
    mechanism.annual_submission_deadline = deadline
    mechanism.annual_submission_parts = ["summary", "plan", "topics"]
    mechanism.plenary_per_year = per_year
    mechanism.settings_sources = {
        "annual_submission_deadline": "四(三)",
        "annual_submission_parts": "四(三)",
        "plenary_per_year": "三(一)1",
    }
    mechanism.save()


@pytest.fixture(autouse=True)
def new_year_2027(db: Any) -> None:
    """元旦 2027 (Friday 1 January) as the secretariat enters it: the `chinese-calendar` package
    does not know 2027 yet, so without it the day would count as a working day."""
    CalendarDay.objects.update_or_create(
        date=date(2027, 1, 1), defaults={"is_workday": False, "note": "元旦", "year": 2027}
    )


@pytest.fixture
def configured(mechanism: Mechanism) -> Mechanism:
    configure(mechanism)
    return mechanism


@pytest.fixture
def cycle(configured: Mechanism, clerk: Any, consulted: Any) -> AnnualCycle:
    with time_machine.travel(aware(2026, 12, 1, 8), tick=False):
        return cycle_open(mechanism=configured, year=2027, now=aware(2026, 12, 1, 8))


def submission_of(cycle: AnnualCycle, unit: Unit) -> AnnualSubmission:
    return AnnualSubmission.objects.select_related("cycle", "unit").get(cycle=cycle, unit=unit)


def fill(person: Any, cycle: AnnualCycle, *, topics: list[str] | None = None) -> AnnualSubmission:
    """The person's unit drafts all three parts."""
    unit = person.membership.unit
    submission = submission_of(cycle, unit)
    part_save(
        submission=submission,
        part="summary",
        actor=person.membership,
        text="2026年，我单位开展尘肺病患者帮扶行动，完成职业健康检查。",
    )
    part_save(
        submission=submission_of(cycle, unit),
        part="plan",
        actor=person.membership,
        text="围绕职业病防治规划目标开展工作。",
        tasks=[
            TaskIn(title="开展尘肺病患者帮扶行动", expected_on=date(2027, 6, 30)),
            TaskIn(title="推进职业健康检查全覆盖", expected_on=date(2027, 11, 30)),
        ],
    )
    part_save(
        submission=submission_of(cycle, unit),
        part="topics",
        actor=person.membership,
        topics=[TopicIn(title=t) for t in topics] if topics else [],
        no_topics=not topics,
    )
    return submission_of(cycle, unit)


def send_all(liaison: Any, member: Any, cycle: AnnualCycle, when: Any, **kw: Any) -> Any:
    """The liaison drafts and puts it before the member; the member sends it at `when`."""
    fill(liaison, cycle, **kw)
    submission_send(
        submission=submission_of(cycle, liaison.membership.unit),
        actor=liaison.membership,
        now=when,
    )
    submission_send(
        submission=submission_of(cycle, member.membership.unit), actor=member.membership, now=when
    )
    return submission_of(cycle, member.membership.unit)
