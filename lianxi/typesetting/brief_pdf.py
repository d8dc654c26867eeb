"""The work brief (工作简报) as PDF, through WeasyPrint, on the minutes' page.

``typesetting/brief.html`` reuses the minutes' geometry (:func:`pdf_render.page_geometry`: the
type area as ink, 22 × 28, "— N —" 7 mm below it), their 报头 (the name fitted to one line, its
upper edge 35 mm below the type area, the red rule 4 mm under the 编印单位 line) and their
call-less footnote for the 报尾, which WeasyPrint keeps at the foot of the last page.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from lianxi.core.dates import cn_date

from . import fonts
from .brief import (
    BriefDocument,
    banji_lines,
    contents_title,
    copies_line,
    editor_line_fit,
    has_contents,
    source_line,
    title_lines,
)
from .layout import (
    BODY_SIZE_PT,
    LINE_PT,
    MM_PER_PT,
    RED_LINE_GAP_MM,
    SIZE_4,
    TOP_MARGIN_MM,
    TYPE_WIDTH_MM,
    masthead_fit,
)
from .pdf_render import (
    RED_RULE_MM,
    BanjiPlacement,
    _masthead_margin_pt,
    _mm,
    _pt,
    banji_placement_of_html,
    html_to_pdf,
    page_geometry,
)


def _lines_after_rule(doc: BriefDocument) -> int:
    """Blank lines between the red rule and what follows it: one before 本期要目, two before
    a lone article's title (the minutes' title has two)."""
    return 1 if has_contents(doc) else 2


def brief_page_one(doc: BriefDocument) -> dict[str, float]:
    """Where the PDF sets page 1, in mm from the page's top edge: the baselines of the name,
    the issue label and the 编印单位 line, the red rule's edges, and the top of the first line
    box after it.  The .docx sets the same lines at the same places."""
    line = LINE_PT * MM_PER_PT
    shift = fonts.first_line_ink_offset("fangsong", size_pt=BODY_SIZE_PT, line_height_pt=LINE_PT)
    top = TOP_MARGIN_MM - shift * MM_PER_PT
    body = fonts.baseline_in_line("fangsong", size_pt=BODY_SIZE_PT, line_height_pt=LINE_PT)
    size, _ = masthead_fit(doc.name)
    masthead_top = top + _masthead_margin_pt(size) * MM_PER_PT
    masthead = fonts.baseline_in_line("xiaobiaosong", size_pt=size, line_height_pt=size)
    number_top = masthead_top + size * MM_PER_PT + line
    editor_size, _ = editor_line_fit(doc)
    editor = fonts.baseline_in_line("fangsong", size_pt=editor_size, line_height_pt=LINE_PT)
    # 4 mm below the editor line's characters, whatever their size (§7.2.7)
    m = fonts.vertical_metrics(fonts.resolve("fangsong"))
    chars_bottom = editor + (1 - m.em_top) * editor_size
    rule = number_top + line + chars_bottom * MM_PER_PT + RED_LINE_GAP_MM
    first_top = rule + RED_RULE_MM + _lines_after_rule(doc) * line
    return {
        "page_area_top": top,
        "masthead": masthead_top + masthead * MM_PER_PT,
        "masthead_size_pt": size,
        "number": number_top + body * MM_PER_PT,
        "editor": number_top + line + editor * MM_PER_PT,
        "editor_size_pt": editor_size,
        "rule_margin": rule - number_top - 2 * line,
        "rule_top": rule,
        "rule_bottom": rule + RED_RULE_MM,
        "first_top": first_top,
        # where a 3号仿宋 line in that first line box has its baseline
        "first_body_baseline": first_top + body * MM_PER_PT,
    }


def brief_html(doc: BriefDocument) -> str:
    """The HTML WeasyPrint lays out (also handy to look at in a browser)."""
    geometry = page_geometry()
    size, scale = masthead_fit(doc.name)
    natural_width_pt = size * len(doc.name)
    masthead = {
        "text": doc.name,
        "size": _pt(size),
        "scale": f"{scale:.4f}",
        "width": _pt(natural_width_pt),
        "offset": _pt((TYPE_WIDTH_MM / MM_PER_PT - natural_width_pt) / 2),
        "margin_top": _pt(_masthead_margin_pt(size)),
    }
    articles = [
        {
            "title_lines": title_lines(article),
            "source": source_line(article),
            "paragraphs": [text for text in article.paragraphs if text.strip()],
        }
        for article in doc.articles
    ]
    lines = banji_lines(doc)
    where = brief_page_one(doc)
    editor_size, editor_spacing = editor_line_fit(doc)
    context = {
        "doc": doc,
        "g": geometry,
        "masthead": masthead,
        "date": cn_date(doc.date),
        "contents": [contents_title(a) for a in doc.articles] if has_contents(doc) else [],
        "articles": articles,
        "editor_style": (
            f"font-size: {_pt(editor_size)}; letter-spacing: {_pt(editor_spacing)}; "
            f"padding: 0 {_pt(editor_size)}"
        ),
        "rule_margin": _mm(where["rule_margin"]),
        "first_margin": _mm(_lines_after_rule(doc) * LINE_PT * MM_PER_PT),
        "banji": lines,
        "copies": copies_line(doc),
        # the labels are two characters (报：), the minutes' three (分送：)
        "hang_padding": _pt(3 * SIZE_4),
        "hang_indent": _pt(-2 * SIZE_4),
        "font": {
            role: fonts.css_stack(role)  # type: ignore[arg-type]
            for role in fonts.PREFERENCES
        },
        "masthead_weight": "bold" if fonts.is_bold("xiaobiaosong") else "normal",
    }
    return render_to_string("typesetting/brief.html", context)


def brief_banji_placement(doc: BriefDocument) -> BanjiPlacement:
    """Where the PDF ends the articles and sets the 报尾 (the .docx follows it)."""
    return banji_placement_of_html(brief_html(doc))


def brief_pdf(doc: BriefDocument) -> bytes:
    return html_to_pdf(brief_html(doc))
