"""The 履职情况 files (四(三)): all units' figures as .xlsx for WPS/Excel, one unit's year with
the records behind it as .docx in the official fonts."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from lianxi.core.dates import cn_date
from lianxi.supervision.xlsx import display_width
from lianxi.typesetting.docx_render import set_fonts
from lianxi.typesetting.fonts import official

from .record import Figure, UnitYearDetails, UnitYearRecord


def _columns(record: UnitYearRecord) -> list[Figure]:
    return [f for _, _, figures in record.groups() for f in figures]


def records_xlsx(records: list[UnitYearRecord], *, year: int, mechanism_name: str) -> bytes:
    """Units × figures for WPS/Excel: a title row, the Chinese header (group and figure), frozen
    below it with the unit column, widths by the text's display width."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{year}年度履职情况"
    sheet.append([f"{mechanism_name}各成员单位{year}年度履职情况"])
    sheet["A1"].font = Font(bold=True, size=14)
    template = records[0] if records else None
    headers = ["序号", "单位"]
    if template is not None:
        headers += [
            f"{title}：{f.label}" for title, _, figures in template.groups() for f in figures
        ]
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    rows = []
    for n, record in enumerate(records, 1):
        values: list[Any] = [n, record.unit.name]
        for f in _columns(record):
            values.append(f.shown if f.value is None or isinstance(f.value, str) else f.value)
        rows.append(values)
        sheet.append(values)
    sheet.freeze_panes = "C3"
    sheet.print_title_rows = "2:2"
    for n, header in enumerate(headers, start=1):
        widest = max(
            [min(display_width(header), 16), *(display_width(str(r[n - 1])) for r in rows)]
        )
        letter = sheet.cell(row=2, column=n).column_letter
        sheet.column_dimensions[letter].width = min(widest, 40) + 2
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def record_docx(record: UnitYearRecord, details: UnitYearDetails, *, mechanism_name: str) -> bytes:
    """One unit's year as .docx: A4, the title in 小标宋, a table of the figures in 仿宋 (the
    header row in 黑体, repeated on every page), then the records behind them."""

    def cell_text(cell: Any, text: str, family: str, *, bold: bool = False) -> None:
        if not text:
            return  # an empty cell stays empty (a merged group cell takes no blank line)
        for n, line in enumerate(text.split("\n")):
            run = (cell.paragraphs[0] if n == 0 else cell.add_paragraph()).add_run(line)
            run.font.size = table_size
            run.bold = bold
            set_fonts(run._r, family)

    def table(headers: list[str], rows: list[list[str]], widths: list[float]) -> Any:
        t = doc.add_table(rows=1, cols=len(headers))
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        trpr = t.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        trpr.append(repeat)
        for cell, label in zip(t.rows[0].cells, headers, strict=True):
            cell_text(cell, label, heiti, bold=True)
        for values in rows:
            for cell, value in zip(t.add_row().cells, values, strict=True):
                cell_text(cell, value, fangsong)
        t.autofit = False
        for column, width in zip(t.columns, widths, strict=True):
            column.width = Mm(width)
            for cell in column.cells:
                cell.width = Mm(width)
        return t

    def heading(text: str) -> None:
        p = doc.add_paragraph()
        p.paragraph_format.space_before, p.paragraph_format.space_after = Pt(12), Pt(6)
        p.paragraph_format.keep_with_next = True
        run = p.add_run(text)
        run.font.size = Pt(16)
        set_fonts(run._r, heiti)

    table_size = Pt(10.5)  # 五号, the size of tables in official documents
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    fangsong, heiti = official("fangsong"), official("heiti")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)  # type: ignore[attr-defined]
    set_fonts(normal.element, fangsong)
    title = f"{record.unit.name}{record.year}年度履职情况"
    doc.core_properties.title = title
    doc.core_properties.author = mechanism_name
    doc.core_properties.language = "zh-CN"
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(title)
    run.font.size = Pt(22)
    set_fonts(run._r, official("xiaobiaosong"))
    groups = record.groups()
    figures_table = table(
        ["项目", "指标", "数值", "说明"],
        [
            [
                f"{group}\n（{clause}）" if n == 0 else "",
                f.label,
                f.shown if f.value is not None else "—（未启用）",
                f.note,
            ]
            for group, clause, figures in groups
            for n, f in enumerate(figures)
        ],
        [34, 48, 26, 48],
    )
    # Each group's name once, in one cell down its figures (as the page's rowspan).
    first = 1
    for _, _, figures in groups:
        if len(figures) > 1:
            top = figures_table.cell(first, 0)
            top.merge(figures_table.cell(first + len(figures) - 1, 0))
        first += len(figures)
    sections = [
        ("参加会议", "会议日期", details.meetings),
        ("牵头督办事项", "办结时限", details.led),
        ("配合督办事项", "办结时限", details.supported),
        ("进展反馈", "日期", details.feedback),
        ("事故通报确认", "通报日期", details.incidents),
        ("公文征求意见", "征求日期", details.rounds),
        ("重大事项征求意见", "征求日期", details.opinions),
    ]
    for label, when, rows in sections:
        if not rows:
            continue
        heading(label)
        table(
            [when, "事项", "情况", "说明"],
            [[r.when, r.title, r.state, r.note] for r in rows],
            [26, 54, 32, 44],
        )
    made = doc.add_paragraph(
        f"数据来源：联席会议工作平台；制表日期：{cn_date(timezone.localdate())}"
    )
    made.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    made.paragraph_format.space_before = Pt(12)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
