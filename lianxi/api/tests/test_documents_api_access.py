"""Who may do what with one document through the API, operation by operation (三(二), 四(五),
四(六)), with the pages' access (lianxi.documents.access).

The cast: 人社局 drafts a joint 方案 with 总工会 (the co-issuing unit); 财政局 is consulted on
version 1 (not a co-issuer, not a recipient) while 人社局 goes on to version 2; 应急管理局 is
another unit of the same joint meeting; the secretariat (市卫生健康委) issues. Each operation is
asked by each of them and without a token: a document the caller may not see is 404, an action
on one it sees but may not take 403, no token 401; a refusal writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import pytest
from django.test import Client

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
from lianxi.documents.tests.conftest import PLAN_BODY
from lianxi.organization.models import Unit

pytestmark = pytest.mark.django_db

DOCUMENTS = "/api/v1/documents"
NOT_FOUND = "公文不存在或您无权查看。"
FIRST_TITLE = "关于开展职业病危害专项治理的工作方案"
SECOND_TITLE = "关于开展职业病危害专项治理的实施方案（内部第二稿）"
SECOND_PARAGRAPH = "第二稿新增：各成员单位内部分工另行商定。"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# How far the document has gone when the operation is asked; each stage includes the earlier.
STAGES = ("sent", "answered", "decided", "cosigning", "signed")


@dataclass
class World:
    document: OfficialDocument
    consultation: Consultation
    comment: Comment | None


@pytest.fixture
def callers(
    other_liaison: Any,
    finance_liaison: Any,
    finance_member: Any,
    union_liaison: Any,
    union_member: Any,
    safety_liaison: Any,
    clerk: Any,
) -> dict[str, Any]:
    """The people who ask, by their part in the document; "anonymous" sends no token."""
    return {
        "drafter": other_liaison,  # 人社局, the drafting unit
        "consulted": finance_liaison,  # 财政局, consulted on version 1
        "consulted_member": finance_member,
        "co_issuer": union_liaison,  # 总工会
        "co_issuer_member": union_member,
        "other_unit": safety_liaison,  # 应急管理局: nothing to do with it
        "secretariat": clerk,
        "anonymous": None,
    }


@pytest.fixture
def build(
    clerk: Any,
    other_liaison: Any,
    finance_member: Any,
    union_member: Any,
    hrss: Unit,
    union: Unit,
    finance: Unit,
) -> Callable[[str], World]:
    """The document brought to a stage (STAGES) through the services."""

    def make(stage: str) -> World:
        reached = STAGES.index(stage)
        drafter = other_liaison.membership
        services.register_create(actor=clerk.membership, unit=hrss, prefix="信人社职")
        document = services.document_create(
            actor=drafter,
            kind="方案",
            title=FIRST_TITLE,
            paragraphs=PLAN_BODY,
            parties=services.Parties(
                co_issuing_unit_ids=[union.pk], main_to_names=["各县区人民政府"]
            ),
        )
        consultation = services.consultation_send(
            actor=drafter, document=document, unit_ids=[finance.pk], deadline_workdays=5
        )
        comment = None
        if reached >= STAGES.index("answered"):
            reply = consultation.replies.get(unit=finance)
            services.reply_draft(
                actor=finance_member.membership,
                reply=reply,
                stance=UnitReply.Stance.COMMENTS,
                comments=[{"paragraph": 2, "text": "目标偏高，建议调整。", "proposed": ""}],
                submit=True,
            )
            comment = Comment.objects.get(reply=reply)
            services.document_save(
                actor=drafter,
                document=document,
                based_on=1,
                title=SECOND_TITLE,
                paragraphs=[*PLAN_BODY, SECOND_PARAGRAPH],
            )
        if reached >= STAGES.index("decided"):
            assert comment is not None
            services.comment_decide(
                actor=drafter, comment=comment, decision=Comment.Decision.ADOPTED
            )
            consultation.refresh_from_db()
            # The round ends by itself once every unit consulted has answered.
            assert consultation.status != Consultation.Status.OPEN
        if reached >= STAGES.index("cosigning"):
            services.cosign_request(actor=drafter, document=document)
        if reached >= STAGES.index("signed"):
            signature = CoSignature.objects.get(
                document=document, unit=union, status=CoSignature.Status.PENDING
            )
            services.cosign_sign(actor=union_member.membership, signature=signature)
        document.refresh_from_db()
        return World(document=document, consultation=consultation, comment=comment)

    return make


def client_of(person: Any) -> Client:
    """A client with a fresh token of `person`; without a token for None."""
    if person is None:
        return Client()
    _, token = api_token_create(user=person, name="测试")
    return bearer(token)


def written() -> tuple[Any, ...]:
    """Every row the documents endpoints write, and the audit events other than the tokens'."""
    return (
        tuple(OfficialDocument.objects.order_by("pk").values_list("status", "version", "title")),
        DocumentVersion.objects.count(),
        Consultation.objects.count(),
        tuple(UnitReply.objects.order_by("pk").values_list("status", "stance", "reasons")),
        tuple(Comment.objects.order_by("pk").values_list("text", "decision", "decision_reason")),
        tuple(CoSignature.objects.order_by("pk").values_list("status", "reason")),
        IssuedNumber.objects.count(),
        AuditEvent.objects.exclude(action__startswith="api").count(),
    )


