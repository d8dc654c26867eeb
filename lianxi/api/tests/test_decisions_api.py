"""Major matters through the API (四(四), 二(四)), with the pages' access (lianxi.decisions.access).

The cast (lianxi/decisions/tests/conftest.py): a matter of 人社局 concerning 人社局, 总工会,
应急管理局 and 财政局, each with its liaison and member; the secretariat (市卫生健康委) runs it;
市卫生健康委's liaison is a unit of the same joint meeting it does not concern; the city government
office's reader records the government's decision; the second joint meeting's clerk must see
nothing of it. Each operation is asked by each of them and without a token: a matter the caller
may not see is 404, an action on one it sees but may not take 403, no token 401; a refusal
writes nothing.
"""

# The decisions' fixtures are imported from their conftest, and pytest passes them by name.
# ruff: noqa: F811

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from lianxi.api.services import api_token_create
from lianxi.api.tests.conftest import bearer
from lianxi.conftest import aware
from lianxi.core.models import AuditEvent
from lianxi.decisions.access import DECISION_NOT_FOUND
from lianxi.decisions.models import Decision, DecisionResolution, DecisionRound, Opinion
from lianxi.decisions.services import decision_escalate, round_close
from lianxi.decisions.tests.conftest import (  # noqa: F401
    four,
    matter,
    one_item,
    opinion_of,
    people,
    put,
    say,
)
from lianxi.documents.models import OfficialDocument
from lianxi.documents.services import cosign_request, cosign_sign, document_issue
from lianxi.documents.tests.issuing_helpers import make_register
from lianxi.organization.models import Unit
from lianxi.supervision.models import ActionItem

pytestmark = pytest.mark.django_db

DECISIONS = "/api/v1/decisions"
Stance = Opinion.Stance
AFTER_DEADLINE = aware(2026, 11, 10, 9)  # the fixtures' round closes on Monday 2026-11-09
NOT_ASKED = "本轮没有征求贵单位的意见。"
REASON = "尘肺病救助不属于应急管理部门职责。"
# How far the matter has gone when the operation is asked.
STAGES = ("draft", "open", "answered", "agreed", "disagreed", "issued")


def client_of(person: Any) -> Client:
    """A client with a fresh token of `person`; without a token for None."""
    if person is None:
        return Client()
    _, token = api_token_create(user=person, name="测试")
    return bearer(token)


def post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def written() -> tuple[Any, ...]:
    """Every row the decisions endpoints write, and the audit events other than the tokens'."""
    return (
        tuple(Decision.objects.order_by("pk").values_list("status", "proposal")),
        tuple(DecisionRound.objects.order_by("pk").values_list("number", "status")),
        tuple(Opinion.objects.order_by("pk").values_list("status", "stance", "text")),
        DecisionResolution.objects.count(),
        ActionItem.objects.count(),
        OfficialDocument.objects.count(),
        AuditEvent.objects.exclude(action__startswith="api").count(),
    )


def issue_request(document: OfficialDocument, clerk: Any, health: Unit, hrss_member: Any) -> None:
    """The 请示 co-signed by 人社局 and issued to the city government office (四(五), 四(六))."""
    cosign_request(actor=clerk.membership, document=document)
    cosign_sign(actor=hrss_member.membership, signature=document.cosignatures.get())
    make_register(clerk, health, prefix="信职联")
    document_issue(actor=clerk.membership, document=document)


@pytest.fixture
def callers(
    clerk: Any,
    people: dict[str, Any],
    health_liaison: Any,
    gov_reader: Any,
    second_clerk: Any,
    outsider: Any,
) -> dict[str, Any]:
    """The people who ask, by their part in the matter; "anonymous" sends no token."""
    union_liaison, union_member = people["union"]
    return {
        "secretariat": clerk,
        "concerned": union_liaison,  # 总工会, asked in every round
        "concerned_member": union_member,
        "other_unit": health_liaison,  # 市卫生健康委: a member unit the matter does not concern
        "government": gov_reader,
        "second_clerk": second_clerk,  # the second joint meeting's secretariat
        "outsider": outsider,  # an account with no membership
        "anonymous": None,
    }


