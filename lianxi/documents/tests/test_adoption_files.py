"""The 意见采纳情况表 as the files a clerk sends on (三(二)): .xlsx opened by openpyxl and .docx by
python-docx and LibreOffice, each with every column (轮次, 单位, 段落, 原文, 意见, 建议修改为, 处理,
理由) of both rounds; a consulted unit downloads only its own rows."""

import io
import shutil
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from docx import Document
from openpyxl import load_workbook

from lianxi.typesetting.tests.conftest import libreoffice_to_pdf

from ..adoption import HEADERS
from ..services import comment_decide, consultation_close, document_save, reply_approve
from .conftest import PLAN_BODY
from .rounds_fixtures import answer, reply_of

pytestmark = pytest.mark.django_db

REVISED = "到2025年底，重点行业用人单位职业病危害项目申报率达到90%以上。"


@pytest.fixture
def two_rounds(plan, send_round, clerk, consulted, hrss, union) -> Any:
    """Round 1: 人社局 comments on paragraph 3 (部分采纳), 总工会 has none. Round 2 on the
    revised text, to 人社局 alone: a comment on the whole (不采纳)."""
    liaison, member = consulted["hrss"]
    _, union_member = consulted["union"]
    first = send_round(plan)
    answer(
        liaison, first, hrss, stance="comments",
        comments=[{"paragraph": 2, "text": "目标偏高。", "proposed": REVISED}],
    )  # fmt: skip
    reply_approve(actor=member.membership, reply=reply_of(first, hrss))
    answer(union_member, first, union, stance="无意见", submit=True)
    consultation_close(actor=clerk.membership, consultation=first)
    comment_decide(
        actor=clerk.membership, comment=reply_of(first, hrss).comments.get(),
        decision="partly", reason="改为90%，时限不变。",
    )  # fmt: skip
    revised = [*PLAN_BODY]
    revised[2] = REVISED
    document_save(
        actor=clerk.membership, document=plan, based_on=1, title=plan.title, paragraphs=revised
    )
    second = send_round(plan, unit_ids=[hrss.pk])
    answer(
        liaison, second, hrss, stance="comments",
        comments=[{"paragraph": None, "text": "建议增加考核条款。", "proposed": ""}],
    )  # fmt: skip
    reply_approve(actor=member.membership, reply=reply_of(second, hrss))  # the round ends
    comment_decide(
        actor=clerk.membership, comment=reply_of(second, hrss).comments.get(),
        decision="rejected", reason="考核另行发文。",
    )  # fmt: skip
    return plan


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_xlsx_has_every_column_of_both_rounds_三二(two_rounds, clerk, login) -> None:
    response = login(clerk).get(f"/documents/{two_rounds.pk}/adoption.xlsx")
    assert response.status_code == 200
    header, *rows = _xlsx_rows(response.content)
    assert header == HEADERS
    by_round = {(r[1], r[2]): r for r in rows}
    assert by_round[("第1轮", "市人力资源和社会保障局")][3:] == [
        "第3段", PLAN_BODY[2], "目标偏高。", REVISED, "部分采纳", "改为90%，时限不变。",
    ]  # fmt: skip
    assert by_round[("第1轮", "市总工会")][5] == "无意见"
    second = by_round[("第2轮", "市人力资源和社会保障局")]
    assert second[3] in ("全文", None, "—") and second[5:] == [
        "建议增加考核条款。", second[6], "不采纳", "考核另行发文。",
    ]  # fmt: skip


def test_a_consulted_unit_downloads_only_its_own_rows_三二(two_rounds, consulted, login) -> None:
    """市应急管理局 was consulted (it does not co-issue): its own row only, 视为无意见 after the
    round closed without its answer; a co-issuer (总工会) sees every unit's."""
    _, safety_member = consulted["safety"]
    response = login(safety_member).get(f"/documents/{two_rounds.pk}/adoption.xlsx")
    assert response.status_code == 200
    _, *rows = _xlsx_rows(response.content)
    assert [(r[1], r[2], r[5]) for r in rows] == [
        ("第1轮", "市应急管理局", "逾期未反馈，视为无意见")
    ]
    _, union_member = consulted["union"]
    _, *rows = _xlsx_rows(
        login(union_member).get(f"/documents/{two_rounds.pk}/adoption.xlsx").content
    )
    assert len(rows) == 5


def test_the_docx_has_the_same_rows_and_opens_in_libreoffice_三二(
    two_rounds, clerk, login, tmp_path: Path
) -> None:
    client = login(clerk)
    xlsx = _xlsx_rows(client.get(f"/documents/{two_rounds.pk}/adoption.xlsx").content)
    response = client.get(f"/documents/{two_rounds.pk}/adoption.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    (table,) = document.tables
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == HEADERS
    assert [row[1:3] for row in cells[1:]] == [[r[1], r[2]] for r in xlsx[1:]]
    assert [row[-2:] for row in cells[1:]] == [
        [str(r[-2] or ""), str(r[-1] or "")] for r in xlsx[1:]
    ]
    section = document.sections[0]
    assert (section.page_width or 0) > (section.page_height or 0)  # landscape: nine columns
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    path = tmp_path / "adoption.docx"
    path.write_bytes(response.content)
    with pdfplumber.open(libreoffice_to_pdf(path, tmp_path)) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    # the cells wrap: look for what fits on one line of a cell
    for expected in ("意见采纳情况表", "第2轮", "不采纳", "目标偏高。", "逾期未反馈"):
        assert expected in text


def test_the_docx_columns_keep_their_widths_in_the_grid(two_rounds, clerk, login) -> None:
    """LibreOffice and WPS take a table's column widths from its grid: 序号 narrow, the texts
    wide, as in Word."""
    from docx.shared import Mm

    from ..adoption import DOCX_WIDTHS_MM

    data = login(clerk).get(f"/documents/{two_rounds.pk}/adoption.docx").content
    (table,) = Document(io.BytesIO(data)).tables
    grid = [column.width or 0 for column in table.columns]
    assert all(
        abs(got - Mm(want)) < Mm(0.1) for got, want in zip(grid, DOCX_WIDTHS_MM, strict=True)
    )
    assert sum(DOCX_WIDTHS_MM) <= 297 - 2 * 20  # within the landscape page's margins
