"""Minutes (会议纪要) as PDF in the GB/T 9704-2012 纪要 layout, through WeasyPrint.

The page is built from ``typesetting/minutes.html`` and the geometry in :mod:`layout`.  What the
CSS cannot say by itself is computed here:

* The type area is *ink*: CSS puts half the leading above a line's characters, so the page box
  is moved up by that amount (computed from the body font's metrics) — the first line's
  characters then start at 37 mm from the top edge and 22 lines fill the 225 mm 版心 exactly.
* The 纪要标志 is fitted to one line (smaller and condensed when the organ's name is long), its
  top edge 35 mm below the type area (§10.3).
* The page number's dashes sit 7 mm below the type area (§7.5).
* The red rule: 4 mm below the characters of the 编印单位 line (§7.2.7).
* Level-1 headings keep the body's baseline (their 黑体 in a line-height: 1 span), so every
  line of a page is on the 22-line grid.
* :func:`page_one` and :func:`banji_placement` tell the .docx renderer where this layout puts
  the first page's lines and the 版记, so that both renderings agree.
* The 版记 is a CSS footnote without a call mark: WeasyPrint puts it at the foot of the page
  where the minutes end, and moves it to a new page when it does not fit there (§7.4).

Rendering never touches the network: only ``file:`` and ``data:`` URLs are fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from lianxi.core.dates import cn_date

from . import fonts
from .layout import (
    BODY_LETTER_SPACING_PT,
    BODY_SIZE_PT,
    CHAR_PITCH_PT,
    LEFT_MARGIN_MM,
    LINE_PT,
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
    shift_pt = fonts.first_line_ink_offset("fangsong", size_pt=BODY_SIZE_PT, line_height_pt=LINE_PT)
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
        "line": _pt(LINE_PT),
        "two_lines": _pt(2 * LINE_PT),
        "char": _pt(CHAR_PITCH_PT),
        "two_chars": _pt(2 * CHAR_PITCH_PT),
        "body_size": _pt(BODY_SIZE_PT),
        "letter_spacing": _pt(BODY_LETTER_SPACING_PT),
        "title_size": _pt(SIZE_2),
        "small_size": _pt(SIZE_4),
        "red_line_gap": _mm(red_rule_margin_mm()),
        "red_rule": _mm(RED_RULE_MM),
        # the dash (mid-height of the em box) 7 mm below the type area
        "number_padding": _mm(shift_mm + PAGE_NUMBER_GAP_MM - number_centre_pt * MM_PER_PT),
        "banji_hang_padding": _pt(4 * SIZE_4),  # 左空一字 + "分送：" (3 chars)
        "banji_hang_indent": _pt(-3 * SIZE_4),
        "red": RED,
    }


RED_RULE_MM = 0.8  # the red separator's thickness


def red_rule_margin_mm() -> float:
    """From the 编印单位 line's box to the red rule: 4 mm below its characters (§7.2.7)."""
    m = fonts.vertical_metrics(fonts.resolve("fangsong"))
    baseline = fonts.baseline_in_line("fangsong", size_pt=BODY_SIZE_PT, line_height_pt=LINE_PT)
    below_chars = LINE_PT - baseline - (1 - m.em_top) * BODY_SIZE_PT
    return RED_LINE_GAP_MM - below_chars * MM_PER_PT


def _masthead_margin_pt(size: float) -> float:
    """From the (shifted) page-area top to the masthead's line box: its em box 35 mm below."""
    shift_pt = fonts.first_line_ink_offset("fangsong", size_pt=BODY_SIZE_PT, line_height_pt=LINE_PT)
    ink = fonts.first_line_ink_offset("xiaobiaosong", size_pt=size, line_height_pt=size)
    return shift_pt + MASTHEAD_GAP_MM / MM_PER_PT - ink


