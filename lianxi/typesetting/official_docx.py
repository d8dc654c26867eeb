"""Official documents (公文) as .docx in the GB/T 9704-2012 layout, editable in WPS and Word.

The minutes' approach (:mod:`docx_render`): one layout, two renderings, the .docx setting every
line where the PDF (:mod:`official_pdf`) sets it.

* Page, Normal style, footers and font table: :func:`docx_render.new_document` (A4, the type
  area, 3号仿宋 in exact 28.95 pt lines, "— N —" odd right / even left, the official font names
  with the free faces the PDF embeds as w:altName).
* 版头: each line's space before puts its baseline where :func:`official.head_plan` has it (the
  PDF draws from the same plan); a joint mark is a borderless two-column table — the organs'
  names left, one a line, "文件" right at the height the plan gives it; the red separator is the
  number line's bottom border, 4 mm below its characters (§7.2.7).
* Body: the title, 主送, paragraphs with each level's font (:mod:`headings`), 附件说明 with its
  hanging indents (:func:`official.attachment_lines`).
* Signatures (:func:`official.signature_plan`): exact lines, each name and the date at a tab stop
  where the PDF puts them; each seal a floating picture behind the text (wp:anchor, behindDoc),
  anchored to the block's first line at the PDF's offset from that line.
* 版记: :func:`docx_render.banji_table` at the foot of the page where the PDF's layout puts it.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph

from . import fonts
from .docx_render import (
    EXACT_BASELINE,
    RED_RGB,
    RED_RULE_EIGHTHS,
    TBLPR_ORDER,
    TCPR_ORDER,
    _bottom_border,
    _child,
    _Cursor,
    _outline_level,
    _paragraph,
    _run,
    banji_table,
    document_bytes,
    new_document,
    top_margin_mm,
)
from .headings import heading_level, heading_run
from .layout import (
    BODY_SIZE_PT,
    LINE_PT,
    LINE_TWIPS,
    MM_PER_PT,
    RED,
    SIZE_2,
    TYPE_WIDTH_MM,
)
from .official import (
    BLACK,
    Head,
    Item,
    OfficialDocumentLayout,
    Row,
    Seal,
    attachment_lines,
    banji_lines,
    has_banji,
    head_plan,
    note_text,
    printed_line,
    signature_plan,
)
from .official_pdf import LEVEL_ROLES, official_banji_placement

EMU_PER_MM = 36000
# Items closer than this to the type area's left edge start the line; the others stand at a tab.
TAB_EPSILON_MM = 0.3


def _items(paragraph: Paragraph, items: list[Item]) -> None:
    """The items of one line, each at its x (a left tab stop), in their fonts."""
    for item in sorted(items, key=lambda i: i.x):
        text = item.text
        if item.x > TAB_EPSILON_MM:
            paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(item.x), WD_TAB_ALIGNMENT.LEFT)
            text = f"\t{text}"
        _run(
            paragraph,
            text,
            role=item.role,
            size=item.size,
            color=None if item.color == BLACK else RGBColor.from_string(item.color[1:]),
            spacing_twips=None if item.letter_spacing is None else round(item.letter_spacing * 20),
            scale_percent=None if item.scale == 1.0 else round(item.scale * 100),
        )


def _row(container: Any, row: Row, cursor: _Cursor) -> Paragraph:
    paragraph = _paragraph(
        container, align=WD_ALIGN_PARAGRAPH.CENTER if row.centered else WD_ALIGN_PARAGRAPH.LEFT
    )
    cursor.place(paragraph, baseline_mm=row.baseline, line_pt=row.line_pt)
    if row.centered:
        for item in row.items:
            _run(
                paragraph,
                item.text,
                role=item.role,
                size=item.size,
                color=None if item.color == BLACK else RED_RGB,
                spacing_twips=None
                if item.letter_spacing is None
                else round(item.letter_spacing * 20),
                scale_percent=None if item.scale == 1.0 else round(item.scale * 100),
            )
    else:
        _items(paragraph, row.items)
    return paragraph


def _no_cell_margins(table: Any) -> None:
    margins = _child(table._tbl.tblPr, "tblCellMar", TBLPR_ORDER)
    for edge in ("top", "left", "bottom", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)


def _joint_mark(document: Any, head: Head, cursor: _Cursor) -> None:
    """The organs' marks one a line, "文件" to their right (§7.2.4): a borderless table whose
    row is exactly as tall as the names' lines."""
    names = [row for row in head.rows if row.kind == "joint-name"]
    wenjian = next(row for row in head.rows if row.kind == "joint-wenjian")
    split = wenjian.items[0].x
    table = document.add_table(rows=1, cols=2)
    _child(
        table._tbl.tblPr,
        "tblW",
        TBLPR_ORDER,
        **{"w:w": str(round(TYPE_WIDTH_MM / MM_PER_PT * 20)), "w:type": "dxa"},
    )
    _child(table._tbl.tblPr, "tblLayout", TBLPR_ORDER, **{"w:type": "fixed"})
    _no_cell_margins(table)
    left, right = table.rows[0].cells
    for column, cell, width in zip(
        table.columns, (left, right), (split, TYPE_WIDTH_MM - split), strict=True
    ):
        column.width = cell.width = Mm(width)
    for cell in (left, right):
        _child(cell._tc.get_or_add_tcPr(), "vAlign", TCPR_ORDER, **{"w:val": "top"})
    top = cursor.bottom
    inner = _Cursor(top)
    for i, row in enumerate(names):
        paragraph = left.paragraphs[0] if i == 0 else left.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        inner.place(paragraph, baseline_mm=row.baseline, line_pt=row.line_pt)
        item = row.items[0]
        paragraph.paragraph_format.left_indent = Mm(item.x)
        _items(paragraph, [Item(**{**item.__dict__, "x": 0.0})])
    bottom = inner.bottom
    side = _Cursor(top)
    paragraph = right.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    side.place(paragraph, baseline_mm=wenjian.baseline, line_pt=wenjian.line_pt)
    _items(paragraph, [Item(**{**wenjian.items[0].__dict__, "x": 0.0})])
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    height = OxmlElement("w:trHeight")
    height.set(qn("w:val"), str(round((bottom - top) / MM_PER_PT * 20)))
    height.set(qn("w:hRule"), "exact")
    tr_pr.append(height)
    cursor.bottom = bottom


