"""The document as .docx / PDF through the API (三(二), 四(六)): the drafting side gets the
current text; a consulted unit the version sent to it, not a later draft; another unit 404;
no token 401."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pdfplumber
import pytest
from django.test import Client

from lianxi.documents import services
from lianxi.documents.models import OfficialDocument
from lianxi.documents.tests.conftest import PLAN_BODY, make_plan  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(make_plan: Callable[..., OfficialDocument]) -> OfficialDocument:  # noqa: F811
    return make_plan()


Api = Callable[[Any], Client]


def pdf_text(content: bytes) -> str:
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return "".join(page.extract_text() or "" for page in pdf.pages)


def test_the_drafting_side_gets_the_current_text_as_pdf_and_docx(
    api_as: Api, clerk: Any, plan: OfficialDocument
) -> None:
    pdf = api_as(clerk).get(f"/api/v1/documents/{plan.pk}/document.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "专项治理" in pdf_text(pdf.content)
    docx = api_as(clerk).get(f"/api/v1/documents/{plan.pk}/document.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"


def test_a_consulted_unit_gets_the_version_sent_to_it_not_a_later_draft_三二(
    api_as: Api, clerk: Any, safety_liaison: Any, plan: OfficialDocument, unit_named: Any
) -> None:
    services.consultation_send(
        actor=clerk.membership,
        document=plan,
        unit_ids=[unit_named("市应急管理局").pk],
        deadline_workdays=5,
    )
    services.document_save(
        actor=clerk.membership,
        document=plan,
        based_on=1,
        title=plan.title,
        paragraphs=[*PLAN_BODY, "第二稿新增的内部段落"],
    )
    response = api_as(safety_liaison).get(f"/api/v1/documents/{plan.pk}/document.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "保障措施" in text and "第二稿新增" not in text
    assert "第二稿新增" in pdf_text(
        api_as(clerk).get(f"/api/v1/documents/{plan.pk}/document.pdf").content
    )


def test_another_unit_gets_404_and_no_token_401_三_二(
    api_as: Api, finance_liaison: Any, second_clerk: Any, plan: OfficialDocument
) -> None:
    url = f"/api/v1/documents/{plan.pk}/document.pdf"
    assert api_as(finance_liaison).get(url).status_code == 404
    assert api_as(second_clerk).get(url).status_code == 404
    assert Client().get(url).status_code == 401
    assert api_as(finance_liaison).get(f"/api/v1/documents/{plan.pk}/document.odt").status_code in (
        404,
        422,
    )
