"""Topic proposals into the plenary (四(三), 三(一)1), and the plenary cadence watched."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from lianxi.conftest import aware
from lianxi.core.exceptions import ApplicationError
from lianxi.meetings.models import AgendaItem, Meeting
from lianxi.meetings.services import meeting_schedule
from lianxi.notifications.models import Delivery
from lianxi.organization.models import Mechanism

from ..models import AnnualCycle, TopicProposal
from ..panels import annual_panel
from ..selectors import plenary_watch, similarity, topic_groups
from ..services import topics_accept, topics_decline
from .conftest import configure, send_all

pytestmark = pytest.mark.django_db

ALIKE = [
    "关于尘肺病患者救助保障的议题",
    "尘肺病患者医疗救助保障问题",
    "研究尘肺病患者救助保障政策衔接",
]
APART = ["职业健康宣传进企业", "工伤保险扩面参保"]


def _plenary(clerk: Any, when: Any = None, status: str | None = None) -> Meeting:
    starts = when or aware(2027, 3, 10, 9)
    with time_machine.travel(aware(2027, 1, 20, 9), tick=False):
        meeting = meeting_schedule(
            kind=Meeting.Kind.PLENARY,
            title="2027年联席会议全体会议",
            starts_at=starts,
            ends_at=starts.replace(hour=11),
            location="市卫生健康委三楼会议室",
            actor=clerk.membership,
            record_past=starts < aware(2027, 1, 20, 9),
        )
    if status:
        Meeting.objects.filter(pk=meeting.pk).update(status=status)
        meeting.refresh_from_db()
    return meeting


@pytest.fixture
def proposed(cycle: AnnualCycle, consulted: dict[str, tuple[Any, Any]]) -> dict[str, TopicProposal]:
    """人社局 and 总工会 propose alike topics, 应急管理局 one alike and one apart; 财政局 sends
    nothing (its draft stays its own)."""
    send_all(*consulted["hrss"], cycle, aware(2027, 1, 6, 9), topics=[ALIKE[0], APART[1]])
    send_all(*consulted["union"], cycle, aware(2027, 1, 6, 9), topics=[ALIKE[1]])
    send_all(*consulted["safety"], cycle, aware(2027, 1, 6, 9), topics=[ALIKE[2], APART[0]])
    return {p.title: p for p in TopicProposal.objects.select_related("submission__unit")}


def test_similar_proposals_are_grouped_with_their_units_四_三(
    cycle: AnnualCycle, proposed: dict[str, TopicProposal]
) -> None:
    """四(三): the proposals of all units listed together, alike ones in one group (jieba words)
    with the proposing units; unlike ones alone."""
    assert similarity(ALIKE[0], ALIKE[1]) > similarity(ALIKE[0], APART[0])
    groups = topic_groups(cycle)
    titles = [sorted(p.title for p in g.proposals) for g in groups]
    assert titles[0] == sorted(ALIKE)
    assert sorted(titles[1:]) == sorted([[t] for t in APART])
    assert {u.name for u in groups[0].units} == {
        "市人力资源和社会保障局",
        "市总工会",
        "市应急管理局",
    }
    assert "尘肺病" in groups[0].shared_words


def test_a_group_merged_into_the_plenarys_agenda_with_the_proposers_reporting_三_一_1(
    cycle: AnnualCycle, proposed: dict[str, TopicProposal], clerk: Any, consulted: Any
) -> None:
    """三(一)1 with 四(三): the secretariat rewrites the alike proposals as one topic on the
    coming plenary's agenda; the proposing units report on it; they are told."""
    meeting = _plenary(clerk)
    ids = [proposed[t].pk for t in ALIKE]
    item = topics_accept(
        actor=clerk.membership,
        cycle=cycle,
        proposal_ids=ids,
        meeting=meeting,
        title="研究尘肺病患者救助保障政策",
        now=aware(2027, 1, 21, 9),
    )
    item = AgendaItem.objects.get(pk=item.pk)
    assert item.meeting_id == meeting.pk and item.title == "研究尘肺病患者救助保障政策"
    assert item.lead_unit == proposed[ALIKE[0]].submission.unit
    assert set(item.supporting_units.all()) == {
        proposed[ALIKE[1]].submission.unit,
        proposed[ALIKE[2]].submission.unit,
    }
    assert set(TopicProposal.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "accepted"
    }
    liaison, _ = consulted["union"]
    told = Delivery.objects.filter(user=liaison, message__kind="annual.topic", channel="inbox")
    assert "研究尘肺病患者救助保障政策" in told.get().message.body
    with pytest.raises(ApplicationError, match="已列入议程"):
        topics_accept(
            actor=clerk.membership, cycle=cycle, proposal_ids=ids[:1], meeting=meeting,
            title="再议", now=aware(2027, 1, 21, 9),
        )  # fmt: skip


def test_a_declined_proposal_carries_its_reason_to_the_unit_四_三(
    cycle: AnnualCycle, proposed: dict[str, TopicProposal], clerk: Any, consulted: Any, login: Any
) -> None:
    """四(三): declining needs a reason, and the proposing unit sees it on its submission."""
    pk = proposed[APART[0]].pk
    with pytest.raises(ApplicationError, match="未采纳理由"):
        topics_decline(
            actor=clerk.membership,
            cycle=cycle,
            proposal_ids=[pk],
            reason="",
            now=aware(2027, 1, 21),
        )
    topics_decline(
        actor=clerk.membership, cycle=cycle, proposal_ids=[pk], reason="已列入宣传部年度计划",
        now=aware(2027, 1, 21),
    )  # fmt: skip
    liaison, _ = consulted["safety"]
    with time_machine.travel(aware(2027, 1, 21, 10), tick=False):
        page = login(liaison).get(f"/annual/2027/units/{liaison.membership.unit_id}/")
    assert "已列入宣传部年度计划" in page.content.decode()


