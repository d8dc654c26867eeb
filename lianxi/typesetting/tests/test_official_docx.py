"""Official documents (公文) as .docx (GB/T 9704-2012), read back with python-docx, and opened by
LibreOffice headless on "an official PC" (only the official font names exist): the same pages
as our PDF, the seals where the PDF has them (§5.2, §7.2, §7.3.5, §7.4, §7.5)."""

from __future__ import annotations

import dataclasses
import io
import shutil
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from lianxi.typesetting.docx_render import ZWSP, top_margin_mm
from lianxi.typesetting.official import signature_plan
from lianxi.typesetting.official_docx import render_official_docx
from lianxi.typesetting.official_pdf import render_official_pdf

from . import official_samples as samples
from .conftest import libreoffice_to_pdf, mm, official_pc_fontconfig, screenshots

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


@pytest.fixture(scope="module")
def joint4(documents_dir: Path) -> dict[str, Any]:
    doc = samples.joint_plan(organs=4, extra=8)
    data = render_official_docx(doc)
    path = documents_dir / "official-joint4.docx"
    path.write_bytes(data)
    return {"doc": doc, "data": data, "path": path, "document": Document(io.BytesIO(data))}


def _close(length: int | None, millimetres: float) -> bool:
    assert length is not None
    return abs(length - Mm(millimetres)) <= Mm(0.05)


def _fonts(run: Any) -> str:
    return run._r.get_or_add_rPr().find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_page_margins_and_body_lines(joint4: dict[str, Any]) -> None:
    """§5.1/§5.2: A4; 订口 28 mm, the first line's characters 37 mm from the top (the margins
    as the minutes set them), 225 mm of type area; body 3号仿宋_GB2312 in exact 28.95 pt lines."""
    document = joint4["document"]
    (section,) = document.sections
    assert _close(section.page_width, 210) and _close(section.page_height, 297)
    assert _close(section.left_margin, 28) and _close(section.right_margin, 26)
    top = top_margin_mm()
    assert _close(section.top_margin, top) and _close(section.bottom_margin, 297 - top - 225)
    normal = document.styles["Normal"]
    assert normal.font.size.pt == 16
    assert normal.element.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia")) == (
        "仿宋_GB2312"
    )
    assert normal.paragraph_format.line_spacing.pt == pytest.approx(28.95)
    body = next(p for p in document.paragraphs if p.text.startswith("为深入贯彻"))
    assert _fonts(body.runs[0]) == "仿宋_GB2312"
    assert body.paragraph_format.first_line_indent > 0


