"""The minutes as PDF, measured from the file (GB/T 9704-2012 §5, §7.4, §7.5, §10.3; 三(一)1).

Measurements are pdfplumber character boxes converted to mm from the page's top-left corner.
For the body font (3号仿宋, FandolFang here) pdfplumber's box is the ideographic em box
(FandolFang's descent is 0.12 em), i.e. where the characters' ink may reach.
"""

from __future__ import annotations

import io
import itertools
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from pypdf import PdfReader

from lianxi.typesetting import fonts
from lianxi.typesetting.layout import MinutesDocument, MinutesSection
from lianxi.typesetting.pdf_render import local_url_fetcher, render_minutes_pdf

from .conftest import mm, screenshots
from .samples import plenary_minutes

TOL = 1.0  # mm


@pytest.fixture(scope="module")
def minutes_pdf(documents_dir: Path) -> dict[str, Any]:
    doc = plenary_minutes(extra_paragraphs=3)
    data = render_minutes_pdf(doc)
    path = documents_dir / "minutes-weasyprint.pdf"
    path.write_bytes(data)
    pngs = screenshots(path, "minutes-weasyprint", documents_dir)
    return {"data": data, "path": path, "pngs": pngs}


def _body_font(char: dict[str, Any]) -> bool:
    family = fonts.resolve("fangsong").replace(" ", "")
    return family in char["fontname"].replace("-", "") and round(char["size"]) == 16


def _pages(pdf: bytes) -> list[Any]:
    return list(pdfplumber.open(io.BytesIO(pdf)).pages)


def test_pdf_is_a4_within_1mm(minutes_pdf: dict[str, Any]) -> None:
    """GB/T 9704 §5.1: A4, 210 × 297 mm."""
    reader = PdfReader(io.BytesIO(minutes_pdf["data"]))
    assert len(reader.pages) >= 3
    for page in reader.pages:
        box = page.mediabox
        assert abs(mm(float(box.width)) - 210) <= TOL
        assert abs(mm(float(box.height)) - 297) <= TOL


