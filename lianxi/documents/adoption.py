"""The 意见采纳情况表 (三(二)): which unit said what on which paragraph, what it proposed, and how
the drafter answered (采纳 / 部分采纳 / 不采纳, with the reason), as .xlsx and .docx.

Both are made from `selectors_rounds.adoption_rows`, the same rows as the page. The .xlsx wraps
its long columns and gives each row the height its text needs (LibreOffice does not fit row
heights when it opens or prints a sheet), prints landscape on A4 one page wide with the header
repeated; the .docx is an A4 landscape table in 仿宋 with a 黑体 header row, repeated on every page.
"""

from __future__ import annotations

import unicodedata
from io import BytesIO

from django.utils import timezone
from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from lianxi.core.dates import cn_date
from lianxi.typesetting.fonts import official

from .models import OfficialDocument
from .selectors_rounds import AdoptionRow, adoption_rows

HEADERS = ["序号", "轮次", "单位", "段落", "原文", "意见", "建议修改为", "处理", "理由"]
# Column widths in digit widths (a Chinese character is two): the long ones wrap.
XLSX_WIDTHS = [6, 6, 20, 8, 30, 36, 30, 10, 28]
WRAPPING = {2, 4, 5, 6, 8}
LINE_HEIGHT = 15.6
ROW_AIR = 3.0
# The .docx columns in millimetres: 277 mm of landscape A4 less 2 × 20 mm margins.
# 11 pt characters are 3.9 mm, a cell adds 3.8 mm of margins: 第1轮, 第3段 and 部分采纳 on one line
DOCX_WIDTHS_MM = [12, 16, 28, 16, 38, 46, 38, 20, 37]
QUOTE_MAX = 120


def title_of(document: OfficialDocument) -> str:
    return f"《{document.title}》意见采纳情况表"


def filename_of(document: OfficialDocument, extension: str) -> str:
    return f"{document.title}-意见采纳情况表.{extension}"


def _quoted(text: str) -> str:
    return text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 1] + "…"


def _values(number: int, row: AdoptionRow) -> list[object]:
    return [
        number,
        f"第{row.round}轮",
        row.unit,
        row.paragraph,
        _quoted(row.quoted),
        row.text,
        row.proposed,
        row.decision,
        row.reason,
    ]


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _lines(text: str, width: int) -> int:
    usable = max(width - 1, 2)
    return sum(max(1, -(-_display_width(line) // usable)) for line in text.splitlines() or [""])


def adoption_xlsx(document: OfficialDocument, *, unit_id: int | None = None) -> bytes:
    """The table as .xlsx (every unit's rows; with `unit_id`, one unit's)."""
    rows = adoption_rows(document, unit_id=unit_id)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "意见采纳情况表"
    last = get_column_letter(len(HEADERS))
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"] = title_of(document)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 28
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for index, label in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=2, column=index, value=label)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        sheet.column_dimensions[get_column_letter(index)].width = XLSX_WIDTHS[index - 1]
    sheet.freeze_panes = "A3"
    wrapped = Alignment(wrap_text=True, vertical="top")
    plain = Alignment(vertical="top")
    for number, row in enumerate(rows, start=1):
        values = _values(number, row)
        sheet.append(values)
        excel_row = number + 2
        height = 1
        for index, value in enumerate(values):
            cell = sheet.cell(row=excel_row, column=index + 1)
            cell.alignment = wrapped if index in WRAPPING else plain
            cell.border = border
            if index in WRAPPING and value:
                height = max(height, _lines(str(value), XLSX_WIDTHS[index]))
        if height > 1:
            sheet.row_dimensions[excel_row].height = height * LINE_HEIGHT + ROW_AIR
    if rows:
        sheet.auto_filter.ref = f"A2:{last}{len(rows) + 2}"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _fonts(run: object, family: str) -> None:
    rpr = run._element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(key), family)


def _cell_text(cell: object, text: str, *, family: str, size: float, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    for n, line in enumerate(text.splitlines() or [""]):
        if n:
            paragraph = cell.add_paragraph()  # type: ignore[attr-defined]
        run = paragraph.add_run(line)
        run.font.size = Pt(size)
        run.bold = bold
        _fonts(run, family)


def adoption_docx(document: OfficialDocument, *, unit_id: int | None = None) -> bytes:
    """The table as .docx: A4 landscape, a title in 小标宋, the table in 仿宋 (header in 黑体,
    repeated on every page), the date it was made under it."""
    rows = adoption_rows(document, unit_id=unit_id)
    doc = new_docx()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(20))
    section.top_margin = section.bottom_margin = Mm(20)
    fangsong, heiti = official("fangsong"), official("heiti")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)  # type: ignore[attr-defined]
    _fonts(normal, fangsong)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title_of(document))
    run.font.size = Pt(18)
    _fonts(run, official("xiaobiaosong"))
    table = doc.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    trpr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for cell, label in zip(header.cells, HEADERS, strict=True):
        _cell_text(cell, label, family=heiti, size=11)
    for number, row in enumerate(rows, start=1):
        cells = table.add_row().cells
        for cell, value in zip(cells, _values(number, row), strict=True):
            _cell_text(cell, str(value), family=fangsong, size=11)
    # LibreOffice and WPS lay a table out by its grid (w:gridCol), Word by the cells: set both
    table.autofit = False
    for column, width in zip(table.columns, DOCX_WIDTHS_MM, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)
    if not rows:
        doc.add_paragraph("尚无单位反馈意见。")
    made = doc.add_paragraph(f"制表日期：{cn_date(timezone.localdate())}")
    made.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
