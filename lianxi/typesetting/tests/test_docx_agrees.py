"""The .docx where it is opened: LibreOffice on "an official PC" (only the official font names
exist: 仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, 宋体 — the free faces scanned under those
names by a test-only fonts.conf) renders the same minutes as our PDF, page for page
(GB/T 9704-2012 §5.2, §7.4, §10.3; 三(一)1).  One conversion for the whole module."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from lianxi.typesetting import fonts
from lianxi.typesetting.docx_render import ZWSP, render_minutes_docx
from lianxi.typesetting.layout import MinutesDocument
from lianxi.typesetting.pdf_render import render_minutes_pdf

from .conftest import (
    libreoffice_to_pdf,
    mm,
    official_pc_fontconfig,
    pdffonts,
    screenshots,
)
from .samples import plenary_minutes

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed"),
    pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed"),
]

TYPE_BOTTOM_MM = 37 + 225
LINE_MM = 225 / 22


@pytest.fixture(scope="module")
def rendered(documents_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("official-pc")
    conf = official_pc_fontconfig(tmp)
    if conf is None:
        pytest.skip("the official fonts are installed here, or fontconfig is missing")
    doc = _with_line_end_colons(plenary_minutes(extra_paragraphs=3))
    docx = tmp / "minutes-official-pc.docx"
    docx.write_bytes(render_minutes_docx(doc))
    lo_pdf = documents_dir / "minutes-official-pc-libreoffice.pdf"
    shutil.copy(libreoffice_to_pdf(docx, tmp, fontconfig=conf), lo_pdf)
    our_pdf = documents_dir / "minutes-official-pc-weasyprint.pdf"
    our_pdf.write_bytes(render_minutes_pdf(doc))
    screenshots(lo_pdf, "minutes-official-pc-libreoffice", documents_dir)
    screenshots(our_pdf, "minutes-official-pc-weasyprint", documents_dir)
    text = subprocess.run(
        ["pdftotext", "-layout", str(lo_pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return {"lo": lo_pdf, "ours": our_pdf, "lo_text": text}


def _with_line_end_colons(doc: MinutesDocument) -> MinutesDocument:
    """Paragraphs whose "：" falls just past the end of a line (LibreOffice hung it into the
    margin, the PDF carries the character before it down)."""
    chars = "各成员单位要加强职业病防治法律法规宣传教育提高劳动者防护意识"
    colons = [
        chars[:26] + "：一是加强宣传。",
        chars[:25] + "年：二是加强培训，落实用人单位主体责任，" + chars[:4] + "：三是督查。",
        "会议议定事项如下" + chars[:17] + "：四是检查。",
    ]
    return dataclasses.replace(doc, intro=[*colons, *doc.intro])


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.split("+")[-1].lower())


FREE_KEYS = {
    "FandolFang": "fandol",
    "Noto Serif CJK SC": "notoserif",
    "Noto Sans CJK SC": "notosans",
    "AR PL UKai CN": "ukai",
}


def _font_of(pdf: Path, needle: str, *, first: int | None = None) -> set[str]:
    with pdfplumber.open(pdf) as opened:
        for page in opened.pages:
            found = page.search(needle, return_chars=True)
            if found:
                chars = found[0]["chars"][:first] if first else found[0]["chars"]
                return {_key(c["fontname"]) for c in chars}
    raise AssertionError(f"{needle!r} not in {pdf.name}")


def test_docx_opened_where_only_official_font_names_exist_keeps_the_roles_distinct(
    rendered: dict[str, Any],
) -> None:
    """Issue 18: on a PC with 仿宋_GB2312 and 方正小标宋简体 the .docx fell back to one Song face
    for everything.  Now 仿宋 (body), 黑体 (level-1 heading), 楷体 (agreed-matter label) and
    小标宋 (title) come out in four distinct faces, the ones the PDF embeds for those roles."""
    roles = {
        "fangsong": _font_of(rendered["lo"], "会议传达学习了"),
        "heiti": _font_of(rendered["lo"], "全市职业病防治工作情况"),
        "kaiti": _font_of(rendered["lo"], "（一）由市卫生健康委", first=3),
        "xiaobiaosong": _font_of(rendered["lo"], "全体会议纪要"),
    }
    for role, found in roles.items():
        assert len(found) == 1, (role, found)
    names = [next(iter(found)) for found in roles.values()]
    assert len(set(names)) == 4, roles
    for role, found in roles.items():
        expected = FREE_KEYS.get(fonts.resolve(role))  # type: ignore[arg-type]
        if expected:
            assert expected in next(iter(found)), (role, found)
    listed = {_key(name) for name in pdffonts(rendered["lo"])}
    assert all(name in listed for name in names)


def _pages(pdf: Path) -> list[Any]:
    with pdfplumber.open(pdf) as opened:
        return [
            {"chars": list(page.chars), "height": page.height, "rects": page.rects + page.lines}
            for page in opened.pages
        ]


def _baselines(page: dict[str, Any], size: int) -> list[float]:
    """The baselines (mm from the top) of the lines set in ``size`` pt."""
    found = sorted(
        {
            round(mm(page["height"] - c["matrix"][5]), 1)
            for c in page["chars"]
            if round(c["size"]) == size
        }
    )
    return [b for i, b in enumerate(found) if i == 0 or b - found[i - 1] > 1]


def _first_body_text(page: dict[str, Any], n: int = 12) -> str:
    body = [c for c in page["chars"] if round(c["size"]) == 16 and not c["text"].isspace()]
    top = min(round(c["top"]) for c in body)
    line = sorted((c for c in body if abs(c["top"] - top) < 3), key=lambda c: c["x0"])
    return "".join(c["text"] for c in line)[:n]


def test_docx_and_pdf_agree_page_for_page(rendered: dict[str, Any]) -> None:
    """Same page count, each page starting with the same line, the body starting at the same
    height on page 1 (was 12.9 mm lower in the .docx)."""
    lo, ours = _pages(rendered["lo"]), _pages(rendered["ours"])
    assert len(lo) == len(ours)
    assert [_first_body_text(p) for p in lo] == [_first_body_text(p) for p in ours]
    for size in (29, 16, 22):  # 纪要标志, 期号 and 编印单位 line, title, body: same baselines
        first = [_baselines(pages[0], size) for pages in (lo, ours)]
        assert len(first[0]) == len(first[1]), (size, first)
        assert all(abs(a - b) <= 0.5 for a, b in zip(*first, strict=True)), (size, first)
    for pages in (lo, ours):  # and the first line of every later page 37 mm from the top
        for page in pages[1:]:
            assert abs(_baselines(page, 16)[0] - 0.88 * mm(16) - 37) <= 0.5


def _printed_line_bottom(page: dict[str, Any]) -> float:
    printed = [c for c in page["chars"] if c["text"] == "印" and round(c["size"]) == 14]
    assert printed, "no 印发 line on the last page"
    return mm(max(c["bottom"] for c in printed))


def _lines(page: dict[str, Any]) -> list[str]:
    """The page's text line by line (characters grouped by baseline, left to right)."""
    rows: dict[float, list[Any]] = {}
    for c in page["chars"]:
        if c["text"].strip() and c["text"] != ZWSP:
            rows.setdefault(round(mm(page["height"] - c["matrix"][5])), []).append(c)
    return [
        "".join(c["text"] for c in sorted(r, key=lambda c: c["x0"]))
        for _, r in sorted(rows.items())
    ]


