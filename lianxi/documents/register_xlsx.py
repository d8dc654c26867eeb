"""The outgoing register (发文登记簿, 四(六)) as .xlsx: every number taken, used or withdrawn
(作废, with its reason), in the order taken; Chinese column widths as the ledger's."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from lianxi.core.dates import cn_date
from lianxi.supervision.xlsx import display_width

from .models import IssuedNumber

HEADERS = ("发文字号", "标题", "发文机关", "取号日期", "状态", "作废原因")
TITLE = "发文登记簿"


def outgoing_rows(numbers: Iterable[IssuedNumber]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for number in numbers:
        document = number.document
        if document.in_mechanism_name:
            organs = document.mechanism.name
        else:
            organs = "、".join(i.unit.name for i in document.issuers.all())
        rows.append(
            (
                number.text,
                document.title,
                organs,
                cn_date(timezone.localdate(number.taken_at)),
                number.get_status_display(),
                number.withdrawn_reason,
            )
        )
    return rows


def register_xlsx(numbers: Iterable[IssuedNumber], *, mechanism_name: str) -> bytes:
    """`numbers` with their documents, issuers and mechanism prefetched (select_related
    document__mechanism, prefetch document__issuers__unit)."""
    rows = outgoing_rows(numbers)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = TITLE
    sheet.append([f"{mechanism_name}{TITLE}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(HEADERS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    for n, header in enumerate(HEADERS, start=1):
        widest = max([display_width(header), *(display_width(r[n - 1]) for r in rows)])
        letter = sheet.cell(row=2, column=n).column_letter
        sheet.column_dimensions[letter].width = min(widest, 60) + 2
        for cell in sheet[letter][2:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = BytesIO()
    book.save(out)
    return out.getvalue()
