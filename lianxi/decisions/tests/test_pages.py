"""The major-matter pages (四(四), 二(四)): who may see and do what, the list's states and its
query count, a matter decided at a meeting."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from lianxi.conftest import aware
from lianxi.meetings.services import agenda_item_add, meeting_schedule
from lianxi.supervision.models import ActionItem

from ..models import Decision, Opinion
from ..services import round_close
from .conftest import PROPOSAL, opinion_of, say

pytestmark = pytest.mark.django_db

AFTER_DEADLINE = aware(2026, 11, 10, 9)


def _get(client: Any, name: str, *args: Any) -> Any:
    return client.get(reverse(f"decisions:{name}", args=args))


def test_the_list_shows_each_state_and_how_long_the_matter_waited_四四(matter, put, login, clerk):
    put(matter)
    with time_machine.travel(aware(2026, 11, 16, 9), tick=False):
        response = login(clerk).get(reverse("decisions:list"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "尘肺病患者医疗救助政策" in text and "征求中（1）" in text
    assert "14 天（10 个工作日）" in text
    only = login(clerk).get(reverse("decisions:list") + "?status=adopted").content.decode()
    assert "尘肺病患者医疗救助政策" not in only


def test_the_list_makes_the_same_queries_for_one_matter_or_thirty_四四(
    clerk, four, people, login, put, django_assert_max_num_queries
):
    """Each matter put on another day: how long it waited is counted without a calendar read a
    row (measured: 10 queries for 1 matter and for 30)."""
    from ..services import decision_create

    client = login(clerk)
    for n in range(30):
        decision = decision_create(
            actor=clerk.membership,
            title=f"事项{n}",
            proposal=PROPOSAL,
            proposing_unit_id=four[0].pk,
            concerned_unit_ids=[u.pk for u in four],
        )
        put(decision)
        Decision.objects.filter(pk=decision.pk).update(status_since=aware(2026, 10, 1 + n % 28, 9))
    with django_assert_max_num_queries(11):
        page = client.get(reverse("decisions:list")).content.decode()
    assert page.count("个工作日）") == 30


def test_an_unconcerned_unit_sees_nothing_of_a_matter_in_consultation_四四(
    matter, put, login, health_liaison, outsider, second_clerk, client
):
    put(matter)
    for who in (health_liaison, second_clerk):
        c = login(who)
        assert _get(c, "detail", matter.pk).status_code == 404
        assert "尘肺病" not in c.get(reverse("decisions:list")).content.decode()
    assert login(outsider).get(reverse("decisions:list")).status_code == 403
    anonymous = _get(client, "detail", matter.pk)
    assert anonymous.status_code == 302 and "/account/login/" in anonymous["Location"]


def test_a_concerned_unit_reads_other_answers_only_after_the_round_closes_四四(
    matter, put, people, login, clerk
):
    put(matter)
    say(people["safety"][1], matter, "disagree", "不属于应急管理部门职责")
    union = login(people["union"][0])
    before = _get(union, "detail", matter.pk).content.decode()
    assert "不属于应急管理部门职责" not in before and "本轮结束后可查看其他单位的意见" in before
    secretariat = _get(login(clerk), "detail", matter.pk).content.decode()
    assert "不属于应急管理部门职责" in secretariat
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        round_close(actor=clerk.membership, decision=matter)
    after = _get(union, "detail", matter.pk).content.decode()
    assert "不属于应急管理部门职责" in after and "逾期未答复" in after


def test_the_secretariat_never_reads_a_units_draft_四四(matter, put, people, login, clerk):
    from ..services import opinion_answer

    put(matter)
    liaison, _ = people["finance"]
    opinion_answer(
        actor=liaison.membership,
        opinion=opinion_of(matter, liaison.membership.unit),
        stance="disagree",
        text="草稿中的理由",
    )
    assert "草稿中的理由" not in _get(login(clerk), "detail", matter.pk).content.decode()
    assert "草稿中的理由" in _get(login(liaison), "opinion", opinion_of(
        matter, liaison.membership.unit).pk).content.decode()  # fmt: skip


def test_the_opinion_page_is_the_units_own_四四(matter, put, people, login, clerk):
    put(matter)
    opinion = opinion_of(matter, people["union"][0].membership.unit)
    assert _get(login(people["union"][0]), "opinion", opinion.pk).status_code == 200
    assert _get(login(people["safety"][0]), "opinion", opinion.pk).status_code == 404
    response = login(people["union"][1]).post(
        reverse("decisions:opinion", args=[opinion.pk]),
        {"stance": "amend", "text": "", "submit": "1"},
    )
    assert response.status_code == 400
    assert "原则同意的，请写明修改意见" in response.content.decode()
    response = login(people["union"][1]).post(
        reverse("decisions:opinion", args=[opinion.pk]),
        {"stance": "amend", "text": "增加帮扶条款", "submit": "1"},
    )
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert (opinion.status, opinion.answered_as) == ("submitted", "member")


@pytest.mark.parametrize("name", ["round_new", "round_close", "adopt", "escalate", "withdraw"])
def test_only_the_secretariat_runs_a_matter_四四(name, matter, put, people, login, health_liaison):
    put(matter)
    concerned = login(people["hrss"][1])
    assert concerned.post(reverse(f"decisions:{name}", args=[matter.pk])).status_code == 403
    unconcerned = login(health_liaison)
    assert unconcerned.post(reverse(f"decisions:{name}", args=[matter.pk])).status_code == 404


def test_only_the_secretariat_creates_a_matter_四四(login, people, clerk, client):
    assert login(clerk).get(reverse("decisions:new")).status_code == 200
    assert login(people["hrss"][1]).get(reverse("decisions:new")).status_code == 403
    assert client.get(reverse("decisions:new")).status_code == 302


def test_the_government_sees_a_matter_only_once_its_request_was_sent_四四(
    matter, put, login, gov_reader
):
    put(matter)
    assert _get(login(gov_reader), "detail", matter.pk).status_code == 404
    assert _get(login(gov_reader), "government_scan", matter.pk).status_code == 404


def test_creating_a_matter_suggests_the_units_from_their_duties_二四(login, clerk, four):
    client = login(clerk)
    page = client.post(
        reverse("decisions:new"),
        {"title": "尘肺病患者医疗救助", "proposal": "将尘肺病患者纳入医疗救助，资金由财政安排",
         "suggest": "1"},
    ).content.decode()  # fmt: skip
    assert "职责匹配" in page
    response = client.post(
        reverse("decisions:new"),
        {"title": "尘肺病患者医疗救助", "proposal": PROPOSAL, "proposing_unit": four[0].pk,
         "concerned_units": [four[1].pk, four[3].pk]},
    )  # fmt: skip
    decision = Decision.objects.get()
    assert response["Location"] == reverse("decisions:detail", args=[decision.pk])
    assert sorted(u.name for u in decision.concerned_units.all()) == ["市总工会", "市财政局"]


def test_a_matter_agreed_at_a_meeting_becomes_action_items_at_once_四四(
    matter, login, clerk, four, people
):
    """At a plenary every unit states its position; the secretariat records it, closes the
    round the same day and the agreed matter's items are in supervision."""
    start = aware(2026, 11, 2, 9)
    with time_machine.travel(start, tick=False):
        meeting = meeting_schedule(
            kind="plenary",
            title="2026年度全体会议",
            starts_at=start + timedelta(days=3),
            ends_at=start + timedelta(days=3, hours=2),
            location="市卫生健康委三楼会议室",
            actor=clerk.membership,
        )
        item = agenda_item_add(meeting=meeting, title="尘肺病患者医疗救助", actor=clerk.membership)
        client = login(clerk)
        response = client.post(
            reverse("decisions:round_new", args=[matter.pk]),
            {"method": "meeting", "units": [u.pk for u in four], "agenda_item": item.pk,
             "proposal": PROPOSAL},
        )  # fmt: skip
        assert response.status_code == 302
    with time_machine.travel(start + timedelta(days=3, hours=1), tick=False):
        client = login(clerk)  # a new day: the session of Monday has expired
        for unit in four:
            opinion = opinion_of(matter, unit)
            response = client.post(
                reverse("decisions:opinion_meeting", args=[opinion.pk]), {"stance": "agree"}
            )
            assert response["Location"].endswith("#rounds")
        answered = Opinion.objects.filter(round__decision=matter)
        assert {o.answered_as for o in answered} == {Opinion.AnsweredAs.AT_MEETING}
        # A unit may not be recorded by the secretariat in a written round (tested in services);
        # here the round ends at the meeting, before its "deadline".
        client.post(reverse("decisions:round_close", args=[matter.pk]))
        client.post(
            reverse("decisions:adopt", args=[matter.pk]),
            {"r1_text": "建立尘肺病患者医疗救助机制", "r1_lead": four[0].pk,
             "r1_supporting": [four[3].pk], "r1_workdays": 20},
        )  # fmt: skip
        page = _get(client, "detail", matter.pk).content.decode()
    matter.refresh_from_db()
    assert matter.status == Decision.Status.ADOPTED
    item_ = ActionItem.objects.get()
    assert (item_.title, item_.lead_unit_id) == ("建立尘肺病患者医疗救助机制", four[0].pk)
    assert "会上表态（办公室记录）" in page and "建立尘肺病患者医疗救助机制" in page
