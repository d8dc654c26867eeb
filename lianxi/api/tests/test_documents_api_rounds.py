"""Comment rounds, co-signing and issuing through the API (三(二), 四(五), 四(六)), with the pages'
access (lianxi.documents.access): the drafting unit consults and decides, a consulted unit
answers (its liaison drafts, its member sends), the co-issuers' members sign or return, the
secretariat issues. Another unit or joint meeting: 404; no token: 401; a token without the
``documents`` scope: 403.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from lianxi.api.services import api_token_create
from lianxi.api.tests.conftest import bearer
from lianxi.core.models import AuditEvent
from lianxi.documents import services
from lianxi.documents.models import (
    Comment,
    Consultation,
    CoSignature,
    DocumentVersion,
    IssuedNumber,
    OfficialDocument,
    UnitReply,
)
from lianxi.documents.tests.conftest import PLAN_BODY, member_of
from lianxi.organization.models import Unit

pytestmark = pytest.mark.django_db

Api = Callable[[Any], Client]
DOCUMENTS = "/api/v1/documents"
NOT_FOUND = "公文不存在或您无权查看。"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def written() -> tuple[int, ...]:
    """Every row these endpoints write, and audit events other than the tokens' own."""
    return (
        Consultation.objects.count(),
        UnitReply.objects.exclude(status=UnitReply.Status.PENDING).count(),
        Comment.objects.count(),
        Comment.objects.exclude(decision="").count(),
        CoSignature.objects.count(),
        CoSignature.objects.exclude(status=CoSignature.Status.PENDING).count(),
        IssuedNumber.objects.count(),
        DocumentVersion.objects.count(),
        AuditEvent.objects.exclude(action__startswith="api").count(),
    )


@pytest.fixture
def safety(unit_named: Callable[[str], Unit]) -> Unit:
    return unit_named("市应急管理局")


@pytest.fixture
def finance(unit_named: Callable[[str], Unit]) -> Unit:
    return unit_named("市财政局")


@pytest.fixture
def safety_member(safety: Unit) -> Any:
    return member_of(safety, "safetyboss", "郑局长")


@pytest.fixture
def plan(clerk: Any, hrss: Unit, union: Unit, safety: Unit) -> OfficialDocument:
    """A joint 方案 of the secretariat (市卫生健康委) with 人社局 and 总工会, to 应急管理局."""
    return services.document_create(
        actor=clerk.membership,
        kind="方案",
        title="关于开展职业病危害专项治理的工作方案",
        paragraphs=PLAN_BODY,
        parties=services.Parties(
            co_issuing_unit_ids=[hrss.pk, union.pk], main_to_unit_ids=[safety.pk]
        ),
    )


@pytest.fixture
def register(clerk: Any, health: Unit) -> Any:
    return services.register_create(actor=clerk.membership, unit=health, prefix="信卫职健")


@pytest.fixture
def consulted(
    api_as: Api,
    clerk: Any,
    plan: OfficialDocument,
    safety: Unit,
    finance: Unit,
    safety_liaison: Any,
    finance_liaison: Any,
) -> dict[str, Any]:
    """Round 1 on version 1, to 应急管理局 and 财政局 (each with its liaison), through the API."""
    response = post(
        api_as(clerk),
        f"{DOCUMENTS}/{plan.pk}/consultations",
        {"unit_ids": [safety.pk, finance.pk], "deadline_workdays": 5, "note": "请提出修改意见。"},
    )
    assert response.status_code == 201, response.content.decode()
    return dict(response.json())


def reply_of(body: dict[str, Any], unit: str, round_index: int = 0) -> dict[str, Any]:
    """One unit's reply in a document's detail."""
    replies = body["consultations"][round_index]["replies"]
    return dict(next(r for r in replies if r["unit"]["name"] == unit))


def opinion(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "stance": "有修改意见",
        "comments": [
            {
                "paragraph": 3,
                "text": "目标偏高，建议调整。",
                "proposed": "到2025年底，重点行业用人单位职业病危害项目申报率达到90%以上。",
            }
        ],
    }
    body.update(changes)
    return body


# --- comment rounds (三(二)) ----------------------------------------------------------------------


