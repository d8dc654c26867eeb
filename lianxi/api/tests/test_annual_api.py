"""The annual cycle through the API (四(三)), with the pages' access (lianxi.annual.access).

The cast (lianxi/annual/tests/conftest.py): the 2027 cycle opened on 2026-12-01 (deadline Friday
2027-01-15, clause 四(三)); 人社局, 总工会, 应急管理局 and 财政局 each with its liaison and member;
the secretariat (市卫生健康委) reads the board; the second joint meeting's clerk must see nothing
of it. Each operation is asked by each of them and without a token: a cycle or submission the
caller may not see is 404, an action on one it sees but may not take 403, no token 401; a
refusal writes nothing. No unit ever sees another unit's submission, and the secretariat sees a
part's content only once the unit sent it.
"""

# The annual cycle's fixtures are imported from its conftest, and pytest passes them by name.
# ruff: noqa: F811

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
import time_machine
from django.test import Client

from lianxi.annual.access import NOT_FOUND
from lianxi.annual.models import AnnualCycle, AnnualSubmission, PartStatus, PlanTask, TopicProposal
from lianxi.annual.services import cycle_open
from lianxi.annual.tests.conftest import (  # noqa: F401
    configure,
    configured,
    cycle,
    fill,
    send_all,
    submission_of,
)
from lianxi.api.services import api_token_create
from lianxi.api.tests.conftest import bearer
from lianxi.conftest import aware
from lianxi.core.models import AuditEvent
from lianxi.organization.models import Unit

pytestmark = pytest.mark.django_db

ANNUAL = "/api/v1/annual/2027"
# A Thursday of the open cycle, before the deadline (Friday 2027-01-15).
TODAY = aware(2026, 12, 10, 10)
SUMMARY = "2026年，人社局开展尘肺病农民工工伤保险扩面行动，新增参保 3,200 人。"
PLAN_TASKS = [
    {"title": "推进尘肺病农民工工伤保险扩面", "expected_on": "2027-06-30"},
    {"title": "开展职业病患者就业帮扶", "expected_on": "2027-11-30"},
]
TOPICS = [{"title": "尘肺病农民工工伤保险扩面", "description": "研究未参保尘肺病农民工的保障。"}]


@pytest.fixture(autouse=True)
def _on_a_working_day() -> Iterator[None]:
    """Every test on a working day of the open cycle, its tokens issued then."""
    with time_machine.travel(TODAY, tick=True):
        yield


def client_of(person: Any) -> Client:
    """A client with a fresh token of `person`; without a token for None."""
    if person is None:
        return Client()
    _, token = api_token_create(user=person, name="测试")
    return bearer(token)


def post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def put(client: Client, url: str, data: Any) -> Any:
    return client.put(url, json.dumps(data), content_type="application/json")


SUBMISSION_FIELDS = (
    "summary",
    "plan",
    "no_topics",
    "summary_status",
    "plan_status",
    "topics_status",
    "summary_note",
    "plan_note",
    "topics_note",
    "completed_at",
)


def written() -> tuple[Any, ...]:
    """Every row the annual endpoints write, and the audit events other than the tokens'."""
    return (
        tuple(AnnualSubmission.objects.order_by("pk").values_list(*SUBMISSION_FIELDS)),
        tuple(PlanTask.objects.order_by("pk").values_list("title", "expected_on", "lead_unit")),
        tuple(TopicProposal.objects.order_by("pk").values_list("title", "status")),
        AnnualCycle.objects.count(),
        AuditEvent.objects.exclude(action__startswith="api").count(),
    )


@pytest.fixture
def people(consulted: dict[str, Any]) -> dict[str, Any]:
    return consulted


@pytest.fixture
def callers(
    clerk: Any, people: dict[str, Any], second_clerk: Any, outsider: Any, gov_reader: Any
) -> dict[str, Any]:
    """The people who ask, by their part; the submission asked about is 人社局's."""
    hrss_liaison, hrss_member = people["hrss"]
    return {
        "secretariat": clerk,
        "liaison": hrss_liaison,  # 人社局's own liaison
        "member": hrss_member,  # 人社局's own member (联席会议成员)
        "other_unit": people["union"][0],  # 总工会's liaison
        "government": gov_reader,  # 市政府办公室: not a party to the annual cycle
        "second_clerk": second_clerk,  # the second joint meeting's secretariat
        "outsider": outsider,  # an account with no membership
        "anonymous": None,
    }


