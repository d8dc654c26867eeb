"""Official documents (公文) as a neutral structure, and where GB/T 9704-2012 puts their parts.

The documents app builds an :class:`OfficialDocumentLayout` from its models and hands it to
``render_official_docx`` (:mod:`official_docx`) / ``render_official_pdf`` (:mod:`official_pdf`);
this module knows no model.  Both renderings take their places from the plans computed here, so
that the .docx sets its 版头 lines, its signatures and its seals where the PDF does:

* :func:`head_plan` — the 版头 (§7.2): 紧急程度 top-left, the 发文机关标志 in red with its
  upper edge 35 mm below the type area (a joint document: every organ's mark, lead first, one a
  line, "文件" once to their right, vertically centred), the 发文字号 two lines below it (an
  upward document: 发文字号 left and 签发人 right on the line of the last signatory), the red
  separator 4 mm below the number.
* :func:`signature_plan` — 发文机关署名, 成文日期 and seals (§7.3.5): one organ's seal centred
  over its name and the date, the date right, indented 4 characters; joint seals in rows of at
  most 3, in the organs' order, 2.5 mm apart (不相交不相切, ≤ 3 mm), each over its organ's name,
  the date under the last; an unsealed block (§7.3.5.2) names and date only, 2 characters in.
* :func:`attachment_lines`, :func:`note_text`, :func:`banji_lines` — 附件说明 (§7.3.4), 附注
  (§7.3.6), 版记 (§7.4).

Lengths: mm for places (x from the type area's left edge; y from the page's top edge in the
版头, from the signature block's top in the signature block), pt for sizes.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from lianxi.core.dates import cn_date

from . import fonts
from .layout import (
    BODY_LETTER_SPACING_PT,
    BODY_SIZE_PT,
    CHAR_PITCH_MM,
    LINE_PITCH_MM,
    LINE_PT,
    MASTHEAD_GAP_MM,
    MASTHEAD_MAX_PT,
    MM_PER_PT,
    RED,
    RED_LINE_GAP_MM,
    SIZE_2,
    TOP_MARGIN_MM,
    TYPE_WIDTH_MM,
    masthead_fit,
)

# --- the data the documents app hands over ---------------------------------------------------


@dataclass(frozen=True)
class IssuingOrgan:
    name: str  # "信阳市卫生健康委员会"
    mark: str = ""  # 发文机关标志 text; default the name (the masthead adds 文件)
    signatory: str = ""  # 签发人 (upward documents only)
    seal_png: bytes | None = None  # the organ's seal (PNG, transparent); None = not sealed


@dataclass(frozen=True)
class OfficialDocumentLayout:
    organs: list[IssuingOrgan]  # issuing organs, lead first (seal order); >= 1
    masthead: str = ""  # the joint meeting's own documents: used instead of the organs' marks
    document_number: str = ""  # "信卫职健〔2024〕12号"; "" for a draft
    upward: bool = False  # 请示/报告: 发文字号 left + 签发人 right (§7.2.4/§7.2.5)
    urgency: str = ""  # "" | "特急" | "加急" (§7.2.3)
    title: str = ""
    main_to: str = ""  # 主送机关, a full-width colon is added
    paragraphs: list[str] = field(default_factory=list)  # body; levels from headings
    attachments: list[str] = field(default_factory=list)  # 附件说明 names (§7.3.4)
    signers: list[str] = field(default_factory=list)  # 发文机关署名; default the organs' names
    sealed_on_behalf: str = ""  # "（信阳市卫生健康委员会代章）" under the signature
    date: datetime.date | None = None  # 成文日期 "2024年3月5日"
    note: str = ""  # 附注 (§7.3.6)
    copy_to: str = ""  # 抄送 in the 版记
    printed_by: str = ""  # 印发机关
    printed_on: datetime.date | None = None  # 印发日期
    watermark: str = ""  # "征求意见稿" / "草稿" for unissued versions (printed lightly)

    def __post_init__(self) -> None:
        if not self.organs:
            raise ValueError("an official document has at least one issuing organ")

    @property
    def signature_names(self) -> list[str]:
        names = [s.strip() for s in self.signers if s.strip()]
        return names or [organ.name for organ in self.organs]

    @property
    def heading(self) -> str:
        """A one-line name for the file's properties: the number, else the title."""
        return self.document_number or self.title or self.masthead_texts[0]

    @property
    def masthead_texts(self) -> list[str]:
        """The 发文机关标志 lines without the closing "文件": one, or one per organ."""
        if self.masthead.strip():
            return [self.masthead.strip()]
        marks = []
        for organ in self.organs:
            mark = (organ.mark or organ.name).strip()
            marks.append(mark.removesuffix("文件") if len(self.organs) > 1 else mark)
        return marks


