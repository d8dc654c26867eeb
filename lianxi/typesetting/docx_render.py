"""Minutes (会议纪要) as .docx in the GB/T 9704-2012 纪要 layout, editable in WPS and Word.

The page is set as a clerk sets it in Word: A4, margins 37 / 35 / 28 / 26 mm (top / bottom /
binding / outer), body 3号仿宋 with exact 28.95 pt line spacing (22 lines in the 225 mm 版心;
28.99 pt would leave room for only 21) and −0.25 pt character spacing (28 characters in the
156 mm line), a line grid of the same pitch, odd and even footers with a PAGE field.

Fonts are named by :mod:`fonts` — a .docx names one font per run, so it carries the first
installed family of each role's preference list, set for East Asian text (w:eastAsia) as well
as for Latin text.  The 版记 (§7.4) is a bordered table that follows the attendance lines.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from . import fonts
from .layout import (
    BODY_SIZE_PT,
    BOTTOM_MARGIN_MM,
    LEFT_MARGIN_MM,
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
    TYPE_WIDTH_MM,
    MinutesDocument,
    attendance_text,
    banji_lines,
    chinese_date,
    masthead_fit,
    numbered_sections,
)

# Word stores line spacing in twentieths of a point: 579 = 28.95 pt, the value every
# government template uses for 22 lines in 225 mm.
LINE_TWIPS = 579
# Character spacing in twentieths of a point: 16 − 0.25 = 15.75 pt × 28 = 441 pt ≤ 442.2 pt.
CHAR_SPACING_TWIPS = -5
CHAR_PT = BODY_SIZE_PT + CHAR_SPACING_TWIPS / 20
RED_RGB = RGBColor.from_string(RED.removeprefix("#"))
PAGE_NUMBER_FONT_PT = SIZE_4


# Child order of the WordprocessingML elements we touch (ECMA-376 Part 1, §17.3/§17.4):
# Word refuses a document whose children are out of order.
RPR_ORDER = [
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
]
PPR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]
TCPR_ORDER = [
    "cnfStyle",
    "tcW",
    "gridSpan",
    "hMerge",
    "vMerge",
    "tcBorders",
    "shd",
    "noWrap",
    "tcMar",
    "textDirection",
    "tcFitText",
    "vAlign",
    "hideMark",
]
TBLPR_ORDER = [
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
    "tblPrChange",
]


def _child(parent: Any, name: str, order: list[str], **attrs: str) -> Any:
    """Find or create ``w:name`` under ``parent`` at its place in ``order``; set ``attrs``."""
    element = parent.find(qn(f"w:{name}"))
    if element is None:
        element = OxmlElement(f"w:{name}")
        later = {qn(f"w:{tag}") for tag in order[order.index(name) + 1 :]}
        for sibling in parent:
            if sibling.tag in later:
                sibling.addprevious(element)
                break
        else:
            parent.append(element)
    for key, value in attrs.items():
        element.set(qn(key), value)
    return element


def _chars(n: float) -> Twips:
    return Twips(round(n * CHAR_PT * 20))


def _set_fonts(rpr_parent: object, family: str) -> None:
    """Name ``family`` for Latin, East Asian and complex text on a run or a style."""
    rpr = rpr_parent.get_or_add_rPr()  # type: ignore[attr-defined]
    rfonts = _child(rpr, "rFonts", RPR_ORDER)
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(key), family)


def _rpr_child(run: Run, name: str, **attrs: str) -> None:
    _child(run._r.get_or_add_rPr(), name, RPR_ORDER, **attrs)


def _run(
    paragraph: Paragraph,
    text: str,
    *,
    role: fonts.Role = "fangsong",
    size: float = BODY_SIZE_PT,
    color: RGBColor | None = None,
    spacing_twips: int | None = None,
    scale_percent: int | None = None,
    bold: bool = False,
) -> Run:
    run = paragraph.add_run(text)
    _set_fonts(run._r, fonts.resolve(role))
    run.font.size = Pt(size)
    if bold:
        run.font.bold = True
    if color is not None:
        run.font.color.rgb = color
    if spacing_twips is not None:
        _rpr_child(run, "spacing", **{"w:val": str(spacing_twips)})
    if scale_percent is not None:
        _rpr_child(run, "w", **{"w:val": str(scale_percent)})
    return run


def _paragraph(
    container: object,
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    first_line_chars: float = 0,
    left: Twips | None = None,
    right: Twips | None = None,
    before: Twips | Pt | None = None,
    line: Twips | Pt | None = None,
) -> Paragraph:
    paragraph: Paragraph = container.add_paragraph()  # type: ignore[attr-defined]
    fmt = paragraph.paragraph_format
    if align is not None:
        paragraph.alignment = align
    if first_line_chars:
        fmt.first_line_indent = _chars(first_line_chars)
    if left is not None:
        fmt.left_indent = left
    if right is not None:
        fmt.right_indent = right
    if before is not None:
        fmt.space_before = before
    if line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = line
    return paragraph


def _outline_level(paragraph: Paragraph, level: int) -> None:
    _child(paragraph._p.get_or_add_pPr(), "outlineLvl", PPR_ORDER, **{"w:val": str(level)})


def _bottom_border(paragraph: Paragraph, *, eighths: int, space_pt: int, color: str) -> None:
    pbdr = _child(paragraph._p.get_or_add_pPr(), "pBdr", PPR_ORDER)
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(eighths))
    bottom.set(qn("w:space"), str(space_pt))
    bottom.set(qn("w:color"), color)
    pbdr.append(bottom)


def _page_field(paragraph: Paragraph) -> None:
    """A PAGE field, in 4号宋体 like its dashes."""
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1")):
        run = _run(paragraph, "", role="songti", size=PAGE_NUMBER_FONT_PT)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "text":
            run.text = text or ""
        else:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
    end = _run(paragraph, "", role="songti", size=PAGE_NUMBER_FONT_PT)
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "end")
    end._r.append(fld)


def _page_number(container: object, *, odd: bool) -> None:
    """ "— N —": odd pages right, even pages left, one character in (§7.5)."""
    paragraph = container.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    fmt = paragraph.paragraph_format
    one_char = Pt(PAGE_NUMBER_FONT_PT)
    if odd:
        fmt.right_indent = one_char
    else:
        fmt.left_indent = one_char
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(PAGE_NUMBER_FONT_PT)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    _run(paragraph, "— ", role="songti", size=PAGE_NUMBER_FONT_PT)
    _page_field(paragraph)
    _run(paragraph, " —", role="songti", size=PAGE_NUMBER_FONT_PT)


def _setup(document: object) -> None:
    """Defaults, Normal style, page geometry, footers."""
    doc = document
    styles_el = doc.styles.element  # type: ignore[attr-defined]
    defaults = styles_el.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            lang = rpr.find(qn("w:lang"))
            if lang is not None:
                lang.set(qn("w:val"), "en-US")
                lang.set(qn("w:eastAsia"), "zh-CN")
        ppr = defaults.find(qn("w:pPrDefault") + "/" + qn("w:pPr"))
        if ppr is not None:
            for child in list(ppr):
                ppr.remove(child)

    normal = doc.styles["Normal"]  # type: ignore[attr-defined]
    _set_fonts(normal.element, fonts.resolve("fangsong"))
    normal.font.size = Pt(BODY_SIZE_PT)
    _child(
        normal.element.get_or_add_rPr(), "spacing", RPR_ORDER, **{"w:val": str(CHAR_SPACING_TWIPS)}
    )
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Twips(LINE_TWIPS)
    fmt.widow_control = False
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    # No automatic space between Chinese and Latin text/digits: 2026年, not 2026 年.
    for name in ("autoSpaceDE", "autoSpaceDN"):
        _child(normal.element.get_or_add_pPr(), name, PPR_ORDER, **{"w:val": "0"})

    section = doc.sections[0]  # type: ignore[attr-defined]
    section.page_width = Mm(PAGE_WIDTH_MM)
    section.page_height = Mm(PAGE_HEIGHT_MM)
    section.top_margin = Mm(TOP_MARGIN_MM)
    section.bottom_margin = Mm(BOTTOM_MARGIN_MM)
    section.left_margin = Mm(LEFT_MARGIN_MM)
    section.right_margin = Mm(RIGHT_MARGIN_MM)
    section.gutter = Mm(0)
    section.header_distance = Mm(15)
    # Footer text bottom from the page's bottom edge: the dash (mid-line of a 14 pt line)
    # then sits 7 mm below the type area.
    section.footer_distance = Mm(
        BOTTOM_MARGIN_MM - PAGE_NUMBER_GAP_MM - PAGE_NUMBER_FONT_PT / 2 * MM_PER_PT
    )
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_TWIPS))

    doc.settings.odd_and_even_pages_header_footer = True  # type: ignore[attr-defined]
    section.footer.is_linked_to_previous = False
    section.even_page_footer.is_linked_to_previous = False
    _page_number(section.footer, odd=True)
    _page_number(section.even_page_footer, odd=False)


def _masthead(doc: object, minutes: MinutesDocument) -> None:
    size, scale = masthead_fit(minutes.masthead)
    # Single spacing, off the line grid: Word and LibreOffice put the font's ascent at the top
    # of the line, so the space before is 35 mm less the ascent above the em box (§10.3).
    metrics = fonts.vertical_metrics(fonts.resolve("xiaobiaosong"))
    p = _paragraph(
        doc,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        before=Pt(MASTHEAD_GAP_MM / MM_PER_PT - (metrics.ascent - metrics.em_top) * size),
    )
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _child(p._p.get_or_add_pPr(), "snapToGrid", PPR_ORDER, **{"w:val": "0"})
    _run(
        p,
        minutes.masthead,
        role="xiaobiaosong",
        size=size,
        color=RED_RGB,
        spacing_twips=0,
        scale_percent=round(scale * 100),
        bold=fonts.is_bold("xiaobiaosong"),
    )
    number = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, before=Twips(LINE_TWIPS))
    _run(number, minutes.issue_number)
    # 编印单位 left and date right, one character in; the red rule 4 mm below, spanning the
    # type area (a paragraph border spans the indents, so the 空一字 is a full-width space).
    line = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.LEFT)
    line.paragraph_format.tab_stops.add_tab_stop(
        Mm(TYPE_WIDTH_MM) - _chars(1), WD_TAB_ALIGNMENT.RIGHT
    )
    _run(line, f"\u3000{minutes.issuer}\t{chinese_date(minutes.date)}")
    _bottom_border(
        line,
        eighths=18,
        space_pt=round(RED_LINE_GAP_MM / MM_PER_PT),
        color=RED.removeprefix("#"),
    )


def _body(doc: object, minutes: MinutesDocument) -> None:
    if minutes.title.strip():
        title = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, before=Twips(2 * LINE_TWIPS))
        title.paragraph_format.space_after = Twips(LINE_TWIPS)
        _run(
            title,
            minutes.title,
            role="xiaobiaosong",
            size=SIZE_2,
            spacing_twips=0,
            bold=fonts.is_bold("xiaobiaosong"),
        )
    for text in minutes.intro:
        _run(_paragraph(doc, first_line_chars=2), text)
    for label, section, resolutions in numbered_sections(minutes):
        heading = _paragraph(doc, first_line_chars=2)
        heading.paragraph_format.keep_with_next = True
        _outline_level(heading, 0)
        _run(heading, f"{label}{section.heading}", role="heiti")
        for text in section.paragraphs:
            _run(_paragraph(doc, first_line_chars=2), text)
        if resolutions:
            lead = _paragraph(doc, first_line_chars=2)
            lead.paragraph_format.keep_with_next = True
            _run(lead, "会议议定：")
        for number, text in resolutions:
            p = _paragraph(doc, first_line_chars=2)
            _run(p, number, role="kaiti")
            _run(p, text)


def _attendance(doc: object, minutes: MinutesDocument) -> None:
    if not minutes.attendance:
        return
    _paragraph(doc)  # 空一行 (§10.3)
    for line in minutes.attendance:
        label = f"{line.label}："
        p = _paragraph(doc, left=_chars(2 + len(label)))
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        p.paragraph_format.first_line_indent = -_chars(len(label))
        _run(p, label, role="heiti")
        _run(p, attendance_text(line))


def _cell_border(cell: Any, edge: str, eighths: int) -> None:
    borders = _child(cell._tc.get_or_add_tcPr(), "tcBorders", TCPR_ORDER)
    element = OxmlElement(f"w:{edge}")
    element.set(qn("w:val"), "single")
    element.set(qn("w:sz"), str(eighths))
    element.set(qn("w:space"), "0")
    element.set(qn("w:color"), "000000")
    borders.append(element)


def _banji(doc: Any, minutes: MinutesDocument) -> None:
    """版记 (§7.4): thick rule, 分送 / 抄报, thin rule, 印发 line, thick rule — 4号仿宋.

    A one-column table as wide as the type area, in the flow after the attendance lines, its
    rows kept on one page.  (Floated to the foot of the page with w:tblpPr, LibreOffice splits
    it across pages; the PDF puts the 版记 at the foot of the last page.)
    """
    _paragraph(doc)  # one blank line under the attendance lines
    table = doc.add_table(rows=2, cols=1)
    tblpr = table._tbl.tblPr
    _child(
        tblpr,
        "tblW",
        TBLPR_ORDER,
        **{"w:w": str(round(TYPE_WIDTH_MM / MM_PER_PT * 20)), "w:type": "dxa"},
    )
    margins = _child(tblpr, "tblCellMar", TBLPR_ORDER)
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    one_char = Pt(SIZE_4)
    top, bottom = table.rows[0].cells[0], table.rows[1].cells[0]
    top.width = Mm(TYPE_WIDTH_MM)
    bottom.width = Mm(TYPE_WIDTH_MM)
    _cell_border(top, "top", 8)  # 0.35 mm
    _cell_border(bottom, "top", 6)  # 0.25 mm
    _cell_border(bottom, "bottom", 8)
    for i, (label, text) in enumerate(banji_lines(minutes)):
        p = top.paragraphs[0] if i == 0 else top.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        p.paragraph_format.left_indent = Pt(SIZE_4 * (1 + len(label)))
        p.paragraph_format.first_line_indent = -Pt(SIZE_4 * len(label))
        p.paragraph_format.right_indent = one_char
        _run(p, f"{label}{text}", size=SIZE_4, spacing_twips=0)
    printed = bottom.paragraphs[0]
    printed.alignment = WD_ALIGN_PARAGRAPH.LEFT
    printed.paragraph_format.left_indent = one_char
    printed.paragraph_format.right_indent = one_char
    printed.paragraph_format.tab_stops.add_tab_stop(
        Mm(TYPE_WIDTH_MM) - one_char, WD_TAB_ALIGNMENT.RIGHT
    )
    _run(
        printed,
        f"{minutes.issuer}\t{chinese_date(minutes.date)}印发",
        size=SIZE_4,
        spacing_twips=0,
    )
    for row in table.rows:
        _child(row._tr.get_or_add_trPr(), "cantSplit", ["cantSplit"])
    for paragraph in top.paragraphs:
        paragraph.paragraph_format.keep_with_next = True
    # the body must end with a paragraph; keep that one tiny
    _paragraph(doc, line=Pt(1))


def render_minutes_docx(doc: MinutesDocument) -> bytes:
    """The minutes as .docx in the GB/T 9704-2012 纪要 layout."""
    document = Document()
    # the template's one empty paragraph
    body = document.element.body
    for p in body.findall(qn("w:p")):
        body.remove(p)
    document.core_properties.title = f"{doc.masthead} {doc.issue_number}"
    document.core_properties.author = doc.issuer
    document.core_properties.language = "zh-CN"
    _setup(document)
    _masthead(document, doc)
    _body(document, doc)
    _attendance(document, doc)
    _banji(document, doc)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
