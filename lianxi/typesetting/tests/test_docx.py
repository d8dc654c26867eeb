"""The minutes as .docx (GB/T 9704-2012 纪要 layout; 三(一)1), read back with python-docx and
converted with LibreOffice headless."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import etree

from lianxi.typesetting import fonts
from lianxi.typesetting.docx_render import (
    EXACT_BASELINE,
    LINE_TWIPS,
    PPR_ORDER,
    RPR_ORDER,
    TBLPR_ORDER,
    ZWSP,
    render_minutes_docx,
    top_margin_mm,
)

from .conftest import mm, screenshots
from .samples import plenary_minutes

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def minutes_docx(documents_dir: Path) -> dict[str, Any]:
    data = render_minutes_docx(plenary_minutes(extra_paragraphs=3))
    path = documents_dir / "minutes.docx"
    path.write_bytes(data)
    return {"data": data, "path": path}


def _close(length: int | None, millimetres: float) -> bool:
    assert length is not None
    return abs(length - Mm(millimetres)) <= Mm(0.05)


def test_page_is_a4_with_gbt9704_margins(minutes_docx: dict[str, Any]) -> None:
    """GB/T 9704 §5: A4; 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm (right 26, bottom 35)."""
    document = Document(io.BytesIO(minutes_docx["data"]))
    (section,) = document.sections
    assert _close(section.page_width, 210) and _close(section.page_height, 297)
    # the first line's characters 37 mm from the top (the margin is its line box's: an exact
    # line's baseline sits at 4/5 of its height), 225 mm of type area, 28 / 26 mm at the sides
    top = top_margin_mm()
    assert top == pytest.approx(37 - (EXACT_BASELINE * LINE_TWIPS / 20 - 0.88 * 16) * 25.4 / 72)
    assert _close(section.top_margin, top) and _close(section.left_margin, 28)
    assert _close(section.right_margin, 26) and _close(section.bottom_margin, 297 - top - 225)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == str(LINE_TWIPS)
    assert grid.get(qn("w:type")) is None  # no snapping: LibreOffice's grid moves lines
    assert 22 * LINE_TWIPS / 20 <= 225 / 25.4 * 72  # 22 lines fit in the type area
    normal = document.styles["Normal"]
    assert normal.font.size.pt == 16  # 3号
    assert normal.paragraph_format.line_spacing.pt == pytest.approx(28.95)


def test_odd_and_even_footers_carry_a_page_field(minutes_docx: dict[str, Any]) -> None:
    """GB/T 9704 §7.5: "— N —", odd pages right, even pages left, one character in."""
    document = Document(io.BytesIO(minutes_docx["data"]))
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, alignment in ((section.footer, "right"), (section.even_page_footer, "left")):
        (paragraph,) = footer.paragraphs
        xml = paragraph._p.xml
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert f'w:jc w:val="{alignment}"' in xml


def test_text_fonts_and_numbering(minutes_docx: dict[str, Any]) -> None:
    """三(一)1: numbered agreed matters; 出席/请假/列席 with 黑体 labels; red masthead."""
    document = Document(io.BytesIO(minutes_docx["data"]))
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    texts = [p.text.replace(ZWSP, "") for p in paragraphs]
    masthead = paragraphs[0]
    assert masthead.text == "信阳市职业病防治工作部门间联席会议纪要"
    assert str(masthead.runs[0].font.color.rgb) == "FF0000"
    assert texts[1] == "第1期"
    assert "联席会议办公室\t2026年3月5日" in texts[2]
    assert [t[:3] for t in texts if re.match(r"（[一二三]）", t)] == ["（一）", "（二）", "（三）"]
    attendance = {t[:3]: p for t, p in zip(texts, paragraphs, strict=True) if t[2:3] == "："}
    assert set(attendance) == {"出席：", "请假：", "列席："}
    for paragraph in attendance.values():
        label = paragraph.runs[0]
        fonts_el = label._r.get_or_add_rPr().find(qn("w:rFonts"))
        assert fonts_el.get(qn("w:eastAsia")) == "黑体"
        # hanging indent: continuation lines align with the first character after the colon
        fmt = paragraph.paragraph_format
        assert fmt.first_line_indent < 0
        assert fmt.left_indent + fmt.first_line_indent == pytest.approx(
            fmt.left_indent * 2 / 5, abs=Mm(0.3)
        )
    body = paragraphs[5].runs[0]._r.get_or_add_rPr().find(qn("w:rFonts"))
    assert body.get(qn("w:eastAsia")) == "仿宋_GB2312"
    cell_text = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    cell_text = cell_text.replace(ZWSP, "")
    assert "分送：联席会议各成员单位，邀请参加会议的有关单位。" in cell_text
    assert "抄送：市政府办公室。" in cell_text
    assert "联席会议办公室\t2026年3月5日印发" in cell_text


def test_runs_name_the_official_fonts_with_the_free_faces_as_alternates(
    minutes_docx: dict[str, Any],
) -> None:
    """Issue 18: the .docx named FandolFang / Noto CJK / AR PL UKai, which no official PC has.
    Each run names the official font of its role (GB/T 9704: 仿宋_GB2312 body, 方正小标宋简体
    title, 黑体 level-1 headings, 楷体_GB2312 level-2), East Asian and Latin alike; the font
    table gives each the free face the PDF embeds as w:altName, with the GB2312 charset."""
    document = Document(io.BytesIO(minutes_docx["data"]))
    named = set()
    for run in document.element.body.iter(f"{W}rFonts"):
        values = {run.get(qn(f"w:{key}")) for key in ("ascii", "hAnsi", "eastAsia", "cs")}
        assert len(values) == 1, values
        named |= values
    official = {"仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"}
    assert official <= named
    assert not named & {"FandolFang", "Noto Serif CJK SC", "Noto Sans CJK SC", "AR PL UKai CN"}
    with zipfile.ZipFile(io.BytesIO(minutes_docx["data"])) as package:
        table = etree.fromstring(package.read("word/fontTable.xml"))
    entries = {font.get(qn("w:name")): font for font in table.iter(f"{W}font")}
    for role in fonts.PREFERENCES:
        entry = entries[fonts.official(role)]  # type: ignore[arg-type]
        assert entry.find(qn("w:charset")).get(qn("w:val")) == "86"
        alternate = entry.find(qn("w:altName"))
        if fonts.resolve(role) != fonts.official(role):  # type: ignore[arg-type]
            assert alternate.get(qn("w:val")) == fonts.resolve(role)  # type: ignore[arg-type]


def test_xml_children_are_in_schema_order(minutes_docx: dict[str, Any]) -> None:
    """Word refuses a file whose rPr/pPr/tblPr children are out of the schema's order."""
    document = Document(io.BytesIO(minutes_docx["data"]))
    parts = [document.element, document.styles.element]
    section = document.sections[0]
    parts += [section.footer._element, section.even_page_footer._element]
    for part in parts:
        for tag, order in (("rPr", RPR_ORDER), ("pPr", PPR_ORDER), ("tblPr", TBLPR_ORDER)):
            for element in part.iter(f"{W}{tag}"):
                names = [child.tag.removeprefix(W) for child in element]
                known = [n for n in names if n in order]
                assert known == sorted(known, key=order.index), (tag, names)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_converts_the_docx_to_an_a4_pdf(
    minutes_docx: dict[str, Any], documents_dir: Path
) -> None:
    """The .docx opens and converts in LibreOffice headless: A4, the text, the page numbers."""
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(minutes_docx["path"]),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        seconds = time.perf_counter() - started
        pdf = documents_dir / "minutes-docx-libreoffice.pdf"
        shutil.copy(Path(tmp) / "minutes.pdf", pdf)
    print(f"\nLibreOffice conversion: {seconds:.1f} s")
    screenshots(pdf, "minutes-docx-libreoffice", documents_dir)
    with pdfplumber.open(pdf) as opened:
        pages = list(opened.pages)
        assert len(pages) >= 3
        text = ""
        for number, page in enumerate(pages, start=1):
            assert abs(mm(page.width) - 210) <= 1 and abs(mm(page.height) - 297) <= 1
            page_text = page.extract_text()
            text += page_text
            assert f"— {number} —" in page_text or f"—{number}—" in page_text.replace(" ", "")
            body = [c for c in page.chars if round(c["size"]) == 16]
            if number > 1 and body:
                assert abs(mm(min(c["x0"] for c in body)) - 28) <= 1
                assert mm(min(c["top"] for c in body)) >= 37 - 1
                assert mm(max(c["bottom"] for c in body)) <= 37 + 225 + 1
        red = [c for c in pages[0].chars if c["non_stroking_color"] in ((1, 0, 0), [1, 0, 0])]
        assert "".join(c["text"] for c in red) == "信阳市职业病防治工作部门间联席会议纪要"
    flat = re.sub(r"\s+", "", text)
    for needle in (
        "（一）",
        "（二）",
        "（三）",
        "出席：",
        "请假：",
        "列席：",
        "抄送：市政府办公室",
    ):
        assert needle in flat, needle