@pytest.fixture
def build(cycle: AnnualCycle, people: dict[str, Any]) -> Callable[[str], AnnualCycle]:
    """The cycle with 人社局's submission at a stage: "open" (nothing written), "drafted" (all
    three parts drafted by its liaison), "sent" (sent by its member on TODAY)."""

    def make(stage: str) -> AnnualCycle:
        liaison, member = people["hrss"]
        if stage == "drafted":
            fill(liaison, cycle, topics=["尘肺病农民工工伤保险扩面"])
        elif stage == "sent":
            send_all(liaison, member, cycle, TODAY, topics=["尘肺病农民工工伤保险扩面"])
        return cycle

    return make


# --- the operations, each as (stage, request) -------------------------------------------------


def _board(c: Client, hrss: Unit) -> Any:
    return c.get(f"{ANNUAL}/board")


def _topics(c: Client, hrss: Unit) -> Any:
    return c.get(f"{ANNUAL}/topics")


def _detail(c: Client, hrss: Unit) -> Any:
    return c.get(f"{ANNUAL}/submissions/{hrss.pk}")


def _save(c: Client, hrss: Unit) -> Any:
    return put(c, f"{ANNUAL}/submissions/{hrss.pk}/summary", {"text": SUMMARY})


def _send(c: Client, hrss: Unit) -> Any:
    return post(c, f"{ANNUAL}/submissions/{hrss.pk}/send")


def _review(c: Client, hrss: Unit) -> Any:
    return post(c, f"{ANNUAL}/submissions/{hrss.pk}/plan/review", {"action": "confirm"})


Operation = Callable[[Client, Unit], Any]
OPERATIONS: dict[str, tuple[str, Operation]] = {
    "GET /annual/{year}/board": ("sent", _board),
    "GET /annual/{year}/topics": ("sent", _topics),
    "GET /annual/{year}/submissions/{unit_id}": ("drafted", _detail),
    "PUT /annual/{year}/submissions/{unit_id}/{part}": ("drafted", _save),
    "POST /annual/{year}/submissions/{unit_id}/send": ("drafted", _send),
    "POST /annual/{year}/submissions/{unit_id}/{part}/review": ("sent", _review),
}

# operation -> caller -> status. 200 is the allowed; every other is a refusal.
EXPECTED: dict[str, dict[str, int]] = {
    # 四(三): the completeness board is the secretariat's; a unit sees the cycle but not the
    # board (403); another joint meeting has no such cycle (404).
    "GET /annual/{year}/board": {
        "secretariat": 200,
        "liaison": 403,
        "member": 403,
        "other_unit": 403,
        "government": 403,
        "second_clerk": 404,
        "outsider": 403,
        "anonymous": 401,
    },
    # 四(三), 三(一)1: the sent topics of all units, together, for the secretariat only.
    "GET /annual/{year}/topics": {
        "secretariat": 200,
        "liaison": 403,
        "member": 403,
        "other_unit": 403,
        "second_clerk": 404,
        "outsider": 403,
        "anonymous": 401,
    },
    # 四(三): the unit reads its own (drafts included), the secretariat the states; no other
    # unit reads it at all.
    "GET /annual/{year}/submissions/{unit_id}": {
        "secretariat": 200,
        "liaison": 200,
        "member": 200,
        "other_unit": 404,
        "government": 403,
        "second_clerk": 404,
        "outsider": 403,
        "anonymous": 401,
    },
    # 四(三): the unit's liaison drafts, its member may too; the secretariat never writes it.
    "PUT /annual/{year}/submissions/{unit_id}/{part}": {
        "secretariat": 403,
        "liaison": 200,
        "member": 200,
        "other_unit": 404,
        "government": 403,
        "second_clerk": 404,
        "outsider": 403,
        "anonymous": 401,
    },
    # 四(三): the liaison puts it before the member, the member sends it.
    "POST /annual/{year}/submissions/{unit_id}/send": {
        "secretariat": 403,
        "liaison": 200,
        "member": 200,
        "other_unit": 404,
        "second_clerk": 404,
        "outsider": 403,
        "anonymous": 401,
    },
    # 四(三): the secretariat confirms or returns what was sent.
    "POST /annual/{year}/submissions/{unit_id}/{part}/review": {
        "secretariat": 200,
        "liaison": 403,
        "member": 403,
        "other_unit": 404,
        "second_clerk": 404,
        "outsider": 403,
        "anonymous": 401,
    },
}

