"""The minutes (会议纪要) as a neutral structure, and the GB/T 9704-2012 page geometry.

The meetings app builds a :class:`MinutesDocument` from its models and hands it to
``render_minutes_docx`` / ``render_minutes_pdf``; this module knows no model.

Numbering of agreed matters (议定事项)
--------------------------------------
Sections (one per agenda item) are level-1 headings numbered "一、", "二、" … (黑体).
Agreed matters are level-2 items numbered "（一）", "（二）" … **continuously across the whole
minutes**, not restarting per section: the third agreed matter is "（三）" wherever it stands,
so an action item can cite "议定事项（三）" without ambiguity.  Use :func:`resolution_labels`
(or :func:`resolution_label`) to get the same labels the renderers print.

Geometry (GB/T 9704-2012 §5.2)
------------------------------
A4 210 × 297 mm; 天头 (top) 37 mm; 订口 (left) 28 mm; 版心 156 × 225 mm, so the right margin
is 26 mm and the bottom margin 35 mm.  Body text 3号仿宋 (16 pt), 22 lines of 28 characters:
line pitch 225/22 mm, character pitch 156/28 mm.  Page numbers "— N —" in 4号宋体, the dash
7 mm below the type area (§7.5), odd pages right, even pages left, one character in.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from lianxi.core.numbering import chinese_numeral

# --- the data the meetings app hands over ----------------------------------------------------


@dataclass(frozen=True)
class AttendanceLine:
    """One of the 出席 / 请假 / 列席 lines under the body (GB/T 9704 §10.3)."""

    label: str  # "出席" | "请假" | "列席"
    entries: list[str] = field(default_factory=list)  # "市卫生健康委 王明（副主任）"


@dataclass(frozen=True)
class MinutesSection:
    """One agenda item: its discussion and the matters agreed on it (议定事项)."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    resolutions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MinutesDocument:
    organ: str  # "信阳市职业病防治工作部门间联席会议" -> heading "…联席会议纪要"
    issue_number: str  # "〔2026〕1号" or "第1期"
    issuer: str  # "联席会议办公室"
    date: datetime.date  # date of issue
    title: str  # "2026年全体会议纪要"
    intro: list[str]
    sections: list[MinutesSection]
    attendance: list[AttendanceLine]
    distribution: str  # 分送
    copy_to: str  # 抄送 (GB/T 9704-2012 §7.4.2; "抄报" was the 1999 edition's word)

    @property
    def masthead(self) -> str:
        """The red 纪要标志: the organ's name followed by "纪要" (not doubled)."""
        organ = self.organ.strip()
        return organ if organ.endswith("纪要") else f"{organ}纪要"


# --- numbering -------------------------------------------------------------------------------


def section_label(n: int) -> str:
    """Level-1 heading number: 一、"""
    return f"{chinese_numeral(n)}、"


def resolution_label(n: int) -> str:
    """Agreed-matter number, continuous across the minutes: （一）"""
    return f"（{chinese_numeral(n)}）"


def resolution_labels(doc: MinutesDocument) -> list[tuple[str, str]]:
    """Every agreed matter of ``doc`` in order, as (label, text): [("（一）", "…"), …]."""
    texts = [text for section in doc.sections for text in section.resolutions]
    return [(resolution_label(i), text) for i, text in enumerate(texts, start=1)]


def numbered_sections(
    doc: MinutesDocument,
) -> list[tuple[str, MinutesSection, list[tuple[str, str]]]]:
    """(heading label, section, [(resolution label, text), …]) with the continuous numbering."""
    out: list[tuple[str, MinutesSection, list[tuple[str, str]]]] = []
    counter = 0
    for i, section in enumerate(doc.sections, start=1):
        numbered = []
        for text in section.resolutions:
            counter += 1
            numbered.append((resolution_label(counter), text))
        out.append((section_label(i), section, numbered))
    return out