def test_the_drafter_consults_chosen_units_三_二(
    consulted: dict[str, Any], plan: OfficialDocument, clerk: Any, api_as: Api
) -> None:
    """三(二): the current version goes to the chosen units with a deadline in working days;
    each owes a reply; silence is consent unless said otherwise."""
    assert consulted["round"] == 1 and consulted["version"] == 1
    assert consulted["deadline_workdays"] == 5 and consulted["silence_is_consent"] is True
    assert sorted((r["unit"]["name"], r["status"]) for r in consulted["replies"]) == [
        ("市应急管理局", "pending"),
        ("市财政局", "pending"),
    ]
    detail = api_as(clerk).get(f"{DOCUMENTS}/{plan.pk}").json()
    assert [c["id"] for c in detail["consultations"]] == [consulted["id"]]


def test_who_may_consult(
    api_as: Api,
    plan: OfficialDocument,
    union_liaison: Any,
    safety_liaison: Any,
    second_clerk: Any,
    client: Client,
    safety: Unit,
) -> None:
    """三(二): the drafting unit consults; a co-issuer sees the draft but may not (403); another
    unit or joint meeting: 404; no token: 401. Nothing written."""
    url = f"{DOCUMENTS}/{plan.pk}/consultations"
    body = {"unit_ids": [safety.pk], "deadline_workdays": 5}
    clients = [api_as(p) for p in (union_liaison, safety_liaison, second_clerk)]
    before = written()
    assert [post(c, url, body).status_code for c in [*clients, client]] == [403, 404, 404, 401]
    assert written() == before


def test_a_bad_round_is_refused(
    api_as: Api, clerk: Any, plan: OfficialDocument, health: Unit, safety: Unit
) -> None:
    client = api_as(clerk)
    url = f"{DOCUMENTS}/{plan.pk}/consultations"
    before = written()
    empty = post(client, url, {"unit_ids": [], "deadline_workdays": 5})
    assert empty.status_code == 422 and [e["loc"][-1] for e in empty.json()["errors"]] == [
        "unit_ids"
    ]
    itself = post(client, url, {"unit_ids": [health.pk], "deadline_workdays": 5})
    assert itself.status_code == 400 and itself.json()["detail"] == "起草单位不必征求自己的意见。"
    long = post(client, url, {"unit_ids": [safety.pk], "deadline_workdays": 61})
    assert long.status_code == 400 and long.json()["field"] == "deadline_workdays"
    assert written() == before


def test_a_consulted_unit_sees_only_the_version_sent_to_it_三_二(
    consulted: dict[str, Any],
    plan: OfficialDocument,
    clerk: Any,
    safety_liaison: Any,
    gov_reader: Any,
    api_as: Api,
) -> None:
    """三(二): the drafter goes on editing; the consulted unit reads the version it was sent (and
    its own reply only), not the later ones; the government office does not see the draft."""
    client = api_as(clerk)
    saved = client.patch(
        f"{DOCUMENTS}/{plan.pk}",
        json.dumps({"based_on": 1, "title": "第二稿的标题"}),
        content_type="application/json",
    )
    assert saved.status_code == 200
    consulted_view = api_as(safety_liaison).get(f"{DOCUMENTS}/{plan.pk}")
    assert consulted_view.status_code == 200
    body = consulted_view.json()
    assert body["version"] == 1 and body["title"] == "关于开展职业病危害专项治理的工作方案"
    assert [v["number"] for v in body["versions"]] == [1]
    assert body["cosignatures"] == []
    assert [[r["unit"]["name"] for r in c["replies"]] for c in body["consultations"]] == [
        ["市应急管理局"]
    ]
    assert api_as(safety_liaison).get(f"{DOCUMENTS}/{plan.pk}/versions/2").status_code == 404
    assert api_as(safety_liaison).get(f"{DOCUMENTS}/{plan.pk}/versions/1").status_code == 200
    assert api_as(gov_reader).get(f"{DOCUMENTS}/{plan.pk}").status_code == 404
    listed = api_as(safety_liaison).get(DOCUMENTS).json()["items"]
    assert [d["id"] for d in listed] == [plan.pk]


