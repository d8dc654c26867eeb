"""Minutes (会议纪要) as .docx in the GB/T 9704-2012 纪要 layout, editable in WPS and Word.

One layout, two renderings: the .docx sets every line where the PDF (:mod:`pdf_render`) sets
it, so that LibreOffice (and Word) show the same pages, line for line, as the PDF.

* Page: A4, 28 / 26 mm at the sides; body 3号仿宋 in exact 28.95 pt lines (22 in the 225 mm
  版心) with −0.25 pt character spacing (28 characters in the 156 mm line), odd and even
  footers with a PAGE field.  Word and LibreOffice put an exact line's baseline at 4/5 of its
  height, so the top margin (33.8 mm as Word counts it) is what puts the first line's
  characters 37 mm from the top, as in the PDF; no line grid snaps lines off those places.
* Page 1: each line's space before is computed so that its baseline lands on the PDF's
  (:func:`pdf_render.page_one`): 纪要标志, 期号, the 编印单位 line with the red rule 4 mm
  below its characters (§7.2.7), the title, the first body line.
* 版记 (§7.4): at the foot of the last page, as the PDF's layout places it
  (:func:`pdf_render.banji_placement`).
* No automatic space between Chinese and Latin or digits ("2026年3月5日"): Word obeys
  w:autoSpaceDE/DN = 0; LibreOffice ignores them and is kept off by a zero-width space.

Fonts: a .docx is read where it is opened, so each run names the role's *official* font
(仿宋_GB2312 body, 方正小标宋简体 title, 黑体 level-1 headings, 楷体_GB2312 level-2, 宋体 page
numbers) for East Asian and Latin text, and the font table (word/fontTable.xml) gives each the
free face this machine's PDF embeds as its w:altName (its alternate name).  The PDF keeps
embedding what it used (:mod:`fonts`).
"""

from __future__ import annotations

import io
import re
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from lianxi.core.dates import cn_date

from . import fonts
from .layout import (
    BODY_SIZE_PT,
    BOTTOM_MARGIN_MM,
    LEFT_MARGIN_MM,
    LINE_PT,
    LINE_TWIPS,
    MM_PER_PT,
    PAGE_HEIGHT_MM,
    PAGE_NUMBER_GAP_MM,
    PAGE_WIDTH_MM,
    RED,
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
from .pdf_render import BanjiPlacement, banji_placement, page_one

# Word and LibreOffice set an exact line's baseline at 4/5 of its height (LibreOffice's
# SwTextFormatter::CalcRealHeight, after Word): the body's first baseline, and so the top
# margin, follow from it.
EXACT_BASELINE = 0.8
RED_RULE_EIGHTHS = 18  # 2.25 pt = 0.79 mm, as the PDF's 0.8 mm
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


def set_fonts(rpr_parent: object, family: str) -> None:
    """Name ``family`` for Latin, East Asian and complex text on a run or a style."""
    rpr = rpr_parent.get_or_add_rPr()  # type: ignore[attr-defined]
    rfonts = _child(rpr, "rFonts", RPR_ORDER)
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(key), family)


def _rpr_child(run: Run, name: str, **attrs: str) -> None:
    _child(run._r.get_or_add_rPr(), name, RPR_ORDER, **attrs)


# Between a Chinese character and a Latin letter or digit LibreOffice adds 1/5 em ("2026 年
# 3 月"), a paragraph setting (ParaIsCharacterDistance) its .docx import cannot turn off — it
# ignores w:autoSpaceDE/DN, which Word obeys.  It adds none where a zero-width space stands
# between them (the kerning needs letters on both sides), and Word shows nothing there either.
_SCRIPT_BOUNDARY = re.compile(
    r"(?<=[\u3400-\u9fff\uf900-\ufaff])(?=[0-9A-Za-z])|(?<=[0-9A-Za-z])(?=[\u3400-\u9fff\uf900-\ufaff])"
)
ZWSP = "\u200b"