@pytest.fixture
def build(
    matter: Decision,
    put: Callable[..., DecisionRound],
    people: dict[str, Any],
    clerk: Any,
    hrss: Unit,
    health: Unit,
    health_member: Any,
) -> Callable[[str], Decision]:
    """The matter brought to a stage (STAGES) through the services; the health commission's
    member (`health_member`) is the 请示's default 签发人 (GB/T 9704 §7.2.5)."""

    def make(stage: str) -> Decision:
        if stage == "draft":
            return matter
        put(matter)
        say(people["hrss"][1], matter, Stance.AGREE)
        if stage == "open":
            return matter
        say(people["union"][1], matter, Stance.AGREE)
        say(people["finance"][1], matter, Stance.AGREE)
        if stage in ("disagreed", "issued"):
            say(people["safety"][1], matter, Stance.DISAGREE, REASON)
        else:
            say(people["safety"][1], matter, Stance.AGREE)
        if stage == "answered":
            return matter
        round_close(actor=clerk.membership, decision=matter)  # every unit answered: early
        if stage in ("agreed", "disagreed"):
            return matter
        document = decision_escalate(
            actor=clerk.membership,
            decision=matter,
            disagreement="职责分歧",
            options=["方案甲", "方案乙"],
            recommendation="建议方案甲",
            co_signing_unit_ids=[hrss.pk],
        )
        issue_request(document, clerk, health, people["hrss"][1])
        matter.refresh_from_db()
        return matter

    return make


# --- the operations, each as (stage, request) -------------------------------------------------


def _list(c: Client, d: Decision) -> Any:
    return c.get(DECISIONS)


def _detail(c: Client, d: Decision) -> Any:
    return c.get(f"{DECISIONS}/{d.pk}")


def _create(c: Client, d: Decision) -> Any:
    units = list(d.concerned_units.order_by("order", "id").values_list("pk", flat=True))
    return post(
        c,
        DECISIONS,
        {
            "title": "尘肺病康复站建设",
            "proposal": "在各县区建设尘肺病康复站。",
            "proposing_unit_id": d.proposing_unit_id,
            "concerned_unit_ids": units,
        },
    )


def _round(c: Client, d: Decision) -> Any:
    return post(
        c,
        f"{DECISIONS}/{d.pk}/rounds",
        {
            "method": "writing",
            "deadline_workdays": 5,
            "proposal": d.proposal + "应急管理局不再列为配合单位。",
            "revision_note": "采纳应急管理局的意见。",
        },
    )


def _opinion(c: Client, d: Decision) -> Any:
    return post(c, f"{DECISIONS}/{d.pk}/opinions", {"stance": "agree"})


def _close(c: Client, d: Decision) -> Any:
    return post(c, f"{DECISIONS}/{d.pk}/close-round")


def _resolution(d: Decision) -> dict[str, Any]:
    return {
        "text": "建立尘肺病患者医疗救助工作机制",
        "lead_unit_id": d.proposing_unit_id,
        "deadline_workdays": 20,
    }


def _adopt(c: Client, d: Decision) -> Any:
    return post(c, f"{DECISIONS}/{d.pk}/adopt", {"resolutions": [_resolution(d)]})


def _escalate(c: Client, d: Decision) -> Any:
    return post(
        c,
        f"{DECISIONS}/{d.pk}/escalate",
        {
            "disagreement": "应急管理局认为救助不属其职责。",
            "options": ["由医疗保障局牵头救助", "由人社局牵头，应急管理局配合"],
            "recommendation": "建议采纳方案一。",
            "co_signing_unit_ids": [d.proposing_unit_id],
        },
    )


def _government(c: Client, d: Decision) -> Any:
    return post(
        c,
        f"{DECISIONS}/{d.pk}/government-decision",
        {
            "option": 1,
            "text": "同意方案甲，由人社局牵头。",
            "decided_on": timezone.localdate().isoformat(),
            "resolutions": [_resolution(d)],
        },
    )


Operation = Callable[[Client, Decision], Any]
OPERATIONS: dict[str, tuple[str, Operation]] = {
    "GET /decisions": ("open", _list),
    "GET /decisions/{id}": ("open", _detail),
    "POST /decisions": ("draft", _create),
    "POST /decisions/{id}/rounds": ("disagreed", _round),
    "POST /decisions/{id}/opinions": ("open", _opinion),
    "POST /decisions/{id}/close-round": ("answered", _close),
    "POST /decisions/{id}/adopt": ("agreed", _adopt),
    "POST /decisions/{id}/escalate": ("disagreed", _escalate),
    "POST /decisions/{id}/government-decision": ("issued", _government),
}