def test_every_line_breaks_where_the_pdf_breaks_it(rendered: dict[str, Any]) -> None:
    """The same words on the same line of the same page, line-end "：" included (LibreOffice
    hung a line-end "：" into the margin and set "2026 年" wider, so its lines broke elsewhere)."""
    lo, ours = _pages(rendered["lo"]), _pages(rendered["ours"])
    for number, (a, b) in enumerate(zip(lo, ours, strict=True), start=1):
        assert _lines(a) == _lines(b), number


def test_banji_sits_at_the_foot_of_the_last_page_in_both(rendered: dict[str, Any]) -> None:
    """GB/T 9704 §7.4: the 版记 at the foot of the last page — its last line on the last line
    of the type area — in the .docx as in the PDF (it sat mid-page in the .docx)."""
    for pdf in (rendered["lo"], rendered["ours"]):
        last = _pages(pdf)[-1]
        bottom = _printed_line_bottom(last)
        assert TYPE_BOTTOM_MM - LINE_MM <= bottom <= TYPE_BOTTOM_MM + 1, (pdf.name, bottom)


def test_libreoffice_keeps_every_colon_and_writes_dates_without_spaces(
    rendered: dict[str, Any],
) -> None:
    """LibreOffice dropped line-end "：" and showed "2026 年 12 月 1 日"."""
    lo_text = rendered["lo_text"]
    ours = subprocess.run(
        ["pdftotext", "-layout", str(rendered["ours"]), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert lo_text.count("：") == ours.count("：")
    assert "2026年3月5日" in lo_text
    assert not re.search(r"\d \S|年 \d|月 \d", lo_text.replace("— ", "").replace(" —", ""))


def _red_rule_gap(pdf: Path) -> float:
    """mm from the bottom of the 编印单位 line's characters (their em box) to the red rule."""
    with pdfplumber.open(pdf) as opened:
        page = opened.pages[0]
        issuer = page.search("联席会议办公室", return_chars=True)[0]["chars"][0]
        em_bottom = mm(page.height - issuer["matrix"][5]) + 0.12 * mm(issuer["size"])
        red = (1, 0, 0)
        rules = [
            r
            for r in page.rects + page.lines
            if tuple(r.get("stroking_color") or ()) == red
            or tuple(r.get("non_stroking_color") or ()) == red
        ]
        assert rules, "no red rule"
        rule = rules[0]
        top = rule["top"] - (rule.get("linewidth", 0) / 2 if rule["top"] == rule["bottom"] else 0)
        return mm(top) - em_bottom


def test_red_rule_4mm_under_the_issuer_line_in_both(rendered: dict[str, Any]) -> None:
    """GB/T 9704 §7.2.7 (纪要: 编印单位 and date in the 发文字号's place): the red rule 4 mm
    under that line's characters, in the PDF and in the .docx (both sat 5.4–6.3 mm under)."""
    for pdf in (rendered["lo"], rendered["ours"]):
        assert abs(_red_rule_gap(pdf) - 4) <= 0.4, (pdf.name, _red_rule_gap(pdf))


@pytest.fixture(scope="module")
def banji_overflows(documents_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Minutes whose 版记 does not fit under the last lines: the PDF moves it to a page of its
    own (GB/T 9704 §7.4: it closes the last page)."""
    from lianxi.typesetting.pdf_render import banji_placement

    tmp = tmp_path_factory.mktemp("official-pc-overflow")
    conf = official_pc_fontconfig(tmp)
    if conf is None:
        pytest.skip("the official fonts are installed here, or fontconfig is missing")
    doc = plenary_minutes(extra_paragraphs=0)
    placement = banji_placement(doc)
    docx = tmp / "minutes-banji-overflow.docx"
    docx.write_bytes(render_minutes_docx(doc))
    ours = tmp / "ours.pdf"
    ours.write_bytes(render_minutes_pdf(doc))
    lo = libreoffice_to_pdf(docx, tmp, fontconfig=conf)
    shutil.copy(lo, documents_dir / "minutes-banji-overflow-libreoffice.pdf")
    return placement, lo, ours


def test_a_banji_that_does_not_fit_opens_the_next_page_in_both(banji_overflows: Any) -> None:
    """GB/T 9704 §7.4: the 版记 on a page of its own, at its foot, in both renderings; no empty
    page after it."""
    placement, lo, ours = banji_overflows
    assert placement.banji_page == placement.flow_page + 1
    lo_pages, our_pages = _pages(lo), _pages(ours)
    assert len(lo_pages) == len(our_pages) == placement.pages
    for pages in (lo_pages, our_pages):
        bottom = _printed_line_bottom(pages[-1])
        assert TYPE_BOTTOM_MM - LINE_MM <= bottom <= TYPE_BOTTOM_MM + 1
        assert not [c for c in pages[-1]["chars"] if round(c["size"]) == 16]
