"""The deadline tick of major matters (四(四)): a unit that has not answered is reminded two
working days before the deadline (its liaison), flagged once the deadline passed and escalated to
its member on the first working day after it, to the secretariat on the second. Silence is never
consent. The round is put on Monday 2026-11-02 with 5 working days: the deadline is Monday
2026-11-09."""

from __future__ import annotations

from typing import Any

import pytest

from lianxi.conftest import aware
from lianxi.core.ticks import registered_ticks
from lianxi.notifications.models import Delivery

from ..models import Opinion
from ..services import decision_deadlines
from .conftest import opinion_of, say

pytestmark = pytest.mark.django_db

REMINDER = "decision.reminder"
THURSDAY = aware(2026, 11, 5, 9)  # 2 working days before the deadline: the liaison
DEADLINE = aware(2026, 11, 9, 18)
TUESDAY = aware(2026, 11, 10, 9)  # 1st working day after: flagged, the member
WEDNESDAY = aware(2026, 11, 11, 9)  # 2nd: the secretariat
LATER = aware(2026, 11, 20, 9)


def inbox(user: Any) -> list[str]:
    return list(
        Delivery.objects.filter(user=user, channel=Delivery.Channel.INBOX, message__kind=REMINDER)
        .order_by("message__created_at", "pk")
        .values_list("message__subject", flat=True)
    )


def test_the_tick_is_registered_四四():
    assert registered_ticks()["decisions.deadlines"] is decision_deadlines


def test_silent_units_are_reminded_then_flagged_and_escalated_once_each_四四(
    matter, put, people, clerk, four
):
    put(matter)
    for key in ("hrss", "union", "safety"):
        say(people[key][1], matter, "agree")
    liaison, member = people["finance"]
    assert decision_deadlines(aware(2026, 11, 4, 9)) == {"flagged": 0, "reminded": 0}
    assert decision_deadlines(THURSDAY) == {"flagged": 0, "reminded": 1}
    assert inbox(liaison) == ["请按时答复重大事项意见：尘肺病患者医疗救助政策"]
    assert inbox(member) == [] and inbox(clerk) == []
    assert decision_deadlines(THURSDAY) == {"flagged": 0, "reminded": 0}
    assert decision_deadlines(DEADLINE) == {"flagged": 0, "reminded": 0}
    assert not opinion_of(matter, four[3]).overdue
    assert decision_deadlines(TUESDAY) == {"flagged": 1, "reminded": 1}
    opinion = opinion_of(matter, four[3])
    assert (opinion.overdue, opinion.status, opinion.stance) == (True, "pending", "")
    assert inbox(member) == ["重大事项意见已逾期：尘肺病患者医疗救助政策"]
    assert decision_deadlines(TUESDAY) == {"flagged": 0, "reminded": 0}
    assert decision_deadlines(WEDNESDAY) == {"flagged": 0, "reminded": 1}
    assert inbox(clerk) == ["逾期未答复：市财政局（尘肺病患者医疗救助政策）"]
    assert decision_deadlines(LATER) == {"flagged": 0, "reminded": 0}
    # The units that answered heard nothing.
    assert all(inbox(p) == [] for key in ("hrss", "union", "safety") for p in people[key])


def test_a_missed_tick_sends_what_is_due_in_order_and_skips_the_early_reminder_四四(
    matter, put, people, clerk
):
    put(matter)
    liaison, member = people["finance"]
    assert decision_deadlines(WEDNESDAY) == {"flagged": 4, "reminded": 8}
    # After the deadline the "please answer in time" reminder has no sense: not sent.
    assert inbox(liaison) == []
    assert inbox(member) == ["重大事项意见已逾期：尘肺病患者医疗救助政策"]
    assert len(inbox(clerk)) == 4
    assert set(Opinion.objects.values_list("reminder_level", flat=True)) == {3}
    assert decision_deadlines(WEDNESDAY) == {"flagged": 0, "reminded": 0}


def test_an_answer_after_the_flag_clears_it_and_stops_the_reminders_四四(
    matter, put, people, clerk, four
):
    put(matter)
    decision_deadlines(TUESDAY)
    say(people["finance"][1], matter, "disagree", "资金来源不明确。")
    assert not opinion_of(matter, four[3]).overdue
    decision_deadlines(WEDNESDAY)
    assert "逾期未答复：市财政局（尘肺病患者医疗救助政策）" not in inbox(clerk)


def test_the_home_panel_says_what_waits_for_the_unit_and_who_is_late_四四(
    matter, put, people, clerk
):
    import time_machine

    from ..panels import decisions_panel

    put(matter)
    liaison, _ = people["finance"]
    with time_machine.travel(THURSDAY, tick=False):
        items = decisions_panel(liaison)["items"]  # type: ignore[index]
    assert [i["text"] for i in items] == ["尘肺病患者医疗救助政策（第 1 轮）"]
    assert "2026年11月9日 前答复" in items[0]["meta"]
    assert decisions_panel(clerk) is None
    decision_deadlines(TUESDAY)
    texts = [i["text"] for i in decisions_panel(clerk)["items"]]  # type: ignore[index]
    assert texts == ["4 个单位逾期未答复：尘肺病患者医疗救助政策"]