CASES = [
    pytest.param(operation, caller, status, id=f"{operation} as {caller}")
    for operation, row in EXPECTED.items()
    for caller, status in row.items()
]


@pytest.mark.parametrize(("operation", "caller", "status"), CASES)
def test_each_operation_answers_each_caller_四三(
    build: Callable[[str], AnnualCycle],
    callers: dict[str, Any],
    hrss: Unit,
    operation: str,
    caller: str,
    status: int,
) -> None:
    """四(三): the answer to each caller, by the table; a refusal writes nothing (no part, task,
    topic, status or audit event), and a submission the caller may not see is answered as
    missing, whether or not it exists."""
    stage, do = OPERATIONS[operation]
    build(stage)
    client = client_of(callers[caller])
    before = written()
    response = do(client, hrss)
    assert response.status_code == status, response.content.decode()[:300]
    if status >= 400:
        assert written() == before
        assert response.json()["detail"]
    if status == 404:
        assert response.json()["detail"] == NOT_FOUND


# --- what each caller reads ----------------------------------------------------------------------


def test_another_unit_never_sees_a_units_unsent_submission_四三(
    build: Callable[[str], AnnualCycle], people: dict[str, Any], hrss: Unit
) -> None:
    """四(三): 人社局's drafts are its own: 总工会 (liaison or member) gets 404 for reading,
    writing or sending them, as for a unit that does not exist; the body says nothing of them."""
    build("drafted")
    url = f"{ANNUAL}/submissions/{hrss.pk}"
    before = written()
    for person in people["union"]:
        client = client_of(person)
        for response in (
            client.get(url),
            put(client, f"{url}/summary", {"text": "改写"}),
            post(client, f"{url}/send"),
        ):
            assert response.status_code == 404
            assert response.json() == {"detail": NOT_FOUND}
        assert client.get(f"{ANNUAL}/submissions/999999").status_code == 404
    assert written() == before


def test_the_secretariat_reads_an_unsent_part_as_its_status_without_content_四三(
    cycle: AnnualCycle, people: dict[str, Any], clerk: Any, hrss: Unit
) -> None:
    """四(三): a unit's draft is the unit's own, the secretariat included: while 人社局's parts
    are drafts, and while they wait for its member, the secretariat reads each part's status and
    no content; once the member sent them, it reads them all."""
    liaison, member = people["hrss"]
    own = client_of(liaison)
    url = f"{ANNUAL}/submissions/{hrss.pk}"
    assert put(own, f"{url}/summary", {"text": SUMMARY}).status_code == 200
    assert put(own, f"{url}/plan", {"text": "概述", "tasks": PLAN_TASKS}).status_code == 200
    assert put(own, f"{url}/topics", {"topics": TOPICS}).status_code == 200
    secretariat = client_of(clerk)

    def hidden(expected_status: str) -> None:
        response = secretariat.get(url)
        assert response.status_code == 200
        body = response.json()
        for part in ("summary", "plan", "topics"):
            assert body[part]["status"] == expected_status
            assert body[part]["readable"] is False
        assert body["summary"]["text"] is None
        assert (body["plan"]["text"], body["plan"]["tasks"]) == (None, None)
        assert (body["topics"]["topics"], body["topics"]["no_topics"]) == (None, None)
        text = response.content.decode()
        assert SUMMARY not in text and "工伤保险扩面" not in text and "就业帮扶" not in text
        assert body["can_send"] is False and not body["summary"]["reviewable"]

    hidden("draft")
    mine = own.get(url).json()
    assert mine["summary"]["text"] == SUMMARY and mine["summary"]["readable"] is True
    assert [t["title"] for t in mine["plan"]["tasks"]] == [t["title"] for t in PLAN_TASKS]
    assert mine["plan"]["tasks"][0]["lead_unit"]["name"] == "市人力资源和社会保障局"

    submitted = post(own, f"{url}/send")
    assert submitted.status_code == 200, submitted.content.decode()
    assert submitted.json()["status"] == "awaiting_member"
    hidden("awaiting_member")
    # The board says where each unit is, never what it wrote.
    board = secretariat.get(f"{ANNUAL}/board")
    assert SUMMARY not in board.content.decode()
    assert secretariat.get(f"{ANNUAL}/topics").json()["count"] == 0

    sent = post(client_of(member), f"{url}/send")
    assert sent.status_code == 200, sent.content.decode()
    body = secretariat.get(url).json()
    assert body["summary"]["text"] == SUMMARY and body["summary"]["status"] == "sent"
    assert body["plan"]["text"] == "概述" and len(body["plan"]["tasks"]) == 2
    assert body["topics"]["topics"][0]["title"] == TOPICS[0]["title"]
    assert body["summary"]["reviewable"] is True and body["complete"] is True