def test_title_and_heading_fonts_per_level(joint4: dict[str, Any]) -> None:
    """§7.3.1: title 2号方正小标宋简体; §7.3.3: level 1 黑体, level 2 楷体 (up to its first 。),
    levels 3–4 仿宋, all 3号."""
    paragraphs = {p.text.replace(ZWSP, ""): p for p in joint4["document"].paragraphs}
    title = paragraphs[joint4["doc"].title]
    assert _fonts(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size.pt == 22
    expected = {
        "一、": "黑体",
        "（一）": "楷体_GB2312",
        "1.": "仿宋_GB2312",
        "（1）": "仿宋_GB2312",
    }
    for prefix, font in expected.items():
        paragraph = next(p for t, p in paragraphs.items() if t.startswith(prefix))
        assert _fonts(paragraph.runs[0]) == font, prefix
        assert all(r.font.size is None or r.font.size.pt == 16 for r in paragraph.runs)
    level2 = next(p for t, p in paragraphs.items() if t.startswith("（一）"))
    assert level2.runs[0].text.endswith("。") and _fonts(level2.runs[1]) == "仿宋_GB2312"


def test_mark_red_and_page_number_footers(joint4: dict[str, Any]) -> None:
    """§7.2.4: the organs' marks in red 方正小标宋简体, "文件" once; §7.5: "— N —" footers, odd
    right, even left."""
    document = joint4["document"]
    (mark,) = [t for t in document.tables if "文件" in t.rows[0].cells[-1].text]
    names = [p.text for p in mark.rows[0].cells[0].paragraphs]
    assert names == samples.ORGANS
    for cell in mark.rows[0].cells:
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                if run.text.strip():
                    assert str(run.font.color.rgb) == "FF0000"
                    assert _fonts(run) == "方正小标宋简体"
    section = document.sections[0]
    for footer, alignment in ((section.footer, "right"), (section.even_page_footer, "left")):
        (paragraph,) = footer.paragraphs
        assert "PAGE" in paragraph._p.xml and f'w:jc w:val="{alignment}"' in paragraph._p.xml
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")


def test_seals_are_floating_pictures_behind_the_text(joint4: dict[str, Any]) -> None:
    """§7.3.5.1: each seal a picture anchored behind the text (not inline), in the organs'
    order, 40 mm wide."""
    anchors = list(joint4["document"].element.body.iter(f"{WP}anchor"))
    assert len(anchors) == 4
    assert not list(joint4["document"].element.body.iter(f"{WP}inline"))
    for anchor, organ in zip(anchors, samples.ORGANS, strict=True):
        assert anchor.get("behindDoc") == "1"
        assert anchor.find(f"{WP}docPr").get("descr") == organ
        assert int(anchor.find(f"{WP}extent").get("cx")) == 40 * 36000


def test_draft_has_no_seal_and_no_number() -> None:
    """§7.3.5.2: an unsealed draft: names and the date only."""
    document = Document(io.BytesIO(render_official_docx(samples.draft())))
    assert not list(document.element.body.iter(f"{WP}anchor"))
    text = "\n".join(p.text.replace(ZWSP, "") for p in document.paragraphs)
    assert "〔" not in text and "2024年4月1日" in text and samples.HEALTH in text


# --- LibreOffice ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def converted(
    joint4: dict[str, Any], documents_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    tmp = tmp_path_factory.mktemp("official-docx")
    conf = official_pc_fontconfig(tmp)
    docx = tmp / "official-joint4.docx"
    docx.write_bytes(joint4["data"])
    lo = documents_dir / "official-joint4-libreoffice.pdf"
    shutil.copy(libreoffice_to_pdf(docx, tmp, fontconfig=conf), lo)
    screenshots(lo, "official-joint4-libreoffice", documents_dir)
    ours = tmp / "ours.pdf"
    ours.write_bytes(render_official_pdf(joint4["doc"]))
    return {"lo": lo, "ours": ours, "official_pc": conf is not None}


def _pages(pdf: Path) -> list[dict[str, Any]]:
    with pdfplumber.open(pdf) as opened:
        return [
            {"text": p.extract_text() or "", "images": list(p.images), "chars": list(p.chars)}
            for p in opened.pages
        ]


@pytest.mark.slow
def test_libreoffice_opens_it_with_the_pdfs_pages_and_seals(converted: dict[str, Any]) -> None:
    """The .docx converts in LibreOffice headless; as many pages as the PDF, each page number
    printed, the four seals on the same page within 1.5 mm of the PDF's (on an official PC)."""
    lo, ours = _pages(converted["lo"]), _pages(converted["ours"])
    assert len(lo) == len(ours)
    for number, page in enumerate(lo, start=1):
        assert f"— {number} —" in page["text"] or f"—{number}—" in page["text"].replace(" ", "")
    lo_seals = [(n, i) for n, p in enumerate(lo) for i in p["images"]]
    our_seals = [(n, i) for n, p in enumerate(ours) for i in p["images"]]
    assert len(lo_seals) == len(our_seals) == 4
    if not converted["official_pc"]:
        return
    key = lambda s: (s[0], round(s[1]["top"]), s[1]["x0"])  # noqa: E731
    for (n, a), (m, b) in zip(sorted(lo_seals, key=key), sorted(our_seals, key=key), strict=True):
        assert n == m
        assert abs(mm(a["x0"]) - mm(b["x0"])) <= 1.5 and abs(mm(a["top"]) - mm(b["top"])) <= 1.5


@pytest.mark.slow
def test_libreoffice_puts_the_banji_at_the_last_pages_foot(converted: dict[str, Any]) -> None:
    """§7.4: the 版记's 印发 line on the type area's last line in the .docx too."""
    if not converted["official_pc"]:
        pytest.skip("the official fonts are installed here")
    last = _pages(converted["lo"])[-1]
    printed = [c for c in last["chars"] if c["text"] == "印" and round(c["size"]) == 14]
    assert printed
    bottom = mm(max(c["bottom"] for c in printed))
    assert 262 - 225 / 22 <= bottom <= 262 + 1


@pytest.mark.slow
def test_the_docx_banji_stands_where_the_pdfs_does(converted: dict[str, Any]) -> None:
    """§7.4: the .docx's 版记 — its 抄送 line and its 印发 line — within 1 mm of the PDF's, so
    the page a clerk prints from WPS closes on the type area's last line as the PDF does (it
    stood 2.3 mm higher while it was a table in the flow)."""
    if not converted["official_pc"]:
        pytest.skip("the official fonts are installed here")

    def tops(pdf: Path) -> list[float]:
        last = _pages(pdf)[-1]
        # 4号 is the page number's size too (§7.5); it stands below the type area
        lines = {
            round(c["top"], 1)
            for c in last["chars"]
            if round(c["size"]) == 14 and mm(c["bottom"]) <= 263
        }
        return sorted(mm(t) for t in lines)

    lo, ours = tops(converted["lo"]), tops(converted["ours"])
    assert lo and len(lo) == len(ours)
    assert max(abs(a - b) for a, b in zip(lo, ours, strict=True)) <= 1.0


# Bodies that end where a page is full: the signature block, set after them, would open the
# next page alone (found by rendering joint plans of 0–13 extra paragraphs).
ENDS_A_PAGE = [(1, 7), (4, 5)]


def _signature_page_opening(pdf: Path | bytes, date: str) -> tuple[int, int, str]:
    """(the page holding the 成文日期, the page count, that page's first line)."""
    with pdfplumber.open(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf) as opened:
        for number, page in enumerate(opened.pages, start=1):
            text = page.extract_text() or ""
            if date in text:
                first = next(line for line in text.splitlines() if line.strip())
                return number, len(opened.pages), first
    raise AssertionError("no 成文日期 in the file")


@pytest.mark.slow
@pytest.mark.parametrize(("organs", "extra"), ENDS_A_PAGE)
def test_the_signature_never_opens_a_page_alone(
    organs: int, extra: int, tmp_path: Path, documents_dir: Path
) -> None:
    """§7.3.5: the seals and the 成文日期 share their page with the body — the body's last lines
    go over with them, in the PDF and in the .docx as LibreOffice lays it out."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    doc = dataclasses.replace(samples.joint_plan(organs=organs, extra=extra), attachments=[])
    date = "2024年3月5日"
    names = {item.text for line in signature_plan(doc).lines for item in line}
    ours = _signature_page_opening(render_official_pdf(doc), date)
    docx = tmp_path / f"ends-a-page-{organs}-{extra}.docx"
    docx.write_bytes(render_official_docx(doc))
    conf = official_pc_fontconfig(tmp_path)
    lo_pdf = libreoffice_to_pdf(docx, tmp_path, fontconfig=conf)
    lo = _signature_page_opening(lo_pdf, date)
    screenshots(lo_pdf, f"official-ends-a-page-{organs}-{extra}", documents_dir)
    for number, pages, first in (ours, lo):
        assert number == pages  # nothing of the body after it
        assert not set(first.split()) <= names, f"page {number} opens with the signature"
    assert ours[:2] == lo[:2]


V = "{urn:schemas-microsoft-com:vml}"


def _watermarks(document: Any) -> list[str]:
    section = document.sections[0]
    return [
        path.get("string")
        for header in (section.header, section.even_page_header)
        for path in header._element.iter(f"{V}textpath")
        if path.get("string")
    ]


def test_a_draft_docx_carries_its_watermark_on_odd_and_even_pages() -> None:
    """An unissued version says so on every page of the .docx as on the PDF (征求意见稿 / 草稿,
    三(二)): Word's text-watermark shape in the odd and the even header, light, turned, behind
    the text; an issued document has none."""
    draft = Document(io.BytesIO(render_official_docx(samples.draft())))
    assert _watermarks(draft) == ["征求意见稿", "征求意见稿"]
    (shape,) = draft.sections[0].header._element.iter(f"{V}shape")
    style = shape.get("style")
    assert "rotation:330" in style and "z-index:-" in style
    assert shape.get("fillcolor") == "#c0c0c0"
    issued = Document(io.BytesIO(render_official_docx(samples.joint_plan(organs=2))))
    assert _watermarks(issued) == []


@pytest.mark.slow
def test_libreoffice_draws_the_watermark_on_every_page(tmp_path: Path, documents_dir: Path) -> None:
    """LibreOffice reads the watermark (it draws the shape's characters as outlines) on each
    page, around the middle of the type area, and nothing of the kind on an issued document."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    conf = official_pc_fontconfig(tmp_path)

    def outlines(doc: Any, name: str) -> list[list[float]]:
        docx = tmp_path / f"{name}.docx"
        docx.write_bytes(render_official_docx(doc))
        pdf = libreoffice_to_pdf(docx, tmp_path, fontconfig=conf)
        if name == "draft":
            screenshots(pdf, "official-draft-libreoffice", documents_dir)
        with pdfplumber.open(pdf) as opened:
            return [[mm(c["top"]) for c in page.curves] for page in opened.pages]

    pages = outlines(samples.draft(), "draft")
    assert len(pages) >= 2
    for tops in pages:
        assert len(tops) >= len("征求意见稿")
        assert all(90 <= top <= 220 for top in tops)
    assert all(not tops for tops in outlines(samples.joint_plan(organs=2, sealed=False), "issued"))