def _no_script_space(text: str) -> str:
    return _SCRIPT_BOUNDARY.sub(ZWSP, text)


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
    run = paragraph.add_run(_no_script_space(text))
    set_fonts(run._r, fonts.official(role))
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
    set_fonts(normal.element, fonts.official("fangsong"))
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
    # Stated, not left to the default: with it LibreOffice hangs no line-end "：" or "，" past
    # the type area (it did, where the PDF carries the character before down with it).
    _child(normal.element.get_or_add_pPr(), "overflowPunct", PPR_ORDER, **{"w:val": "1"})

    section = doc.sections[0]  # type: ignore[attr-defined]
    section.page_width = Mm(PAGE_WIDTH_MM)
    section.page_height = Mm(PAGE_HEIGHT_MM)
    # The type area where GB/T 9704 has it: the first line's characters 37 mm from the top,
    # 22 lines in 225 mm (the margins as Word counts them are the line boxes': 33.8 / 38.2 mm).
    top = top_margin_mm()
    section.top_margin = Mm(top)
    section.bottom_margin = Mm(PAGE_HEIGHT_MM - top - TYPE_HEIGHT_MM)
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
    # the pitch only, no snapping: every line is exact, and LibreOffice's line grid moves
    # lines of other sizes off the PDF's positions
    grid.attrib.pop(qn("w:type"), None)
    grid.set(qn("w:linePitch"), str(LINE_TWIPS))

    doc.settings.odd_and_even_pages_header_footer = True  # type: ignore[attr-defined]
    section.footer.is_linked_to_previous = False
    section.even_page_footer.is_linked_to_previous = False
    _page_number(section.footer, odd=True)
    _page_number(section.even_page_footer, odd=False)


# w:family and w:pitch of the official fonts in Word's own font tables
_FONT_CLASS: dict[str, str] = {"heiti": "modern", "songti": "roman", "xiaobiaosong": "script"}


def top_margin_mm() -> float:
    """The .docx's top margin: its first body baseline where the PDF's is (the characters'
    em box 37 mm from the top edge, §5.2.1)."""
    m = fonts.vertical_metrics(fonts.resolve("fangsong"))
    em_above_baseline = m.em_top * BODY_SIZE_PT
    return TOP_MARGIN_MM + (em_above_baseline - EXACT_BASELINE * LINE_PT) * MM_PER_PT


def _font_table(document: Any) -> None:
    """One w:font per role: the official name, its free alternate (w:altName), GB2312."""
    from lxml import etree

    part = next(
        rel.target_part for rel in document.part.rels.values() if rel.reltype == RT.FONT_TABLE
    )
    root = etree.fromstring(part.blob)
    for role in fonts.PREFERENCES:
        name = fonts.official(role)  # type: ignore[arg-type]
        for old in root.findall(qn("w:font")):
            if old.get(qn("w:name")) == name:
                root.remove(old)
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        free = fonts.resolve(role)  # type: ignore[arg-type]
        if free != name:
            etree.SubElement(font, qn("w:altName")).set(qn("w:val"), free)
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), fonts.GB2312_CHARSET)
        etree.SubElement(font, qn("w:family")).set(qn("w:val"), _FONT_CLASS.get(role, "modern"))
        etree.SubElement(font, qn("w:pitch")).set(qn("w:val"), "variable")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class _Cursor:
    """Where the last paragraph of page 1 ended (mm from the page's top edge), so that the next
    one's space before puts its baseline where the PDF has it (:func:`pdf_render.page_one`)."""

    def __init__(self, top_mm: float) -> None:
        self.bottom = top_mm

    def place(self, paragraph: Paragraph, *, baseline_mm: float, line_pt: float) -> None:
        """An exact line of ``line_pt`` whose baseline lands at ``baseline_mm``."""
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Twips(round(line_pt * 20))
        before_mm = baseline_mm - EXACT_BASELINE * line_pt * MM_PER_PT - self.bottom
        fmt.space_before = Twips(max(0, round(before_mm / MM_PER_PT * 20)))
        self.bottom = baseline_mm + (1 - EXACT_BASELINE) * line_pt * MM_PER_PT