# operation -> caller -> status. 200/201 are the allowed; every other is a refusal.
EXPECTED: dict[str, dict[str, int]] = {
    # 四(四): every role of the joint meeting lists what it may see (another unit: nothing).
    "GET /decisions": {
        "secretariat": 200,
        "concerned": 200,
        "other_unit": 200,
        "government": 200,
        "second_clerk": 200,
        "outsider": 403,
        "anonymous": 401,
    },
    # 四(四): the secretariat and the units concerned see the matter; no other.
    "GET /decisions/{id}": {
        "secretariat": 200,
        "concerned": 200,
        "concerned_member": 200,
        "other_unit": 404,
        "government": 404,
        "second_clerk": 404,
        "outsider": 404,
        "anonymous": 401,
    },
    # 四(四): only the secretariat records a matter; another joint meeting's may not use
    # this one's units (400: not its member units).
    "POST /decisions": {
        "secretariat": 201,
        "concerned": 403,
        "concerned_member": 403,
        "other_unit": 403,
        "government": 403,
        "second_clerk": 400,
        "outsider": 403,
        "anonymous": 401,
    },
    # 四(四): only the secretariat puts the (revised) matter to the units again.
    "POST /decisions/{id}/rounds": {
        "secretariat": 201,
        "concerned": 403,
        "concerned_member": 403,
        "other_unit": 404,
        "government": 404,
        "second_clerk": 404,
        "anonymous": 401,
    },
    # 四(四): a concerned unit answers (its liaison drafts, its member gives it).
    "POST /decisions/{id}/opinions": {
        "secretariat": 403,
        "concerned": 200,
        "concerned_member": 200,
        "other_unit": 404,
        "government": 404,
        "second_clerk": 404,
        "anonymous": 401,
    },
    "POST /decisions/{id}/close-round": {
        "secretariat": 200,
        "concerned": 403,
        "concerned_member": 403,
        "other_unit": 404,
        "government": 404,
        "second_clerk": 404,
        "anonymous": 401,
    },
    "POST /decisions/{id}/adopt": {
        "secretariat": 200,
        "concerned": 403,
        "concerned_member": 403,
        "other_unit": 404,
        "government": 404,
        "second_clerk": 404,
        "anonymous": 401,
    },
    "POST /decisions/{id}/escalate": {
        "secretariat": 201,
        "concerned": 403,
        "concerned_member": 403,
        "other_unit": 404,
        "government": 404,
        "second_clerk": 404,
        "anonymous": 401,
    },
    # 四(四): the government office's reader records its decision; the secretariat records a
    # paper reply with its scan, which this JSON operation does not take (400).
    "POST /decisions/{id}/government-decision": {
        "government": 200,
        "secretariat": 400,
        "concerned": 403,
        "concerned_member": 403,
        "other_unit": 404,
        "second_clerk": 404,
        "anonymous": 401,
    },
}

CASES = [
    pytest.param(operation, caller, status, id=f"{operation} as {caller}")
    for operation, row in EXPECTED.items()
    for caller, status in row.items()
]


@pytest.mark.parametrize(("operation", "caller", "status"), CASES)
def test_each_operation_answers_each_caller_四四(
    build: Callable[[str], Decision],
    callers: dict[str, Any],
    operation: str,
    caller: str,
    status: int,
) -> None:
    """四(四): the answer to each caller, by the table; a refusal writes nothing (no matter,
    round, answer, resolution, action item, document or audit event), and a matter the caller
    may not see is answered as missing, whether or not it exists."""
    stage, do = OPERATIONS[operation]
    decision = build(stage)
    client = client_of(callers[caller])
    before = written()
    response = do(client, decision)
    assert response.status_code == status, response.content.decode()[:300]
    if status >= 400:
        assert written() == before
    if status == 404:
        assert response.json()["detail"] == DECISION_NOT_FOUND


def test_the_secretariat_needs_a_scan_so_the_json_operation_refuses_it_四四(
    build: Callable[[str], Decision], clerk: Any
) -> None:
    """四(四): the secretariat records the government's paper reply with its scan (on the page);
    through the API, which takes no file, the service refuses it and names the field."""
    decision = build("issued")
    response = _government(client_of(clerk), decision)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "由办公室代为登记的，请上传市政府批复的扫描件。",
        "field": "scan",
    }


