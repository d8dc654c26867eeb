"""The work brief (工作简报) as a neutral structure, typeset as .docx and PDF.

The bulletins app builds a :class:`BriefDocument` from its models and hands it to
:func:`render_brief_docx` / :func:`render_brief_pdf`; this module knows no model.

Layout (the minutes' GB/T 9704 page, :mod:`layout`):

* 报头 on page 1: the brief's name in red 小标宋, fitted to one line like the 纪要标志
  (:func:`layout.masthead_fit`), its upper edge where the minutes have theirs; the issue label
  (第1期, 增刊第1期 …) centred under it; the 编印单位 left and the date right; the red rule 4 mm
  below that line's characters, across the type area.
* 本期要目 (with two articles or more): 黑体 heading, then one line per article title.
* Each article: its title centred in 小标宋 2号 (as the minutes' title; a line break in the
  title is kept, so that the editor can break a long one by meaning), the contributing unit in
  楷体 under it, the paragraphs in 3号仿宋 on the 22 × 28 grid.
* 报尾 at the foot of the last page, as the minutes' 版记: 报 / 送 / 发, then 共印N份.
* A draft carries a light watermark (草稿) on every page, as official documents do.

The .docx puts page 1's lines and the 报尾 where the PDF's layout has them
(:func:`brief_pdf.brief_page_one`, :func:`brief_pdf.brief_banji_placement`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from lianxi.core.dates import cn_date

from . import fonts
from .layout import BODY_LETTER_SPACING_PT, BODY_SIZE_PT, MM_PER_PT, SIZE_4, TYPE_WIDTH_MM


@dataclass(frozen=True)
class BriefArticle:
    title: str
    paragraphs: list[str]
    source: str = ""  # the contributing unit, printed under the title in 楷体; "" for none


@dataclass(frozen=True)
class BriefDocument:
    name: str  # 报头 text, e.g. "职业病防治工作简报"
    issue_label: str  # "第1期", or "增刊第1期" / "专刊第2期", printed as given
    year: int  # not printed: the issue label is printed as given (for the caller's numbering)
    editor: str  # 编印单位
    date: datetime.date  # 印发日期
    articles: list[BriefArticle]
    report_to: str = ""  # 报：
    send_to: str = ""  # 送：
    issue_to: str = ""  # 发：
    copies: int = 0  # 共印 N 份 (0 = not printed)
    watermark: str = ""  # "草稿" for an unissued brief (printed lightly), "" when issued


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith(("。", ".")) else f"{text}。"


def source_line(article: BriefArticle) -> str:
    """The contributing unit in full-width brackets, as printed: （市人力资源和社会保障局）."""
    source = article.source.strip().removeprefix("（").removesuffix("）").strip()
    return f"（{source}）" if source else ""


def title_lines(article: BriefArticle) -> list[str]:
    """The title's lines: where the editor broke it ("\\n"), else one line that wraps where it
    must (a break by meaning, 梯形 or 菱形, is the editor's to choose)."""
    return [line.strip() for line in article.title.splitlines() if line.strip()]


def contents_title(article: BriefArticle) -> str:
    """The title on one line, as 本期要目 lists it."""
    return "".join(title_lines(article))


def has_contents(doc: BriefDocument) -> bool:
    """Whether the brief opens with 本期要目 (only worth it for two articles or more)."""
    return len(doc.articles) >= 2


def banji_lines(doc: BriefDocument) -> list[tuple[str, str]]:
    """The 报尾's recipient lines, upward first, each ending in 。:
    [("报：", "…。"), ("送：", "…。"), ("发：", "…。")], those given only."""
    lines = []
    for label, text in (("报：", doc.report_to), ("送：", doc.send_to), ("发：", doc.issue_to)):
        if text.strip():
            lines.append((label, _sentence(text)))
    return lines


def copies_line(doc: BriefDocument) -> str:
    """共印60份, or "" when the print run is not stated."""
    return f"共印{doc.copies}份" if doc.copies > 0 else ""


# 3号 as the minutes, else 4号, else 小四: a long 编印单位 (a joint meeting's office is twenty
# characters) and the date do not fit one 3号 line
EDITOR_SIZES_PT = (BODY_SIZE_PT, SIZE_4, 12.0)


def editor_line_fit(doc: BriefDocument) -> tuple[float, float]:
    """(font size, letter spacing) in pt of the 编印单位 / date line: the largest size at which
    both, one character in from each side and at least one character apart, fit the line."""
    width = TYPE_WIDTH_MM / MM_PER_PT
    date = cn_date(doc.date)
    for size in EDITOR_SIZES_PT:
        spacing = BODY_LETTER_SPACING_PT if size == BODY_SIZE_PT else 0.0
        texts = sum(
            fonts.text_width_pt(text, "fangsong", size_pt=size, letter_spacing_pt=spacing)
            for text in (doc.editor.strip(), date)
        )
        if texts + 3 * size <= width:
            return size, spacing
    return EDITOR_SIZES_PT[-1], 0.0


def render_brief_docx(doc: BriefDocument) -> bytes:
    """The brief as .docx (official font names, editable in WPS and Word)."""
    # imported here: the renderers import this module's structures
    from .brief_docx import brief_docx

    return brief_docx(doc)


def render_brief_pdf(doc: BriefDocument) -> bytes:
    """The brief as a PDF (A4, 22 × 28, "— N —"), fonts as installed here."""
    from .brief_pdf import brief_pdf

    return brief_pdf(doc)