def post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, json.dumps(data or {}), content_type="application/json")


# --- the operations, each as (stage, request) -------------------------------------------------


def _list(c: Client, w: World) -> Any:
    return c.get(DOCUMENTS)


def _detail(c: Client, w: World) -> Any:
    return c.get(f"{DOCUMENTS}/{w.document.pk}")


def _version_1(c: Client, w: World) -> Any:
    return c.get(f"{DOCUMENTS}/{w.document.pk}/versions/1")


def _version_2(c: Client, w: World) -> Any:
    return c.get(f"{DOCUMENTS}/{w.document.pk}/versions/2")


def _create(c: Client, w: World) -> Any:
    body = {"kind": "通知", "title": "关于报送进展的通知", "body": "请报送。"}
    return post(c, DOCUMENTS, {**body, "co_issuing_unit_ids": []})


def _update(c: Client, w: World) -> Any:
    return c.patch(
        f"{DOCUMENTS}/{w.document.pk}",
        json.dumps({"based_on": 2, "title": "改过的标题"}),
        content_type="application/json",
    )


def _consult(c: Client, w: World) -> Any:
    safety = Unit.objects.get(mechanism=w.document.mechanism, name="市应急管理局")
    return post(
        c,
        f"{DOCUMENTS}/{w.document.pk}/consultations",
        {"unit_ids": [safety.pk], "deadline_workdays": 5},
    )


def _opinion(c: Client, w: World) -> Any:
    return post(
        c,
        f"/api/v1/consultations/{w.consultation.pk}/opinions",
        {"stance": "无意见"},
    )


def _decide(c: Client, w: World) -> Any:
    assert w.comment is not None
    return post(c, f"/api/v1/opinions/{w.comment.pk}/decision", {"decision": "采纳"})


def _cosign_request(c: Client, w: World) -> Any:
    return post(c, f"{DOCUMENTS}/{w.document.pk}/cosign-request")


def _cosign(c: Client, w: World) -> Any:
    return post(c, f"{DOCUMENTS}/{w.document.pk}/cosign", {"action": "sign"})


def _cosign_return(c: Client, w: World) -> Any:
    return post(
        c, f"{DOCUMENTS}/{w.document.pk}/cosign", {"action": "return", "reason": "不同意。"}
    )


def _issue(c: Client, w: World) -> Any:
    return post(c, f"{DOCUMENTS}/{w.document.pk}/issue")


def _docx(c: Client, w: World) -> Any:
    return c.get(f"{DOCUMENTS}/{w.document.pk}/document.docx")


def _pdf(c: Client, w: World) -> Any:
    return c.get(f"{DOCUMENTS}/{w.document.pk}/document.pdf")


def _adoption(c: Client, w: World) -> Any:
    return c.get(f"{DOCUMENTS}/{w.document.pk}/adoption.xlsx")