def page_one(doc: MinutesDocument) -> dict[str, float]:
    """Where the PDF sets the first page's lines, in mm from the page's top edge: the baselines
    of the 纪要标志, the 期号, the 编印单位 line, the title and the first body line, and the
    red rule's top edge.  The .docx puts its lines at the same places."""
    line = LINE_PT * MM_PER_PT
    shift = fonts.first_line_ink_offset("fangsong", size_pt=BODY_SIZE_PT, line_height_pt=LINE_PT)
    top = TOP_MARGIN_MM - shift * MM_PER_PT  # the page area's top
    body = fonts.baseline_in_line("fangsong", size_pt=BODY_SIZE_PT, line_height_pt=LINE_PT)
    size, _ = masthead_fit(doc.masthead)
    masthead_top = top + _masthead_margin_pt(size) * MM_PER_PT
    masthead = fonts.baseline_in_line("xiaobiaosong", size_pt=size, line_height_pt=size)
    number_top = masthead_top + size * MM_PER_PT + line
    rule = number_top + 2 * line + red_rule_margin_mm()
    out = {
        "page_area_top": top,
        "masthead": masthead_top + masthead * MM_PER_PT,
        "masthead_size_pt": size,
        "number": number_top + body * MM_PER_PT,
        "issuer": number_top + line + body * MM_PER_PT,
        "rule_top": rule,
        "rule_bottom": rule + RED_RULE_MM,
    }
    body_top = rule + RED_RULE_MM
    if doc.title.strip():
        title = fonts.baseline_in_line("xiaobiaosong", size_pt=SIZE_2, line_height_pt=LINE_PT)
        out["title"] = body_top + 2 * line + title * MM_PER_PT
        body_top += 4 * line
    out["body"] = body_top + body * MM_PER_PT
    out["body_baseline_in_line"] = body * MM_PER_PT
    return out


@dataclass(frozen=True)
class BanjiPlacement:
    """Where the PDF's layout ends the minutes' flow and sets the 版记 (mm from the page top)."""

    pages: int
    flow_page: int  # 0-based page on which the text before the 版记 ends
    flow_bottom: float
    banji_page: int  # the page whose foot the 版记 stands at (the last)
    banji_top: float
    page_area_top: float  # the top of the pages' content area (the shifted CSS page box)


PX_MM = 25.4 / 96  # WeasyPrint lays out in CSS pixels


def banji_placement(doc: MinutesDocument) -> BanjiPlacement:
    """Lay the minutes out as the PDF does and say where the flow ends and the 版记 stands, so
    that the .docx can put its 版记 at the same page's foot (GB/T 9704 §7.4)."""
    return banji_placement_of_html(minutes_html(doc))


def banji_placement_of_html(html: str) -> BanjiPlacement:
    """Lay out one of our documents' HTML (a ``flow-end`` block where the text ends, a
    ``banji`` footnote) and say where the flow ends and the 版记 stands."""
    from weasyprint import HTML

    rendered = HTML(string=html, url_fetcher=local_url_fetcher(), base_url="file:///").render()
    flow = (0, 0.0)
    banji = (len(rendered.pages) - 1, 0.0)

    def walk(box: Any) -> Any:
        yield box
        for child in getattr(box, "children", None) or ():
            yield from walk(child)

    for number, page in enumerate(rendered.pages):
        for box in walk(page._page_box):
            element = getattr(box, "element", None)
            if element is None or type(box).__name__ != "BlockBox":
                continue
            classes = (element.get("class") or "").split()
            if "banji" in classes:
                banji = (number, box.position_y * PX_MM)
            elif "flow-end" in classes:
                flow = (number, box.position_y * PX_MM)
    return BanjiPlacement(
        pages=len(rendered.pages),
        flow_page=flow[0],
        flow_bottom=flow[1],
        banji_page=banji[0],
        banji_top=banji[1],
        page_area_top=rendered.pages[0]._page_box.content_box_y() * PX_MM,
    )


def minutes_html(doc: MinutesDocument) -> str:
    """The HTML WeasyPrint lays out (also handy to look at in a browser)."""
    geometry = page_geometry()
    size, scale = masthead_fit(doc.masthead)
    natural_width_pt = size * len(doc.masthead)
    masthead = {
        "text": doc.masthead,
        "size": _pt(size),
        "scale": f"{scale:.4f}",
        "width": _pt(natural_width_pt),
        "offset": _pt((TYPE_WIDTH_MM / MM_PER_PT - natural_width_pt) / 2),
        # from the (shifted) page-area top to the masthead's line box
        "margin_top": _pt(_masthead_margin_pt(size)),
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
        "date": cn_date(doc.date),
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