def _masthead(doc: object, minutes: MinutesDocument, cursor: _Cursor) -> None:
    where = page_one(minutes)
    size, scale = masthead_fit(minutes.masthead)
    p = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    # a line tall enough that no glyph is clipped (LibreOffice clips an exact line's ink)
    cursor.place(p, baseline_mm=where["masthead"], line_pt=1.25 * size)
    _run(
        p,
        minutes.masthead,
        role="xiaobiaosong",
        size=size,
        color=RED_RGB,
        spacing_twips=0,
        scale_percent=round(scale * 100),
    )
    number = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    cursor.place(number, baseline_mm=where["number"], line_pt=LINE_PT)
    _run(number, minutes.issue_number)
    # 编印单位 left and date right, one character in; the red rule 4 mm below its characters,
    # spanning the type area (a paragraph border spans the indents, so the 空一字 is a
    # full-width space).
    line = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.LEFT)
    cursor.place(line, baseline_mm=where["issuer"], line_pt=LINE_PT)
    line.paragraph_format.tab_stops.add_tab_stop(
        Mm(TYPE_WIDTH_MM) - _chars(1), WD_TAB_ALIGNMENT.RIGHT
    )
    _run(line, f"\u3000{minutes.issuer}\t{cn_date(minutes.date)}")
    space_pt = round((where["rule_top"] - cursor.bottom) / MM_PER_PT)
    _bottom_border(line, eighths=RED_RULE_EIGHTHS, space_pt=space_pt, color=RED.removeprefix("#"))
    cursor.bottom += (space_pt + RED_RULE_EIGHTHS / 8) * MM_PER_PT


def _body(doc: object, minutes: MinutesDocument, cursor: _Cursor) -> None:
    where = page_one(minutes)
    if minutes.title.strip():
        title = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
        cursor.place(title, baseline_mm=where["title"], line_pt=LINE_PT)
        _run(
            title,
            minutes.title,
            role="xiaobiaosong",
            size=SIZE_2,
            spacing_twips=0,
        )
    first: list[bool] = [True]

    def body_paragraph(**kwargs: Any) -> Paragraph:
        paragraph = _paragraph(doc, **kwargs)
        if first.pop() if first else False:
            cursor.place(paragraph, baseline_mm=where["body"], line_pt=LINE_PT)
        return paragraph

    for text in minutes.intro:
        _run(body_paragraph(first_line_chars=2), text)
    for label, section, resolutions in numbered_sections(minutes):
        heading = body_paragraph(first_line_chars=2)
        heading.paragraph_format.keep_with_next = True
        _outline_level(heading, 0)
        _run(heading, f"{label}{section.heading}", role="heiti")
        for text in section.paragraphs:
            _run(body_paragraph(first_line_chars=2), text)
        if resolutions:
            lead = body_paragraph(first_line_chars=2)
            lead.paragraph_format.keep_with_next = True
            _run(lead, "会议议定：")
        for number, text in resolutions:
            p = body_paragraph(first_line_chars=2)
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


# Room left between the 版记 and the foot of the type area, against rounding: a spacer a hair
# too tall would push the 版记 onto a page of its own.
BANJI_SLACK_MM = 0.6


def _banji(doc: Any, minutes: MinutesDocument, placement: BanjiPlacement) -> None:
    """版记 (§7.4) of the minutes: 分送 / 抄送, then the 编印单位 and the date."""
    banji_table(
        doc,
        banji_lines(minutes),
        (minutes.issuer, f"{cn_date(minutes.date)}印发"),
        placement,
    )


def banji_table(
    doc: Any,
    lines: list[tuple[str, str]],
    printed: tuple[str, str] | None,
    placement: BanjiPlacement,
    *,
    page_top_mm: float | None = None,
) -> None:
    """版记 (§7.4): thick rule, the recipient lines, thin rule, 印发 line, thick rule — 4号仿宋,
    at the foot of the last page.

    A one-column table as wide as the type area, its rows kept on one page.  Neither a floating
    table (w:tblpPr) nor a frame (w:framePr) stays at the foot in LibreOffice, so the space
    above it is measured: the PDF's layout (:func:`pdf_render.banji_placement_of_html`) says
    where the text ends and where the 版记 stands, and an empty exact line of that height goes
    between (on a new page when the PDF's 版记 is on one).  The lines above it are the PDF's,
    line for line, so the 版记 lands where the PDF has it.
    """
    if page_top_mm is not None:
        _floating_banji(doc, lines, printed, placement, page_top_mm)
        return
    spacer = _paragraph(doc)
    if placement.banji_page > placement.flow_page:
        spacer.paragraph_format.page_break_before = True
        gap = placement.banji_top - placement.page_area_top
    else:
        gap = placement.banji_top - placement.flow_bottom
    height = max(gap - BANJI_SLACK_MM, 1.0)
    spacer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    spacer.paragraph_format.line_spacing = Twips(round(height / MM_PER_PT * 20))
    spacer.paragraph_format.keep_with_next = True
    _banji_rows(doc, lines, printed)
    # the body must end with a paragraph; keep that one tiny
    _paragraph(doc, line=Pt(1))