def test_a_liaison_drafts_and_the_member_sends_the_units_answer_三_二(
    consulted: dict[str, Any],
    plan: OfficialDocument,
    clerk: Any,
    safety_liaison: Any,
    safety_member: Any,
    api_as: Api,
) -> None:
    """三(二): the consulted unit's liaison drafts its answer, a comment on paragraph 3 with the
    wording proposed; the drafting side does not read it until the unit's member sends it; a
    liaison cannot send it (403, nothing written)."""
    url = f"/api/v1/consultations/{consulted['id']}/opinions"
    drafted = post(api_as(safety_liaison), url, opinion())
    assert drafted.status_code == 200, drafted.content.decode()
    reply = drafted.json()
    assert reply["status"] == "drafted" and reply["stance"] == "comments"
    [comment] = reply["comments"]
    assert comment["paragraph"] == 3 and comment["quoted"] == PLAN_BODY[2]
    seen = reply_of(api_as(clerk).get(f"{DOCUMENTS}/{plan.pk}").json(), "市应急管理局")
    assert seen["status"] == "drafted" and seen["stance"] == "" and seen["comments"] == []

    before = written()
    refused = post(api_as(safety_liaison), url, opinion(submit=True))
    assert refused.status_code == 403 and "三(二)" in refused.json()["detail"]
    assert written() == before

    sent = post(api_as(safety_member), url, opinion(submit=True))
    assert sent.status_code == 200 and sent.json()["status"] == "submitted"
    seen = reply_of(api_as(clerk).get(f"{DOCUMENTS}/{plan.pk}").json(), "市应急管理局")
    assert seen["stance"] == "comments" and len(seen["comments"]) == 1


def test_who_may_answer_a_round(
    consulted: dict[str, Any],
    api_as: Api,
    union_liaison: Any,
    second_clerk: Any,
    gov_reader: Any,
    client: Client,
) -> None:
    """三(二): only a consulted unit answers: the co-issuer (who sees the round) 403, another
    unit or joint meeting 404, no token 401."""
    url = f"/api/v1/consultations/{consulted['id']}/opinions"
    clients = [api_as(p) for p in (union_liaison, gov_reader, second_clerk)]
    before = written()
    assert [post(c, url, opinion()).status_code for c in [*clients, client]] == [
        403,
        404,
        404,
        401,
    ]
    assert written() == before


def test_a_bad_answer_is_refused_naming_the_field(
    consulted: dict[str, Any], api_as: Api, safety_liaison: Any
) -> None:
    url = f"/api/v1/consultations/{consulted['id']}/opinions"
    client = api_as(safety_liaison)
    before = written()
    unknown = post(client, url, opinion(stance="随便"))
    assert unknown.status_code == 422
    assert [(e["loc"][-1], e["msg"]) for e in unknown.json()["errors"]] == [
        ("stance", "应为无意见、有修改意见、不同意之一。")
    ]
    beyond = post(client, url, opinion(comments=[{"paragraph": 99, "text": "意见"}]))
    assert beyond.status_code == 400 and "共 9 段" in beyond.json()["detail"]
    disagree = post(client, url, {"stance": "disagree"})
    assert disagree.status_code == 400 and disagree.json()["field"] == "reasons"
    assert written() == before


def _submitted(consulted: dict[str, Any], api_as: Api, safety_member: Any) -> int:
    """应急管理局's member sends one comment on paragraph 3; the comment's id."""
    url = f"/api/v1/consultations/{consulted['id']}/opinions"
    sent = post(api_as(safety_member), url, opinion(submit=True))
    assert sent.status_code == 200
    return int(sent.json()["comments"][0]["id"])


def test_the_drafter_decides_each_comment_三_二(
    consulted: dict[str, Any],
    plan: OfficialDocument,
    api_as: Api,
    clerk: Any,
    safety_member: Any,
    safety_liaison: Any,
    union_liaison: Any,
    gov_reader: Any,
    finance_liaison: Any,
    client: Client,
) -> None:
    """三(二): the drafting unit answers every comment: 采纳, or 部分采纳 / 不采纳 with a reason.
    The consulted unit and a co-issuer may not (403); others 404; no token 401."""
    comment_id = _submitted(consulted, api_as, safety_member)
    url = f"/api/v1/opinions/{comment_id}/decision"
    before = written()
    no_reason = post(api_as(clerk), url, {"decision": "部分采纳"})
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    clients = [api_as(p) for p in (safety_liaison, union_liaison, gov_reader)]
    assert [post(c, url, {"decision": "采纳"}).status_code for c in [*clients, client]] == [
        403,
        403,
        404,
        401,
    ]
    assert written() == before
    decided = post(api_as(clerk), url, {"decision": "部分采纳", "reason": "调整为92%。"})
    assert decided.status_code == 200, decided.content.decode()
    assert decided.json()["decision"] == "partly"
    assert decided.json()["decision_display"] == "部分采纳"
    assert post(api_as(clerk), url, {"decision": "adopted"}).json()["decision"] == "adopted"
    # The consulted unit reads the answer to its comment.
    mine = api_as(safety_liaison).get(f"{DOCUMENTS}/{plan.pk}").json()
    assert reply_of(mine, "市应急管理局")["comments"][0]["decision"] == "adopted"