def test_the_board_shows_each_unit_each_part_and_who_is_late_四三(
    cycle: AnnualCycle, people: dict[str, Any], clerk: Any, hrss: Unit, union: Unit
) -> None:
    """四(三): the board lists every member unit with the state of its three parts (code and
    Chinese), the return note, whether it is complete and when, and the working days it is late;
    with the cycle's year, dates and the clause its deadline comes from. On Tuesday 2027-01-19,
    two working days after the deadline, 人社局 (sent on time) is not late and 总工会 (nothing
    sent) is."""
    liaison, member = people["hrss"]
    send_all(liaison, member, cycle, TODAY)
    with time_machine.travel(aware(2027, 1, 19, 10), tick=False):
        response = client_of(clerk).get(f"{ANNUAL}/board")
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert body["cycle"] == {
        "year": 2027,
        "summary_year": 2026,
        "opens_on": "2026-12-01",
        "deadline": "2027-01-15",
        "rule_deadline": "2027-01-15",
        "deadline_source": "四(三)",
    }
    rows = {row["unit"]["name"]: row for row in body["rows"]}
    assert set(rows) == set(
        Unit.objects.filter(mechanism=cycle.mechanism, kind=Unit.Kind.MEMBER).values_list(
            "name", flat=True
        )
    )
    sent = rows[hrss.name]
    assert [(c["part"], c["status"], c["status_display"]) for c in sent["parts"]] == [
        ("summary", "sent", "已报送"),
        ("plan", "sent", "已报送"),
        ("topics", "sent", "已报送"),
    ]
    assert sent["parts"][0]["part_display"] == "上年度工作总结"
    assert sent["complete"] is True and sent["completed_at"] is not None
    assert sent["late_workdays"] == 0
    assert sent["url"].endswith(f"{ANNUAL}/submissions/{hrss.pk}")
    missing = rows[union.name]
    assert missing["complete"] is False and missing["completed_at"] is None
    assert [c["status_display"] for c in missing["parts"]] == ["未开始"] * 3
    assert missing["late_workdays"] == 2
    assert body["complete"] == 1 and body["late"] == len(rows) - 1
    assert body["counts"]["sent"] == 3


def test_the_topics_of_all_units_grouped_for_the_secretariat_四三(
    cycle: AnnualCycle, people: dict[str, tuple[Any, Any]], clerk: Any, hrss: Unit, union: Unit
) -> None:
    """四(三), 三(一)1: the sent proposals of every unit, alike ones in one group with the words
    they share; a unit's drafted proposals are not among them."""
    send_all(*people["hrss"], cycle, TODAY, topics=["尘肺病农民工工伤保险扩面"])
    send_all(*people["union"], cycle, TODAY, topics=["尘肺病农民工工伤保险帮扶救助"])
    send_all(*people["safety"], cycle, TODAY, topics=["危险化学品企业有限空间作业监管"])
    fill(people["finance"][0], cycle, topics=["财政未报送的议题"])
    response = client_of(clerk).get(f"{ANNUAL}/topics")
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert body["count"] == 3 and "财政未报送的议题" not in response.content.decode()
    first, second = body["groups"]
    assert [p["unit"]["name"] for p in first["proposals"]] == [hrss.name, union.name]
    assert [u["name"] for u in first["units"]] == [hrss.name, union.name]
    assert "尘肺病" in first["shared_words"] or "工伤保险" in first["shared_words"]
    proposal = first["proposals"][0]
    assert proposal["status"] == "proposed" and proposal["status_display"] == "待研究"
    assert proposal["agenda_item_id"] is None and proposal["decline_reason"] == ""
    assert [p["title"] for p in second["proposals"]] == ["危险化学品企业有限空间作业监管"]


