"""The work brief (工作简报) as .docx, editable in WPS and Word, its lines where the PDF has them.

The minutes' approach (:mod:`docx_render`): :func:`docx_render.new_document` gives the page,
the Normal style (3号仿宋 in exact 28.95 pt lines), the "— N —" footers and the font table that
names the official fonts; page 1's lines are placed on the baselines :func:`brief_pdf.
brief_page_one` computes; the body then runs line for line with the PDF, so the 报尾
(:func:`docx_render.banji_table`) lands at the foot of the page where the PDF's layout puts it.
"""

from __future__ import annotations

from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.shared import Mm, Pt, Twips
from docx.text.paragraph import Paragraph

from lianxi.core.dates import cn_date

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
from .brief_pdf import brief_banji_placement, brief_page_one
from .docx_render import (
    RED_RGB,
    RED_RULE_EIGHTHS,
    _bottom_border,
    _chars,
    _Cursor,
    _outline_level,
    _paragraph,
    _run,
    banji_table,
    document_bytes,
    new_document,
    top_margin_mm,
)
from .layout import (
    BODY_SIZE_PT,
    LINE_PT,
    LINE_TWIPS,
    MM_PER_PT,
    RED,
    SIZE_2,
    TYPE_WIDTH_MM,
    masthead_fit,
)
from .official_docx import _watermark


def _masthead(document: Any, doc: BriefDocument, cursor: _Cursor) -> None:
    where = brief_page_one(doc)
    size, scale = masthead_fit(doc.name)
    name = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER)
    # a line taller than the type, or LibreOffice clips the exact line's ink
    cursor.place(name, baseline_mm=where["masthead"], line_pt=1.25 * size)
    _run(
        name,
        doc.name,
        role="xiaobiaosong",
        size=size,
        color=RED_RGB,
        spacing_twips=0,
        scale_percent=round(scale * 100),
    )
    label = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER)
    cursor.place(label, baseline_mm=where["number"], line_pt=LINE_PT)
    _run(label, doc.issue_label)
    # 编印单位 left and the date right, one character in at both ends; the red rule is the
    # line's bottom border, which spans the type area (hence the full-width space, not an
    # indent, for the left 空一字)
    size, spacing = editor_line_fit(doc)
    line = _paragraph(document, align=WD_ALIGN_PARAGRAPH.LEFT)
    cursor.place(line, baseline_mm=where["editor"], line_pt=LINE_PT)
    line.paragraph_format.tab_stops.add_tab_stop(
        Mm(TYPE_WIDTH_MM) - Pt(size), WD_TAB_ALIGNMENT.RIGHT
    )
    _run(
        line,
        f"\u3000{doc.editor.strip()}\t{cn_date(doc.date)}",
        size=size,
        spacing_twips=None if size == BODY_SIZE_PT else round(spacing * 20),
    )
    space_pt = round((where["rule_top"] - cursor.bottom) / MM_PER_PT)
    _bottom_border(line, eighths=RED_RULE_EIGHTHS, space_pt=space_pt, color=RED.removeprefix("#"))
    cursor.bottom += (space_pt + RED_RULE_EIGHTHS / 8) * MM_PER_PT


def _body(document: Any, doc: BriefDocument, cursor: _Cursor) -> None:
    where = brief_page_one(doc)
    state = {"placed": False, "blank": False}

    def block(**kwargs: Any) -> Paragraph:
        """A paragraph of the flow: the first after the red rule goes on the PDF's first line
        box; the first of each later article has a blank line before it, one exact line, as
        the PDF's article margin."""
        paragraph = _paragraph(document, **kwargs)
        if not state["placed"]:
            cursor.place(paragraph, baseline_mm=where["first_body_baseline"], line_pt=LINE_PT)
        elif state["blank"]:
            paragraph.paragraph_format.space_before = Twips(LINE_TWIPS)
        state["placed"] = True
        state["blank"] = False
        return paragraph

    if has_contents(doc):
        heading = block(align=WD_ALIGN_PARAGRAPH.LEFT)
        heading.paragraph_format.keep_with_next = True
        _run(heading, "本期要目", role="heiti")
        for article in doc.articles:
            _run(block(align=WD_ALIGN_PARAGRAPH.LEFT, left=_chars(2)), contents_title(article))
    for article in doc.articles:
        state["blank"] = True
        lines = title_lines(article)
        if lines:
            title = block(align=WD_ALIGN_PARAGRAPH.CENTER)
            title.paragraph_format.keep_with_next = True
            _outline_level(title, 0)
            runs = [
                _run(title, text, role="xiaobiaosong", size=SIZE_2, spacing_twips=0)
                for text in lines
            ]
            for run in runs[:-1]:
                run.add_break()  # the editor's break, at the end of the line before
        source = source_line(article)
        if source:
            p = block(align=WD_ALIGN_PARAGRAPH.CENTER)
            p.paragraph_format.keep_with_next = True
            _run(p, source, role="kaiti", spacing_twips=0)
        for text in article.paragraphs:
            if text.strip():
                _run(block(first_line_chars=2), text)


def brief_docx(doc: BriefDocument) -> bytes:
    """The brief as .docx: 报头, 本期要目, the articles, the 报尾 at the last page's foot."""
    document = new_document(title=f"{doc.name} {doc.issue_label}", author=doc.editor)
    if doc.watermark:
        _watermark(document, doc.watermark)
    cursor = _Cursor(top_margin_mm())
    _masthead(document, doc, cursor)
    _body(document, doc, cursor)
    lines = banji_lines(doc)
    copies = copies_line(doc)
    if lines or copies:
        banji_table(
            document,
            lines,
            ("", copies) if copies else None,
            brief_banji_placement(doc),
        )
    else:
        _paragraph(document, line=Twips(20))
    return document_bytes(document)