def _head(document: Any, doc: OfficialDocumentLayout, cursor: _Cursor) -> None:
    head = head_plan(doc)
    joint_done = False
    last: Paragraph | None = None
    for row in head.rows:
        if row.kind.startswith("joint"):
            if not joint_done:
                _joint_mark(document, head, cursor)
                joint_done = True
            continue
        last = _row(document, row, cursor)
    assert last is not None
    space_pt = round((head.rule_top - cursor.bottom) / MM_PER_PT)
    _bottom_border(last, eighths=RED_RULE_EIGHTHS, space_pt=space_pt, color=RED.removeprefix("#"))
    cursor.bottom += (space_pt + RED_RULE_EIGHTHS / 8) * MM_PER_PT
    if doc.title.strip():
        title = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER)
        cursor.place(title, baseline_mm=head.title_baseline, line_pt=LINE_PT)
        _run(title, doc.title.strip(), role="xiaobiaosong", size=SIZE_2, spacing_twips=0)


def _body(document: Any, doc: OfficialDocumentLayout) -> Paragraph | None:
    """主送, the paragraphs and the 附件说明; returns the last paragraph set."""
    last = None
    # The PDF sets the title's 2号 and the body's 3号 each centred in its line, Word and
    # LibreOffice at 4/5 of it; with the title's baseline where the PDF has it, the 主送 would
    # stand lower by the difference of the two offsets, so the blank line above it is shorter
    # by that much.  (Without a 主送 the body starts right under the title, with no space to
    # take it from: those lines of page 1 stand about 1.2 mm low.)
    shift_pt = fonts.baseline_in_line(
        "xiaobiaosong", size_pt=SIZE_2, line_height_pt=LINE_PT
    ) - fonts.baseline_in_line("fangsong", size_pt=BODY_SIZE_PT, line_height_pt=LINE_PT)
    if doc.main_to.strip():
        before = LINE_TWIPS - (round(shift_pt * 20) if doc.title.strip() else 0)
        p = _paragraph(document, align=WD_ALIGN_PARAGRAPH.LEFT, before=Twips(before))
        _run(p, f"{doc.main_to.strip().rstrip('：:')}：")
    for text in doc.paragraphs:
        if not text.strip():
            continue
        p = last = _paragraph(document, first_line_chars=2)
        level = heading_level(text)
        role = LEVEL_ROLES.get(level)
        if role is None:
            _run(p, text)
            continue
        p.paragraph_format.keep_with_next = True
        _outline_level(p, level - 1)
        head, rest = heading_run(text)
        _run(p, head, role=role)
        if rest:
            _run(p, rest)
    for i, line in enumerate(attachment_lines(doc)):
        p = _paragraph(
            document,
            align=WD_ALIGN_PARAGRAPH.LEFT,
            left=Twips(round(line.left / MM_PER_PT * 20)),
            before=Twips(LINE_TWIPS) if i == 0 else None,
        )
        p.paragraph_format.first_line_indent = Twips(round(line.first_line / MM_PER_PT * 20))
        _run(p, line.text)
        last = p
    return last


