"""Official documents (公文) as PDF in the GB/T 9704-2012 layout, through WeasyPrint.

The page is ``typesetting/official.html`` on the minutes' geometry
(:func:`pdf_render.page_geometry`:
the type area as ink, 22 × 28, "— N —" 7 mm below it).  The 版头 and the signature block are
placed absolutely from the plans of :mod:`official` (the .docx uses the same plans); the body
flows on the line grid, headings in their level's font (:mod:`headings`) without leaving it; the
版记 is the minutes' call-less footnote, at the foot of the last page (§7.4).
"""

from __future__ import annotations

import base64
from typing import Any

from django.template.loader import render_to_string

from . import fonts
from .headings import heading_level, heading_run
from .layout import LINE_PT, MM_PER_PT, TOP_MARGIN_MM
from .official import (
    BLACK,
    Item,
    OfficialDocumentLayout,
    attachment_lines,
    banji_lines,
    head_plan,
    note_text,
    printed_line,
    signature_plan,
)
from .pdf_render import BanjiPlacement, banji_placement_of_html, html_to_pdf, page_geometry

LEVEL_ROLES: dict[int, fonts.Role] = {1: "heiti", 2: "kaiti"}


def page_area_top_mm() -> float:
    """The top of the (shifted) CSS page area, from which the 版头 is placed."""
    shift = fonts.first_line_ink_offset("fangsong", size_pt=16, line_height_pt=LINE_PT)
    return TOP_MARGIN_MM - shift * MM_PER_PT


def banji_drop_mm() -> float:
    """How far the 版记 reaches below the CSS page area: the body's half-leading (the page box
    is shifted up by it so that ink starts at 37 mm), which puts its last rule at 262 mm."""
    shift = fonts.first_line_ink_offset("fangsong", size_pt=16, line_height_pt=LINE_PT)
    return shift * MM_PER_PT


def _item_style(item: Item, *, top_mm: float, line_pt: float) -> str:
    parts = [
        f"left: {item.x:.3f}mm",
        f"top: {top_mm:.3f}mm",
        f"font-family: {fonts.css_stack(item.role)}",
        f"font-size: {item.size:.3f}pt",
        f"line-height: {line_pt:.3f}pt",
    ]
    if item.letter_spacing is not None:
        parts.append(f"letter-spacing: {item.letter_spacing:.3f}pt")
    if item.color != BLACK:
        parts.append(f"color: {item.color}")
    if item.role == "xiaobiaosong" and fonts.is_bold("xiaobiaosong"):
        parts.append("font-weight: bold")
    if item.scale != 1.0:
        parts.append(f"transform: scaleX({item.scale:.4f}); transform-origin: 0 50%")
    return "; ".join(parts)


def _head(doc: OfficialDocumentLayout) -> dict[str, Any]:
    plan = head_plan(doc)
    area_top = page_area_top_mm()
    items = []
    for row in plan.rows:
        for item in row.items:
            box = fonts.baseline_in_line(item.role, size_pt=item.size, line_height_pt=row.line_pt)
            top = row.baseline - area_top - box * MM_PER_PT
            items.append(
                {
                    "item": item,
                    "class": row.kind,
                    "style": _item_style(item, top_mm=top, line_pt=row.line_pt),
                }
            )
    return {
        "items": items,
        "height": f"{plan.rule_bottom - area_top:.3f}mm",
        "rule_top": f"{plan.rule_top - area_top:.3f}mm",
        "rule_height": f"{plan.rule_bottom - plan.rule_top:.3f}mm",
    }


def _paragraph(text: str) -> dict[str, Any]:
    level = heading_level(text)
    head, rest = heading_run(text)
    role = LEVEL_ROLES.get(level)
    if role is None:
        return {"level": level, "role": None, "head": text, "rest": ""}
    return {"level": level, "role": role, "head": head, "rest": rest}


def _data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _signature(doc: OfficialDocumentLayout) -> dict[str, Any]:
    plan = signature_plan(doc)
    lines = []
    for items in plan.lines:
        lines.append(
            [
                {"item": item, "style": f"left: {item.x:.3f}mm; top: 0; line-height: {LINE_PT}pt"}
                for item in items
            ]
        )
    seals = [
        {
            "seal": seal,
            "url": _data_url(seal.png),
            "style": (
                f"left: {seal.x:.3f}mm; top: {seal.y:.3f}mm; "
                f"width: {seal.width:.3f}mm; height: {seal.height:.3f}mm"
            ),
        }
        for seal in plan.seals
    ]
    return {"lines": lines, "seals": seals, "height": f"{plan.height:.3f}mm"}


def official_html(doc: OfficialDocumentLayout) -> str:
    """The HTML WeasyPrint lays out (also handy to look at in a browser)."""
    attachments = [
        {"text": a.text, "padding": f"{a.left:.3f}mm", "indent": f"{a.first_line:.3f}mm"}
        for a in attachment_lines(doc)
    ]
    context = {
        "doc": doc,
        "g": page_geometry(),
        "head": _head(doc),
        "paragraphs": [_paragraph(p) for p in doc.paragraphs if p.strip()],
        "main_to": f"{doc.main_to.strip().rstrip('：:')}：" if doc.main_to.strip() else "",
        "attachments": attachments,
        "signature": _signature(doc),
        "note": note_text(doc),
        "banji": banji_lines(doc),
        "printed": printed_line(doc),
        "font": {role: fonts.css_stack(role) for role in fonts.PREFERENCES},  # type: ignore[arg-type]
        "title_weight": "bold" if fonts.is_bold("xiaobiaosong") else "normal",
    }
    return render_to_string("typesetting/official.html", context)


def official_banji_placement(doc: OfficialDocumentLayout) -> BanjiPlacement:
    """Where the PDF ends the text and sets the 版记 (the .docx follows it)."""
    return banji_placement_of_html(official_html(doc))


def render_official_pdf(doc: OfficialDocumentLayout) -> bytes:
    """The document as a PDF in the GB/T 9704-2012 layout (A4, 22 × 28, "— N —")."""
    return html_to_pdf(official_html(doc))