def test_another_joint_meetings_clerk_sees_nothing_of_this_ones_cycle_四三(
    build: Callable[[str], AnnualCycle], second_clerk: Any, second_mechanism: Any, hrss: Unit
) -> None:
    """四(三): the second joint meeting has its own 2027 cycle: its clerk's board lists its own
    units only, and 人社局's submission of the first meeting is 404, read or reviewed."""
    build("sent")
    configure(second_mechanism)
    with time_machine.travel(aware(2026, 12, 1, 8), tick=False):
        cycle_open(mechanism=second_mechanism, year=2027, now=aware(2026, 12, 1, 8))
    client = client_of(second_clerk)
    board = client.get(f"{ANNUAL}/board")
    assert board.status_code == 200
    ids = {row["unit"]["id"] for row in board.json()["rows"]}
    assert ids and ids <= set(
        Unit.objects.filter(mechanism=second_mechanism).values_list("pk", flat=True)
    )
    assert client.get(f"{ANNUAL}/topics").json()["count"] == 0
    before = written()
    assert client.get(f"{ANNUAL}/submissions/{hrss.pk}").status_code == 404
    assert _review(client, hrss).status_code == 404
    assert written() == before


def test_a_year_without_a_cycle_is_404_四三(
    cycle: AnnualCycle, clerk: Any, people: dict[str, Any], hrss: Unit
) -> None:
    """四(三): a year not opened is missing for everyone; a year out of range is a 422."""
    for person in (clerk, people["hrss"][0]):
        client = client_of(person)
        assert client.get(f"/api/v1/annual/2031/submissions/{hrss.pk}").status_code == 404
        assert client.get("/api/v1/annual/2031/board").status_code in (403, 404)
    assert client_of(clerk).get("/api/v1/annual/2031/board").json() == {"detail": NOT_FOUND}
    assert client_of(clerk).get("/api/v1/annual/1999/board").status_code == 422


# --- the whole flow ------------------------------------------------------------------------------