# The PDF sets a line's baseline this far below its line box's top; Word and LibreOffice at
# 4/5 of an exact line: a seal placed from the line's top moves by the difference.
def _line_top_shift_mm() -> float:
    pdf = fonts.baseline_in_line("fangsong", size_pt=BODY_SIZE_PT, line_height_pt=LINE_PT)
    return (EXACT_BASELINE * LINE_PT - pdf) * MM_PER_PT


def _anchor_seal(document: Any, paragraph: Paragraph, seal: Seal, number: int) -> None:
    """A floating picture behind the text (wp:anchor behindDoc, no wrapping), its top left
    ``seal.x`` from the left margin and ``seal.y`` below the paragraph's top, as in the PDF."""
    r_id, _ = document.part.get_or_add_image(io.BytesIO(seal.png))
    cx, cy = round(seal.width * EMU_PER_MM), round(seal.height * EMU_PER_MM)
    x = round(seal.x * EMU_PER_MM)
    y = round((seal.y + _line_top_shift_mm()) * EMU_PER_MM)
    name = f"印章{number}"
    xml = (
        f"<wp:anchor {nsdecls('wp', 'a', 'pic', 'r')}"
        ' distT="0" distB="0" distL="0" distR="0" simplePos="0"'
        f' relativeHeight="{251658240 + number}" behindDoc="1" locked="0"'
        ' layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="margin"><wp:posOffset>{x}</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{y}</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/>'
        "<wp:wrapNone/>"
        f'<wp:docPr id="{1000 + number}" name="{name}" descr="{seal.organ}"/>'
        '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{1000 + number}" name="{name}.png"/>'
        "<pic:cNvPicPr/></pic:nvPicPr>"
        f'<pic:blipFill><a:blip r:embed="{r_id}"/><a:stretch><a:fillRect/></a:stretch>'
        "</pic:blipFill>"
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
        "</pic:pic></a:graphicData></a:graphic></wp:anchor>"
    )
    run = paragraph.add_run()
    drawing = OxmlElement("w:drawing")
    drawing.append(parse_xml(xml))
    run._r.append(drawing)


