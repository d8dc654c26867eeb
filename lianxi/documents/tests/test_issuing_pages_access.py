"""The signing-and-issuing pages' actions asked by the people test_issuing_pages.py does not ask
(四(五), 四(六)), above all a unit consulted on the draft (三(二)) that neither drafts nor
co-issues it: it sees the document, so its attempts are refused as actions it may not take (403)
or on objects it does not see (404), never carried out; its downloads are of the version sent
to it. Also the drafting unit's liaison (not the secretariat) and the .docx import's preview and
cancel for each kind of person.

The cast: the health commission drafts (the secretariat's clerk, and its liaison) a joint 方案
with 人社局 and 总工会, to 人社局; 财政局 (liaison and member) is consulted on version 1, the
drafter goes on to version 2; the secretariat issues.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import pytest
from django.test import Client

from lianxi.core.models import AuditEvent

from ..models import (
    Comment,
    Consultation,
    CoSignature,
    DocumentReceipt,
    DocumentVersion,
    IssuedNumber,
    OfficialDocument,
    UnitReply,
)
from ..services import (
    Parties,
    comment_decide,
    consultation_send,
    cosign_request,
    document_issue,
    document_save,
    reply_draft,
)
from .conftest import PLAN_BODY
from .issuing_helpers import make_register, sign_all

pytestmark = pytest.mark.django_db

FIRST_TITLE = "关于开展职业病危害专项治理的工作方案"
SECOND_TITLE = "关于开展职业病危害专项治理的实施方案（内部第二稿）"
SECOND_PARAGRAPH = "第二稿新增：各成员单位内部分工另行商定。"
STAGES = ("answered", "decided", "cosigning", "signed", "issued")
LOGIN = "login"


@dataclass
class World:
    document: OfficialDocument
    signature: CoSignature | None
    receipt: DocumentReceipt | None


@pytest.fixture
def build(
    make_plan: Callable[..., OfficialDocument],
    clerk: Any,
    health: Any,
    hrss: Any,
    union: Any,
    finance: Any,
    finance_member: Any,
    hrss_member: Any,
    union_member: Any,
) -> Callable[[str], World]:
    """The plan brought to a stage (STAGES): 财政局 consulted on version 1 and answered with one
    comment, version 2 saved; then the comment adopted, 会签 asked, signed, issued."""

    def make(stage: str) -> World:
        reached = STAGES.index(stage)
        make_register(clerk, health)
        document = make_plan(
            parties=Parties(co_issuing_unit_ids=[hrss.pk, union.pk], main_to_unit_ids=[hrss.pk])
        )
        consultation = consultation_send(
            actor=clerk.membership, document=document, unit_ids=[finance.pk], deadline_workdays=5
        )
        reply = consultation.replies.get(unit=finance)
        reply_draft(
            actor=finance_member.membership,
            reply=reply,
            stance=UnitReply.Stance.COMMENTS,
            comments=[{"paragraph": 2, "text": "目标偏高，建议调整。", "proposed": ""}],
            submit=True,
        )
        document_save(
            actor=clerk.membership,
            document=document,
            based_on=1,
            title=SECOND_TITLE,
            paragraphs=[*PLAN_BODY, SECOND_PARAGRAPH],
        )
        if reached >= STAGES.index("decided"):
            comment = Comment.objects.get(reply=reply)
            comment_decide(
                actor=clerk.membership, comment=comment, decision=Comment.Decision.ADOPTED
            )
            consultation.refresh_from_db()
            assert consultation.status != Consultation.Status.OPEN  # every unit answered
        if reached >= STAGES.index("cosigning"):
            cosign_request(actor=clerk.membership, document=document)
        if reached >= STAGES.index("signed"):
            sign_all(document, hrss_member, union_member)
        if reached >= STAGES.index("issued"):
            document_issue(actor=clerk.membership, document=document)
        document.refresh_from_db()
        signature = document.cosignatures.filter(unit=hrss).first()
        receipt = document.receipts.filter(unit=hrss).first()
        return World(document=document, signature=signature, receipt=receipt)

    return make


@pytest.fixture
def callers(
    clerk: Any,
    health_liaison: Any,
    finance_liaison: Any,
    finance_member: Any,
    safety_liaison: Any,
    gov_reader: Any,
    auditor: Any,
    second_clerk: Any,
) -> dict[str, Any]:
    """The people who ask, by their part; "anonymous" is not logged in."""
    return {
        "secretariat": clerk,  # the drafting unit's clerk, who also issues
        "drafter": health_liaison,  # the drafting unit's liaison
        "consulted": finance_liaison,
        "consulted_member": finance_member,
        "other_unit": safety_liaison,
        "gov_reader": gov_reader,
        "auditor": auditor,
        "second_clerk": second_clerk,
        "anonymous": None,
    }


def written() -> tuple[Any, ...]:
    """What the actions write: the document's state, versions, signatures, numbers, receipts,
    and audit events other than logins and downloads."""
    return (
        tuple(OfficialDocument.objects.order_by("pk").values_list("status", "version", "title")),
        DocumentVersion.objects.count(),
        tuple(CoSignature.objects.order_by("pk").values_list("status", "reason")),
        IssuedNumber.objects.count(),
        tuple(DocumentReceipt.objects.order_by("pk").values_list("acknowledged_at", flat=True)),
        AuditEvent.objects.exclude(action__startswith="auth")
        .exclude(action="download.file")
        .count(),
    )


# --- the actions, each as (stage, method, url of the world, data) ------------------------------


def _doc(path: str) -> Callable[[World], str]:
    return lambda w: f"/documents/{w.document.pk}/{path}"


def _sig(path: str) -> Callable[[World], str]:
    def url(w: World) -> str:
        assert w.signature is not None
        return f"/documents/cosign/{w.signature.pk}/{path}"

    return url


def _receipt(w: World) -> str:
    assert w.receipt is not None
    return f"/documents/receipts/{w.receipt.pk}/acknowledge/"


Action = tuple[str, str, Callable[[World], str], dict[str, str]]
ACTIONS: dict[str, Action] = {
    "送会签": ("decided", "post", _doc("cosign/"), {}),
    "会签": ("cosigning", "post", _sig("sign/"), {}),
    "退回": ("cosigning", "post", _sig("return/"), {"reason": "不同意。"}),
    "印发": ("signed", "post", _doc("issue/"), {}),
    "签收": ("issued", "post", _receipt, {}),
    "document.docx": ("answered", "get", _doc("document.docx"), {}),
    "document.pdf": ("answered", "get", _doc("document.pdf"), {}),
}

# action -> caller -> the answer: a status, LOGIN, or (302, the flash message shown after).
EXPECTED: dict[str, dict[str, Any]] = {
    # 四(五): the drafting unit sends for 会签; a consulted unit sees the document but may not.
    "送会签": {
        "drafter": (302, "已送联合发文单位会签。"),
        "consulted": 403,
        "consulted_member": 403,
    },
    # 四(五): only the co-issuer's member signs or returns; the drafting side sees the request
    # (403), a consulted unit does not (404).
    "会签": {"drafter": 403, "consulted": 404, "consulted_member": 404},
    "退回": {"drafter": 403, "consulted": 404, "consulted_member": 404},
    # 四(六): only the secretariat issues.
    "印发": {"drafter": 403, "consulted": 403, "consulted_member": 403},
    # 四(六): only the receiving unit signs for it; the drafting side sees the receipt but is
    # told it is not its to sign; a consulted unit does not see it.
    "签收": {
        "drafter": (302, "只有收文单位可以签收公文。"),
        "consulted": 404,
        "consulted_member": 404,
    },
    # 三(二), 四(六): the files of the version each may see.
    "document.docx": {"drafter": 200, "consulted": 200, "consulted_member": 200},
    "document.pdf": {"drafter": 200, "consulted": 200, "consulted_member": 200},
}

CASES = [
    pytest.param(action, caller, answer, id=f"{action} as {caller}")
    for action, row in EXPECTED.items()
    for caller, answer in row.items()
]


def client_of(login: Callable[[Any], Client], person: Any) -> Client:
    return Client() if person is None else login(person)


@pytest.mark.parametrize(("action", "caller", "answer"), CASES)
def test_each_issuing_action_answers_each_caller_三二_四五_四六(
    build: Callable[[str], World],
    callers: dict[str, Any],
    login: Callable[[Any], Client],
    action: str,
    caller: str,
    answer: Any,
) -> None:
    """三(二), 四(五), 四(六): the answer to each caller, by the table; a refusal (403, 404, or
    the page's error message) writes nothing."""
    stage, method, url_of, data = ACTIONS[action]
    world = build(stage)
    client = client_of(login, callers[caller])
    before = written()
    url = url_of(world)
    response = client.post(url, data) if method == "post" else client.get(url)
    if isinstance(answer, tuple):
        status, flash = answer
        assert response.status_code == status
        assert response["Location"] == f"/documents/{world.document.pk}/#issuing"
        assert flash in client.get(response["Location"]).content.decode()
        if flash.startswith("只有"):
            assert written() == before
        return
    assert response.status_code == answer, response.status_code
    if answer != 200:
        assert written() == before


def test_the_drafting_liaison_sends_for_cosigning_and_it_is_done_四五(
    build: Callable[[str], World], health_liaison: Any, login: Callable[[Any], Client]
) -> None:
    """四(五): the drafting unit's liaison (not only the secretariat's clerk) sends for 会签:
    each co-issuer gets a pending request on the current version (2)."""
    world = build("decided")
    login(health_liaison).post(f"/documents/{world.document.pk}/cosign/")
    world.document.refresh_from_db()
    assert world.document.status == OfficialDocument.Status.COSIGNING
    assert sorted(
        world.document.cosignatures.filter(status=CoSignature.Status.PENDING).values_list(
            "version__number", flat=True
        )
    ) == [2, 2]


def test_the_consulted_units_page_offers_no_issuing_action_三二_四五_四六(
    build: Callable[[str], World],
    finance_liaison: Any,
    finance_member: Any,
    login: Callable[[Any], Client],
) -> None:
    """三(二): while the document is in 会签, the consulted unit's page shows it (version 1's
    title) but none of the signatures, no 送会签, 会签, 退回 or 印发."""
    world = build("cosigning")
    assert world.signature is not None
    for person in (finance_liaison, finance_member):
        response = login(person).get(f"/documents/{world.document.pk}/")
        assert response.status_code == 200
        page = response.content.decode()
        assert FIRST_TITLE in page
        assert f"/documents/{world.document.pk}/cosign/" not in page
        assert f"/documents/cosign/{world.signature.pk}/" not in page
        assert 'id="issue-form"' not in page


@pytest.mark.parametrize("suffix", ["docx", "pdf"])
def test_the_consulted_unit_downloads_the_version_sent_to_it_三二(
    build: Callable[[str], World],
    finance_liaison: Any,
    clerk: Any,
    login: Callable[[Any], Client],
    suffix: str,
) -> None:
    """三(二): 财政局's file is version 1 (its paragraphs, not version 2's new one); the
    drafter's is version 2. The download is audited."""
    world = build("answered")

    def text(person: Any) -> str:
        response = login(person).get(f"/documents/{world.document.pk}/document.{suffix}")
        assert response.status_code == 200
        return file_text(b"".join(response), suffix)

    consulted = text(finance_liaison)
    assert "保障措施" in consulted and SECOND_PARAGRAPH not in consulted
    assert SECOND_PARAGRAPH in text(clerk)
    assert AuditEvent.objects.filter(
        action="download.file", target_id=str(world.document.pk), actor_id=finance_liaison.pk
    ).exists()


def file_text(content: bytes, suffix: str) -> str:
    import io

    if suffix == "pdf":
        import pdfplumber

        with pdfplumber.open(io.BytesIO(content)) as pdf:
            return "".join(page.extract_text() or "" for page in pdf.pages)
    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


@pytest.mark.parametrize("suffix", ["docx", "pdf"])
def test_the_consulted_units_file_is_named_after_the_version_sent_三二(
    build: Callable[[str], World],
    finance_liaison: Any,
    login: Callable[[Any], Client],
    suffix: str,
) -> None:
    """三(二): the consulted unit was never sent version 2; its file's name must not carry
    version 2's title."""
    world = build("answered")
    response = login(finance_liaison).get(f"/documents/{world.document.pk}/document.{suffix}")
    assert response.status_code == 200
    assert "内部第二稿" not in unquote(response["Content-Disposition"])


@pytest.mark.parametrize("where", ["list", "document page"])
def test_the_consulted_unit_is_not_shown_a_later_drafts_title_三二(
    build: Callable[[str], World],
    finance_liaison: Any,
    login: Callable[[Any], Client],
    where: str,
) -> None:
    """三(二): a consulted unit sees only the versions sent to it; the pages it reaches the
    issuing actions from must not name it by version 2's title."""
    world = build("answered")
    url = "/documents/" if where == "list" else f"/documents/{world.document.pk}/"
    response = login(finance_liaison).get(url)
    assert response.status_code == 200
    assert "内部第二稿" not in response.content.decode()


# --- the .docx import's preview and cancel (三(二)) --------------------------------------------

IMPORT: dict[str, dict[str, Any]] = {
    # Whoever drafts (a member unit's people, the secretariat, also of another joint meeting,
    # each in its own session) is sent back: there is nothing of theirs to preview or drop.
    "GET /documents/import/preview/": {
        "drafter": (302, "/documents/import/"),
        "consulted": (302, "/documents/import/"),
        "consulted_member": (302, "/documents/import/"),
        "other_unit": (302, "/documents/import/"),
        "second_clerk": (302, "/documents/import/"),
        "gov_reader": 403,
        "auditor": 403,
        "anonymous": LOGIN,
    },
    "POST /documents/import/cancel/": {
        "drafter": (302, "/documents/"),
        "consulted": (302, "/documents/"),
        "consulted_member": (302, "/documents/"),
        "other_unit": (302, "/documents/"),
        "second_clerk": (302, "/documents/"),
        "gov_reader": 403,
        "auditor": 403,
        "anonymous": LOGIN,
    },
}

IMPORT_CASES = [
    pytest.param(request_line, caller, answer, id=f"{request_line} as {caller}")
    for request_line, row in IMPORT.items()
    for caller, answer in row.items()
]


@pytest.mark.parametrize(("request_line", "caller", "answer"), IMPORT_CASES)
def test_import_preview_and_cancel_answer_each_caller_三二(
    callers: dict[str, Any],
    login: Callable[[Any], Client],
    request_line: str,
    caller: str,
    answer: Any,
) -> None:
    """三(二): only who may draft reaches the import's preview and cancel (the government
    office and the auditor 403, anonymous to the login page); nothing is created."""
    method, url = request_line.split(" ")
    client = client_of(login, callers[caller])
    response = client.post(url) if method == "POST" else client.get(url)
    if answer == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")
    elif isinstance(answer, tuple):
        assert (response.status_code, response["Location"]) == answer
    else:
        assert response.status_code == answer
    assert not OfficialDocument.objects.exists()


def test_one_persons_import_preview_is_not_anothers_三二(
    health_liaison: Any, finance_liaison: Any, login: Callable[[Any], Client]
) -> None:
    """三(二): the preview lives in the uploader's session: another person (a consulted unit's
    liaison) gets no preview of it, and its cancel does not drop the uploader's."""
    from .test_pages_drafts_import import draft_docx, upload

    uploader = login(health_liaison)
    uploaded = uploader.post("/documents/import/", {"file": upload("tongzhi.docx", draft_docx())})
    assert uploaded["Location"] == "/documents/import/preview/"
    other = login(finance_liaison)
    response = other.get("/documents/import/preview/")
    assert response.status_code == 302 and response["Location"] == "/documents/import/"
    other.post("/documents/import/cancel/")
    page = uploader.get("/documents/import/preview/")
    assert page.status_code == 200 and "关于加强尘肺病防治工作的通知" in page.content.decode()