def test_the_whole_flow_drafted_sent_returned_resent_and_confirmed_四三(
    cycle: AnnualCycle, people: dict[str, Any], clerk: Any, hrss: Unit, union: Unit
) -> None:
    """四(三): over the API: 人社局's liaison drafts the summary, the plan (a task led by 总工会)
    and its topics, and puts them before the member (待成员审核); the member sends them (已报送);
    the secretariat confirms the summary and returns the plan with a note, which the unit reads;
    the liaison revises the plan, the member sends it again (its first time kept) and the
    secretariat confirms it."""
    liaison, member = people["hrss"]
    drafter, boss, secretariat = client_of(liaison), client_of(member), client_of(clerk)
    url = f"{ANNUAL}/submissions/{hrss.pk}"
    summary = put(drafter, f"{url}/summary", {"text": SUMMARY})
    assert summary.status_code == 200, summary.content.decode()
    assert summary.json()["summary"]["status"] == "draft"
    tasks = [PLAN_TASKS[0], {**PLAN_TASKS[1], "lead_unit_id": union.pk}]
    plan = put(drafter, f"{url}/plan", {"tasks": tasks})
    assert plan.status_code == 200, plan.content.decode()
    assert [t["lead_unit"]["name"] for t in plan.json()["plan"]["tasks"]] == [hrss.name, union.name]
    assert plan.json()["plan"]["text"] == ""
    topics = put(drafter, f"{url}/topics", {"no_topics": True})
    assert topics.status_code == 200, topics.content.decode()
    assert topics.json()["topics"]["no_topics"] is True and topics.json()["topics"]["topics"] == []

    submitted = post(drafter, f"{url}/send")
    assert submitted.status_code == 200, submitted.content.decode()
    assert submitted.json()["parts"] == ["summary", "plan", "topics"]
    assert submitted.json()["status_display"] == "待成员审核"
    again = post(drafter, f"{url}/send")
    assert again.status_code == 400 and "等待成员审定" in again.json()["detail"]
    # The member may still touch up the text before sending; it stays before the member.
    touched = put(boss, f"{url}/summary", {"text": SUMMARY + "（成员审定）"})
    assert touched.json()["summary"]["status"] == "awaiting_member"
    sent = post(boss, f"{url}/send")
    assert sent.status_code == 200, sent.content.decode()
    body = sent.json()
    assert (body["status"], body["status_display"]) == ("sent", "已报送")
    assert body["submission"]["complete"] is True
    first_sent = body["submission"]["plan"]["sent_at"]
    locked = put(drafter, f"{url}/summary", {"text": "报送后再改"})
    assert locked.status_code == 400 and "不能再修改" in locked.json()["detail"]

    confirmed = post(secretariat, f"{url}/summary/review", {"action": "确认"})
    assert confirmed.status_code == 200, confirmed.content.decode()
    assert confirmed.json()["summary"]["status"] == "confirmed"
    note = "第 2 项任务请写明量化目标。"
    returned = post(secretariat, f"{url}/plan/review", {"action": "return", "note": note})
    assert returned.status_code == 200, returned.content.decode()
    mine = drafter.get(url).json()
    assert (mine["plan"]["status"], mine["plan"]["note"]) == ("returned", note)
    assert mine["plan"]["editable"] is True and mine["summary"]["editable"] is False
    twice = post(secretariat, f"{url}/plan/review", {"action": "confirm"})
    assert twice.status_code == 400 and "尚未报送或已审核" in twice.json()["detail"]

    revised = [PLAN_TASKS[0], {**PLAN_TASKS[1], "title": "帮扶 500 名职业病患者就业"}]
    assert put(drafter, f"{url}/plan", {"tasks": revised}).status_code == 200
    assert post(drafter, f"{url}/send").json()["parts"] == ["plan"]
    resent = post(boss, f"{url}/send").json()["submission"]
    assert resent["plan"]["status"] == "sent" and resent["plan"]["note"] == ""
    assert resent["plan"]["sent_at"] == first_sent
    done = post(secretariat, f"{url}/plan/review", {"action": "confirm"})
    assert done.json()["plan"]["status"] == "confirmed"
    assert done.json()["plan"]["tasks"][1]["title"] == "帮扶 500 名职业病患者就业"
    assert submission_of(cycle, hrss).plan_status == PartStatus.CONFIRMED


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "body", "message", "field"),
    [
        pytest.param(
            "plan",
            {"tasks": [{"title": "推进工伤保险扩面"}]},
            "请填写第 1 项重点任务的预计完成时间。",
            "tasks",
            id="a task without expected_on",
        ),
        pytest.param(
            "plan",
            {"tasks": [PLAN_TASKS[0], {"title": "明年的事", "expected_on": "2028-03-01"}]},
            "第 2 项重点任务的预计完成时间应在 2027 年内。",
            "tasks",
            id="a task outside the year",
        ),
        pytest.param(
            "plan", {"text": "只有概述"}, "请至少填写一项重点任务。", "tasks", id="no task"
        ),
        pytest.param("summary", {"text": "  "}, "请填写工作总结。", None, id="an empty summary"),
        pytest.param(
            "summary",
            {"text": SUMMARY, "tasks": PLAN_TASKS},
            "上年度工作总结不含 tasks，请只填写：text。",
            "tasks",
            id="a field of another part",
        ),
        pytest.param(
            "topics",
            {"topics": TOPICS, "no_topics": True},
            "已选择“本年度无议题建议”，请不要再填写议题。",
            "topics",
            id="topics and no topics",
        ),
        pytest.param(
            "topics",
            {},
            "请至少填写一项议题建议，或选择“本年度无议题建议”。",
            "topics",
            id="neither topics nor none",
        ),
    ],
)
def test_a_part_the_rules_refuse_is_a_400_in_chinese_and_writes_nothing_四三(
    cycle: AnnualCycle,
    people: dict[str, Any],
    hrss: Unit,
    part: str,
    body: dict[str, Any],
    message: str,
    field: str | None,
) -> None:
    """四(三): each task has its expected date within the plan's year, a plan at least one task,
    the topics some or "none"; a body for one part does not carry another's fields. Refused with
    the pages' Chinese message (and the field), nothing written, the part left as it was."""
    fill(people["hrss"][0], cycle, topics=["原有议题"])
    before = written()
    response = put(client_of(people["hrss"][0]), f"{ANNUAL}/submissions/{hrss.pk}/{part}", body)
    assert response.status_code == 400, response.content.decode()
    expected = {"detail": message, **({"field": field} if field else {})}
    assert response.json() == expected
    assert written() == before