def _floating_banji(
    doc: Any,
    lines: list[tuple[str, str]],
    printed: tuple[str, str] | None,
    placement: BanjiPlacement,
    page_top_mm: float,
) -> None:
    """The 版记 as a floating table (w:tblpPr) whose upper edge stands ``page_top_mm`` below
    the page's top edge: unlike a table in the flow it may reach below the body area, onto the
    type area's last line, where the PDF's 版记 closes (§7.4).  Word places it on the page
    where the table stands in the flow, LibreOffice on the page of the paragraph after it; an
    empty paragraph with a page break before opens the 版记's own page when the PDF's has one,
    so both find the same page."""
    if placement.banji_page > placement.flow_page:
        breaker = _paragraph(doc, line=Pt(1))
        breaker.paragraph_format.page_break_before = True
    table = _banji_rows(doc, lines, printed)
    tblpr = table._tbl.tblPr
    _child(
        tblpr,
        "tblpPr",
        TBLPR_ORDER,
        **{
            "w:leftFromText": "0",
            "w:rightFromText": "0",
            "w:topFromText": "0",
            "w:bottomFromText": "0",
            "w:vertAnchor": "margin",
            "w:horzAnchor": "page",
            "w:tblpX": str(round(LEFT_MARGIN_MM / MM_PER_PT * 20)),
            "w:tblpY": str(round((page_top_mm - top_margin_mm()) / MM_PER_PT * 20)),
        },
    )
    _child(tblpr, "tblOverlap", TBLPR_ORDER, **{"w:val": "never"})
    _paragraph(doc, line=Pt(1))


def _banji_rows(doc: Any, lines: list[tuple[str, str]], printed: tuple[str, str] | None) -> Any:
    """The 版记's one-column table: its rules, the recipient lines and the 印发 line."""
    rows = (1 if lines else 0) + (1 if printed else 0)
    table = doc.add_table(rows=rows, cols=1)
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
    cells = [row.cells[0] for row in table.rows]
    for cell in cells:
        cell.width = Mm(TYPE_WIDTH_MM)
    _cell_border(cells[0], "top", 8)  # 0.35 mm
    if len(cells) == 2:
        _cell_border(cells[1], "top", 6)  # 0.25 mm
    _cell_border(cells[-1], "bottom", 8)
    if lines:
        top = cells[0]
        for i, (label, text) in enumerate(lines):
            p = top.paragraphs[0] if i == 0 else top.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT
            p.paragraph_format.left_indent = Pt(SIZE_4 * (1 + len(label)))
            p.paragraph_format.first_line_indent = -Pt(SIZE_4 * len(label))
            p.paragraph_format.right_indent = one_char
            _run(p, f"{label}{text}", size=SIZE_4, spacing_twips=0)
        for paragraph in top.paragraphs:
            paragraph.paragraph_format.keep_with_next = True
    if printed:
        line = cells[-1].paragraphs[0]
        line.alignment = WD_ALIGN_PARAGRAPH.LEFT
        line.paragraph_format.left_indent = one_char
        line.paragraph_format.right_indent = one_char
        line.paragraph_format.tab_stops.add_tab_stop(
            Mm(TYPE_WIDTH_MM) - one_char, WD_TAB_ALIGNMENT.RIGHT
        )
        _run(line, f"{printed[0]}\t{printed[1]}", size=SIZE_4, spacing_twips=0)
    for row in table.rows:
        _child(row._tr.get_or_add_trPr(), "cantSplit", ["cantSplit"])
    return table


def new_document(*, title: str, author: str) -> Any:
    """An empty GB/T 9704 document: A4, the type area, Normal 3号仿宋 in exact lines, odd and
    even page-number footers, the font table naming the official fonts with their alternates."""
    document = Document()
    # the template's one empty paragraph
    body = document.element.body
    for p in body.findall(qn("w:p")):
        body.remove(p)
    document.core_properties.title = title
    document.core_properties.author = author
    document.core_properties.language = "zh-CN"
    _setup(document)
    _font_table(document)
    return document


def document_bytes(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_minutes_docx(doc: MinutesDocument) -> bytes:
    """The minutes as .docx in the GB/T 9704-2012 纪要 layout."""
    document = new_document(title=f"{doc.masthead} {doc.issue_number}", author=doc.issuer)
    cursor = _Cursor(top_margin_mm())
    _masthead(document, doc, cursor)
    _body(document, doc, cursor)
    _attendance(document, doc)
    _banji(document, doc, banji_placement(doc))
    return document_bytes(document)