# --- what each caller reads ----------------------------------------------------------------------


def _rows(body: dict[str, Any], number: int = 1) -> dict[str, dict[str, Any]]:
    [round_] = [r for r in body["rounds"] if r["number"] == number]
    return {row["unit"]["name"]: row for row in round_["opinions"]}


HIDDEN_ROW = {"id", "unit", "status", "status_display", "overdue", "shown", "answer"}


def test_a_concerned_unit_reads_only_its_own_answer_until_the_round_closes_四四(
    matter: Decision, put: Any, people: dict[str, Any], clerk: Any
) -> None:
    """四(四): while the round is open, 总工会 reads its own answer and nothing of the others'
    (not even how many answered); the secretariat reads the answers given, never a draft; once
    the round closed every concerned unit reads every answer, a silent unit as silent."""
    put(matter)
    say(people["hrss"][1], matter, Stance.AGREE)
    say(people["safety"][1], matter, Stance.DISAGREE, REASON)
    union_liaison, union_member = people["union"]
    assert _opinion(client_of(union_liaison), matter).status_code == 200  # a draft
    finance_liaison, _ = people["finance"]
    url = f"{DECISIONS}/{matter.pk}"

    before = client_of(union_member).get(url)
    assert before.status_code == 200
    body = before.json()
    rows = _rows(body)
    assert list(rows) == ["市总工会"]
    assert rows["市总工会"]["status"] == "drafted"
    assert rows["市总工会"]["shown"] is True and rows["市总工会"]["answer"]["stance"] == "agree"
    assert body["rounds"][0]["counts"] is None and body["rounds"][0]["agreed"] is None
    assert REASON not in before.content.decode() and body["can_answer"] is True

    secretariat = _rows(client_of(clerk).get(url).json())
    assert set(secretariat) == {"市人力资源和社会保障局", "市总工会", "市应急管理局", "市财政局"}
    assert secretariat["市应急管理局"]["answer"]["text"] == REASON
    draft = secretariat["市总工会"]
    assert (draft["status"], draft["shown"], draft["answer"]) == ("drafted", False, None)
    assert set(draft) == HIDDEN_ROW
    pending = client_of(finance_liaison).get(url).json()
    assert _rows(pending)["市财政局"]["answer"] is None

    with time_machine.travel(AFTER_DEADLINE, tick=False):
        round_close(actor=clerk.membership, decision=matter)
    after = client_of(union_member).get(url).json()
    rows = _rows(after)
    assert set(rows) == {"市人力资源和社会保障局", "市总工会", "市应急管理局", "市财政局"}
    assert rows["市应急管理局"]["answer"]["stance"] == "disagree"
    assert rows["市应急管理局"]["answer"]["text"] == REASON
    assert rows["市人力资源和社会保障局"]["answer"]["answered_as"] == "member"
    # Silence is recorded as silence (never consent), and its row says nothing more.
    for name in ("市总工会", "市财政局"):
        assert (rows[name]["status"], rows[name]["shown"]) == ("silent", False)
        assert rows[name]["answer"] is None and set(rows[name]) == HIDDEN_ROW
    assert after["rounds"][0]["counts"]["silent"] == 2 and after["rounds"][0]["agreed"] is False
    assert after["can_answer"] is False


def test_an_unconcerned_unit_gets_404_for_a_matter_in_consultation_四四(
    build: Callable[[str], Decision], health_liaison: Any
) -> None:
    """四(四): no other unit sees anything of the matter: it does not list it, reading it or
    answering on it is 404 as for a matter that does not exist."""
    decision = build("open")
    client = client_of(health_liaison)
    listed = client.get(DECISIONS)
    assert listed.status_code == 200 and listed.json()["count"] == 0
    for response in (_detail(client, decision), _opinion(client, decision)):
        assert response.status_code == 404
        assert response.json()["detail"] == DECISION_NOT_FOUND
    assert client.get(f"{DECISIONS}/{decision.pk + 1000}").status_code == 404