# --- geometry ---------------------------------------------------------------------------------

SEAL_DIAMETER_MM = 40.0  # 市级机关印章 (drawn at this width; the PNG's aspect kept)
SEAL_GAP_MM = 2.5  # between seals in a row: 不相交不相切, at most 3 mm (§7.3.5.1)
SEALS_PER_ROW = 3
RED_RULE_MM = 0.8
JOINT_MARK_LEADING = 1.2  # line pitch of a joint mark's names, per em
BLACK = "#000000"
WENJIAN = "文件"


def _em_top(role: fonts.Role) -> float:
    return fonts.vertical_metrics(fonts.resolve(role)).em_top


def width_mm(text: str, role: fonts.Role = "fangsong", *, size: float = BODY_SIZE_PT) -> float:
    """Width of body-spaced text (the PDF's letter spacing, as the lines are set)."""
    spacing = BODY_LETTER_SPACING_PT if size == BODY_SIZE_PT else 0.0
    return fonts.text_width_pt(text, role, size_pt=size, letter_spacing_pt=spacing) * MM_PER_PT


@dataclass(frozen=True)
class Item:
    """A piece of text on a placed line: its left edge ``x`` (mm from the type area's left)."""

    text: str
    x: float
    role: fonts.Role = "fangsong"
    size: float = BODY_SIZE_PT
    letter_spacing: float | None = None  # pt; None: the body's
    scale: float = 1.0  # horizontal scale (a long 发文机关标志 is condensed)
    color: str = BLACK


@dataclass(frozen=True)
class Row:
    """One line of the 版头: baseline (mm from the page's top), line box height (pt)."""

    kind: str  # "urgency" | "mark" | "joint-name" | "joint-wenjian" | "number"
    baseline: float
    line_pt: float
    items: list[Item]
    centered: bool = False  # one item centred in the type area


@dataclass(frozen=True)
class Head:
    rows: list[Row]
    rule_top: float  # the red separator's upper edge, mm from the page's top
    rule_bottom: float
    title_baseline: float  # the title's first baseline (the title two lines below the rule)

    @property
    def joint_rows(self) -> list[Row]:
        return [row for row in self.rows if row.kind.startswith("joint")]


def _mark_size(lines: list[str], *, with_wenjian: bool) -> float:
    """A joint mark's size: the longest name and "文件" (and half an em between) in the line."""
    longest = max(len(line) for line in lines) + (len(WENJIAN) + 0.5 if with_wenjian else 0)
    return round(min(MASTHEAD_MAX_PT, TYPE_WIDTH_MM / MM_PER_PT / longest), 2)


