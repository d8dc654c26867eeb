"""The ledger (督办台账) as .xlsx, for WPS and Excel, on screen and on paper.

- A title row, a bold header row repeated on every printed page, frozen under the title.
- Columns as wide as their Chinese text needs: a CJK character counts as two (a column's width
  is in digit widths of the default font, and a Chinese character is about two of them); short
  columns (units, dates, status) are never narrower than their longest value, so nothing is cut;
  long ones (督办事项, 来源说明, 配合单位, 最新进展) are capped and wrap, top-aligned.
- Each row is given the height its wrapped text needs: LibreOffice does not fit row heights of
  an .xlsx when it opens or prints one, and would show the first line only.
- Printed landscape on A4 with narrow margins, one page wide and as many pages long as needed
  (fitToWidth=1, fitToHeight=0): the widths add up to a scale of about three quarters.
- Dates as real dates shown as officials write them (2026年12月3日); lights as text
  (红/黄/绿/已办结), the light's cell coloured; 办结情况 the closing date and 按期/逾期.
- 最新进展: the lead unit's latest sent report (what everyone who sees the item may read), with
  its date.
"""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from lianxi.core.dates import cn_date

from .lights import LIGHT_TEXT
from .models import ActionItem

DATE_FORMAT = 'yyyy"年"m"月"d"日"'
LIGHT_FILLS = {"red": "FFC7CE", "yellow": "FFEB9C", "green": "C6EFCE", "done": "E7E6E6"}
PADDING = 2  # a little air either side of the text
LINE_HEIGHT = 15.6  # points per line of 11-point text, Chinese faces included
ROW_AIR = 3.0


def display_width(text: str) -> int:
    """How many digit widths `text` takes: East Asian wide and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


DATE_WIDTH = display_width("2026年12月31日")
STATUS_WIDTH = max(display_width(label) for label in ActionItem.Status.labels)


@dataclass(frozen=True)
class Column:
    label: str
    cap: int  # the widest the column gets; longer text wraps
    wrap: bool = False
    is_date: bool = False
    least: int = 0  # the narrowest it gets, whatever this export holds (every status fits)


# The caps add up to about 200 digit widths: one landscape A4 page wide at about 76 %.
COLUMNS: list[Column] = [
    Column("序号", 6),
    Column("督办事项", 28, wrap=True),
    Column("来源", 14),
    Column("来源说明", 18, wrap=True),
    Column("牵头单位", 16, wrap=True),
    Column("配合单位", 20, wrap=True),
    Column("办结时限", DATE_WIDTH + PADDING, is_date=True, least=DATE_WIDTH),
    Column("原定时限", DATE_WIDTH + PADDING, is_date=True, least=DATE_WIDTH),
    Column("状态", STATUS_WIDTH + PADDING, least=STATUS_WIDTH),
    Column("灯号", 8),
    Column("最新进展", 28, wrap=True),
    Column("办结情况", DATE_WIDTH + PADDING, wrap=True),
]


def _lines(width: int, column_width: float) -> int:
    """How many lines text `width` digit-widths long takes in a wrapping column."""
    usable = max(column_width - 1, 2)
    return max(1, -(-width // int(usable)))


def _shown(value: Any) -> str:
    """The text a cell shows (dates as the number format shows them)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return cn_date(value)
    return str(value)


def _local_date(moment: object) -> date | None:
    if moment is None:
        return None
    return timezone.localtime(moment).date()  # type: ignore[arg-type]


def _latest_progress(item: ActionItem) -> str:
    text = getattr(item, "latest_progress_text", None)
    if not text:
        return ""
    when = getattr(item, "latest_progress_at", None)
    return f"{cn_date(when)}：{text}" if when else str(text)


def _row(number: int, item: ActionItem) -> list[Any]:
    return [
        number,
        item.title,
        item.get_source_display(),
        item.source_label,
        item.lead_unit.name,
        "、".join(u.name for u in item.supporting_units.all()),
        item.deadline,
        item.original_deadline,
        item.get_status_display(),
        LIGHT_TEXT.get(getattr(item, "light", ""), ""),
        _latest_progress(item),
        _closure(item),
    ]


def _closure(item: ActionItem) -> str:
    """办结情况: when it was closed and whether on time (2026年12月3日 按期办结)."""
    if item.closed_at is None:
        return ""
    on_time = {None: "", True: "按期办结", False: "逾期办结"}[item.closed_on_time]
    return f"{cn_date(_local_date(item.closed_at))}\n{on_time}".strip()


def ledger_xlsx(items: Iterable[ActionItem], *, title: str, today: date) -> bytes:
    """`items` carry the `light` annotation, their prefetched supporting units and (for
    最新进展) the `latest_progress_text` / `latest_progress_at` annotations."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "督办台账"
    last_column = get_column_letter(len(COLUMNS))
    sheet.merge_cells(f"A1:{last_column}1")
    sheet["A1"] = f"{title}（截至 {cn_date(today)}）"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 28
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    widths = [max(display_width(column.label), column.least) for column in COLUMNS]
    # Per row, the widths of its wrapping cells' lines: the row's height once widths are known.
    wrapping: list[list[tuple[int, int]]] = []
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=2, column=index, value=column.label)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    sheet.freeze_panes = "A3"
    row = 2
    fills = {light: PatternFill("solid", fgColor=color) for light, color in LIGHT_FILLS.items()}
    # One alignment object per kind, shared by every cell (styling 10,000 rows stays quick).
    wrapped = Alignment(wrap_text=True, vertical="top")
    plain = Alignment(vertical="top")
    light_column = 1 + [c.label for c in COLUMNS].index("灯号")
    for number, item in enumerate(items, start=1):
        row += 1
        values = _row(number, item)
        sheet.append(values)
        row_wrapping: list[tuple[int, int]] = []
        for index, (column, value) in enumerate(zip(COLUMNS, values, strict=True), start=1):
            cell = sheet.cell(row=row, column=index)
            cell.alignment = wrapped if column.wrap else plain
            if column.is_date:
                cell.number_format = DATE_FORMAT
            if value in (None, ""):
                continue
            lines = [display_width(line) for line in _shown(value).splitlines()] or [0]
            widths[index - 1] = max(widths[index - 1], *lines)
            if column.wrap:
                row_wrapping.extend((index - 1, line) for line in lines)
        wrapping.append(row_wrapping)
        light = getattr(item, "light", "")
        if light in fills:
            sheet.cell(row=row, column=light_column).fill = fills[light]
    final = [min(widths[i] + PADDING, column.cap) for i, column in enumerate(COLUMNS)]
    for index, width in enumerate(final, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for offset, row_wrapping in enumerate(wrapping):
        per_cell: dict[int, int] = {}
        for i, line in row_wrapping:
            per_cell[i] = per_cell.get(i, 0) + _lines(line, final[i])
        height_in_lines = max(per_cell.values(), default=1)
        if height_in_lines > 1:
            sheet.row_dimensions[3 + offset].height = height_in_lines * LINE_HEIGHT + ROW_AIR
    if row > 2:
        sheet.auto_filter.ref = f"A2:{last_column}{row}"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(
        left=0.3, right=0.3, top=0.5, bottom=0.5, header=0.2, footer=0.2
    )
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