def test_the_adoption_table_三_二(
    consulted: dict[str, Any],
    plan: OfficialDocument,
    api_as: Api,
    clerk: Any,
    safety_member: Any,
    finance_liaison: Any,
    safety_liaison: Any,
    gov_reader: Any,
    client: Client,
) -> None:
    """三(二): 意见采纳情况表 as .xlsx: the drafter's has every unit's rows, a consulted unit's its
    own; others 404; no token 401. The download is audited."""
    _submitted(consulted, api_as, safety_member)
    url = f"{DOCUMENTS}/{plan.pk}/adoption.xlsx"
    response = api_as(clerk).get(url)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert "市应急管理局" in cells and "目标偏高，建议调整。" in cells
    assert AuditEvent.objects.filter(action="download.file", target_id=str(plan.pk)).exists()
    assert api_as(finance_liaison).get(url).status_code == 200
    assert api_as(gov_reader).get(url).status_code == 404
    assert client.get(url).status_code == 401


# --- co-signing (四(五)) --------------------------------------------------------------------------


def test_the_co_issuers_sign_or_return_四_五(
    api_as: Api,
    plan: OfficialDocument,
    clerk: Any,
    hrss_member: Any,
    union_member: Any,
    union_liaison: Any,
    safety_liaison: Any,
    client: Client,
) -> None:
    """四(五): the drafter sends the current version for 会签; a co-issuing unit's member signs
    or returns it with reasons (the document goes back to draft); its liaison may not (403);
    another unit 404; no token 401."""
    requested = post(api_as(clerk), f"{DOCUMENTS}/{plan.pk}/cosign-request")
    assert requested.status_code == 200, requested.content.decode()
    assert requested.json()["status"] == "cosigning"
    assert [(s["unit"]["name"], s["status"]) for s in requested.json()["cosignatures"]] == [
        ("市人力资源和社会保障局", "pending"),
        ("市总工会", "pending"),
    ]
    url = f"{DOCUMENTS}/{plan.pk}/cosign"
    before = written()
    clients = [api_as(p) for p in (union_liaison, safety_liaison)]
    assert [post(c, url, {"action": "sign"}).status_code for c in [*clients, client]] == [
        403,
        404,
        401,
    ]
    drafter = post(api_as(clerk), url, {"action": "sign"})
    assert drafter.status_code == 403
    assert written() == before
    signed = post(api_as(hrss_member), url, {"action": "sign"})
    assert signed.status_code == 200, signed.content.decode()
    assert signed.json()["status"] == "signed" and signed.json()["signer_name"] == "钱局长"
    assert post(api_as(hrss_member), url, {"action": "sign"}).status_code == 400
    no_reason = post(api_as(union_member), url, {"action": "return"})
    assert no_reason.status_code == 400
    returned = post(api_as(union_member), url, {"action": "return", "reason": "第三段需修改。"})
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    plan.refresh_from_db()
    assert plan.status == OfficialDocument.Status.DRAFT


def test_an_edit_voids_the_signatures_四_五(
    api_as: Api, plan: OfficialDocument, clerk: Any, hrss_member: Any
) -> None:
    """四(五): a signature binds the text it saw; a save of a new version voids it."""
    post(api_as(clerk), f"{DOCUMENTS}/{plan.pk}/cosign-request")
    assert (
        post(api_as(hrss_member), f"{DOCUMENTS}/{plan.pk}/cosign", {"action": "sign"}).status_code
        == 200
    )
    saved = api_as(clerk).patch(
        f"{DOCUMENTS}/{plan.pk}",
        json.dumps({"based_on": 1, "body": "改过的正文。"}),
        content_type="application/json",
    )
    assert saved.status_code == 200
    body = saved.json()
    assert body["status"] == "draft"
    assert {s["status"] for s in body["cosignatures"]} == {"void"}