def test_the_second_joint_meetings_clerk_gets_404_四四(
    build: Callable[[str], Decision], second_clerk: Any
) -> None:
    """四(四), 二(四): another joint meeting's secretariat lists nothing of this one's matters,
    reads none (404) and runs none (404), before and after the round closed."""
    decision = build("answered")
    client = client_of(second_clerk)
    assert client.get(DECISIONS).json()["count"] == 0
    before = written()
    for do in (_detail, _close, _round, _adopt, _escalate, _government):
        response = do(client, decision)
        assert response.status_code == 404, do.__name__
        assert response.json()["detail"] == DECISION_NOT_FOUND
    assert written() == before


def test_a_unit_not_asked_in_the_latest_round_gets_404_when_answering_四四(
    build: Callable[[str], Decision], clerk: Any, people: dict[str, Any], hrss: Unit, safety: Unit
) -> None:
    """四(四): the second round asks only 人社局 and 应急管理局: 总工会 still sees the matter
    (it was asked in the first) but has no answer to give in this round (404); 应急管理局 does."""
    decision = build("disagreed")
    response = post(
        client_of(clerk),
        f"{DECISIONS}/{decision.pk}/rounds",
        {"method": "书面征求意见", "unit_ids": [hrss.pk, safety.pk], "deadline_workdays": 3},
    )
    assert response.status_code == 201, response.content.decode()
    assert [r["unit"]["name"] for r in response.json()["opinions"]] == [
        "市人力资源和社会保障局",
        "市应急管理局",
    ]
    union_member = people["union"][1]
    assert client_of(union_member).get(f"{DECISIONS}/{decision.pk}").status_code == 200
    refused = post(client_of(union_member), f"{DECISIONS}/{decision.pk}/opinions",
                   {"stance": "agree", "submit": True})  # fmt: skip
    assert refused.status_code == 404 and refused.json()["detail"] == NOT_ASKED
    safety_member = people["safety"][1]
    given = post(client_of(safety_member), f"{DECISIONS}/{decision.pk}/opinions",
                 {"stance": "同意", "submit": True})  # fmt: skip
    assert given.status_code == 200 and given.json()["answer"]["stance"] == "agree"


def test_an_answer_given_or_a_round_closed_is_refused_with_the_rules_message_四四(
    build: Callable[[str], Decision], people: dict[str, Any]
) -> None:
    """四(四): 不同意 needs reasons, 原则同意 its amendments; a unit that answered cannot change
    its answer; after the round closed no one answers (400, nothing written)."""
    decision = build("open")
    union_member = people["union"][1]
    url = f"{DECISIONS}/{decision.pk}/opinions"
    client = client_of(union_member)
    before = written()
    no_reason = post(client, url, {"stance": "不同意", "submit": True})
    assert no_reason.status_code == 400
    assert no_reason.json() == {"detail": "不同意的，请写明理由。", "field": "text"}
    no_amendment = post(client, url, {"stance": "amend", "text": " ", "submit": True})
    assert no_amendment.status_code == 400
    again = post(client_of(people["hrss"][1]), url, {"stance": "disagree", "text": "改变主意"})
    assert again.status_code == 400 and "已经答复" in again.json()["detail"]
    unknown = post(client, url, {"stance": "abstain"})
    assert unknown.status_code == 422
    assert written() == before


def test_the_list_shows_each_matter_its_state_and_how_long_it_waited_四四(
    build: Callable[[str], Decision], people: dict[str, Any], clerk: Any
) -> None:
    """四(四): the list says each matter's state and how long it has been in it (days and
    working days), with the count of each state; status filters it."""
    decision = build("open")
    with time_machine.travel(aware(2026, 11, 16, 9), tick=False):
        client = client_of(clerk)
        body = client.get(DECISIONS).json()
        filtered = client.get(f"{DECISIONS}?status=adopted").json()
    [item] = body["items"]
    assert (item["id"], item["status"], item["status_display"]) == (decision.pk, "consulting",
                                                                    "征求中")  # fmt: skip
    assert (item["waited_days"], item["waited_workdays"]) == (14, 10)
    assert item["proposing_unit"]["name"] == "市人力资源和社会保障局" and item["round_count"] == 1
    assert body["state_counts"]["consulting"] == 1 and body["count"] == 1
    assert filtered["count"] == 0
    union = client_of(people["union"][0]).get(DECISIONS).json()
    assert [i["id"] for i in union["items"]] == [decision.pk]


# --- the whole flow ------------------------------------------------------------------------------


