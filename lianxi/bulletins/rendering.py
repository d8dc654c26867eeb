"""A brief's files: the model handed to typesetting as a plain BriefDocument (.docx, PDF), and
the adoption figures as .xlsx."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from lianxi.typesetting.brief import BriefArticle as ArticleLayout
from lianxi.typesetting.brief import BriefDocument, render_brief_docx, render_brief_pdf

from .models import Brief
from .selectors import PERIODS, UnitFigures

EDITOR_SUFFIX = "办公室"


def editor_of(brief: Brief) -> str:
    """编印单位: the joint meeting's office."""
    name = brief.mechanism.name.strip()
    return name if name.endswith(EDITOR_SUFFIX) else f"{name}{EDITOR_SUFFIX}"


def brief_document(brief: Brief) -> BriefDocument:
    articles = [
        ArticleLayout(
            title=a.title,
            paragraphs=[p.strip() for p in a.body.splitlines() if p.strip()],
            source=a.source_unit.name if a.source_unit else "",
        )
        for a in brief.articles.select_related("source_unit")
    ]
    issued = brief.issued_at is not None
    when = timezone.localtime(brief.issued_at) if issued else timezone.localtime()
    return BriefDocument(
        name=brief.masthead,
        issue_label=brief.issue_label if issued else "第　期",
        year=brief.year or when.year,
        editor=editor_of(brief),
        date=when.date(),
        articles=articles,
        report_to=brief.report_to,
        send_to=brief.send_to,
        issue_to=brief.issue_to,
        copies=brief.copies,
        watermark="" if issued else "草稿",
    )


def brief_filename(brief: Brief, ext: str) -> str:
    if brief.number is None:
        return f"{brief.masthead}（草稿）{brief.title}.{ext}"
    return f"{brief.masthead}{brief.year}年{brief.issue_label}.{ext}"


def brief_docx(brief: Brief) -> bytes:
    return render_brief_docx(brief_document(brief))


def brief_pdf(brief: Brief) -> bytes:
    return render_brief_pdf(brief_document(brief))


FIGURE_HEADERS = ["单位", "报送", "采用", "采用率", "退回修改", "不采用", "编入简报篇数"]


def figures_xlsx(rows: list[UnitFigures], year: int, period: str) -> bytes:
    """三(四)1: each unit's reports of the period, as the office tables them (WPS/Excel)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "信息报送采用情况"
    sheet.append([f"{year}年{PERIODS[period]}各成员单位信息报送采用情况"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(FIGURE_HEADERS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(FIGURE_HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for r in rows:
        sheet.append(
            [
                r.unit.name,
                r.sent,
                r.adopted,
                None if r.rate is None else r.rate / 100,
                r.returned,
                r.declined,
                r.in_briefs,
            ]
        )
        sheet.cell(row=sheet.max_row, column=4).number_format = "0.0%"
    total_sent = sum(r.sent for r in rows)
    total_adopted = sum(r.adopted for r in rows)
    sheet.append(
        [
            "合计",
            total_sent,
            total_adopted,
            total_adopted / total_sent if total_sent else None,
            sum(r.returned for r in rows),
            sum(r.declined for r in rows),
            sum(r.in_briefs for r in rows),
        ]
    )
    sheet.cell(row=sheet.max_row, column=4).number_format = "0.0%"
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 28
    for col in range(2, len(FIGURE_HEADERS) + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 12
    sheet.freeze_panes = "B3"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