Operation = Callable[[Client, World], Any]
OPERATIONS: dict[str, tuple[str, Operation]] = {
    "GET /documents/{id}": ("answered", _detail),
    "GET /documents/{id}/versions/1": ("answered", _version_1),
    "GET /documents/{id}/versions/2": ("answered", _version_2),
    "PATCH /documents/{id}": ("answered", _update),
    "POST /documents/{id}/consultations": ("decided", _consult),
    "POST /consultations/{id}/opinions": ("sent", _opinion),
    "POST /opinions/{id}/decision": ("answered", _decide),
    "GET /documents/{id}/adoption.xlsx": ("answered", _adoption),
    "GET /documents/{id}/document.docx": ("answered", _docx),
    "GET /documents/{id}/document.pdf": ("answered", _pdf),
    "POST /documents/{id}/cosign-request": ("decided", _cosign_request),
    "POST /documents/{id}/cosign sign": ("cosigning", _cosign),
    "POST /documents/{id}/cosign return": ("cosigning", _cosign_return),
    "POST /documents/{id}/issue": ("signed", _issue),
}

# operation -> caller -> status. 200/201 are the allowed; every other is a refusal.
EXPECTED: dict[str, dict[str, int]] = {
    # 三(二): the drafting side reads; a consulted unit reads the version sent to it; no other.
    "GET /documents/{id}": {
        "drafter": 200,
        "consulted": 200,
        "co_issuer": 200,
        "other_unit": 404,
        "anonymous": 401,
    },
    "GET /documents/{id}/versions/1": {
        "drafter": 200,
        "consulted": 200,
        "co_issuer": 200,
        "other_unit": 404,
        "anonymous": 401,
    },
    # 三(二): version 2 was never sent to 财政局: to it, it does not exist.
    "GET /documents/{id}/versions/2": {
        "drafter": 200,
        "consulted": 404,
        "co_issuer": 200,
        "other_unit": 404,
        "anonymous": 401,
    },
    # 三(二): only the drafting unit saves a version.
    "PATCH /documents/{id}": {
        "drafter": 200,
        "consulted": 403,
        "co_issuer": 403,
        "other_unit": 404,
        "anonymous": 401,
    },
    # 三(二): only the drafting unit sends a round.
    "POST /documents/{id}/consultations": {
        "drafter": 201,
        "consulted": 403,
        "co_issuer": 403,
        "other_unit": 404,
        "anonymous": 401,
    },
    # 三(二): only a consulted unit answers (its liaison drafts, its member too).
    "POST /consultations/{id}/opinions": {
        "drafter": 403,
        "consulted": 200,
        "consulted_member": 200,
        "co_issuer": 403,
        "other_unit": 404,
        "anonymous": 401,
    },
    # 三(二): the drafting unit answers each comment; the unit that made it reads, not decides.
    "POST /opinions/{id}/decision": {
        "drafter": 200,
        "consulted": 403,
        "consulted_member": 403,
        "co_issuer": 403,
        "other_unit": 404,
        "anonymous": 401,
    },
    # 三(二): 意见采纳情况表: the drafting side all of it, a consulted unit its own rows.
    "GET /documents/{id}/adoption.xlsx": {
        "drafter": 200,
        "consulted": 200,
        "co_issuer": 200,
        "other_unit": 404,
        "anonymous": 401,
    },
    # 四(六): the text as a file, the version the caller may see.
    "GET /documents/{id}/document.docx": {
        "drafter": 200,
        "consulted": 200,
        "co_issuer": 200,
        "other_unit": 404,
        "anonymous": 401,
    },
    "GET /documents/{id}/document.pdf": {
        "drafter": 200,
        "consulted": 200,
        "co_issuer": 200,
        "other_unit": 404,
        "anonymous": 401,
    },
    # 四(五): the drafting unit sends for 会签.
    "POST /documents/{id}/cosign-request": {
        "drafter": 200,
        "consulted": 403,
        "co_issuer": 403,
        "other_unit": 404,
        "anonymous": 401,
    },
    # 四(五): the co-issuing unit's member signs or returns; its liaison does not.
    "POST /documents/{id}/cosign sign": {
        "drafter": 403,
        "consulted": 403,
        "consulted_member": 403,
        "co_issuer": 403,
        "co_issuer_member": 200,
        "other_unit": 404,
        "anonymous": 401,
    },
    "POST /documents/{id}/cosign return": {
        "drafter": 403,
        "consulted": 403,
        "consulted_member": 403,
        "co_issuer": 403,
        "co_issuer_member": 200,
        "other_unit": 404,
        "anonymous": 401,
    },
    # 四(六): the secretariat issues; the drafting unit itself does not.
    "POST /documents/{id}/issue": {
        "drafter": 403,
        "consulted": 403,
        "co_issuer": 403,
        "co_issuer_member": 403,
        "other_unit": 404,
        "secretariat": 200,
        "anonymous": 401,
    },
}