def test_the_whole_flow_revised_after_an_objection_and_adopted_四四_二四(
    clerk: Any, four: list[Unit], people: dict[str, Any]
) -> None:
    """四(四), 二(四): over the API: the secretariat records the matter and puts it to the four
    units; 应急管理局 disagrees with reasons, so it cannot be adopted; it is revised and put
    again; every unit agrees (总工会 through its liaison for the member's named substitute, 财政局
    in principle with amendments, which the secretariat must confirm were taken); it is adopted
    and its resolutions become action items."""
    secretariat = client_of(clerk)
    hrss, union, _, finance = four
    created = post(
        secretariat,
        DECISIONS,
        {
            "title": "尘肺病患者医疗救助政策",
            "proposal": "将尘肺病患者纳入城乡医疗救助范围。",
            "background": "本市现有尘肺病患者 1,200 余人。",
            "proposing_unit_id": hrss.pk,
            "concerned_unit_ids": [u.pk for u in four],
        },
    )
    assert created.status_code == 201, created.content.decode()
    decision = created.json()
    assert decision["status"] == "draft" and decision["rounds"] == []
    assert {u["name"] for u in decision["concerned_units"]} == {u.name for u in four}
    url = f"{DECISIONS}/{decision['id']}"

    opened = post(secretariat, f"{url}/rounds", {"method": "writing", "deadline_workdays": 5})
    assert opened.status_code == 201, opened.content.decode()
    assert opened.json()["number"] == 1 and len(opened.json()["opinions"]) == 4

    def answer(key: str, body: dict[str, Any], *, liaison: bool = False) -> dict[str, Any]:
        liaison_, member = people[key]
        response = post(client_of(liaison_ if liaison else member), f"{url}/opinions", body)
        assert response.status_code == 200, response.content.decode()
        return dict(response.json())

    for key in ("hrss", "union", "finance"):
        answer(key, {"stance": "agree", "submit": True})
    answer("safety", {"stance": "disagree", "text": REASON, "submit": True})
    closed = post(secretariat, f"{url}/close-round")
    assert closed.status_code == 200, closed.content.decode()
    assert closed.json()["agreed"] is False and closed.json()["counts"]["disagree"] == 1
    refused = post(secretariat, f"{url}/adopt", {"resolutions": [_resolution_of(hrss)]})
    assert refused.status_code == 400 and "未取得各相关单位一致同意" in refused.json()["detail"]

    revised = "将尘肺病患者纳入城乡医疗救助范围，应急管理局不再列为配合单位。"
    second = post(secretariat, f"{url}/rounds",
                  {"method": "writing", "deadline_workdays": 5, "proposal": revised,
                   "revision_note": "采纳应急管理局的意见。"})  # fmt: skip
    assert second.status_code == 201, second.content.decode()
    assert (second.json()["number"], second.json()["proposal"]) == (2, revised)
    answer("hrss", {"stance": "agree", "submit": True})
    answer("safety", {"stance": "agree", "submit": True})
    draft = answer("union", {"stance": "agree"}, liaison=True)
    assert draft["status"] == "drafted"
    given = answer("union", {"stance": "agree", "submit": True, "substitute_name": "刘副主席",
                             "substitute_title": "市总工会副主席"}, liaison=True)  # fmt: skip
    assert given["answer"]["answered_as"] == "substitute"
    assert given["answer"]["substitute_name"] == "刘副主席"
    answer("finance", {"stance": "原则同意（附修改意见）", "text": "资金按年度预算安排。",
                       "submit": True})  # fmt: skip
    assert post(secretariat, f"{url}/close-round").json()["agreed"] is True
    unconfirmed = post(secretariat, f"{url}/adopt", {"resolutions": [_resolution_of(hrss)]})
    assert unconfirmed.status_code == 400
    assert unconfirmed.json()["field"] == "amendments_taken" and not ActionItem.objects.exists()

    adopted = post(
        secretariat,
        f"{url}/adopt",
        {
            "amendments_taken": True,
            "resolutions": [
                {**_resolution_of(hrss), "supporting_unit_ids": [finance.pk]},
                {"text": "做好困难尘肺病患者帮扶", "lead_unit_id": union.pk,
                 "deadline_workdays": 20},
            ]
        },
    )  # fmt: skip
    assert adopted.status_code == 200, adopted.content.decode()
    body = adopted.json()
    assert body["status"] == "adopted" and body["proposal"] == revised
    assert [(r["number"], r["lead_unit"]["name"]) for r in body["resolutions"]] == [
        (1, "市人力资源和社会保障局"),
        (2, "市总工会"),
    ]
    assert [u["name"] for u in body["resolutions"][0]["supporting_units"]] == ["市财政局"]
    items = ActionItem.objects.order_by("pk")
    assert [(i.title, i.source) for i in items] == [
        ("建立尘肺病患者医疗救助工作机制", ActionItem.Source.DECISION),
        ("做好困难尘肺病患者帮扶", ActionItem.Source.DECISION),
    ]
    assert [r["action_item_id"] for r in body["resolutions"]] == [i.pk for i in items]
    assert opinion_of(Decision.objects.get(), finance).amendments_taken is True
    # After the close every concerned unit reads both rounds' answers.
    seen = client_of(people["safety"][0]).get(url).json()
    assert _rows(seen, 1)["市应急管理局"]["answer"]["text"] == REASON
    assert _rows(seen, 2)["市财政局"]["answer"]["stance"] == "amend"


