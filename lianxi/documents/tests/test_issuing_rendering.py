"""The document as typeset (四(五), 四(六)): seals only on the issued text and only of the organs
that signed; the joint meeting's own documents under its name with 代章; drafts watermarked."""

import io
import itertools
from typing import Any
from urllib.parse import unquote

import pdfplumber
import pytest

from ..models import CoSignature, OfficialDocument, UnitReply
from ..rendering import document_file, document_layout
from ..services import (
    Parties,
    consultation_send,
    cosign_request,
    document_issue,
    reply_draft,
    seal_upload,
)
from .issuing_helpers import make_register, seal_png, send_and_sign, sign_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def seals(clerk: Any, health: Any, hrss: Any, union: Any) -> None:
    for unit in (health, hrss, union):
        seal_upload(actor=clerk.membership, unit=unit, data=seal_png())


def _images(pdf: bytes) -> list[Any]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [image for page in doc.pages for image in page.images]


def test_a_draft_shows_no_number_and_no_seal_even_of_units_that_signed_四五(
    plan, clerk, seals, hrss_member
):
    cosign_request(actor=clerk.membership, document=plan)
    sign_all(plan, hrss_member)
    layout = document_layout(plan)
    assert layout.watermark == "草稿" and layout.document_number == ""
    assert [o.seal_png for o in layout.organs] == [None, None, None]
    assert [o.name for o in layout.organs] == ["市卫生健康委", "市人力资源和社会保障局", "市总工会"]
    assert _images(document_file(plan, "pdf")) == []


def test_the_issued_pdf_carries_the_seal_of_each_organ_that_signed_四五_四六(
    plan, clerk, health, seals, hrss_member, union_member
):
    make_register(clerk, health)
    send_and_sign(plan, clerk, hrss_member, union_member)
    document_issue(actor=clerk.membership, document=plan)
    plan.refresh_from_db()
    layout = document_layout(plan)
    assert layout.document_number == plan.document_number and layout.watermark == ""
    assert all(o.seal_png for o in layout.organs)
    assert layout.main_to == "各县区人民政府" and layout.printed_by == "市卫生健康委"
    images = _images(document_file(plan, "pdf"))
    assert len(images) == 3
    # Joint seals side by side, none overlapping another.
    boxes = sorted((i["x0"], i["x1"], i["top"], i["bottom"]) for i in images)
    for (_, right, top, bottom), (left, _, top2, bottom2) in itertools.pairwise(boxes):
        assert right <= left or bottom <= top2 or bottom2 <= top


def test_a_seal_of_a_co_issuer_whose_signature_no_longer_stands_is_left_out_四五(
    plan, clerk, health, seals, hrss_member, union_member, union
):
    make_register(clerk, health)
    send_and_sign(plan, clerk, hrss_member, union_member)
    document_issue(actor=clerk.membership, document=plan)
    # Whatever happens to a signature afterwards, an organ without one shows no seal.
    CoSignature.objects.filter(document=plan, unit=union).update(status=CoSignature.Status.VOID)
    plan.refresh_from_db()
    layout = document_layout(plan)
    assert [bool(o.seal_png) for o in layout.organs] == [True, True, False]
    assert len(_images(document_file(plan, "pdf"))) == 2


def test_the_joint_meetings_own_document_is_sealed_on_its_behalf_四六(
    make_plan, clerk, health, seals, mechanism
):
    own = make_plan(kind="通知", in_mechanism_name=True, parties=None)
    make_register(clerk, health, "信职防联", for_mechanism=True)
    document_issue(actor=clerk.membership, document=own)
    own = OfficialDocument.objects.get(pk=own.pk)
    layout = document_layout(own)
    assert layout.masthead == f"{mechanism.name}文件"
    assert [o.name for o in layout.organs] == [mechanism.name]
    assert layout.organs[0].seal_png is not None
    assert layout.sealed_on_behalf == "（市卫生健康委代章）"
    assert layout.printed_by == "联席会议办公室"
    assert len(_images(document_file(own, "pdf"))) == 1


def _pdf_text(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return "".join(page.extract_text() or "" for page in doc.pages)


def test_a_unit_only_consulted_downloads_the_issued_text_as_the_draft_sent_to_it_三二(
    make_plan,
    clerk,
    health,
    hrss,
    union,
    finance,
    seals,
    hrss_member,
    union_member,
    finance_member,
    finance_liaison,
    login,
):
    """三(二): a unit consulted on the very version issued, but not addressed, reads the text it
    was sent — watermarked, with no number, date or seal; the unit addressed reads it issued."""
    make_register(clerk, health)
    plan = make_plan(
        parties=Parties(co_issuing_unit_ids=[hrss.pk, union.pk], main_to_unit_ids=[hrss.pk])
    )
    consultation = consultation_send(
        actor=clerk.membership, document=plan, unit_ids=[finance.pk], deadline_workdays=5
    )
    reply_draft(
        actor=finance_member.membership,
        reply=consultation.replies.get(unit=finance),
        stance=UnitReply.Stance.NO_COMMENT,
        submit=True,
    )
    send_and_sign(plan, clerk, hrss_member, union_member)
    document_issue(actor=clerk.membership, document=plan)
    plan.refresh_from_db()
    assert plan.version == consultation.version.number  # the text sent is the text issued

    consulted = login(finance_liaison).get(f"/documents/{plan.pk}/document.pdf")
    assert consulted.status_code == 200
    pdf = consulted.content
    assert _images(pdf) == []
    text = _pdf_text(pdf)
    # The watermark is set diagonally: its characters come out one per line.
    assert all(char in text for char in "征求意见稿") and plan.document_number not in text
    assert "（草稿）" in unquote(consulted["Content-Disposition"])

    addressed = login(hrss_member).get(f"/documents/{plan.pk}/document.pdf")
    assert addressed.status_code == 200
    assert len(_images(addressed.content)) == 3
    assert plan.document_number in _pdf_text(addressed.content)
    assert plan.document_number in unquote(addressed["Content-Disposition"])
