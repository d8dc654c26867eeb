"""Per-glyph fallback in the PDFs: a character the 仿宋 lacks ("浉", 信阳市浉河区) is set in a
face that has it, and the line it stands on keeps the 22-line grid (GB/T 9704 §5.2)."""

from __future__ import annotations

import io
import itertools

import pdfplumber
import pytest
from django.template import Context, Template

from lianxi.typesetting import fonts
from lianxi.typesetting.glyphs import coverage, fallback_face, fallback_html, has_glyph
from lianxi.typesetting.layout import LINE_PITCH_PT, MinutesDocument, MinutesSection
from lianxi.typesetting.pdf_render import html_to_pdf, render_minutes_pdf

from .samples import plenary_minutes

SHI = "浉"

pytestmark = pytest.mark.skipif(
    not fonts.is_installed("FandolFang") or has_glyph("FandolFang", SHI),
    reason="needs the free FandolFang, which lacks 浉",
)


def test_the_chosen_fangsong_lacks_shi_and_a_fallback_face_has_it() -> None:
    assert fonts.resolve("fangsong") == "FandolFang"
    assert coverage("FandolFang") and ord(SHI) not in (coverage("FandolFang") or ())
    face = fallback_face("fangsong", SHI)
    assert face is not None and has_glyph(face, SHI)
    assert fallback_face("fangsong", "河") is None  # FandolFang has it: no span


def test_fallback_html_escapes_and_wraps_only_the_missing_characters() -> None:
    html = str(fallback_html("<b>信阳市浉河区</b> & 浉浉"))
    assert html.startswith("&lt;b&gt;信阳市<span ")
    assert html.count('class="glyph-fallback"') == 2
    assert ">浉</span>河区&lt;/b&gt; &amp; <span" in html and ">浉浉</span>" in html
    rendered = Template('{% load typesetting %}{{ t|fallback_glyphs:"heiti" }}').render(
        Context({"t": "浉<"})
    )
    assert rendered == "浉&lt;"  # Noto Sans CJK (黑体) has it: nothing to wrap


def _shi_minutes() -> MinutesDocument:
    line = "信阳市浉河区各有关单位要按照职责分工抓好落实，浉河区人民政府统筹协调推进相关工作。"
    return MinutesDocument(
        organ="信阳市职业病防治工作部门间联席会议",
        issue_number="第3期",
        issuer="联席会议办公室",
        date=plenary_minutes().date,
        title="",
        intro=[line * 3] * 12,
        sections=[MinutesSection(heading="专题", paragraphs=["讨论。"])],
        attendance=[],
        distribution="",
        copy_to="",
    )


def test_a_glyph_the_fangsong_lacks_is_set_in_a_face_that_has_it_on_the_grid() -> None:
    """The minutes PDF: every "浉" in a face that has it, the rest of the body in FandolFang,
    and on a full page every line 225/22 mm below the last (before: lines with 浉 grew 2 pt)."""
    pdf = render_minutes_pdf(_shi_minutes())
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        pages = list(opened.pages)
        shi = [c for p in pages for c in p.chars if c["text"] == SHI]
        assert len(shi) > 30
        face = fallback_face("fangsong", SHI)
        assert face is not None
        assert {c["fontname"].split("+")[-1] for c in shi} == {face.replace(" ", "-")}
        body = [c for c in pages[1].chars if round(c["size"]) == 16]
        assert {c["fontname"].split("+")[-1] for c in body if c["text"] != SHI} == {"FandolFang"}
        baselines = sorted({round(pages[1].height - c["matrix"][5], 2) for c in body})
    assert len(baselines) == 22
    pitches = [b - a for a, b in itertools.pairwise(baselines)]
    assert all(abs(p - LINE_PITCH_PT) < 0.05 for p in pitches), pitches


def test_any_pdf_template_can_use_the_filter() -> None:
    """The generic helper: a plain HTML page through html_to_pdf keeps its line height."""
    stack = fonts.css_stack("fangsong")
    template = Template(
        "{% load typesetting %}<html lang='zh-CN'><body style=\"font-family: "
        + stack.replace('"', "'")
        + '; font-size: 16pt; line-height: 29pt">'
        "<style>p { margin: 0 }</style><p>{{ a|fallback_glyphs }}</p>"
        "<p>{{ b|fallback_glyphs }}</p><p>{{ a|fallback_glyphs }}</p>"
        "</body></html>"
    )
    html = template.render(Context({"a": "信阳市浉河区", "b": "信阳市平桥区"}))
    with pdfplumber.open(io.BytesIO(html_to_pdf(html))) as opened:
        chars = opened.pages[0].chars
        baselines = sorted({round(opened.pages[0].height - c["matrix"][5], 2) for c in chars})
        shi = [c for c in chars if c["text"] == SHI]
    assert [round(b - a, 1) for a, b in itertools.pairwise(baselines)] == [29.0, 29.0]
    assert shi and all("Fandol" not in c["fontname"] for c in shi)