def test_a_part_name_that_is_not_one_of_the_three_is_a_422_naming_them_四三(
    cycle: AnnualCycle, people: dict[str, Any], clerk: Any, hrss: Unit
) -> None:
    """四(三): the parts are summary, plan and topics; "foo" is refused before anything is read,
    in Chinese, for the unit (writing) and the secretariat (reviewing)."""
    before = written()
    url = f"{ANNUAL}/submissions/{hrss.pk}/foo"
    for response in (
        put(client_of(people["hrss"][0]), url, {"text": SUMMARY}),
        post(client_of(clerk), f"{url}/review", {"action": "confirm"}),
    ):
        assert response.status_code == 422, response.content.decode()
        [error] = response.json()["errors"]
        assert error["loc"][-1] == "part"
        assert error["msg"] == (
            "应为summary（上年度工作总结）、plan（本年度重点工作计划）、topics（议题建议）之一。"
        )
    assert written() == before


def test_a_return_without_a_note_or_an_unknown_action_is_refused_四三(
    build: Callable[[str], AnnualCycle], clerk: Any, hrss: Unit
) -> None:
    """四(三): the secretariat returns a part with its note (what to change); without one it is
    refused in Chinese, as is an action other than 确认 / 退回; nothing is written."""
    build("sent")
    client = client_of(clerk)
    url = f"{ANNUAL}/submissions/{hrss.pk}/summary/review"
    before = written()
    bare = post(client, url, {"action": "退回", "note": "  "})
    assert bare.status_code == 400 and bare.json()["detail"] == "请填写退回意见。"
    unknown = post(client, url, {"action": "approve"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["msg"] == "应为确认、退回之一。"
    control = post(client, url, {"action": "return", "note": "甲\x00乙"})
    assert control.status_code == 422 and control.json()["errors"][0]["loc"][-1] == "note"
    assert written() == before


def test_a_lead_unit_of_another_joint_meeting_is_refused_四三(
    cycle: AnnualCycle, people: dict[str, Any], hrss: Unit, second_mechanism: Any
) -> None:
    """四(三): a task's lead unit is a member unit of this joint meeting; another meeting's unit
    of the same name is refused (400), nothing written."""
    other = Unit.objects.get(mechanism=second_mechanism, name="市总工会")
    before = written()
    response = put(
        client_of(people["hrss"][0]),
        f"{ANNUAL}/submissions/{hrss.pk}/plan",
        {"tasks": [{**PLAN_TASKS[0], "lead_unit_id": other.pk}]},
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "第 1 项重点任务的牵头单位不是本联席会议的成员单位。"
    assert written() == before


def test_sending_nothing_drafted_is_refused_四三(
    cycle: AnnualCycle, people: dict[str, Any], hrss: Unit
) -> None:
    """四(三): with nothing drafted there is nothing to send (400, in Chinese)."""
    before = written()
    response = post(client_of(people["hrss"][1]), f"{ANNUAL}/submissions/{hrss.pk}/send")
    assert response.status_code == 400
    assert response.json()["detail"] == "没有待报送的材料：请先起草（或修改退回的）内容。"
    assert written() == before


def test_reading_the_submission_needs_no_write_token_but_writing_does_四三(
    cycle: AnnualCycle, people: dict[str, Any], hrss: Unit, login: Callable[[Any], Client]
) -> None:
    """The API's rule: a logged-in browser reads without a token; every write needs one (401)."""
    browser = login(people["hrss"][0])
    url = f"{ANNUAL}/submissions/{hrss.pk}"
    assert browser.get(url).status_code == 200
    assert put(browser, f"{url}/summary", {"text": SUMMARY}).status_code == 401
    _, token = api_token_create(user=people["hrss"][0], name="只读", access="read")
    read_only = put(bearer(token), f"{url}/summary", {"text": SUMMARY})
    assert read_only.status_code == 403 and "只读" in read_only.json()["detail"]
    assert submission_of(cycle, hrss).summary == ""


def test_the_task_dates_are_dates_四三(
    cycle: AnnualCycle, people: dict[str, Any], hrss: Unit
) -> None:
    """A date that is not one (or far outside the platform's range) is a 422 naming the field."""
    client = client_of(people["hrss"][0])
    url = f"{ANNUAL}/submissions/{hrss.pk}/plan"
    for value in ("下个月", "9999-12-31"):
        response = put(client, url, {"tasks": [{"title": "任务", "expected_on": value}]})
        assert response.status_code == 422, value
        assert response.json()["errors"][0]["loc"][-1] == "expected_on"
    assert PlanTask.objects.count() == 0
    assert date(2027, 6, 30).year == cycle.year