CASES = [
    pytest.param(operation, caller, status, id=f"{operation} as {caller}")
    for operation, row in EXPECTED.items()
    for caller, status in row.items()
]


@pytest.mark.parametrize(("operation", "caller", "status"), CASES)
def test_each_operation_answers_each_caller_三二_四五_四六(
    build: Callable[[str], World],
    callers: dict[str, Any],
    operation: str,
    caller: str,
    status: int,
) -> None:
    """三(二), 四(五), 四(六): the answer to each caller, by the table; a refusal writes
    nothing (no version, round, reply, decision, signature, number or audit event) and an
    invisible document is answered as missing, whether or not it exists."""
    stage, do = OPERATIONS[operation]
    world = build(stage)
    client = client_of(callers[caller])
    before = written()
    response = do(client, world)
    assert response.status_code == status, response.content.decode()[:300]
    if status >= 400:
        assert written() == before
    if status == 404:
        assert response.json()["detail"] in (NOT_FOUND, "该版本不存在或您无权查看。")


# --- what the allowed callers get --------------------------------------------------------------


def test_the_list_shows_the_document_to_its_parties_only_三二(
    build: Callable[[str], World], callers: dict[str, Any]
) -> None:
    """三(二): the drafting unit, the co-issuer, the consulted unit and the secretariat list it;
    another unit of the joint meeting does not; without a token 401."""
    world = build("answered")
    for caller in ("drafter", "co_issuer", "consulted", "consulted_member", "secretariat"):
        response = client_of(callers[caller]).get(DOCUMENTS)
        assert response.status_code == 200, caller
        assert [d["id"] for d in response.json()["items"]] == [world.document.pk], caller
    other = client_of(callers["other_unit"]).get(DOCUMENTS)
    assert other.status_code == 200 and other.json()["count"] == 0
    assert Client().get(DOCUMENTS).status_code == 401


@pytest.mark.parametrize("caller", ["drafter", "consulted", "other_unit"])
def test_any_member_unit_drafts_its_own_document_but_not_without_a_token_三二(
    build: Callable[[str], World], callers: dict[str, Any], caller: str
) -> None:
    """三(二): POST /documents is not about this document: every member unit drafts its own
    (the consulted one too), the new document is its own; without a token 401, nothing written."""
    world = build("sent")
    before = OfficialDocument.objects.count()
    response = _create(client_of(callers[caller]), world)
    assert response.status_code == 201, response.content.decode()
    created = OfficialDocument.objects.get(pk=response.json()["id"])
    assert created.drafting_unit == callers[caller].membership.unit
    assert OfficialDocument.objects.count() == before + 1
    snapshot = written()
    assert _create(Client(), world).status_code == 401
    assert written() == snapshot


def test_the_consulted_unit_reads_the_version_sent_to_it_三二(
    build: Callable[[str], World], callers: dict[str, Any]
) -> None:
    """三(二): 财政局 was sent version 1; the drafter's version 2 (its title, its new paragraph)
    is not in what 财政局 reads, nor its signatures; the drafter reads version 2."""
    world = build("answered")
    body = client_of(callers["consulted"]).get(f"{DOCUMENTS}/{world.document.pk}").json()
    assert body["version"] == 1 and body["title"] == FIRST_TITLE
    assert [v["number"] for v in body["versions"]] == [1]
    assert SECOND_PARAGRAPH not in body["paragraphs"]
    assert [[r["unit"]["name"] for r in c["replies"]] for c in body["consultations"]] == [
        ["市财政局"]
    ]
    assert body["cosignatures"] == []
    drafter = client_of(callers["drafter"]).get(f"{DOCUMENTS}/{world.document.pk}").json()
    assert drafter["version"] == 2 and drafter["title"] == SECOND_TITLE


