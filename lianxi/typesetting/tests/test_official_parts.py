"""The parts of an official document (公文) that are rendered but were never measured: 主送
(GB/T 9704-2012 §7.3.2), 附件说明 (§7.3.4), 附注 (§7.3.6), 紧急程度 (§7.2.3) and the page
numbers (§7.5) — measured with pdfplumber in our PDF and, where marked slow, in LibreOffice's
rendering of the .docx on "an official PC".  Lengths in mm from the page's top-left corner; the
type area is x 28–184, y 37–262, 22 lines, 28 characters of 156/28 mm a line.

Vertical places of text are taken from each character's baseline (the PDF's text matrix, exact)
and the fonts' ideographic em box (0.88 em above the baseline for every face used here, except
楷体 which is not measured): "em top" is the em box's upper edge, "em centre" its middle."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from lianxi.typesetting import fonts
from lianxi.typesetting.official_docx import render_official_docx
from lianxi.typesetting.official_pdf import render_official_pdf

from . import official_samples as samples
from .conftest import libreoffice_to_pdf, mm, official_pc_fontconfig

LEFT, RIGHT, TOP, BOTTOM = 28.0, 184.0, 37.0, 262.0
LINE = 225 / 22  # 10.23 mm; both renderings set 28.95 pt (10.21 mm) lines
CHAR = 156 / 28  # one 3号 character on the 28-character grid, 5.57 mm
CHAR_4 = mm(14)  # one 4号 character (the page number's size), 4.94 mm
TOL = 1.0
PAGE_NUMBER_GAP = 7.0  # §7.5: 一字线上距版心下边缘 7 mm
DATE = "2024年3月5日"
NOTE = "（此件公开发布）"
SOURCES = ["pdf", pytest.param("libreoffice", marks=pytest.mark.slow)]


def _pages(data: bytes) -> list[dict[str, Any]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [
            {
                "chars": [c for c in p.chars if c["text"].strip() and c["text"] != "\u200b"],
                "height": p.height,
            }
            for p in pdf.pages
        ]


@pytest.fixture(scope="module")
def doc() -> Any:
    return samples.joint_plan(organs=4, extra=8)  # 4 pages: odd and even page numbers


@pytest.fixture(scope="module")
def pdf(doc: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data = render_official_pdf(doc)
    path = tmp_path_factory.mktemp("official-parts") / "ours.pdf"
    path.write_bytes(data)
    return {"name": "pdf", "path": path, "pages": _pages(data)}


@pytest.fixture(scope="module")
def libreoffice(doc: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    tmp = tmp_path_factory.mktemp("official-parts-docx")
    conf = official_pc_fontconfig(tmp)
    docx = tmp / "official-parts.docx"
    docx.write_bytes(render_official_docx(doc))
    path = libreoffice_to_pdf(docx, tmp, fontconfig=conf)
    return {"name": "libreoffice", "path": path, "pages": _pages(path.read_bytes())}


@pytest.fixture(params=SOURCES)
def rendered(request: pytest.FixtureRequest) -> dict[str, Any]:
    return request.getfixturevalue(request.param)


# --- measuring ----------------------------------------


def _baseline(page: dict[str, Any], c: dict[str, Any]) -> float:
    return mm(page["height"] - c["matrix"][5])


def _em_top(page: dict[str, Any], c: dict[str, Any]) -> float:
    return _baseline(page, c) - mm(0.88 * c["size"])


def _em_centre(page: dict[str, Any], c: dict[str, Any]) -> float:
    return _baseline(page, c) - mm((0.88 - 0.5) * c["size"])


def _find(page: dict[str, Any], text: str, *, last: bool = False) -> list[dict[str, Any]]:
    """The characters of ``text`` (in the content stream's order, which is reading order)."""
    chars = page["chars"]
    joined = "".join(c["text"] for c in chars)
    at = joined.rfind(text) if last else joined.find(text)
    assert at >= 0, text
    return chars[at : at + len(text)]


def _page_with(rendered: dict[str, Any], text: str) -> dict[str, Any]:
    for page in rendered["pages"]:
        if text in "".join(c["text"] for c in page["chars"]):
            return page
    raise AssertionError(text)


def _face(c: dict[str, Any]) -> str:
    """The PDF's font name without its subset prefix, as our PDF names the free faces."""
    return str(c["fontname"]).split("+")[-1]


def _is(c: dict[str, Any], role: fonts.Role) -> bool:
    return _face(c) == fonts.resolve(role).replace(" ", "-")


def _page_number(page: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(
        (c for c in page["chars"] if mm(c["top"]) > BOTTOM and round(c["size"]) == 14),
        key=lambda c: c["x0"],
    )


def _stroke_top(path: Path, number: int, dash: dict[str, Any]) -> float:
    """The upper edge of the 一字线's stroke (mm from the page's top): the first dash's dark
    pixels, the page rendered by pdftoppm at 1200 dpi in the dash's columns below the type
    area."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils not installed")
    dpi = 1200
    px = dpi / 72  # pixels per pt
    x, y = round(dash["x0"] * px), round((BOTTOM + 2) / 25.4 * dpi)  # below the 版记's last rule
    width, height = round((dash["x1"] - dash["x0"]) * px), round(13 / 25.4 * dpi)
    out = path.parent / f"dash-{path.stem}-{number}"
    pages = ["-f", str(number), "-l", str(number)]
    crop = ["-x", str(x), "-y", str(y), "-W", str(width), "-H", str(height)]
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), *pages, *crop, "-gray", "-singlefile", str(path), str(out)],
        check=True,
        timeout=120,
    )
    from PIL import Image

    with Image.open(f"{out}.pgm") as image:
        gray = image.convert("L")
        rows = [
            row
            for row in range(gray.height)
            if any(gray.getpixel((col, row)) < 128 for col in range(gray.width))  # type: ignore[operator]
        ]
    assert rows, "no dash ink"
    return (y + rows[0]) / dpi * 25.4


# --- 主送 ----------------------------------------


def test_main_to_under_the_title_flush_left(rendered: dict[str, Any], doc: Any) -> None:
    """§7.3.2: 主送机关 under the title with one blank line between (the title's last line's em
    centre and the 主送's two line pitches apart, ±1 mm: the title is 2号 in a 3号 line, its
    glyphs centred differently in the two renderings), 顶格 (x 28 mm, a wrapped line too), 3号
    仿宋, ending with the full-width colon."""
    page = rendered["pages"][0]
    main_to = _find(page, f"{doc.main_to}：")
    title = _find(page, doc.title)
    assert main_to[-1]["text"] == "：" and main_to[-1]["text"] != ":"
    assert all(round(c["size"]) == 16 for c in main_to)
    if rendered["name"] == "pdf":  # LibreOffice names the faces its own way
        assert all(_is(c, "fangsong") for c in main_to)
    gap = _em_centre(page, main_to[0]) - _em_centre(page, title[-1])
    assert abs(gap - 2 * LINE) <= TOL, gap
    lines = {round(_baseline(page, c), 1): c for c in reversed(main_to)}  # each line's first
    assert len(lines) == 2  # the sample's 主送 wraps
    for c in lines.values():
        assert abs(mm(c["x0"]) - LEFT) <= 0.3, mm(c["x0"])
    below = min(lines) - _baseline(page, title[-1])
    assert below > 0 and not any(  # nothing in the blank line
        _baseline(page, title[-1]) + 1 < _baseline(page, c) < min(lines) - 1 for c in page["chars"]
    )


@pytest.mark.slow
def test_libreoffice_main_to_and_page_ones_body_where_the_pdfs_are(
    pdf: dict[str, Any], libreoffice: dict[str, Any], doc: Any
) -> None:
    """§7.3.2: the .docx's 主送 — and so page 1's body lines under it — on the PDF's lines,
    within 1 mm (the .docx is meant to set every line where the PDF sets it)."""
    ours, theirs = pdf["pages"][0], libreoffice["pages"][0]
    for text in (doc.main_to, doc.paragraphs[0][:20]):
        a, b = _find(ours, text)[0], _find(theirs, text)[0]
        assert abs(_baseline(theirs, b) - _baseline(ours, a)) <= TOL, text


# --- 附件说明 ----------------------------------------


def test_attachments_two_characters_in_numbered_and_aligned(
    rendered: dict[str, Any], doc: Any
) -> None:
    """§7.3.4: one blank line below the body (two line pitches between the baselines, ±1 mm),
    左空二字 (x 28 + 2 × 156/28 = 39.14 mm), "附件：1.…", then "2.…" on the next line, its
    number under "1." and its name under the first name (not under "附件"), no punctuation
    after the names."""
    first, second = doc.attachments
    page = _page_with(rendered, "附件：1.")
    label = _find(page, f"附件：1.{first}")
    item = _find(page, f"2.{second}")
    body_end = _find(page, doc.paragraphs[-1][-6:])
    assert abs(_baseline(page, label[0]) - _baseline(page, body_end[-1]) - 2 * LINE) <= TOL
    assert abs(mm(label[0]["x0"]) - (LEFT + 2 * CHAR)) <= TOL, mm(label[0]["x0"])
    assert abs(_baseline(page, item[0]) - _baseline(page, label[0]) - LINE) <= TOL
    one, two = label[3], item[0]
    assert (one["text"], two["text"]) == ("1", "2")
    assert abs(mm(two["x0"]) - mm(one["x0"])) <= 0.3
    assert abs(mm(item[2]["x0"]) - mm(label[5]["x0"])) <= 0.3  # name under name
    assert mm(two["x0"]) - mm(label[0]["x0"]) >= 3 * CHAR - 0.3  # not under 附件
    for chars in (label, item):
        assert all(round(c["size"]) == 16 for c in chars)
        if rendered["name"] == "pdf":
            assert all(_is(c, "fangsong") for c in chars)
        after = [
            c
            for c in page["chars"]
            if abs(_baseline(page, c) - _baseline(page, chars[-1])) < 0.5
            and c["x0"] > chars[-1]["x0"]
        ]
        assert after == []  # the name ends its line, unpunctuated


# --- 附注 ----------------------------------------


def test_note_in_parentheses_below_the_date_two_characters_in(rendered: dict[str, Any]) -> None:
    """§7.3.6: the 附注 in parentheses, 居左空二字 (x 39.14 mm), on the line below the 成文日期
    (one line pitch between the baselines, ±1 mm), 3号仿宋."""
    page = _page_with(rendered, DATE)
    date = _find(page, DATE)
    note = _find(page, NOTE)
    assert (note[0]["text"], note[-1]["text"]) == ("（", "）")
    assert abs(mm(note[0]["x0"]) - (LEFT + 2 * CHAR)) <= TOL, mm(note[0]["x0"])
    assert abs(_baseline(page, note[0]) - _baseline(page, date[0]) - LINE) <= TOL
    assert all(round(c["size"]) == 16 for c in note)
    if rendered["name"] == "pdf":
        assert all(_is(c, "fangsong") for c in note)


# --- 紧急程度 ----------------------------------------


def test_urgency_top_left_of_the_head(rendered: dict[str, Any], doc: Any) -> None:
    """§7.2.3: 紧急程度 "加急" in 3号黑体, 顶格 at the type area's top left: the layout has no
    份号 or 密级 (§7.2.1–7.2.2), so it takes the 版头's first line, where the 份号 would stand —
    its left edge at 28 mm, its em top on the type area's top (37 mm, ±1 mm), alone on its
    line, above the 发文机关标志 (35 mm lower)."""
    page = rendered["pages"][0]
    urgency = _find(page, doc.urgency)
    assert abs(mm(urgency[0]["x0"]) - LEFT) <= 0.3, mm(urgency[0]["x0"])
    assert abs(_em_top(page, urgency[0]) - TOP) <= TOL, _em_top(page, urgency[0])
    assert all(round(c["size"]) == 16 for c in urgency)
    if rendered["name"] == "pdf":
        assert all(_is(c, "heiti") for c in urgency)
    baseline = _baseline(page, urgency[0])
    line = [c for c in page["chars"] if abs(_baseline(page, c) - baseline) < LINE / 2]
    assert line == urgency
    mark = _find(page, samples.ORGANS[0])
    assert _em_top(page, mark[0]) - _em_top(page, urgency[0]) == pytest.approx(35, abs=TOL)


# --- page numbers ----------------------------------------


def _page_number_place(rendered: dict[str, Any], number: int) -> dict[str, float]:
    """Where page ``number``'s "— N —" stands: its left and right edges (pdfplumber's advance
    boxes), the 一字线's stroke top (ink) and its baseline."""
    page = rendered["pages"][number - 1]
    chars = _page_number(page)
    assert "".join(c["text"] for c in chars) == f"—{number}—"
    return {
        "left": mm(chars[0]["x0"]),
        "right": mm(chars[-1]["x1"]),
        "stroke": _stroke_top(rendered["path"], number, chars[0]),
        "baseline": _baseline(page, chars[0]),
    }


def _check_page_number(rendered: dict[str, Any], number: int) -> dict[str, float]:
    place = _page_number_place(rendered, number)
    if number % 2:  # odd: right, one 4号 character in from 184 mm
        assert abs(place["right"] - (RIGHT - CHAR_4)) <= TOL, place
    else:  # even: left, one character in from 28 mm
        assert abs(place["left"] - (LEFT + CHAR_4)) <= TOL, place
    assert abs(place["stroke"] - (BOTTOM + PAGE_NUMBER_GAP)) <= TOL, place
    chars = _page_number(rendered["pages"][number - 1])
    digits = chars[1:-1]
    assert all(c["text"].isascii() and c["text"].isdigit() for c in digits)  # 半角
    assert all(c["x1"] - c["x0"] <= 0.6 * c["size"] for c in digits)
    assert all(round(c["size"]) == 14 for c in chars)  # 4号
    return place


def test_pdf_page_numbers_odd_right_even_left_7mm_below(pdf: dict[str, Any]) -> None:
    """§7.5: "— N —" in 4号半角宋体 (ASCII digits at most 0.6 em wide), 一字线上距版心下边缘 7 mm
    — measured at the upper edge of the first dash's stroke (its ink at 1200 dpi), ±1 mm; odd
    pages right, the last dash's advance box ending one 4号 character (4.94 mm) in from 184 mm,
    even pages left, the first dash's starting one character in from 28 mm; on every page."""
    assert len(pdf["pages"]) >= 2
    for number in range(1, len(pdf["pages"]) + 1):
        _check_page_number(pdf, number)
    songti = fonts.resolve("songti").replace(" ", "-")
    for page in pdf["pages"]:
        assert all(_face(c) == songti for c in _page_number(page))


@pytest.mark.slow
def test_libreoffice_page_numbers_where_the_pdfs_are(
    pdf: dict[str, Any], libreoffice: dict[str, Any]
) -> None:
    """§7.5 in LibreOffice's rendering of the .docx, pages 1 (odd) and 2 (even): the same
    rules as the PDF's, and each edge and the 一字线's stroke within 2 mm of the PDF's (Word's
    footer distance and LibreOffice's placement of an exact 14 pt line are not WeasyPrint's
    margin box; 2 mm is what a reader comparing the two prints would notice)."""
    for number in (1, 2):
        ours = _check_page_number(pdf, number)
        theirs = _check_page_number(libreoffice, number)
        for key in ("left", "right", "stroke", "baseline"):
            assert abs(theirs[key] - ours[key]) <= 2, (number, key, ours, theirs)
