"""Importing a Word draft (三(二)): a preview of what was read, a confirm that creates the draft;
a bad file gets a clear Chinese error and creates nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from ..models import OfficialDocument
from ..services.common import current_version

pytestmark = pytest.mark.django_db


def draft_docx() -> bytes:
    doc = Document()
    doc.add_paragraph("关于加强尘肺病防治工作的通知")
    doc.add_paragraph("各县区人民政府、市总工会：")
    doc.add_paragraph("为做好尘肺病防治工作，现将有关事项通知如下。")
    doc.add_paragraph("一、提高认识")
    doc.add_paragraph("各单位要充分认识尘肺病防治工作的重要性。")
    doc.add_paragraph("（一）加强组织领导。")
    doc.add_paragraph("附件：尘肺病防治工作任务分工表")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_a_word_draft_is_previewed_then_created_三二(
    health_liaison: Any, login: Any, unit_named: Any
) -> None:
    client = login(health_liaison)
    response = client.post("/documents/import/", {"file": upload("tongzhi.docx", draft_docx())})
    assert response.status_code == 302 and response["Location"] == "/documents/import/preview/"
    assert not OfficialDocument.objects.exists()  # nothing saved before the confirm
    page = client.get("/documents/import/preview/").content.decode()
    assert "关于加强尘肺病防治工作的通知" in page
    assert "各县区人民政府、市总工会" in page
    assert 'class="documents-level-1"' in page and "一、提高认识" in page
    assert "尘肺病防治工作任务分工表" in page
    response = client.post("/documents/import/preview/", {"kind": "notice"})
    document = OfficialDocument.objects.get()
    assert response["Location"] == f"/documents/{document.pk}/edit/"
    version = current_version(document)
    assert document.title == "关于加强尘肺病防治工作的通知" and document.kind == "notice"
    assert "一、提高认识" in version.paragraphs
    assert version.attachments == ["尘肺病防治工作任务分工表"]
    main = [r.label for r in document.recipients.filter(kind="main")]
    assert main == ["市总工会", "各县区人民政府"]  # a unit of the joint meeting by its name
    assert document.recipients.get(unit=unit_named("市总工会")).kind == "main"
    # The preview is used once.
    again = client.get("/documents/import/preview/", follow=True).content.decode()
    assert "没有待确认的导入文稿" in again


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("tongzhi.docx", b"not a zip at all"),
        ("tongzhi.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
        ("kong.docx", b""),
    ],
)
def test_a_bad_file_gets_a_chinese_error_and_creates_nothing_三二(
    name: str, data: bytes, health_liaison: Any, login: Any
) -> None:
    client = login(health_liaison)
    response = client.post("/documents/import/", {"file": upload(name, data)})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error"' in page
    error = page.split('class="error"', 1)[1][:200]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error)
    assert not OfficialDocument.objects.exists()
    assert client.get("/documents/import/preview/").status_code == 302


def test_an_oversized_file_is_refused(health_liaison: Any, login: Any) -> None:
    client = login(health_liaison)
    big = upload("big.docx", b"0" * (5 * 1024 * 1024 + 1))
    page = client.post("/documents/import/", {"file": big}).content.decode()
    assert "文件不能超过 5 MB" in page
    assert not OfficialDocument.objects.exists()


def test_import_cancel_drops_the_preview(health_liaison: Any, login: Any) -> None:
    client = login(health_liaison)
    client.post("/documents/import/", {"file": upload("tongzhi.docx", draft_docx())})
    client.post("/documents/import/cancel/")
    assert client.get("/documents/import/preview/").status_code == 302
    assert not OfficialDocument.objects.exists()