def head_plan(doc: OfficialDocumentLayout) -> Head:
    """Where the 版头's lines go (GB/T 9704-2012 §7.2)."""
    rows: list[Row] = []
    em_fs = _em_top("fangsong") * BODY_SIZE_PT * MM_PER_PT
    if doc.urgency.strip():  # §7.2.3: 3号黑体, 顶格 at the type area's top left
        em = _em_top("heiti") * BODY_SIZE_PT * MM_PER_PT
        rows.append(
            Row("urgency", TOP_MARGIN_MM + em, LINE_PT, [Item(doc.urgency.strip(), 0, "heiti")])
        )
    mark_top = TOP_MARGIN_MM + MASTHEAD_GAP_MM  # §7.2.4: 35 mm below the type area's top
    marks = doc.masthead_texts
    em_xbs = _em_top("xiaobiaosong")
    if len(marks) == 1:
        text = marks[0] if doc.masthead.strip() else f"{marks[0]}{WENJIAN}"
        size, scale = masthead_fit(text)
        width = fonts.text_width_pt(text, "xiaobiaosong", size_pt=size) * scale * MM_PER_PT
        item = Item(text, (TYPE_WIDTH_MM - width) / 2, "xiaobiaosong", size, 0.0, scale, RED)
        rows.append(Row("mark", mark_top + em_xbs * size * MM_PER_PT, 1.25 * size, [item], True))
        mark_bottom = mark_top + size * MM_PER_PT
    else:
        size = _mark_size(marks, with_wenjian=True)
        size_mm = size * MM_PER_PT
        column = max(fonts.text_width_pt(m, "xiaobiaosong", size_pt=size) for m in marks)
        wenjian_width = fonts.text_width_pt(WENJIAN, "xiaobiaosong", size_pt=size)
        total = (column + size / 2 + wenjian_width) * MM_PER_PT
        left = (TYPE_WIDTH_MM - total) / 2
        pitch = JOINT_MARK_LEADING * size_mm
        for i, mark in enumerate(marks):  # each name spread to the longest one's width
            natural = fonts.text_width_pt(mark, "xiaobiaosong", size_pt=size)
            spacing = (column - natural) / (len(mark) - 1) if len(mark) > 1 else 0.0
            item = Item(mark, left, "xiaobiaosong", size, spacing, 1.0, RED)
            baseline = mark_top + i * pitch + em_xbs * size_mm
            rows.append(Row("joint-name", baseline, pitch / MM_PER_PT, [item]))
        mark_bottom = mark_top + (len(marks) - 1) * pitch + size_mm
        centre = (mark_top + mark_bottom) / 2
        x = left + (column + size / 2) * MM_PER_PT
        item = Item(WENJIAN, x, "xiaobiaosong", size, 0.0, 1.0, RED)
        baseline = centre - size_mm / 2 + em_xbs * size_mm
        rows.append(Row("joint-wenjian", baseline, pitch / MM_PER_PT, [item]))
    # §7.2.4: 发文字号 two lines below the mark; the rule 4 mm below it (§7.2.7)
    first = mark_bottom + 2 * LINE_PITCH_MM + em_fs
    number = doc.document_number.strip()
    signatories = [o.signatory.strip() for o in doc.organs if o.signatory.strip()]
    if doc.upward and signatories:
        label = "签发人："
        label_w = width_mm(label) + BODY_LETTER_SPACING_PT * MM_PER_PT
        names_w = max(width_mm(name, "kaiti") for name in signatories)
        x_label = TYPE_WIDTH_MM - CHAR_PITCH_MM - label_w - names_w
        for i, name in enumerate(signatories):
            items = []
            last = i == len(signatories) - 1
            if last and number:
                items.append(Item(number, CHAR_PITCH_MM))
            if i == 0:
                items.append(Item(label, x_label))
            items.append(Item(name, x_label + label_w, "kaiti"))
            rows.append(Row("number", first + i * LINE_PITCH_MM, LINE_PT, items))
        number_baseline = first + (len(signatories) - 1) * LINE_PITCH_MM
    else:
        x = (TYPE_WIDTH_MM - width_mm(number)) / 2
        rows.append(Row("number", first, LINE_PT, [Item(number, x)] if number else [], True))
        number_baseline = first
    below_chars = (1 - _em_top("fangsong")) * BODY_SIZE_PT * MM_PER_PT
    rule_top = number_baseline + below_chars + RED_LINE_GAP_MM
    rule_bottom = rule_top + RED_RULE_MM
    title_box = fonts.baseline_in_line("xiaobiaosong", size_pt=SIZE_2, line_height_pt=LINE_PT)
    title_baseline = rule_bottom + 2 * LINE_PITCH_MM + title_box * MM_PER_PT
    return Head(rows, rule_top, rule_bottom, title_baseline)


# --- signatures and seals (§7.3.5) ------------------------------------------------------------


@dataclass(frozen=True)
class Seal:
    """A seal drawn with its top-left corner at (x, y): mm from the type area's left and from
    the signature block's top."""

    organ: str
    png: bytes
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class SignatureBlock:
    """Lines of the body's pitch (the first a blank one under the body), each a list of items,
    and the seals over them."""

    lines: list[list[Item]]
    seals: list[Seal]

    @property
    def height(self) -> float:
        return len(self.lines) * LINE_PITCH_MM


