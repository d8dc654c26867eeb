"""Minutes (会议纪要) as PDF in the GB/T 9704-2012 纪要 layout, through WeasyPrint.

The page is built from ``typesetting/minutes.html`` and the geometry in :mod:`layout`.  What the
CSS cannot say by itself is computed here:

* The type area is *ink*: CSS puts half the leading above a line's characters, so the page box
  is moved up by that amount (computed from the body font's metrics) — the first line's
  characters then start at 37 mm from the top edge and 22 lines fill the 225 mm 版心 exactly.
* The 纪要标志 is fitted to one line (smaller and condensed when the organ's name is long), its
  top edge 35 mm below the type area (§10.3).
* The page number's dashes sit 7 mm below the type area (§7.5).
* The 版记 is a CSS footnote without a call mark: WeasyPrint puts it at the foot of the page
  where the minutes end, and moves it to a new page when it does not fit there (§7.4).

Rendering never touches the network: only ``file:`` and ``data:`` URLs are fetched.
"""

from __future__ import annotations

import math
from typing import Any

from django.template.loader import render_to_string

from . import fonts
from .layout import (
    BODY_LETTER_SPACING_PT,
    BODY_SIZE_PT,
    CHAR_PITCH_PT,
    LEFT_MARGIN_MM,
    LINE_PITCH_PT,
    MASTHEAD_GAP_MM,
    MM_PER_PT,
    PAGE_HEIGHT_MM,
    PAGE_NUMBER_GAP_MM,
    PAGE_WIDTH_MM,
    RED,
    RED_LINE_GAP_MM,
    RIGHT_MARGIN_MM,
    SIZE_2,
    SIZE_4,
    TOP_MARGIN_MM,
    TYPE_HEIGHT_MM,
    TYPE_WIDTH_MM,
    MinutesDocument,
    attendance_text,
    banji_lines,
    chinese_date,
    masthead_fit,
    numbered_sections,
)

LOCAL_PROTOCOLS = ("file", "data")


def local_url_fetcher() -> Any:
    """A WeasyPrint URL fetcher that reads only local files and data: URLs — no network.

    Everything else is refused before any connection is attempted (WeasyPrint's own
    ``allowed_protocols`` check), and the page renders without it.
    """
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=LOCAL_PROTOCOLS, allow_redirects=False)


def _pt(value: float) -> str:
    return f"{value:.3f}pt"


def _mm(value: float) -> str:
    return f"{value:.3f}mm"


def page_geometry() -> dict[str, str]:
    """The computed lengths the template's CSS uses (strings with units)."""
    # Move the page box up by the body font's half-leading so that ink starts at 37 mm.
    shift_pt = fonts.first_line_ink_offset(
        "fangsong", size_pt=BODY_SIZE_PT, line_height_pt=LINE_PITCH_PT
    )
    shift_mm = shift_pt * MM_PER_PT
    number_centre_pt = (
        fonts.first_line_ink_offset("songti", size_pt=SIZE_4, line_height_pt=SIZE_4) + SIZE_4 / 2
    )
    return {
        "page_width": _mm(PAGE_WIDTH_MM),
        "page_height": _mm(PAGE_HEIGHT_MM),
        "margin_top": _mm(TOP_MARGIN_MM - shift_mm),
        "margin_bottom": _mm(PAGE_HEIGHT_MM - TOP_MARGIN_MM - TYPE_HEIGHT_MM + shift_mm),
        "margin_left": _mm(LEFT_MARGIN_MM),
        "margin_right": _mm(RIGHT_MARGIN_MM),
        "type_width": _mm(TYPE_WIDTH_MM),
        "shift_mm": _mm(shift_mm),
        # rounded down, so that 22 lines never overflow the 225 mm page area by a rounding
        "line": _pt(math.floor(LINE_PITCH_PT * 1000) / 1000),
        "two_lines": _pt(2 * LINE_PITCH_PT),
        "char": _pt(CHAR_PITCH_PT),
        "two_chars": _pt(2 * CHAR_PITCH_PT),
        "body_size": _pt(BODY_SIZE_PT),
        "letter_spacing": _pt(BODY_LETTER_SPACING_PT),
        "title_size": _pt(SIZE_2),
        "small_size": _pt(SIZE_4),
        "red_line_gap": _mm(RED_LINE_GAP_MM),
        # the dash (mid-height of the em box) 7 mm below the type area
        "number_padding": _mm(shift_mm + PAGE_NUMBER_GAP_MM - number_centre_pt * MM_PER_PT),
        "banji_hang_padding": _pt(4 * SIZE_4),  # 左空一字 + "分送：" (3 chars)
        "banji_hang_indent": _pt(-3 * SIZE_4),
        "red": RED,
    }


def minutes_html(doc: MinutesDocument) -> str:
    """The HTML WeasyPrint lays out (also handy to look at in a browser)."""
    geometry = page_geometry()
    size, scale = masthead_fit(doc.masthead)
    natural_width_pt = size * len(doc.masthead)
    shift_pt = float(geometry["shift_mm"].removesuffix("mm")) / MM_PER_PT
    masthead_ink = fonts.first_line_ink_offset("xiaobiaosong", size_pt=size, line_height_pt=size)
    masthead = {
        "text": doc.masthead,
        "size": _pt(size),
        "scale": f"{scale:.4f}",
        "width": _pt(natural_width_pt),
        "offset": _pt((TYPE_WIDTH_MM / MM_PER_PT - natural_width_pt) / 2),
        # from the (shifted) page-area top to the masthead's line box
        "margin_top": _pt(shift_pt + MASTHEAD_GAP_MM / MM_PER_PT - masthead_ink),
    }
    attendance = []
    for line in doc.attendance:
        label = f"{line.label}："
        attendance.append(
            {
                "label": label,
                "text": attendance_text(line),
                "padding": _pt((2 + len(label)) * CHAR_PITCH_PT),
                "indent": _pt(-len(label) * CHAR_PITCH_PT),
            }
        )
    context = {
        "doc": doc,
        "g": geometry,
        "masthead": masthead,
        "date": chinese_date(doc.date),
        "sections": numbered_sections(doc),
        "attendance": attendance,
        "banji": banji_lines(doc),
        "font": {
            role: fonts.css_stack(role)  # type: ignore[arg-type]
            for role in fonts.PREFERENCES
        },
        "masthead_weight": "bold" if fonts.is_bold("xiaobiaosong") else "normal",
    }
    return render_to_string("typesetting/minutes.html", context)


def html_to_pdf(html: str) -> bytes:
    """A PDF of one of our documents' HTML, fonts and images read from this machine only."""
    from weasyprint import HTML

    pdf = HTML(string=html, url_fetcher=local_url_fetcher(), base_url="file:///").write_pdf()
    assert pdf is not None
    return bytes(pdf)


def render_minutes_pdf(doc: MinutesDocument) -> bytes:
    """The minutes as a PDF in the GB/T 9704-2012 纪要 layout (A4, 22 × 28, "— N —")."""
    return html_to_pdf(minutes_html(doc))