def attendance_text(line: AttendanceLine) -> str:
    """The entries of one attendance line, joined as they are printed."""
    return "，".join(entry.strip() for entry in line.entries if entry.strip())


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith(("。", ".")) else f"{text}。"


def banji_lines(doc: MinutesDocument) -> list[tuple[str, str]]:
    """The 版记's recipient lines (GB/T 9704 §7.4.2): [("分送：", "…。"), ("抄送：", "…。")].

    分送 stands where 主送 would, above 抄送, with no rule between them; each ends in 。.
    GB/T 9704-2012 says 抄送 for every copy recipient, the government above included (the 1999
    edition's 抄报 is gone).
    """
    lines = []
    if doc.distribution.strip():
        lines.append(("分送：", _sentence(doc.distribution)))
    if doc.copy_to.strip():
        lines.append(("抄送：", _sentence(doc.copy_to)))
    return lines


# --- page geometry (millimetres and points) --------------------------------------------------

MM_PER_PT = 25.4 / 72

PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
TOP_MARGIN_MM = 37.0  # 天头
LEFT_MARGIN_MM = 28.0  # 订口
TYPE_WIDTH_MM = 156.0  # 版心宽
TYPE_HEIGHT_MM = 225.0  # 版心高
RIGHT_MARGIN_MM = PAGE_WIDTH_MM - LEFT_MARGIN_MM - TYPE_WIDTH_MM  # 26
BOTTOM_MARGIN_MM = PAGE_HEIGHT_MM - TOP_MARGIN_MM - TYPE_HEIGHT_MM  # 35
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE_PITCH_MM = TYPE_HEIGHT_MM / LINES_PER_PAGE  # 10.227 mm = 28.99 pt
CHAR_PITCH_MM = TYPE_WIDTH_MM / CHARS_PER_LINE  # 5.571 mm = 15.79 pt
PAGE_NUMBER_GAP_MM = 7.0  # 一字线上距版心下边缘 7 mm
MASTHEAD_GAP_MM = 35.0  # 纪要标志上边缘至版心上边缘 35 mm (§10.3)
RED_LINE_GAP_MM = 4.0  # 分隔线在发文字号（此处：编印单位与日期行）之下 4 mm (§7.2.7)

# 字号 in points
SIZE_CHUHAO = 42.0  # 初号
SIZE_XIAOCHU = 36.0  # 小初
SIZE_1 = 26.0  # 一号
SIZE_2 = 22.0  # 二号
SIZE_3 = 16.0  # 三号
SIZE_4 = 14.0  # 四号

BODY_SIZE_PT = SIZE_3
LINE_PITCH_PT = LINE_PITCH_MM / MM_PER_PT
# The pitch both renderings set lines at: Word stores it in twentieths of a point, and 579
# (28.95 pt, the value government templates use) is the largest that fits 22 lines in 225 mm.
LINE_TWIPS = 579
LINE_PT = LINE_TWIPS / 20
CHAR_PITCH_PT = CHAR_PITCH_MM / MM_PER_PT
# Extra spacing after each 3号 character so that 28 of them fill the 156 mm line (negative);
# a hair tighter than exact, so that rounding never pushes the 28th character to the next line.
BODY_LETTER_SPACING_PT = CHAR_PITCH_PT - BODY_SIZE_PT - 0.005

RED = "#FF0000"

MASTHEAD_MAX_PT = SIZE_XIAOCHU
MASTHEAD_MIN_SCALE = 0.8


def masthead_fit(text: str) -> tuple[float, float]:
    """(font size in pt, horizontal scale) so that the 纪要标志 fits one line of the 版心.

    Up to 小初 (36 pt); a long name is set smaller and condensed (no narrower than 80 %),
    as printers do with long 发文机关标志.
    """
    n = max(len(text), 1)
    width_pt = TYPE_WIDTH_MM / MM_PER_PT
    size = min(MASTHEAD_MAX_PT, width_pt / (n * MASTHEAD_MIN_SCALE))
    scale = min(1.0, width_pt / (n * size))
    return round(size, 2), round(scale, 4)