def test_the_refused_save_leaves_the_versions_as_they_were_三二(
    build: Callable[[str], World], callers: dict[str, Any]
) -> None:
    """三(二): a consulted unit (403), a co-issuer (403), another unit (404) and no token (401)
    each try to save on version 2: there are still two versions, the title unchanged."""
    world = build("answered")
    for caller, status in (
        ("consulted", 403),
        ("co_issuer", 403),
        ("other_unit", 404),
        ("anonymous", 401),
    ):
        assert _update(client_of(callers[caller]), world).status_code == status, caller
    assert world.document.versions.count() == 2
    world.document.refresh_from_db()
    assert (world.document.version, world.document.title) == (2, SECOND_TITLE)


def test_the_consulted_units_files_are_of_the_version_sent_to_it_三二_四六(
    build: Callable[[str], World], callers: dict[str, Any]
) -> None:
    """三(二), 四(六): 财政局's .docx holds version 1's text, not version 2's paragraph; the
    drafter's holds version 2's."""
    import io

    from docx import Document

    world = build("answered")

    def text(caller: str) -> str:
        response = _docx(client_of(callers[caller]), world)
        assert response.status_code == 200 and response["Content-Type"] == DOCX
        return "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)

    consulted = text("consulted")
    assert "保障措施" in consulted and SECOND_PARAGRAPH not in consulted
    assert SECOND_PARAGRAPH in text("drafter")


def test_the_list_shows_a_consulted_unit_the_title_it_was_sent_三二(
    build: Callable[[str], World], callers: dict[str, Any]
) -> None:
    """三(二): a consulted unit sees the versions sent to it only; the list must not tell it the
    title of a later draft."""
    build("answered")
    items = client_of(callers["consulted"]).get(DOCUMENTS).json()["items"]
    assert [d["title"] for d in items] == [FIRST_TITLE]


@pytest.mark.parametrize("suffix", ["docx", "pdf"])
def test_a_consulted_units_file_is_named_after_the_version_sent_三二(
    build: Callable[[str], World], callers: dict[str, Any], suffix: str
) -> None:
    """三(二): the file a consulted unit downloads is version 1; its name must not be the title
    of version 2, which was never sent to it."""
    world = build("answered")
    response = client_of(callers["consulted"]).get(
        f"{DOCUMENTS}/{world.document.pk}/document.{suffix}"
    )
    assert response.status_code == 200
    disposition = unquote(response["Content-Disposition"])
    assert "内部第二稿" not in disposition


def test_a_consulted_units_adoption_table_is_its_own_rows_三二(
    build: Callable[[str], World], callers: dict[str, Any]
) -> None:
    """三(二): 意见采纳情况表 of a consulted unit: its own comment, as the drafter's has it."""
    import io

    from openpyxl import load_workbook

    world = build("answered")
    for caller in ("consulted", "drafter"):
        response = _adoption(client_of(callers[caller]), world)
        assert response.status_code == 200 and response["Content-Type"] == XLSX
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
        assert "目标偏高，建议调整。" in cells and "市财政局" in cells, caller


def test_the_answers_of_the_allowed_writes_四五_四六(
    build: Callable[[str], World], callers: dict[str, Any]
) -> None:
    """四(五): the co-issuer's member signs and the document is ready to issue; 四(六): the
    secretariat issues it, numbered from the lead organ's (人社局's) register."""
    world = build("cosigning")
    signed = _cosign(client_of(callers["co_issuer_member"]), world)
    assert signed.status_code == 200
    assert signed.json()["status"] == "signed" and signed.json()["signer_name"] == "孙主席"
    world.document.refresh_from_db()
    assert world.document.status == OfficialDocument.Status.SIGNED
    issued = _issue(client_of(callers["secretariat"]), world)
    assert issued.status_code == 200, issued.content.decode()
    assert issued.json()["status"] == "issued"
    assert issued.json()["document_number"].startswith("信人社职〔")
