"""四(二) the ledger's .xlsx as its readers open and print it (issue 18): nothing cut off, widths
for Chinese, wrapped text, landscape and fit to the page's width with the header repeated, a
最新进展 column; checked with openpyxl and by LibreOffice's own PDF of it."""

import html
import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from lianxi.organization.models import Unit
from lianxi.supervision import services
from lianxi.supervision.models import ActionItem
from lianxi.supervision.xlsx import display_width
from lianxi.testing.libreoffice import libreoffice_convert

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LONG_TITLE = (
    "督促全市矿山、冶金、建材、化工等重点行业用人单位全面落实职业病危害项目申报、"
    "工作场所职业病危害因素定期检测和劳动者在岗期间职业健康检查制度，并建立问题清单"
)
LONG_SOURCE = (
    "市政府督查通知（信政督〔2026〕3号）关于职业病防治工作部门间联席会议议定事项的督办要求"
)


WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def cell_text(
    words: list[tuple[float, float, float, float, str]], start: str, next_column: str = ""
) -> str:
    """The text of the left-aligned, wrapped cell whose first line begins with `start`, read
    line by line down to where the cell ends: the words between its left edge and the left edge
    of the next column (where the word `next_column` begins on the first line)."""
    first = next((w for w in words if w[4].startswith(start)), None)
    assert first is not None, start
    x, y, _, height, _ = first
    right = float("inf")
    if next_column:
        right = min(
            w[0] for w in words if abs(w[1] - y) < 1 and w[0] > x and w[4].startswith(next_column)
        )
    by_line: dict[float, list[tuple[float, str]]] = {}
    for x0, y0, _, _, text in words:
        if y0 >= y - 1 and x - 1.5 <= x0 < right - 0.5:
            by_line.setdefault(round(y0), []).append((x0, text))
    text, last = "", y
    for line_y in sorted(by_line):
        if line_y - last > height * 1.6:
            break
        text += "".join(t for _, t in sorted(by_line[line_y]))
        last = line_y
    return text


def cn(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@pytest.fixture
def ledger(
    make_item: Callable[..., ActionItem],
    hrss: Unit,
    union: Unit,
    clerk: Any,
    health_liaison: Any,
    other_liaison: Any,
) -> ActionItem:
    item = make_item(LONG_TITLE, supporting=(hrss, union), deadline=TODAY + timedelta(days=90))
    ActionItem.objects.filter(pk=item.pk).update(source_label=LONG_SOURCE)
    services.progress_report_create(
        item=item, actor=health_liaison, text="已完成第一批企业排查。", submit=True
    )
    services.progress_report_create(
        item=item,
        actor=health_liaison,
        text="已完成全部 120 家企业排查，正在汇总问题清单。",
        submit=True,
    )
    services.progress_report_create(
        item=item, actor=other_liaison, text="配合单位的情况", submit=True
    )
    services.progress_report_create(item=item, actor=health_liaison, text="尚未报送的草稿")
    make_item("短事项", lead=union, deadline=TODAY + timedelta(days=30))
    return item


def export(client: Client) -> bytes:
    response = client.get("/supervision/export.xlsx")
    assert response.status_code == 200
    return response.content


def test_display_width_counts_chinese_characters_double() -> None:
    assert display_width("abc") == 3
    assert display_width("督办事项") == 8
    assert display_width("2026年12月") == 10


def test_the_xlsx_wraps_sizes_for_chinese_prints_landscape_and_has_the_latest_progress(
    login: Callable[[Any], Client], clerk: Any, ledger: ActionItem
) -> None:
    """四(二): long 督办事项 and 来源说明 wrap in columns sized for Chinese; the sheet prints
    landscape, one page wide (as many pages long as needed) with the header row on each page;
    最新进展 is the lead unit's latest sent report with its date (not a draft, not a supporting
    unit's part); dates read as officials write them."""
    book = load_workbook(BytesIO(export(login(clerk))))
    sheet = book.active
    header = [c.value for c in sheet[2]]
    assert "最新进展" in header
    col = {label: index for index, label in enumerate(header)}
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=3)}
    row = rows[LONG_TITLE]
    for label in ("督办事项", "来源说明", "配合单位", "最新进展"):
        assert row[col[label]].alignment.wrap_text, label
        assert row[col[label]].alignment.vertical == "top"
    latest = row[col["最新进展"]].value
    assert latest == f"{cn(TODAY)}：已完成全部 120 家企业排查，正在汇总问题清单。"
    assert rows["短事项"][col["最新进展"]].value in (None, "")
    letters = {label: chr(ord("A") + index) for label, index in col.items()}
    width = {label: sheet.column_dimensions[letter].width for label, letter in letters.items()}
    # Short cells are as wide as their longest Chinese text (counted double), nothing cut.
    assert width["牵头单位"] >= display_width("市卫生健康委")
    assert width["状态"] >= display_width("已退回待补报")
    assert width["办结时限"] >= display_width(cn(TODAY + timedelta(days=90)))
    # Long cells are capped and wrap rather than running into the next column.
    assert 24 <= width["督办事项"] <= 40
    # The printed page: landscape A4, fit to one page wide, any number of pages tall.
    setup = sheet.page_setup
    assert setup.orientation == "landscape"
    assert setup.fitToWidth == 1 and setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows in ("2:2", "$2:$2")
    assert "截至" in sheet["A1"].value and cn(TODAY) in sheet["A1"].value
    deadline = row[col["办结时限"]]
    assert deadline.value.date() == TODAY + timedelta(days=90)
    assert deadline.number_format == 'yyyy"年"m"月"d"日"'
    # The sum of widths fits a landscape page at a readable scale (not shrunk to tiny).
    assert sum(width.values()) <= 200


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is missing")
def test_libreoffice_prints_the_xlsx_landscape_readable_and_nothing_cut(
    login: Callable[[Any], Client],
    clerk: Any,
    ledger: ActionItem,
    tmp_path: Path,
    screenshot_dir: Path,
) -> None:
    """四(二): LibreOffice's PDF of the ledger is landscape, one page wide, in letters a reader
    can read (at least 8 pt), with every character of the long 督办事项, 来源说明 and 最新进展."""
    source = tmp_path / "ledger.xlsx"
    source.write_bytes(export(login(clerk)))
    pdf = libreoffice_convert(source, tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info.stdout)
    assert size is not None
    assert float(size[1]) > float(size[2])  # landscape
    assert re.search(r"Pages:\s+1\b", info.stdout)  # two items: one page, one page wide
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    words = [
        (float(m[1]), float(m[2]), float(m[3]), float(m[4]) - float(m[2]), html.unescape(m[5]))
        for m in WORD.finditer(bbox)
    ]
    assert "最新进展" in "".join(w[4] for w in words)
    cells = (
        (LONG_TITLE, "督促全市", "市政府交办"),
        (LONG_SOURCE, "市政府督查", "市卫生健康委"),
        (f"{cn(TODAY)}：已完成全部 120 家企业排查，正在汇总问题清单。", f"{cn(TODAY)}：", ""),
        ("市人力资源和社会保障局、市总工会", "市人力", "2027年"),
    )
    for whole, start, next_column in cells:
        read = cell_text(words, start, next_column)
        assert re.sub(r"\s+", "", whole) == re.sub(r"\s+", "", read), (whole, read)
    heights = sorted(w[3] for w in words)
    assert heights[len(heights) // 2] >= 8, heights[len(heights) // 2]
    # The page as a picture, for a person to look at.
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-singlefile",
            str(pdf),
            str(screenshot_dir / "supervision-ledger-print"),
        ],
        check=True,
        timeout=60,
    )