def _resolution_of(unit: Unit) -> dict[str, Any]:
    return {"text": "建立尘肺病患者医疗救助工作机制", "lead_unit_id": unit.pk,
            "deadline_workdays": 20}  # fmt: skip


def test_the_whole_flow_escalated_to_the_government_which_decides_四四(
    build: Callable[[str], Decision],
    clerk: Any,
    people: dict[str, Any],
    gov_reader: Any,
    health: Unit,
    health_member: Any,
) -> None:
    """四(四): the units did not agree: the secretariat drafts the 请示 (its id returned), which is
    co-signed and issued to the city government office through the documents API; the office's
    reader then sees the matter with every answer of the closed round and records the decision,
    which binds like an adopted matter (its resolutions become action items)."""
    decision = build("disagreed")
    secretariat = client_of(clerk)
    url = f"{DECISIONS}/{decision.pk}"
    assert client_of(gov_reader).get(url).status_code == 404  # nothing sent to it yet
    escalated = _escalate(secretariat, decision)
    assert escalated.status_code == 201, escalated.content.decode()
    body = escalated.json()
    document = OfficialDocument.objects.get(pk=body["document_id"])
    assert document.kind == OfficialDocument.Kind.REQUEST
    assert body["status"] == "awaiting_government" and body["document"]["id"] == document.pk
    assert f"/api/v1/documents/{document.pk}" in body["document"]["url"]

    hrss_member = people["hrss"][1]
    documents = f"/api/v1/documents/{document.pk}"
    assert post(secretariat, f"{documents}/cosign-request").status_code == 200
    signed = post(client_of(hrss_member), f"{documents}/cosign", {"action": "sign"})
    assert signed.status_code == 200, signed.content.decode()
    make_register(clerk, health, prefix="信职联")
    issued = post(secretariat, f"{documents}/issue")
    assert issued.status_code == 200, issued.content.decode()

    government = client_of(gov_reader)
    seen = government.get(url).json()
    assert seen["request_document"]["status"] == "issued"
    assert seen["options"] == ["由医疗保障局牵头救助", "由人社局牵头，应急管理局配合"]
    assert seen["disagreement"] == "应急管理局认为救助不属其职责。"
    assert _rows(seen)["市应急管理局"]["answer"]["text"] == REASON
    again = {"disagreement": "再次提请", "options": ["甲", "乙"], "recommendation": "甲"}
    assert post(secretariat, f"{url}/escalate", again).status_code == 400  # already escalated

    decided = _government(government, decision)
    assert decided.status_code == 200, decided.content.decode()
    result = decided.json()
    assert result["status"] == "decided"
    assert result["government"]["option"] == 1 and result["government"]["has_scan"] is False
    item = ActionItem.objects.get()
    assert (item.source, item.lead_unit.name) == (
        ActionItem.Source.GOVERNMENT,
        "市人力资源和社会保障局",
    )
    assert result["resolutions"][0]["action_item_id"] == item.pk
    # The concerned units read the decision; the disagreement stays the 请示's.
    union = client_of(people["union"][0]).get(url).json()
    assert (
        union["status"] == "decided" and union["government"]["text"] == "同意方案甲，由人社局牵头。"
    )
    assert union["disagreement"] == ""
