"""The ledger (督办台账) as .xlsx, for WPS and Excel: a title row, a bold header, set widths,
dates as real dates and lights as text (红/黄/绿/已办结)."""

from collections.abc import Iterable
from datetime import date
from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .lights import LIGHT_TEXT
from .models import ActionItem

DATE_FORMAT = "yyyy-mm-dd"
COLUMNS: list[tuple[str, int]] = [
    ("序号", 6),
    ("督办事项", 44),
    ("来源", 12),
    ("来源说明", 24),
    ("牵头单位", 22),
    ("配合单位", 34),
    ("办结时限", 12),
    ("原定时限", 12),
    ("状态", 10),
    ("灯号", 8),
    ("最近反馈", 12),
    ("办结日期", 12),
    ("按期办结", 10),
]
LIGHT_FILLS = {"red": "FFC7CE", "yellow": "FFEB9C", "green": "C6EFCE", "done": "E7E6E6"}


def _local_date(moment: object) -> date | None:
    if moment is None:
        return None
    return timezone.localtime(moment).date()  # type: ignore[arg-type]


def ledger_xlsx(items: Iterable[ActionItem], *, title: str, today: date) -> bytes:
    """`items` carry the `light` annotation and their prefetched supporting units."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "督办台账"
    last_column = get_column_letter(len(COLUMNS))
    sheet.merge_cells(f"A1:{last_column}1")
    sheet["A1"] = f"{title}（截至 {today:%Y年%m月%d日}）"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 28
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for index, (label, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=2, column=index, value=label)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = border
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    row = 2
    date_columns = (7, 8, 11, 12)
    fills = {light: PatternFill("solid", fgColor=color) for light, color in LIGHT_FILLS.items()}
    for number, item in enumerate(items, start=1):
        row += 1
        light = getattr(item, "light", "")
        sheet.append(
            [
                number,
                item.title,
                item.get_source_display(),
                item.source_label,
                item.lead_unit.name,
                "、".join(u.name for u in item.supporting_units.all()),
                item.deadline,
                item.original_deadline,
                item.get_status_display(),
                LIGHT_TEXT.get(light, ""),
                _local_date(item.last_progress_at),
                _local_date(item.closed_at),
                {None: "", True: "是", False: "否"}[item.closed_on_time],
            ]
        )
        # Only what a reader needs styled: real dates shown as dates, the light coloured
        # (styling every cell makes a 10,000-row export several times slower).
        for column in date_columns:
            sheet.cell(row=row, column=column).number_format = DATE_FORMAT
        if light in fills:
            sheet.cell(row=row, column=10).fill = fills[light]
    if row > 2:
        sheet.auto_filter.ref = f"A2:{last_column}{row}"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
