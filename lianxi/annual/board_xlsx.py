"""The completeness board (四(三)) as .xlsx: units × parts with each state and the late flags, for
the office's own tally and for WPS/Excel."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from lianxi.core.dates import cn_date
from lianxi.supervision.xlsx import display_width

from .models import PART_LABELS, PARTS, PartStatus
from .selectors import Board

HEADERS = (
    "序号",
    "单位",
    *(PART_LABELS[p] for p in PARTS),
    "报送齐全时间",
    "逾期（工作日）",
    "退回意见",
)
FILLS = {
    PartStatus.CONFIRMED: "C6EFCE",
    PartStatus.SENT: "DDEBF7",
    PartStatus.RETURNED: "FFC7CE",
    PartStatus.AWAITING_MEMBER: "FFEB9C",
}


def board_xlsx(board: Board, *, mechanism_name: str) -> bytes:
    cycle = board.cycle
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{cycle.year}年度报送"
    sheet.append(
        [f"{mechanism_name}{cycle.year}年度材料报送情况（截止日 {cn_date(cycle.deadline)}）"]
    )
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(HEADERS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    rows = []
    for n, row in enumerate(board.rows, 1):
        s = row.submission
        done = cn_date(timezone.localtime(s.completed_at).date()) if s.completed_at else ""
        notes = "；".join(f"{PART_LABELS[c.part]}：{c.note}" for c in row.cells if c.note)
        values = [
            n,
            s.unit.name,
            *(c.label for c in row.cells),
            done,
            row.late_workdays or "",
            notes,
        ]
        rows.append(values)
        sheet.append(values)
        for c, cell in zip(row.cells, sheet[sheet.max_row][2 : 2 + len(PARTS)], strict=True):
            if c.status in FILLS:
                cell.fill = PatternFill("solid", fgColor=FILLS[PartStatus(c.status)])
    sheet.freeze_panes = "C3"
    sheet.print_title_rows = "2:2"
    for n, header in enumerate(HEADERS, start=1):
        widest = max([display_width(header), *(display_width(str(r[n - 1])) for r in rows)])
        letter = sheet.cell(row=2, column=n).column_letter
        sheet.column_dimensions[letter].width = min(widest, 50) + 2
        for cell in sheet[letter][2:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = BytesIO()
    book.save(out)
    return out.getvalue()
