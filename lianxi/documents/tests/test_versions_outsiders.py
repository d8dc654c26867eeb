"""What a unit outside the drafting side reads of the versions (三(二)): the rounds it was
consulted in, not the rounds the same version went out in to others; never the drafter's own
修改说明 (its note on why a version changed) nor the 会签方式; the organs, 主送, 抄送 and
urgency as they were sent to it; and no 意见采纳情况表 for a unit only sent the issued text — on
the pages, in the files and in the API."""

from __future__ import annotations

import io
from typing import Any

import pdfplumber
import pytest

from lianxi.api.services import api_token_create
from lianxi.api.tests.conftest import bearer

from ..models import OfficialDocument
from ..services import (
    Parties,
    consultation_close,
    document_issue,
    document_save,
    document_set_parties,
)
from .conftest import PLAN_BODY
from .issuing_helpers import make_register, send_and_sign

pytestmark = pytest.mark.django_db

SUMMARY = "按市应急管理局意见修改第二段"


@pytest.fixture
def two_rounds(plan, clerk, safety, finance, send_round):
    """Version 2 (with a 修改说明) sent to 应急管理局 in round 1, then, unchanged, to 财政局 in
    round 2."""
    document_save(
        actor=clerk.membership,
        document=plan,
        based_on=1,
        title=plan.title,
        paragraphs=[*PLAN_BODY, "新增：各县区每月报送进展。"],
        summary=SUMMARY,
    )
    first = send_round(plan, unit_ids=[safety.pk])
    consultation_close(actor=clerk.membership, consultation=first)
    send_round(plan, unit_ids=[finance.pk])
    plan.refresh_from_db()
    return plan


def test_a_consulted_unit_sees_only_its_own_rounds_and_no_drafting_note_三二(
    two_rounds, clerk, safety_liaison, login
):
    page = login(safety_liaison).get(f"/documents/{two_rounds.pk}/versions/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "第 1 轮征求意见稿" in text and "第 2 轮征求意见稿" not in text
    assert SUMMARY not in text and "修改说明" not in text
    detail = login(safety_liaison).get(f"/documents/{two_rounds.pk}/").content.decode()
    assert SUMMARY not in detail

    inside = login(clerk).get(f"/documents/{two_rounds.pk}/versions/").content.decode()
    assert "第 1 轮征求意见稿" in inside and "第 2 轮征求意见稿" in inside
    assert SUMMARY in inside


def _api_detail(person: Any, pk: int) -> dict[str, Any]:
    _, token = api_token_create(user=person, name="测试")
    response = bearer(token).get(f"/api/v1/documents/{pk}")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_the_api_gives_a_consulted_unit_no_drafting_note_and_no_signing_order_三二(
    two_rounds, clerk, safety_liaison
):
    outside = _api_detail(safety_liaison, two_rounds.pk)
    assert [v["number"] for v in outside["versions"]] == [2]
    assert outside["versions"][0]["summary"] == "" and outside["sign_order"] == ""
    inside = _api_detail(clerk, two_rounds.pk)
    assert inside["versions"][-1]["summary"] == SUMMARY and inside["sign_order"] != ""


def test_a_consulted_unit_reads_the_organs_and_recipients_as_sent_to_it_三二(
    plan, clerk, hrss, union, safety, finance, send_round, safety_liaison, login
):
    """三(二): 主送, 抄送, the co-issuers and the urgency changed after the round are a later
    draft's: the consulted unit reads them as sent — on the page, in the file, in the API —
    while the drafting side reads them as they are."""
    send_round(plan, unit_ids=[safety.pk])
    document_set_parties(
        actor=clerk.membership,
        document=plan,
        parties=Parties(
            co_issuing_unit_ids=[hrss.pk],
            main_to_names=["各县区人民政府", "市直有关单位"],
            copy_to_unit_ids=[finance.pk],
        ),
        urgency=OfficialDocument.Urgency.URGENT,
    )
    later = ("市直有关单位", "市财政局", "加急")

    outside = login(safety_liaison)
    page = outside.get(f"/documents/{plan.pk}/").content.decode()
    header = page.split('id="header"', 1)[1].split("</section>", 1)[0]
    assert "市总工会" in header and not any(word in header for word in later)
    assert "documents-urgent" not in page
    pdf = outside.get(f"/documents/{plan.pk}/document.pdf").content
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = "".join(p.extract_text() or "" for p in doc.pages)
    assert "市总工会" in text.replace(" ", "") and not any(word in text for word in later)
    api = _api_detail(safety_liaison, plan.pk)
    assert [i["unit"]["name"] for i in api["issuers"]] == [
        "市卫生健康委",
        "市人力资源和社会保障局",
        "市总工会",
    ]
    assert api["main_to"] == ["各县区人民政府"] and api["copy_to"] == []
    assert api["urgency"] == ""

    inside = login(clerk).get(f"/documents/{plan.pk}/").content.decode()
    header = inside.split('id="header"', 1)[1].split("</section>", 1)[0]
    assert all(word in header for word in later[:2]) and "市总工会" not in header
    assert "documents-urgent" in inside


def test_a_unit_that_only_received_the_document_has_no_adoption_table_三二(
    make_plan, clerk, health, hrss, union, safety, hrss_member, union_member, safety_liaison, login
):
    """三(二): the 意见采纳情况表 is the drafting side's and the consulted units' (their own rows);
    a unit the issued document was only sent to gets none — on the page, its files and the API."""
    make_register(clerk, health)
    plan = make_plan(
        parties=Parties(co_issuing_unit_ids=[hrss.pk, union.pk], main_to_unit_ids=[safety.pk])
    )
    send_and_sign(plan, clerk, hrss_member, union_member)
    document_issue(actor=clerk.membership, document=plan)
    receiver = login(safety_liaison)
    assert receiver.get(f"/documents/{plan.pk}/").status_code == 200
    for path in ("adoption/", "adoption.xlsx", "adoption.docx"):
        assert receiver.get(f"/documents/{plan.pk}/{path}").status_code == 404
    _, token = api_token_create(user=safety_liaison, name="测试")
    assert bearer(token).get(f"/api/v1/documents/{plan.pk}/adoption.xlsx").status_code == 404
    assert login(clerk).get(f"/documents/{plan.pk}/adoption.xlsx").status_code == 200