def _signature(document: Any, doc: OfficialDocumentLayout, *, after: Paragraph | None) -> None:
    plan = signature_plan(doc)
    if after is not None and plan.lines:
        # §7.3.5: never a page with the signature and seals alone; the text's last lines go
        # over with them, as the PDF's break-before: avoid has it
        after.paragraph_format.keep_with_next = True
    note = note_text(doc)
    paragraphs = []
    for items in plan.lines:
        p = _paragraph(document, align=WD_ALIGN_PARAGRAPH.LEFT, line=Twips(LINE_TWIPS))
        p.paragraph_format.keep_with_next = True
        _items(p, items)
        paragraphs.append(p)
    if paragraphs:
        for number, seal in enumerate(plan.seals, start=1):
            _anchor_seal(document, paragraphs[0], seal, number)
        paragraphs[-1].paragraph_format.keep_with_next = bool(note)
    if note:
        p = _paragraph(document, align=WD_ALIGN_PARAGRAPH.LEFT, first_line_chars=2)
        _run(p, note)


# Word's own "text watermark" shape (VML type 136, plain text on a path), which Word, WPS and
# LibreOffice all read from a header; the formulas are the shape type's definition.
_TEXT_FORMULAS = (
    "sum #0 0 10800", "prod #0 2 1", "sum 21600 0 @1", "sum 0 0 @2", "sum 21600 0 @3",
    "if @0 @3 0", "if @0 21600 @1", "if @0 0 @2", "if @0 @4 21600", "mid @5 @6",
    "mid @8 @5", "mid @7 @8", "mid @6 @7", "sum @6 0 @5",
)  # fmt: skip
_TEXT_SHAPETYPE = (
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"'
    ' path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>'
    + "".join(f'<v:f eqn="{eqn}"/>' for eqn in _TEXT_FORMULAS)
    + '</v:formulas><v:path textpathok="t" o:connecttype="custom"'
    ' o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/>'
    "</v:shapetype>"
)
VML = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
# As the PDF's: 60 pt characters, turned 30° counter-clockwise, 90 mm below the type area's
# top, centred on it, light grey behind the text.
WATERMARK_SIZE_PT = 60
WATERMARK_TOP_MM = 90


def _watermark(document: Any, text: str) -> None:
    """征求意见稿 / 草稿 across every page of an unissued version, in the odd and even headers
    (the page numbers are odd and even, §7.5)."""
    section = document.sections[0]
    width = WATERMARK_SIZE_PT * len(text)
    for number, header in enumerate((section.header, section.even_page_header), start=1):
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0]
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph.paragraph_format.line_spacing = Pt(1)
        top_pt = WATERMARK_TOP_MM / MM_PER_PT
        quoted = escape(text, {'"': "&quot;"})
        # each header part defines the shape type it uses, as Word writes it
        shape = (
            f"<w:pict {nsdecls('w')} {VML}>{_TEXT_SHAPETYPE}"
            f'<v:shape id="PowerPlusWaterMarkObject{number}" type="#_x0000_t136"'
            f' style="position:absolute;margin-left:0;margin-top:{top_pt:.1f}pt;'
            f"width:{width}pt;height:{WATERMARK_SIZE_PT}pt;rotation:330;z-index:-251654144;"
            "mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
            'mso-position-vertical-relative:margin" o:allowincell="f"'
            ' fillcolor="#c0c0c0" stroked="f"><v:fill opacity=".5"/>'
            f'<v:textpath style="font-family:&quot;{fonts.official("fangsong")}&quot;;'
            f'font-size:{WATERMARK_SIZE_PT}pt" string="{quoted}"/></v:shape></w:pict>'
        )
        paragraph.add_run()._r.append(parse_xml(shape))


def render_official_docx(doc: OfficialDocumentLayout) -> bytes:
    """The document as .docx in the GB/T 9704-2012 layout, its lines where the PDF has them."""
    author = doc.printed_by.strip() or doc.organs[0].name
    document = new_document(title=doc.heading, author=author)
    if doc.watermark:
        _watermark(document, doc.watermark)
    cursor = _Cursor(top_margin_mm())
    _head(document, doc, cursor)
    _signature(document, doc, after=_body(document, doc))
    if has_banji(doc):
        placement = official_banji_placement(doc)
        banji_table(
            document,
            banji_lines(doc),
            printed_line(doc),
            placement,
            page_top_mm=placement.banji_top,
        )
    else:
        _paragraph(document, line=Twips(20))
    return document_bytes(document)