def png_aspect(png: bytes) -> float:
    """Height over width of a PNG (its IHDR), 1 when it cannot be read."""
    if png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) >= 24:
        width = int.from_bytes(png[16:20], "big")
        height = int.from_bytes(png[20:24], "big")
        if width and height:
            return height / width
    return 1.0


def _seal(organ: str, png: bytes, centre_x: float, centre_y: float) -> Seal:
    width = SEAL_DIAMETER_MM
    height = width * png_aspect(png)
    return Seal(organ, png, centre_x - width / 2, centre_y - height / 2, width, height)


def _centred(text: str, centre: float) -> Item:
    x = centre - width_mm(text) / 2
    return Item(text, min(max(x, 0.0), TYPE_WIDTH_MM - width_mm(text)))


def _split_name(name: str, room: float) -> list[str]:
    """A name wider than its seal's room in two lines (the longer first)."""
    if width_mm(name) <= room or len(name) < 4:
        return [name]
    cut = math.ceil(len(name) / 2)
    return [name[:cut], name[cut:]]


def _row_sizes(n: int) -> list[int]:
    """Seals per row, at most 3, the rows as even as they go: 4 -> [2, 2], 5 -> [3, 2]."""
    rows = math.ceil(n / SEALS_PER_ROW)
    base, extra = divmod(n, rows)
    return [base + (1 if i < extra else 0) for i in range(rows)]


def signature_plan(doc: OfficialDocumentLayout) -> SignatureBlock:
    names = doc.signature_names
    date = cn_date(doc.date)
    behalf = doc.sealed_on_behalf.strip()
    if behalf:
        lead_seal = doc.organs[0].seal_png
        seals = [lead_seal] + [None] * (len(names) - 1)
    else:
        seals = [doc.organs[i].seal_png if i < len(doc.organs) else None for i in range(len(names))]
    if not any(seals):
        return _unsealed(names, behalf, date)
    four = 4 * CHAR_PITCH_MM
    date_w = width_mm(date) if date else width_mm(names[-1])
    centre_x = TYPE_WIDTH_MM - four - date_w / 2  # the date right, 4 characters in
    half = SEAL_DIAMETER_MM / 2
    if len(names) == 1 or behalf:
        # one organ (or the mechanism's name under the health commission's seal, 四(六)):
        # names, the 代章 line and the date centred under one seal
        group = [*names, *([behalf] if behalf else [])]
        lines: list[list[Item]] = [[]]
        if len(group) + (1 if date else 0) < 3:
            lines.append([])
        start = len(lines)
        lines += [[_centred(text, centre_x)] for text in group]
        if date:
            lines.append([Item(date, TYPE_WIDTH_MM - four - date_w)])
        count = len(lines) - start
        # over the middle of what it presses (a long name clamped into the type area included)
        spans = [(item.x, item.x + width_mm(item.text)) for line in lines for item in line]
        middle = (min(a for a, _ in spans) + max(b for _, b in spans)) / 2
        cx = min(max(middle, half), TYPE_WIDTH_MM - half)
        # the names and the date a little below the seal's centre (居印章中心偏下)
        cy = (start + count / 2 - 0.35) * LINE_PITCH_MM
        return SignatureBlock(lines, [_seal(names[0], seals[0], cx, cy)] if seals[0] else [])
    pitch = SEAL_DIAMETER_MM + SEAL_GAP_MM
    last_x = min(max(centre_x, half + pitch * (SEALS_PER_ROW - 1)), TYPE_WIDTH_MM - half)
    sizes = _row_sizes(len(names))
    lines = [[]]
    placed: list[Seal] = []
    index = 0
    previous: float | None = None  # the last row's seal centre
    for r, size in enumerate(sizes):
        row_names = names[index : index + size]
        pieces = [_split_name(name, pitch - CHAR_PITCH_MM / 2) for name in row_names]
        depth = max(len(p) for p in pieces) + (1 if date and r == len(sizes) - 1 else 0)
        # the seal's centre a little above the middle of what it presses; the first row's top
        # within a line of the text above, the next rows clear of the row before
        start = len(lines)
        while True:
            cy = (start + depth / 2 - 0.35) * LINE_PITCH_MM
            if previous is None and cy - half >= 1.0:
                break
            if previous is not None and cy - previous >= SEAL_DIAMETER_MM + 0.5:
                break
            start += 1
        while len(lines) < start + depth:
            lines.append([])
        for j, (name, split) in enumerate(zip(row_names, pieces, strict=True)):
            cx = last_x - (size - 1 - j) * pitch
            for k, piece in enumerate(split):
                lines[start + k].append(_centred(piece, cx))
            png = seals[index + j]
            if png:
                placed.append(_seal(name, png, cx, cy))
        index += size
        previous = cy
    if date:
        lines[-1] = [Item(date, TYPE_WIDTH_MM - four - date_w)]
    return SignatureBlock(lines, placed)