def test_only_a_plenary_in_preparation_takes_topics_三_一_1(
    cycle: AnnualCycle, proposed: dict[str, TopicProposal], clerk: Any
) -> None:
    """三(一)1: the topics go on a plenary not yet held or cancelled."""
    held = _plenary(clerk, status=Meeting.Status.HELD)
    with pytest.raises(ApplicationError, match="已召开或已取消"):
        topics_accept(
            actor=clerk.membership, cycle=cycle, proposal_ids=[proposed[APART[0]].pk], meeting=held,
            title="职业健康宣传", now=aware(2027, 1, 21),
        )  # fmt: skip


def test_the_topics_page_accepts_a_group_in_one_post_三_一_1(
    cycle: AnnualCycle, proposed: dict[str, TopicProposal], clerk: Any, login: Any
) -> None:
    """三(一)1: the page shows the groups and puts the chosen proposals on the agenda."""
    meeting = _plenary(clerk)
    with time_machine.travel(aware(2027, 1, 21, 10), tick=False):
        client = login(clerk)
        page = client.get("/annual/2027/topics/").content.decode()
        assert "第 1 组 · 3 项" in page
        response = client.post(
            "/annual/2027/topics/accept/",
            {
                "proposals": [proposed[APART[1]].pk],
                "meeting": meeting.pk,
                "title": "工伤保险扩面参保",
            },
        )
    assert response.status_code == 302
    assert meeting.agenda.filter(title="工伤保险扩面参保").exists()


# --- the plenary cadence -------------------------------------------------------------------------


def test_the_secretariat_is_warned_when_the_year_is_well_advanced_without_a_plenary_三_一_1(
    configured: Mechanism, clerk: Any
) -> None:
    """三(一)1: held in principle once a year; by 75 % of the year (the setting) with no plenary
    held or scheduled, the secretariat's home page warns; a scheduled one ends the warning."""
    assert not plenary_watch(configured, date(2027, 9, 1)).warn  # 67 %
    watch = plenary_watch(configured, date(2027, 10, 2))
    assert watch.warn and watch.source == "三(一)1" and watch.elapsed_percent == 75
    with time_machine.travel(aware(2027, 10, 2, 9), tick=False):
        panel = annual_panel(clerk)
        assert panel is not None and "全体会议尚未召开或安排" in panel["items"][0]["text"]
        _plenary(clerk, when=aware(2027, 11, 20, 9))
        assert not plenary_watch(configured, date(2027, 10, 2)).warn


def test_half_yearly_rules_watch_each_half_三_一_1(mechanism: Mechanism, clerk: Any) -> None:
    """三(一)1 as another city words it (每半年召开一次): each half-year is watched by itself;
    rules that say nothing warn of nothing."""
    assert not plenary_watch(mechanism, date(2027, 12, 1)).warn
    configure(mechanism, per_year=2)
    watch = plenary_watch(mechanism, date(2027, 5, 20))
    assert watch.warn and watch.period_start == date(2027, 1, 1)
    assert not plenary_watch(mechanism, date(2027, 7, 20)).warn  # a new half: 11 %


def test_a_proposal_of_another_years_cycle_is_not_taken_into_this_plenary_四_三(
    configured: Mechanism,
    cycle: AnnualCycle,
    proposed: dict[str, TopicProposal],
    clerk: Any,
    consulted: dict[str, tuple[Any, Any]],
) -> None:
    """四(三): the topics of the 2027 plenary come from the 2027 submissions; a proposal of the
    2026 cycle (still undecided) is neither accepted nor declined through the 2027 cycle, and
    nothing is changed when one of the chosen is of the other year."""
    from ..services import TaskIn, TopicIn, cycle_open, part_save, submission_send
    from .conftest import submission_of

    with time_machine.travel(aware(2025, 12, 1, 8), tick=False):
        last = cycle_open(mechanism=configured, year=2026, now=aware(2025, 12, 1, 8))
    liaison, member = consulted["hrss"]
    unit = liaison.membership.unit
    with time_machine.travel(aware(2026, 1, 6, 9), tick=False):
        for part, kw in (
            ("summary", {"text": "2025年工作总结。"}),
            (
                "plan",
                {
                    "text": "2026年计划。",
                    "tasks": [TaskIn(title="年度任务", expected_on=date(2026, 6, 30))],
                },
            ),
            ("topics", {"topics": [TopicIn(title="去年的议题建议")]}),
        ):
            part_save(
                submission=submission_of(last, unit), part=part, actor=liaison.membership, **kw
            )
        for person in (liaison, member):
            submission_send(
                submission=submission_of(last, unit), actor=person.membership, now=aware(2026, 1, 6)
            )
    old = TopicProposal.objects.get(submission__cycle=last)
    meeting = _plenary(clerk)
    with pytest.raises(ApplicationError, match="议题建议不存在"):
        topics_accept(
            actor=clerk.membership, cycle=cycle, proposal_ids=[proposed[ALIKE[0]].pk, old.pk],
            meeting=meeting, title="混入上年度建议", now=aware(2027, 1, 21, 9),
        )  # fmt: skip
    with pytest.raises(ApplicationError, match="议题建议不存在"):
        topics_decline(
            actor=clerk.membership, cycle=cycle, proposal_ids=[old.pk], reason="不属本年度",
            now=aware(2027, 1, 21, 9),
        )  # fmt: skip
    assert not AgendaItem.objects.filter(meeting=meeting).exists()
    assert set(TopicProposal.objects.values_list("status", flat=True)) == {"proposed"}