def _em_box(page: Any, char: dict[str, Any]) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) in mm of a character's ideographic em box.

    The em box runs from 0.88 em above the baseline to 0.12 em below it in all the CJK fonts
    used (their OS/2 typo ascender/descender), whatever descent a font's PDF descriptor states.
    """
    baseline = page.height - char["matrix"][5]
    size = char["size"]
    return (
        mm(char["x0"]),
        mm(baseline - 0.88 * size),
        mm(char["x1"]),
        mm(baseline + 0.12 * size),
    )


def test_type_area_measured_from_the_body_text(minutes_pdf: dict[str, Any]) -> None:
    """GB/T 9704 §5.2: 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm, 22 lines of 28 characters.

    Measured: the union of the em boxes of every 3号 character (body, headings, labels) on
    each page after the first (the page number, 4号 below the type area, is left out).  It
    lies inside the type area on every page; on a full page (22 lines) it starts 37 mm from
    the top and 28 mm from the left edge (±1 mm), its lines 225/22 mm apart, and a line of
    body text holds 28 characters.
    """
    full_pages = 0
    for page in _pages(minutes_pdf["data"])[1:]:
        boxes = [_em_box(page, c) for c in page.chars if round(c["size"]) == 16]
        if not boxes:
            continue
        left = min(b[0] for b in boxes)
        top = min(b[1] for b in boxes)
        right = max(b[2] for b in boxes)
        bottom = max(b[3] for b in boxes)
        assert left >= 28 - TOL and top >= 37 - TOL, (left, top)
        assert right <= 28 + 156 + TOL and bottom <= 37 + 225 + TOL, (right, bottom)
        baselines = sorted({round(b[3], 0) for b in boxes})
        if len(baselines) == 22:
            full_pages += 1
            assert abs(left - 28) <= TOL, left
            assert abs(top - 37) <= TOL, top
            pitches = [b - a for a, b in itertools.pairwise(baselines)]
            assert all(abs(p - 225 / 22) < 1.01 for p in pitches), pitches
            assert abs((baselines[-1] - baselines[0]) / 21 - 225 / 22) < 0.1
        lines: dict[float, int] = defaultdict(int)
        for c in page.chars:
            if _body_font(c):
                lines[round(c["top"], 0)] += 1
        assert max(lines.values()) >= 28
    assert full_pages >= 1


def test_masthead_is_red_and_35mm_below_the_type_area(minutes_pdf: dict[str, Any]) -> None:
    """GB/T 9704 §10.3: the 纪要标志 is red, centred, its top edge 35 mm below the type area."""
    page = _pages(minutes_pdf["data"])[0]
    heading = "信阳市职业病防治工作部门间联席会议纪要"
    chars = [c for c in page.chars if c["non_stroking_color"] in ((1, 0, 0), [1, 0, 0])]
    assert "".join(c["text"] for c in chars) == heading
    assert abs(mm(min(c["x0"] for c in chars)) - 28) <= TOL  # fitted to the full 156 mm
    assert abs(mm(max(c["x1"] for c in chars)) - 184) <= TOL
    # em-box top = baseline − 0.88 em (the font's typo ascender); the text size is the
    # vertical scale of the text matrix times the font size
    first = chars[0]
    size = first["size"]
    baseline = mm(page.height - first["matrix"][5])
    em_top = baseline - 0.88 * mm(size)
    assert abs(em_top - (37 + 35)) <= TOL, em_top
    # the red separator under 编印单位 and date spans the type area
    red_rules = [
        r
        for r in page.rects + page.lines
        if r.get("stroking_color") in ((1, 0, 0), [1, 0, 0])
        or r.get("non_stroking_color") in ((1, 0, 0), [1, 0, 0])
    ]
    assert red_rules
    assert any(abs(mm(r["x1"] - r["x0"]) - 156) <= TOL for r in red_rules)
    text = page.extract_text()
    assert "第1期" in text and "联席会议办公室" in text and "2026年3月5日" in text


def test_page_numbers_odd_right_even_left_7mm_below(minutes_pdf: dict[str, Any]) -> None:
    """GB/T 9704 §7.5: "— N —" in 4号宋体, odd right and even left (空一字), 7 mm under."""
    pages = _pages(minutes_pdf["data"])
    for number, page in enumerate(pages, start=1):
        chars = [c for c in page.chars if round(c["size"]) == 14 and mm(c["top"]) > 262]
        text = "".join(c["text"] for c in chars)
        assert text == f"— {number} —", text
        left, right = mm(min(c["x0"] for c in chars)), mm(max(c["x1"] for c in chars))
        one_char = mm(14)
        if number % 2:
            assert abs(right - (184 - one_char)) <= TOL, right
        else:
            assert abs(left - (28 + one_char)) <= TOL, left
        dash = chars[0]
        em_top = mm(page.height - dash["matrix"][5]) - 0.88 * mm(14)
        assert abs(em_top + mm(7) - (262 + 7)) <= TOL  # the dash: mid-height of the em box


def test_text_has_numbered_agreed_matters_attendance_and_banji(
    minutes_pdf: dict[str, Any],
) -> None:
    """三(一)1 and GB/T 9704 §10.3, §7.4: agreed matters, 出席/请假/列席, 分送/抄送."""
    pages = _pages(minutes_pdf["data"])
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in pages))
    for needle in (
        "一、关于2025年全市职业病防治工作情况",
        "二、关于2026年职业病防治重点工作安排",
        "（一）由市卫生健康委牵头",
        "（二）由市人力资源和社会保障局牵头",
        "（三）由市应急管理局牵头",
        "出席：",
        "市财政局李四（委托张三出席）",
        "请假：市国资委孙伟",
        "列席：市总工会黄丽",
        "分送：联席会议各成员单位",
        "抄送：市政府办公室。",
        "2026年3月5日印发",
    ):
        assert needle in text, needle
    # labels in 黑体, continuation lines hang under the first character after the colon
    labels = [
        c for p in pages for c in p.chars if c["text"] in "出请列" and "Sans" in c["fontname"]
    ]
    assert labels and all(abs(mm(c["x0"]) - (28 + 2 * 156 / 28)) <= TOL for c in labels)
    # the 版记 closes the last page: its last line sits on the last lines of the type area
    last = pages[-1]
    printed = [c for c in last.chars if c["text"] == "印"]
    assert printed and mm(printed[-1]["bottom"]) > 262 - 2 * 225 / 22


def test_every_page_is_rendered_to_a_screenshot(minutes_pdf: dict[str, Any]) -> None:
    """One PNG per page (none where pdftoppm is missing). Render time is `make bench`'s."""
    assert len(minutes_pdf["pngs"]) in (0, len(_pages(minutes_pdf["data"])))


def test_text_is_escaped_and_empty_parts_are_left_out() -> None:
    doc = MinutesDocument(
        organ="某某会议",
        issue_number="第2期",
        issuer="办公室",
        date=plenary_minutes().date,
        title="",
        intro=["<b>不是标签</b> & 符号"],
        sections=[MinutesSection(heading="仅有讨论", paragraphs=["讨论内容。"])],
        attendance=[],
        distribution="",
        copy_to="",
    )
    pages = _pages(render_minutes_pdf(doc))
    text = "".join(p.extract_text() for p in pages)
    assert "<b>不是标签</b> & 符号" in text
    assert "会议议定" not in text and "出席" not in text and "抄送" not in text


def test_rendering_never_fetches_from_the_network() -> None:
    fetcher = local_url_fetcher()
    for url in ("https://example.com/font.woff2", "http://127.0.0.1/logo.png", "ftp://x/y"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)
    response = fetcher.fetch("data:text/plain,ok")
    try:
        assert response.read() == b"ok"
    finally:
        response.close()
