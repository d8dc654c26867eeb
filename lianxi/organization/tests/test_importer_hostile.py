"""The rules import (annex; 四(一)) given hostile or broken .docx files: the parser and the page.

Issue 17, "Bad input that breaks things": "a .docx with an entity or a comment inside a
paragraph is a 500 on the rules import (page and API)"; "a 324 KB .docx took 36.5 s and 1.8 GB
in one web worker". GB/T 22239-2019 8.1.4.4 入侵防范: the upload is read with entity resolution
off and within size, part-count, element and time limits (lianxi.core.docx_safe); every refusal
is a Chinese message on the form, and nothing is created. The API's side of the same files is
lianxi/api/tests/test_rules_import_hostile.py.
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lianxi.core.models import AuditEvent
from lianxi.core.tests import hostile_docx as hostile
from lianxi.organization import importer
from lianxi.organization.importer import RulesParseError, parse_rules
from lianxi.organization.models import Clause, Duty, RulesDocument, Unit

from .test_importer import SEED, make_docx

pytestmark = pytest.mark.django_db

PAGE = "/units/rules/import/"


@pytest.fixture(scope="module")
def seed_docx() -> bytes:
    return make_docx(SEED.read_text(encoding="utf-8").split("\n"))


@pytest.fixture(autouse=True)
def stash_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.DATA_DIR = tmp_path


def snapshot() -> tuple[int, ...]:
    return (
        RulesDocument.objects.count(),
        Clause.objects.count(),
        Unit.objects.count(),
        Duty.objects.count(),
        AuditEvent.objects.filter(action="rules.import").count(),
    )


def annex_table(cells: str) -> Callable[[bytes], bytes]:
    """Puts a one-row table with `cells` (w:tc XML) before the section properties."""
    row = f"<w:tbl><w:tr>{cells}</w:tr></w:tbl>".encode()
    return lambda xml: xml.replace(b"<w:sectPr", row + b"<w:sectPr", 1)


def cell(text: str, props: str = "") -> str:
    return f"<w:tc>{props}<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


HOSTILE: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "entity": (hostile.with_entity, "DTD"),
    "external-entity-xxe": (hostile.with_external_entity, "DTD"),
    "billion-laughs": (hostile.with_billion_laughs, "DTD"),
    "undeclared-entity": (hostile.with_undeclared_entity, "XML"),
    "zip-bomb": (hostile.zip_bomb, "压缩炸弹"),
    "too-many-parts": (lambda data: hostile.too_many_parts(data, 400), "部件"),
    "truncated-zip": (hostile.truncated, "截断"),
    "lying-size": (hostile.lying_size, "损坏"),
    "not-a-zip": (lambda data: "一、总则\n这只是改了扩展名的文本。".encode(), "不是有效的 .docx"),
    "row-wider-than-word": (
        lambda data: hostile.rewrite(data, annex_table(cell("甲") * 64)),
        "63 列",
    ),
}


# --- the parser -----------------------------------------------------------------------------


def test_a_comment_inside_a_paragraph_reads_as_if_it_were_not_there(seed_docx):
    """Issue 17 defect: comments in paragraphs, runs and text were a 500 (AttributeError)."""
    commented = parse_rules(hostile.with_comments(seed_docx), filename="规则.docx")
    assert commented.to_json() == parse_rules(seed_docx, filename="规则.docx").to_json()
    assert len(commented.units) == 15


@pytest.mark.parametrize("kind", HOSTILE, ids=list(HOSTILE))
def test_hostile_files_are_refused_with_a_chinese_message(seed_docx, kind):
    """Issue 17 defect (entity: a 500 before) and 8.1.4.4: each refused, saying what to do."""
    build, expected = HOSTILE[kind]
    with pytest.raises(RulesParseError) as caught:
        parse_rules(build(seed_docx), filename="规则.docx")
    assert expected in caught.value.message


def test_a_merged_cell_spanning_a_million_columns_stays_within_the_grid(seed_docx):
    """Issue 17 defect "324 KB, 36.5 s, 1.8 GB": w:gridSpan (and w:gridBefore) were taken from
    the file as they stood, so a row became a list of a million cells that the annex layout then
    walked column by column (49 s for one such row here). Spans end at Word's 63 columns."""
    wide = annex_table(
        '<w:trPr><w:gridBefore w:val="900000"/></w:trPr>'
        + cell("序号", '<w:tcPr><w:gridSpan w:val="1000000"/></w:tcPr>')
        + cell("成员单位", '<w:tcPr><w:gridSpan w:val="1000000"/></w:tcPr>')
    )
    data = hostile.rewrite(seed_docx, lambda xml: wide(xml).replace(b"<w:tr>", b"<w:tr>", 1))
    _, tables = importer._docx_text(data)
    assert tables and max(len(row) for table in tables for row in table.rows) <= 2 * 63
    assert len(parse_rules(data, filename="规则.docx").units) == 15


@pytest.mark.parametrize("value", ["²", "1e9", "9" * 5000, "-3", ""])
def test_odd_span_values_are_read_as_no_span(seed_docx, value):
    """int("²") and int() of 5,000 digits raise ValueError: a 500 before; now the default."""
    odd = annex_table(cell("甲", f'<w:tcPr><w:gridSpan w:val="{value}"/></w:tcPr>') + cell("乙"))
    _, tables = importer._docx_text(hostile.rewrite(seed_docx, odd))
    assert [len(row) for row in tables[-1].rows] == [2]


@pytest.mark.parametrize(
    "text",
    [
        "信阳市卫生健康委员会关于印发《信阳市联席会议工作规则》的通知",
        "关于印发的通知关于印发规则的通知",
        "关于印发《》的通知",
        "关于印发" * 300,
        "甲关于印发乙》的通知丙的通知",
        "没有通知",
    ],
)
def test_the_notice_title_is_found_as_the_regular_expression_finds_it(text):
    """The notice title's search was quadratic on a line of "关于印发" (36 s for a 5 MB file);
    the linear version finds exactly what re.search finds."""
    expected = re.search(r"关于印发《?(.+?)》?的通知", text)
    found = importer._notice_title(text)
    assert (found and (found.span(), found[1])) == (expected and (expected.span(), expected[1]))


def test_wrapped_lines_join_as_before_cjk_close_and_latin_spaced():
    """The joins of wrapped lines became linear; the text they give is the same."""
    assert importer._join_all(["职业病", "防治", "", "GB/T", "22239", "标准"]) == (
        "职业病防治GB/T 22239标准"
    )


# --- the page -------------------------------------------------------------------------------


def page_upload(client: Client, data: bytes, name: str = "规则.docx") -> Any:
    file = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(PAGE, {"file": file})


def test_page_previews_a_docx_with_comments(login, clerk, mechanism, seed_docx):
    """Issue 17 defect on the page: a comment inside a paragraph was a 500."""
    before = snapshot()
    response = page_upload(login(clerk), hostile.with_comments(seed_docx))
    assert response.status_code == 200
    assert "市委宣传部" in response.content.decode()  # the preview lists the units
    assert snapshot() == before


@pytest.mark.parametrize("kind", HOSTILE, ids=list(HOSTILE))
def test_page_shows_the_refusal_on_the_form_and_creates_nothing(
    login, clerk, mechanism, seed_docx, kind
):
    """Issue 17 defect on the page (an entity was a 500): the form says why; nothing is written."""
    build, expected = HOSTILE[kind]
    before = snapshot()
    response = page_upload(login(clerk), build(seed_docx))
    assert response.status_code == 200
    body = response.content.decode()
    assert expected in body and 'enctype="multipart/form-data"' in body
    assert snapshot() == before