def _unsealed(names: list[str], behalf: str, date: str) -> SignatureBlock:
    """§7.3.5.2: 空一行, the names right two characters in, one a line (the lead first); the
    date below, its first character two characters right of the names' (or right two
    characters in when it is the longer, the names moved in as much)."""
    two = 2 * CHAR_PITCH_MM
    texts = [*names, *([behalf] if behalf else [])]
    widest = max(width_mm(t) for t in texts)
    names_right = TYPE_WIDTH_MM - two
    date_x = names_right - widest + two
    if date and date_x + width_mm(date) > TYPE_WIDTH_MM - two:
        date_x = TYPE_WIDTH_MM - two - width_mm(date)
        names_right = date_x - two + widest
    lines: list[list[Item]] = [[]]
    lines += [[Item(t, names_right - width_mm(t))] for t in texts]
    if date:
        lines.append([Item(date, date_x)])
    return SignatureBlock(lines, [])


# --- 附件说明, 附注, 版记 ---------------------------------------------------------------------


@dataclass(frozen=True)
class AttachmentLine:
    """One 附件说明 line: its text, left indent and first-line indent (mm)."""

    text: str
    left: float
    first_line: float


def attachment_lines(doc: OfficialDocumentLayout) -> list[AttachmentLine]:
    """§7.3.4: "附件：1.××××", 2 characters in; further items and wrapped lines aligned with
    the first item's name; one attachment unnumbered; no closing punctuation."""
    names = [a.strip().rstrip("。；;，,") for a in doc.attachments if a.strip()]
    if not names:
        return []
    two, label = 2 * CHAR_PITCH_MM, 3 * CHAR_PITCH_MM  # "附件：" on the 28-character grid
    if len(names) == 1:
        return [AttachmentLine(f"附件：{names[0]}", two + label, -label)]
    out = []
    for i, name in enumerate(names, start=1):
        number = f"{i}."
        number_w = width_mm(number) + BODY_LETTER_SPACING_PT * MM_PER_PT
        text = f"附件：{number}{name}" if i == 1 else f"{number}{name}"
        hang = number_w + (label if i == 1 else 0)
        out.append(AttachmentLine(text, two + label + number_w, -hang))
    return out


def note_text(doc: OfficialDocumentLayout) -> str:
    """§7.3.6: the 附注 in parentheses."""
    note = doc.note.strip()
    if not note:
        return ""
    if note[0] in "（(" and note[-1] in "）)":
        return note
    return f"（{note}）"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith(("。", ".")) else f"{text}。"


def banji_lines(doc: OfficialDocumentLayout) -> list[tuple[str, str]]:
    """The 版记's 抄送 line (§7.4.2), as [("抄送：", "…。")] or []."""
    return [("抄送：", _sentence(doc.copy_to))] if doc.copy_to.strip() else []


def printed_line(doc: OfficialDocumentLayout) -> tuple[str, str] | None:
    """(印发机关, "2024年3月5日印发") (§7.4.3), or None when neither is known."""
    if not doc.printed_by.strip() and doc.printed_on is None:
        return None
    date = cn_date(doc.printed_on)
    return doc.printed_by.strip(), f"{date}印发" if date else ""


def has_banji(doc: OfficialDocumentLayout) -> bool:
    return bool(banji_lines(doc)) or printed_line(doc) is not None


__all__ = [
    "RED",
    "AttachmentLine",
    "Head",
    "IssuingOrgan",
    "Item",
    "OfficialDocumentLayout",
    "Row",
    "Seal",
    "SignatureBlock",
    "attachment_lines",
    "banji_lines",
    "head_plan",
    "note_text",
    "printed_line",
    "signature_plan",
]