def test_a_document_without_co_issuer_needs_no_cosigning_四_六(api_as: Api, clerk: Any) -> None:
    created = post(
        api_as(clerk),
        DOCUMENTS,
        {"kind": "通知", "title": "通知", "body": "正文。", "co_issuing_unit_ids": []},
    )
    response = post(api_as(clerk), f"{DOCUMENTS}/{created.json()['id']}/cosign-request")
    assert response.status_code == 400 and "四(六)" in response.json()["detail"]


# --- issuing (四(六)) -----------------------------------------------------------------------------


def test_the_secretariat_issues_a_document_at_once_四_六(
    api_as: Api,
    clerk: Any,
    register: Any,
    safety: Unit,
    safety_liaison: Any,
    health_liaison: Any,
    other_liaison: Any,
    second_clerk: Any,
    client: Client,
) -> None:
    """四(六): a document with no co-issuer and no open round is issued at once by the
    secretariat, numbered from the lead organ's register; the drafting unit's liaison may not
    (403), another unit 404, no token 401; the receiving unit then reads it."""
    created = post(
        api_as(clerk),
        DOCUMENTS,
        {
            "kind": "通知",
            "title": "关于报送进展的通知",
            "body": "请报送。",
            "co_issuing_unit_ids": [],
            "main_to_unit_ids": [safety.pk],
        },
    ).json()
    url = f"{DOCUMENTS}/{created['id']}/issue"
    assert api_as(safety_liaison).get(f"{DOCUMENTS}/{created['id']}").status_code == 404
    before = written()
    clients = [api_as(p) for p in (health_liaison, other_liaison, second_clerk)]
    assert [post(c, url).status_code for c in [*clients, client]] == [403, 404, 404, 401]
    assert written() == before
    issued = post(api_as(clerk), url)
    assert issued.status_code == 200, issued.content.decode()
    year = timezone.localdate().year
    assert issued.json()["document_number"] == f"信卫职健〔{year}〕1号"
    assert issued.json()["status"] == "issued"
    received = api_as(safety_liaison).get(f"{DOCUMENTS}/{created['id']}")
    assert received.status_code == 200 and received.json()["document_number"].endswith("1号")
    assert post(api_as(clerk), url).status_code == 400  # issued once


def test_a_joint_document_is_issued_after_every_co_issuer_signs_四_五_四_六(
    api_as: Api,
    plan: OfficialDocument,
    clerk: Any,
    register: Any,
    hrss_member: Any,
    union_member: Any,
) -> None:
    """四(五): a joint document waits for every co-issuer's signature; 四(六): then issued."""
    url = f"{DOCUMENTS}/{plan.pk}/issue"
    before = written()
    early = post(api_as(clerk), url)
    assert early.status_code == 400 and "尚未会签" in early.json()["detail"]
    assert written() == before
    post(api_as(clerk), f"{DOCUMENTS}/{plan.pk}/cosign-request")
    for member in (hrss_member, union_member):
        assert (
            post(api_as(member), f"{DOCUMENTS}/{plan.pk}/cosign", {"action": "sign"}).status_code
            == 200
        )
    issued = post(api_as(clerk), url, {"register_id": register.pk})
    assert issued.status_code == 200, issued.content.decode()
    assert issued.json()["document_number"].startswith("信卫职健〔")
    bad = post(api_as(clerk), url, {"register_id": 10**9})
    assert bad.status_code == 400 and bad.json()["field"] == "register_id"


def test_the_new_endpoints_refuse_a_token_without_the_documents_scope(
    clerk: Any, plan: OfficialDocument, consulted: dict[str, Any]
) -> None:
    """8.1.4.2 访问控制: each of them is in the documents scope."""
    _, token = api_token_create(user=clerk, name="测试", scopes=["meetings", "minutes"])
    client = bearer(token)
    before = written()
    for url in (
        f"{DOCUMENTS}/{plan.pk}/consultations",
        f"/api/v1/consultations/{consulted['id']}/opinions",
        "/api/v1/opinions/1/decision",
        f"{DOCUMENTS}/{plan.pk}/cosign-request",
        f"{DOCUMENTS}/{plan.pk}/cosign",
        f"{DOCUMENTS}/{plan.pk}/issue",
    ):
        response = post(client, url, {})
        assert response.status_code == 403, url
        assert "“documents”" in response.json()["detail"]
    assert client.get(f"{DOCUMENTS}/{plan.pk}/adoption.xlsx").status_code == 403
    assert written() == before
