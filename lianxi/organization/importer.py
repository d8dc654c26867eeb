"""Reads a rules document (工作规则) and its annex (职责分工) into plain data; writes nothing.

Accepts plain text in UTF-8 (with or without BOM), GB18030/GBK or UTF-16 with a BOM, and .docx.
Finds the issuing notice's document number (发文字号), the issuer, the title of the rules, the
clauses of the rules with stable anchors (``一``, ``二(三)``, ``三(一)1``; in documents written in
chapters and articles ``第二章``, ``第五条``, ``第五条(一)``) and, in the annex, each unit with its
numbered duties, from numbered lines or from a Word table (序号 | 成员单位 | 主要职责). Text is
joined across line wraps and page breaks; page-number lines (``— 3 —``, ``-3-``) and list
bullets are dropped.

Every refusal is a :class:`RulesParseError` whose Chinese message says what is wrong and where.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

from lianxi.core.docx_safe import DocxLimits, DocxRefused, iter_body, local_name
from lianxi.core.exceptions import ApplicationError
from lianxi.core.numbering import chinese_numeral, cn_to_int

from .rules_settings import RulesSettings, rules_settings_read

MAX_BYTES = 5 * 1024 * 1024


class RulesParseError(ApplicationError):
    """The file is not a rules document this importer can read; the message says why and where."""


@dataclass
class ParsedDuty:
    number: int
    label: str
    text: str


@dataclass
class ParsedUnit:
    name: str
    duties: list[ParsedDuty]


@dataclass
class ParsedClause:
    anchor: str
    parent_anchor: str
    heading: str
    text: str
    level: int


@dataclass
class ParsedRules:
    document_number: str
    issuer: str
    title: str
    mechanism_name: str
    clauses: list[ParsedClause]
    units: list[ParsedUnit]
    text: str
    sha256: str
    encoding: str = ""
    annex_title: str = ""
    # The cadences and deadlines the document sets (四(三), 三(一)1); see rules_settings.py.
    settings: RulesSettings = field(default_factory=RulesSettings)

    @property
    def duty_count(self) -> int:
        return sum(len(unit.duties) for unit in self.units)

    def to_json(self) -> dict[str, Any]:
        return {
            "document_number": self.document_number,
            "issuer": self.issuer,
            "title": self.title,
            "clauses": [asdict(clause) for clause in self.clauses],
            "units": [
                {
                    "name": unit.name,
                    "duties": [{"number": d.number, "text": d.text} for d in unit.duties],
                }
                for unit in self.units
            ],
            "settings": self.settings.to_json(),
        }


# --- numerals and markers -------------------------------------------------------------------

CN = "[一二三四五六七八九十百零〇]+"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


@dataclass(frozen=True)
class Marker:
    style: (
        str  # "section" 一、 | "paren_cn" （一） | "num" 1. 1、 | "paren_num" （1） | "circled" ①
    )
    number: int
    rest: str

    @property
    def label(self) -> str:
        if self.style == "section":
            return f"{chinese_numeral(self.number)}、"
        if self.style == "paren_cn":
            return f"（{chinese_numeral(self.number)}）"
        if self.style == "num":
            return f"{self.number}."
        if self.style == "paren_num":
            return f"（{self.number}）"
        return _CIRCLED[self.number - 1]


_SECTION_RE = re.compile(rf"^(?P<n>{CN})\s*[、．.]\s*(?P<rest>.*)$")
_PAREN_CN_RE = re.compile(rf"^[（(]\s*(?P<n>{CN})\s*[）)]\s*[、.．]?\s*(?P<rest>.*)$")
_NUM_RE = re.compile(r"^(?P<n>[0-9０-９]{1,3})\s*(?:[、]|[.．](?![0-9０-９]))\s*(?P<rest>.*)$")
_PAREN_NUM_RE = re.compile(r"^[（(]\s*(?P<n>[0-9０-９]{1,3})\s*[）)]\s*(?P<rest>.*)$")
_CIRCLED_RE = re.compile(rf"^(?P<n>[{_CIRCLED}])\s*(?P<rest>.*)$")


def marker_of(line: str) -> Marker | None:
    if m := _SECTION_RE.match(line):
        return Marker("section", cn_to_int(m["n"]), m["rest"].strip())
    if m := _PAREN_CN_RE.match(line):
        return Marker("paren_cn", cn_to_int(m["n"]), m["rest"].strip())
    if m := _NUM_RE.match(line):
        return Marker("num", int(unicodedata.normalize("NFKC", m["n"])), m["rest"].strip())
    if m := _PAREN_NUM_RE.match(line):
        return Marker("paren_num", int(unicodedata.normalize("NFKC", m["n"])), m["rest"].strip())
    if m := _CIRCLED_RE.match(line):
        return Marker("circled", _CIRCLED.index(m["n"]) + 1, m["rest"].strip())
    return None


_ORDINAL = rf"(?P<n>{CN}|[0-9０-９]{{1,3}})"
_CHAPTER_RE = re.compile(rf"^第\s*{_ORDINAL}\s*(?P<kind>章|节)\s*[:：、．.]?\s*(?P<rest>.*)$")
_ARTICLE_RE = re.compile(rf"^第\s*{_ORDINAL}\s*条(?P<sep>[\s:：、．.]*)(?P<rest>.*)$")
# "第三条规定的……" at the start of a wrapped line cites an article; it does not open one.
_CITING = tuple("之的所规款项中和及、，。；")


@dataclass(frozen=True)
class Structure:
    """A chapter (第二章), a section of a chapter (第一节) or an article (第五条)."""

    kind: str  # "chapter" | "section" | "article"
    number: int
    rest: str

    @property
    def anchor(self) -> str:
        word = {"chapter": "章", "section": "节", "article": "条"}[self.kind]
        return f"第{chinese_numeral(self.number)}{word}"


def _ordinal(text: str) -> int:
    return int(unicodedata.normalize("NFKC", text)) if text[0].isdigit() else cn_to_int(text)


def structure_of(line: str) -> Structure | None:
    if m := _CHAPTER_RE.match(line):
        rest = m["rest"].strip(_SPACES)
        if len(rest) > 30 or any(c in rest for c in _PUNCT):
            return None  # a chapter heading is a short title, not a sentence
        kind = "chapter" if m["kind"] == "章" else "section"
        return Structure(kind, _ordinal(m["n"]), _squeeze(rest))
    if m := _ARTICLE_RE.match(line):
        if not m["sep"] and m["rest"].startswith(_CITING):
            return None
        return Structure("article", _ordinal(m["n"]), m["rest"].strip(_SPACES))
    return None


# --- lines ----------------------------------------------------------------------------------

_DASHES = "-—–－―‐~～"
_PAGE_NUMBER_RE = re.compile(
    rf"^(?:[{_DASHES}]+\s*\d{{1,4}}\s*[{_DASHES}]+|\d{{1,4}}|第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?"
    rf"|\d{{1,4}}\s*/\s*\d{{1,4}})$"
)
_BULLET_RE = re.compile(r"^(?:[-•·●▪*]|‐)\s+")
_NO_TEXT_RE = re.compile(r"^[（(]此(?:件|页).*[)）]$")
_SPACES = " \t\u3000\u00a0\ufeff\u200b"
# Punctuation that closes a sentence or a list item: a line ending in it starts a new paragraph.
_SENTENCE_END = "。；;！!？?：:”」』）)"


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    place: str = ""  # where to point the reader when it is not a line number ("附件表格第 3 行")


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _join_all(parts: Iterable[str]) -> str:
    """Join wrapped lines: no space between CJK characters, one between Latin words.

    All at once, in linear time: joining them one by one copied the growing text each time (a
    5 MB file of wrapped lines took minutes)."""
    out: list[str] = []
    for part in parts:
        if not part:
            continue
        if out and _latin(out[-1][-1]) and _latin(part[0]):
            out.append(" ")
        out.append(part)
    return "".join(out)


def _squeeze(text: str) -> str:
    """Remove the spaces typesetting leaves inside Chinese titles ("制度 工作规则")."""
    return re.sub(r"\s+", "", text)


class _Source:
    def __init__(self, lines: list[Line], *, unit_word: str) -> None:
        self.lines = lines
        self.unit_word = unit_word  # "行" for text, "段" for .docx

    def where(self, line: Line | int) -> str:
        if isinstance(line, Line) and line.place:
            return line.place
        number = line.number if isinstance(line, Line) else line
        return f"第 {number} {self.unit_word}"


# --- decoding -------------------------------------------------------------------------------


def _decode(data: bytes, filename: str) -> tuple[str, str, str, list[_Table]]:
    """Returns (text, encoding, line unit word, the tables of a .docx)."""
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise RulesParseError("文件是空的：没有任何内容。请选择工作规则的 .txt 或 .docx 文件。")
    if len(data) > MAX_BYTES:
        raise RulesParseError(f"文件太大（{len(data) // 1024} KB），工作规则文件不应超过 5 MB。")
    if data.startswith(b"PK\x03\x04") or filename.lower().endswith(".docx"):
        text, tables = _docx_text(data)
        return text, "docx", "段", tables
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RulesParseError(
            "这是旧版 Word（.doc）或其他 Office 二进制文件，无法读取。"
            "请在 Word/WPS 中另存为 .docx 或 .txt 后再导入。"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", "行", []
        except UnicodeDecodeError as exc:
            raise RulesParseError(
                f"文件以 UTF-16 标记开头，但第 {exc.start} 字节处无法解码。"
            ) from exc
    if b"\x00" in data[:4096] or _looks_binary(data[:4096]):
        offset = data.find(b"\x00")
        raise RulesParseError(
            "文件不是文本：包含二进制内容"
            + (f"（第 {offset} 字节处为空字符）" if offset >= 0 else "")
            + "。请导入 UTF-8 或 GB18030/GBK 编码的 .txt，或 .docx 文件。"
        )
    try:
        return data.decode("utf-8-sig"), "utf-8", "行", []
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if utf8_error.reason == "unexpected end of data" and utf8_error.start >= len(data) - 3:
        raise RulesParseError(
            f"文件在末尾被截断：最后一个字符不完整（第 {_line_at(data, utf8_error.start)} 行）。"
            "请重新保存完整的文件后再导入。"
        )
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        # Report the place where the likelier of the two encodings first fails.
        offset = max(exc.start, utf8_error.start)
        raise RulesParseError(
            f"无法识别文件编码：第 {_line_at(data, offset)} 行（第 {offset} 字节）"
            "既不是 UTF-8，也不是 GB18030/GBK。请另存为 UTF-8 编码后再导入。"
        ) from exc
    _check_not_garbled(text)
    return text, "gb18030", "行", []


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _looks_binary(head: bytes) -> bool:
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls > max(2, len(head) // 100)


_ODD_RANGES = (
    (0x0370, 0x052F),  # Greek, Cyrillic
    (0x2500, 0x259F),  # box drawing, blocks
    (0x3040, 0x30FF),  # kana
    (0xE000, 0xF8FF),  # private use
)


def _check_not_garbled(text: str) -> None:
    """GB18030 decodes almost any bytes: refuse text that came out as mojibake (e.g. Big5)."""
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return
    odd = [c for c in visible if any(lo <= ord(c) <= hi for lo, hi in _ODD_RANGES)]
    common = sum(text.count(c) for c in "的，。、")
    if len(odd) > len(visible) * 0.01 or common == 0:
        bad_line = 1
        for number, line in enumerate(text.splitlines(), start=1):
            if any(c in odd for c in line) or (odd == [] and line.strip()):
                bad_line = number
                break
        raise RulesParseError(
            f"文件编码无法识别：按 GB18030/GBK 解码后是乱码（第 {bad_line} 行）。"
            "文件可能是 Big5 等其他编码，请另存为 UTF-8 后再导入。"
        )


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class _Cell:
    """A table cell: its paragraphs' text (line breaks inside a paragraph kept as "\\n")."""

    paragraphs: list[str]
    continued: bool = False  # the lower part of a vertically merged cell (w:vMerge "continue")

    @cached_property
    def text(self) -> str:
        return _squeeze("".join(self.paragraphs))


@dataclass
class _Table:
    """A table of a .docx, with the lines its cells take in the document's text."""

    first_line: int
    last_line: int
    rows: list[list[_Cell]]  # one entry per grid column: a cell spanning columns repeats


def _docx_text(data: bytes) -> tuple[str, list[_Table]]:
    """The paragraphs and tables of a .docx, read through :mod:`lianxi.core.docx_safe` (entities
    off, no DTD, size, part-count, element and time limits), one body element at a time."""
    text = _DocxText()
    try:
        for child in iter_body(data, limits=DocxLimits.from_settings(max_bytes=MAX_BYTES)):
            tag = local_name(child)
            if tag == "p":
                text.add(_paragraph_text(child))
            elif tag == "tbl":
                text.add_table(child)
    except DocxRefused as exc:
        raise RulesParseError(exc.message) from exc
    return "\n".join(text.paragraphs), text.tables


class _DocxText:
    """The document's text as it is read: each paragraph a line, each table's cells in reading
    order (each of their paragraphs a line of the text, as the document shows them)."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.tables: list[_Table] = []
        self.line_count = 0

    def add(self, text: str) -> None:
        self.paragraphs.append(text)
        self.line_count += 1 + text.count("\n")

    def add_table(self, tbl: Any) -> None:
        first = self.line_count + 1
        rows: list[list[_Cell]] = []
        for tr in tbl.iterchildren(f"{_W}tr"):
            row: list[_Cell] = []
            before = tr.find(f"{_W}trPr/{_W}gridBefore")
            row.extend(_Cell([]) for _ in range(_span(before, 0, len(row))))
            for count, tc in enumerate(tr.iterchildren(f"{_W}tc"), start=1):
                if count > MAX_TABLE_COLUMNS:
                    raise RulesParseError(
                        f"文档中的第 {len(self.tables) + 1} 个表格有一行超过 {MAX_TABLE_COLUMNS} 列"
                        f"（Word 表格最多 {MAX_TABLE_COLUMNS} 列），文件可能已损坏。"
                        "请在 Word/WPS 中检查该表格后重新保存。"
                    )
                texts = [_paragraph_text(p) for p in tc.iter(f"{_W}p")]
                for text in texts:
                    self.add(text)
                merge = tc.find(f"{_W}tcPr/{_W}vMerge")
                continued = merge is not None and merge.get(f"{_W}val") in (None, "continue")
                cell = _Cell(texts, continued)
                span = _span(tc.find(f"{_W}tcPr/{_W}gridSpan"), 1, len(row))
                row.extend([cell] * max(1, span))  # a merged cell repeats
            rows.append(row)
        self.tables.append(_Table(first, self.line_count, rows))


# Word's own limit on a table's columns. A merge (w:gridSpan) or an offset (w:gridBefore) is
# counted in grid columns: a file may write any number there (a 324 KB file with spans of a
# million columns took 36.5 s and 1.8 GB), so spans end at this column and a row of more cells
# than this is refused: a row holds at most twice this many entries.
MAX_TABLE_COLUMNS = 63


def _span(node: Any, default: int, used: int) -> int:
    """The grid columns a cell spans (or a row skips), within what is left of the row."""
    return min(_int_attr(node, default), max(0, MAX_TABLE_COLUMNS - used))


def _int_attr(node: Any, default: int) -> int:
    value = node.get(f"{_W}val") if node is not None else None
    if value is None or not (value.isascii() and value.isdigit()) or len(value) > 6:
        return default  # absent, or not a plain number ("²", "1e9", a thousand digits)
    return int(value)


def _paragraph_text(p: Any) -> str:
    parts: list[str] = []
    for node in p.iter():
        tag = local_name(node)  # "" for an entity reference: never text of its own
        if tag == "t" and node.text:
            parts.append(node.text)
        elif tag == "tab":
            parts.append(" ")
        elif tag in ("br", "cr"):
            parts.append("\n")
    return _unify_breaks("".join(parts))


def _unify_breaks(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    return text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\x0b", "\n")


def _clean(raw: str) -> str:
    """A line without its surrounding spaces and bullet; "" for a page number or no text."""
    line = raw.strip(_SPACES + "\r\n")
    if not line or _PAGE_NUMBER_RE.match(line):
        return ""
    line = _BULLET_RE.sub("", line).strip(_SPACES)
    if not line or _PAGE_NUMBER_RE.match(line) or _NO_TEXT_RE.match(line):
        return ""
    return line


def _lines(text: str) -> list[Line]:
    text = _unify_breaks(text)
    lines: list[Line] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if line := _clean(raw):
            lines.append(Line(number, line))
    return lines


# --- the header: document number, issuer, title ---------------------------------------------

_DOC_NUMBER_RE = re.compile(
    r"([\u4e00-\u9fff]{1,12})\s*[〔\[［【(（]\s*((?:19|20)\d{2})\s*[〕\]］】)）]\s*(\d{1,4})\s*号"
)
_TITLE_END_RE = re.compile(r"(规则|制度|办法|章程|规定|细则)$")
_MECHANISM_SUFFIX_RE = re.compile(r"(?:制度)?(?:工作|议事)?(?:规则|制度|办法|章程|规定|细则)$")
_ANNEX_BARE_RE = re.compile(r"^附\s*件\s*[0-9０-９一二三]?\s*[:：]?$")
_ANNEX_ANY_RE = re.compile(r"^附\s*件\s*[0-9０-９一二三]?\s*[:：]")
_IMPRINT_RE = re.compile(
    r"^(?:抄\s*送|抄\s*报|主\s*送|.{0,40}\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印\s*发)"
)
_DATE_RE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_PUNCT = "，。；;,！？：:"


def _is_title_like(text: str) -> bool:
    return (
        6 <= len(text) <= 60
        and _TITLE_END_RE.search(text) is not None
        and not any(c in text for c in _PUNCT)
        and not text.startswith("附件")
        and "关于" not in text
        and "《" not in text
    )


def _find_title(lines: list[Line], end: int) -> tuple[str, int] | None:
    """The rules' own title line(s) before `end`; returns (title, index of its last line)."""
    for i in range(end):
        line = lines[i].text
        if marker_of(line) is not None or any(c in line for c in _PUNCT) or _DATE_RE.match(line):
            continue
        if structure_of(line) is not None:
            continue
        if i + 1 < end:
            following = lines[i + 1].text
            joined = _squeeze(line + following)
            if (
                marker_of(following) is None
                and structure_of(following) is None
                and len(following) <= 20
                and not any(c in following for c in _PUNCT)
                and _is_title_like(joined)
            ):
                return joined, i + 1
        if _is_title_like(_squeeze(line)):
            return _squeeze(line), i
    return None


def _is_section_start(text: str) -> bool:
    return marker_of(text) is not None and "通知" not in text


_NOTICE_TITLE_RE = re.compile(r"关于印发《?(.+?)》?的通知")


def _notice_title(text: str) -> re.Match[str] | None:
    """The first "关于印发…的通知" in `text` as ``_NOTICE_TITLE_RE.search`` finds it, linearly.

    The search alone retries from every "关于印发" up to the end of the line: a line of them
    without "的通知" took 36 s. A match starts at the first one or nowhere (a later start needs
    "的通知" later still), and ends at the first "的通知" that can close it."""
    start = text.find("关于印发")
    if start < 0:
        return None
    end = text.find("的通知", start + len("关于印发") + 1)
    if end < 0:
        return None
    return _NOTICE_TITLE_RE.match(text, start, end + len("的通知"))


def _header(lines: list[Line], end: int) -> tuple[str, str, str | None]:
    """Document number, issuer and the title named in the notice ("关于印发…的通知")."""
    number = ""
    issuer = ""
    notice_title: str | None = None
    for line in lines[:end]:
        text = line.text
        if not number and (m := _DOC_NUMBER_RE.search(text)):
            number = f"{m[1]}〔{m[2]}〕{m[3]}号"
        squeezed = _squeeze(text)
        if not issuer and (m := re.match(r"^(.{2,40}?)文件$", squeezed)):
            issuer = m[1]
        if notice_title is None and (m := _notice_title(squeezed)):
            notice_title = m[1]
            if not issuer and (m2 := re.match(r"^(.{2,40}?)关于印发", squeezed)):
                issuer = m2[1]
    return number, issuer, notice_title


# --- the clauses of the rules ---------------------------------------------------------------

_CLAUSE_LEVELS = {"section": 1, "paren_cn": 2, "num": 3, "paren_num": 3, "circled": 4}


def _heading_and_text(rest: str) -> tuple[str, str]:
    if rest and len(rest) <= 20 and not any(c in rest for c in _PUNCT):
        return rest, ""
    m = re.match(r"^([^，。；：,;:]{1,12})。(.+)$", rest)
    if m:
        return m[1], m[2]
    return "", rest


def _article_heading_and_text(rest: str) -> tuple[str, str]:
    """An article rarely has a heading; when it has one it is bracketed: 第三条【工作原则】……"""
    m = re.match(r"^[【\[［〔]([^】\]］〕]{1,20})[】\]］〕]\s*(.*)$", rest)
    if m:
        return m[1].strip(), m[2]
    return "", rest


@dataclass
class _OpenClause:
    anchor: str
    parent_anchor: str
    heading: str
    level: int
    paragraphs: list[list[str]]  # each paragraph as its wrapped lines, joined when parsed
    children: dict[str, int] = field(default_factory=dict)  # style -> last number
    # The rank of its numbering style: a child's style must rank below it (一、 > （一） > 1.).
    # A section ranks as its level; an article ranks above every numbering style.
    rank: int = 0

    def add_paragraph(self, text: str) -> None:
        """A line that does not follow a sentence's end continues the paragraph (a wrap)."""
        if self.paragraphs and not self.paragraphs[-1][-1].endswith(tuple(_SENTENCE_END)):
            self.paragraphs[-1].append(text)
        else:
            self.paragraphs.append([text])

    def parsed(self) -> ParsedClause:
        text = "\n".join(_join_all(lines) for lines in self.paragraphs)
        return ParsedClause(self.anchor, self.parent_anchor, self.heading, text, self.level)


def _open_child(stack: list[_OpenClause], marker: Marker) -> list[_OpenClause] | None:
    """Open the numbered item `marker` as the child of an open clause, deepest first.

    Returns the new stack (ending with the child), or None when the marker fits no open clause
    (wrong style or out of sequence): then the line is text.
    """
    for depth in range(len(stack) - 1, -1, -1):
        parent = stack[depth]
        if _CLAUSE_LEVELS[marker.style] <= parent.rank:
            continue
        expected = parent.children.get(marker.style, 0) + 1
        if marker.number != expected:
            continue
        if parent.children and marker.style not in parent.children:
            continue  # a parent numbers its children in one style
        parent.children[marker.style] = marker.number
        if marker.style in ("section", "paren_cn"):
            suffix = f"({chinese_numeral(marker.number)})"
        elif marker.style in ("num", "paren_num"):
            suffix = str(marker.number)
        else:
            suffix = marker.label
        if suffix[0].isdigit() and parent.anchor[-1].isdigit():
            suffix = (
                f"({suffix})"  # （1） under 1. in an article: 第五条(一)1(1), never 第五条(一)11
            )
        heading, text = _heading_and_text(marker.rest)
        child = _OpenClause(
            parent.anchor + suffix,
            parent.anchor,
            heading,
            parent.level + 1,
            [[text]] if text else [],
            rank=parent.rank + 1,
        )
        return [*stack[: depth + 1], child]
    return None


def _parse_clauses(lines: list[Line]) -> list[ParsedClause]:
    """The clauses in sections (一、/（一）/1.) or, when the rules open with 第一章 or 第一条,
    in chapters and articles."""
    for line in lines:
        structure = structure_of(line.text)
        if structure is not None and structure.number == 1 and structure.kind != "section":
            return _parse_articles(lines)
        marker = marker_of(line.text)
        if marker is not None and marker.style == "section" and marker.number == 1:
            break
    clauses: list[_OpenClause] = []
    stack: list[_OpenClause] = []  # the open clause at each depth
    last_section = 0

    for line in lines:
        marker = marker_of(line.text)
        if marker is not None and marker.style == "section":
            if marker.number == last_section + 1:
                last_section = marker.number
                heading, text = _heading_and_text(marker.rest)
                clause = _OpenClause(
                    chinese_numeral(marker.number), "", heading, 1, [[text]] if text else [], rank=1
                )
                clauses.append(clause)
                stack = [clause]
                continue
        elif marker is not None and stack:
            opened = _open_child(stack, marker)
            if opened is not None:
                stack = opened
                clauses.append(stack[-1])
                continue
        if stack:
            stack[-1].add_paragraph(line.text)
        # Text before the first section (a preamble) belongs to no clause.
    return [clause.parsed() for clause in clauses]


def _parse_articles(lines: list[Line]) -> list[ParsedClause]:
    """第一章 总则 / 第一节 … / 第一条 …（一）…: anchors 第一章, 第一章第一节, 第一条, 第一条(一).

    Articles are numbered through the whole document, so 第五条 alone is unique; in the rare
    document that numbers articles afresh in each chapter they are anchored 第二章第一条.
    """
    structures = [s for line in lines if (s := structure_of(line.text)) is not None]
    first_articles = sum(1 for s in structures if s.kind == "article" and s.number == 1)
    restart = first_articles > 1 and any(s.kind == "chapter" for s in structures)

    clauses: list[_OpenClause] = []
    chapter: _OpenClause | None = None
    section: _OpenClause | None = None
    stack: list[_OpenClause] = []  # the open article and its open items
    last_chapter = last_section = last_article = 0

    for line in lines:
        structure = structure_of(line.text)
        if structure is None:
            pass
        elif structure.kind == "chapter" and structure.number == last_chapter + 1:
            last_chapter, last_section = structure.number, 0
            if restart:
                last_article = 0
            chapter = _OpenClause(structure.anchor, "", structure.rest, 1, [])
            section, stack = None, []
            clauses.append(chapter)
            continue
        elif (
            structure.kind == "section"
            and chapter is not None
            and structure.number == last_section + 1
        ):
            last_section = structure.number
            anchor = chapter.anchor + structure.anchor
            section = _OpenClause(anchor, chapter.anchor, structure.rest, 2, [])
            stack = []
            clauses.append(section)
            continue
        elif structure.kind == "article" and structure.number == last_article + 1:
            last_article = structure.number
            parent = section or chapter
            anchor = structure.anchor
            if restart and chapter is not None:
                anchor = chapter.anchor + anchor
            heading, text = _article_heading_and_text(structure.rest)
            article = _OpenClause(
                anchor,
                parent.anchor if parent else "",
                heading,
                parent.level + 1 if parent else 1,
                [[text]] if text else [],
            )
            stack = [article]
            clauses.append(article)
            continue
        marker = marker_of(line.text)
        if marker is not None and stack:
            opened = _open_child(stack, marker)
            if opened is not None:
                stack = opened
                clauses.append(stack[-1])
                continue
        holder = stack[-1] if stack else section or chapter
        if holder is not None:
            holder.add_paragraph(line.text)
        # Text before the first chapter or article (a preamble) belongs to no clause.
    return [clause.parsed() for clause in clauses]


# --- the annex: units and their duties -------------------------------------------------------


def _unit_name(rest: str) -> tuple[str, str]:
    """Split "市科技局：将……" into the name and an inline duty; drop a trailing "职责"."""
    inline = ""
    m = re.match(r"^([^：:，。；]{2,40})[：:](.*)$", rest)
    if m:
        rest, inline = m[1], m[2].strip()
    name = _squeeze(rest)
    name = re.sub(r"(?:主要)?职责(?:分工)?$", "", name) or name
    return name, inline


def _parse_annex(src: _Source, lines: list[Line], issuer: str) -> tuple[list[ParsedUnit], str]:
    # The annex title runs up to the first numbered line: the units' style.
    first = next((i for i, line in enumerate(lines) if marker_of(line.text)), None)
    if first is None:
        where = src.where(lines[0]) if lines else "附件"
        raise RulesParseError(
            f"附件（{where}起）中没有找到编号的成员单位（如“一、市卫生健康委”）。文件可能不完整。"
        )
    title = _squeeze("".join(line.text for line in lines[:first]))
    unit_marker = marker_of(lines[first].text)
    assert unit_marker is not None
    unit_style = unit_marker.style
    if unit_marker.number != 1:
        raise RulesParseError(
            f"{src.where(lines[first])}：附件的第一个单位编号是“{unit_marker.label}”，应从“"
            f"{Marker(unit_style, 1, '').label}”开始。"
        )

    units: list[tuple[Line, str, list[Line]]] = []
    for line in lines[first:]:
        if _IMPRINT_RE.match(line.text) or _ANNEX_ANY_RE.match(line.text):
            break  # the imprint (版记) or the next annex ends this one
        if _DATE_RE.match(line.text):
            break
        marker = marker_of(line.text)
        if marker is not None and marker.style == unit_style and marker.number == len(units) + 1:
            name, inline = _unit_name(marker.rest)
            if not name or len(name) > 30 or any(c in name for c in _PUNCT + "。"):
                raise RulesParseError(
                    f"{src.where(line)}：“{line.text[:30]}”位于第 {marker.number} 个单位的位置，"
                    "但不像单位名称（过长或含标点）。请检查附件的编号。"
                )
            body = [Line(line.number, inline)] if inline else []
            units.append((line, name, body))
            continue
        units[-1][2].append(line)

    # A signature line (the issuer) before a closing date is not part of the last duty.
    if units and units[-1][2] and issuer and _squeeze(units[-1][2][-1].text) == issuer:
        units[-1][2].pop()

    return _units_once(src, units, _parse_duties), title


def _units_once(src: _Source, units: list[Any], duties_of: Any) -> list[ParsedUnit]:
    """Each (heading line, name, body) as a unit with its duties; a unit listed twice is refused."""
    parsed: list[ParsedUnit] = []
    seen: dict[str, Line] = {}
    for heading, name, body in units:
        if name in seen:
            raise RulesParseError(
                f"{src.where(heading)}：单位“{name}”重复出现（{src.where(seen[name])}已列出）。"
            )
        seen[name] = heading
        parsed.append(ParsedUnit(name, duties_of(src, heading, name, body)))
    return parsed


def _parse_duties(
    src: _Source, heading: Line, name: str, body: list[Line], *, units_style: str = "section"
) -> list[ParsedDuty]:
    """A unit's numbered duties. `units_style` numbers the units, so it never starts the duties
    (the units of a table have no style: "")."""
    if not body:
        raise RulesParseError(
            f"{src.where(heading)}：单位“{name}”下面没有列出任何职责。文件可能不完整或被截断。"
        )
    style: str | None = None
    duties: list[tuple[Marker, list[str]]] = []
    lead_in: list[Line] = []
    for line in body:
        marker = marker_of(line.text)
        if marker is not None and style is None and marker.style != units_style:
            if marker.number != 1:
                raise RulesParseError(
                    f"{src.where(line)}：单位“{name}”的第一项职责编号是“{marker.label}”，"
                    f"应从“{Marker(marker.style, 1, '').label}”开始。"
                )
            style = marker.style
            duties.append((marker, [marker.rest] if marker.rest else []))
            continue
        if marker is not None and marker.style == style:
            expected = len(duties) + 1
            if marker.number == expected:
                duties.append((marker, [marker.rest] if marker.rest else []))
                continue
            raise RulesParseError(
                f"{src.where(line)}：单位“{name}”的职责编号“{marker.label}”不连续，"
                f"上一项是“{duties[-1][0].label}”，应为“{Marker(style, expected, '').label}”。"
            )
        if duties:
            duties[-1][1].append(line.text)
        else:
            lead_in.append(line)
    if not duties:
        return [ParsedDuty(1, "", _join_all(line.text for line in lead_in))]
    # Text before the first numbered duty: a lead-in such as "主要职责：" is dropped.
    for line in lead_in:
        if not line.text.endswith(("：", ":")):
            raise RulesParseError(
                f"{src.where(line)}：单位“{name}”的编号职责之前有一段无法归属的文字"
                f"“{line.text[:20]}…”。请把它并入某项职责或删去。"
            )
    result: list[ParsedDuty] = []
    for marker, parts in duties:
        text = _join_all(parts)
        if not text:
            raise RulesParseError(f"单位“{name}”的职责“{marker.label}”没有内容。")
        result.append(ParsedDuty(marker.number, marker.label, text))
    return result


# --- the annex as a table: 序号 | 成员单位 | 主要职责 -------------------------------------------

_NAME_HEADER_RE = re.compile(r"单位|部门|名称|成员")
_DUTY_HEADER_RE = re.compile(r"职责|分工|任务")
_NUMBER_HEADER_RE = re.compile(r"^(?:序号|编号|序|排序)$")
_ROW_NUMBER_RE = re.compile(rf"^(?:(?P<d>[0-9０-９]{{1,3}})|(?P<c>{CN}))[、.．]?$")


@dataclass
class _Layout:
    """Which columns of a table hold the number, the unit and its duties."""

    name_col: int
    duty_col: int
    number_col: int | None
    first_row: int  # the first row of units (after the title and header rows)
    header: tuple[str, str] | None  # the header's unit and duty texts, to skip where repeated
    title: str


def _cell(row: list[_Cell], col: int | None) -> _Cell | None:
    return row[col] if col is not None and 0 <= col < len(row) else None


def _distinct(row: list[_Cell]) -> list[tuple[int, _Cell]]:
    """The cells of a row with their first grid column; a cell spanning columns counts once."""
    seen: list[tuple[int, _Cell]] = []
    ids: set[int] = set()
    for col, cell in enumerate(row):
        if id(cell) not in ids:
            ids.add(id(cell))
            seen.append((col, cell))
    return seen


def _table_layout(table: _Table) -> _Layout | None:
    """The layout of a table that lists units and their duties, else None (another table)."""
    rows = table.rows
    titles: list[str] = []
    start = 0
    # Title rows: one cell across the table ("××联席会议成员单位职责分工").
    while start < len(rows) and len([c for _, c in _distinct(rows[start]) if c.text]) <= 1:
        if text := "".join(c.text for _, c in _distinct(rows[start])):
            titles.append(text)
        start += 1
    if start >= len(rows):
        return None
    name_col = duty_col = number_col = None
    for col, cell in _distinct(rows[start]):
        text = cell.text
        if duty_col is None and len(text) <= 12 and _DUTY_HEADER_RE.search(text):
            duty_col = col
        elif name_col is None and len(text) <= 12 and _NAME_HEADER_RE.search(text):
            name_col = col
        elif number_col is None and _NUMBER_HEADER_RE.match(text):
            number_col = col
    if name_col is not None and duty_col is not None:
        header = (rows[start][name_col].text, rows[start][duty_col].text)
        return _Layout(name_col, duty_col, number_col, start + 1, header, "".join(titles))
    return _headerless_layout(rows, start, "".join(titles))


def _headerless_layout(rows: list[list[_Cell]], start: int, title: str) -> _Layout | None:
    """Without a header row: a column of row numbers, a column of short names, a column of
    longer duty texts."""
    data = rows[start:]
    width = max(len(row) for row in data)
    columns: list[list[str]] = []
    for col in range(width):
        texts = []
        for row in data:
            cell = _cell(row, col)
            if cell is not None and not cell.continued and cell.text:
                texts.append(cell.text)
        columns.append(texts)
    number_col = next(
        (
            col
            for col, texts in enumerate(columns)
            if texts and all(_ROW_NUMBER_RE.match(t) for t in texts)
        ),
        None,
    )
    lengths = {
        col: sum(map(len, texts)) / len(texts)
        for col, texts in enumerate(columns)
        if texts and col != number_col
    }
    if len(lengths) < 2:
        return None
    duty_col = max(lengths, key=lambda col: lengths[col])
    names = [
        col
        for col in lengths
        if col != duty_col
        and all(len(t) <= 30 and not any(c in t for c in _PUNCT + "。") for t in columns[col])
    ]
    if lengths[duty_col] < 8 or not names:
        return None
    # The name column is the nearest one left of the duties (else the first).
    left = [col for col in names if col < duty_col]
    name_col = left[-1] if left else names[0]
    return _Layout(name_col, duty_col, number_col, start, None, title)


def _split_inline(text: str) -> list[str]:
    """ "1.甲；2.乙；3.丙。" written in one paragraph of a cell: one piece per numbered duty.

    Splits only after a sentence's end and only at the next number of the line's own style.
    """
    marker = marker_of(text)
    if marker is None:
        return [text]
    pieces: list[str] = []
    expected = marker.number + 1
    start = 0
    for m in re.finditer(r"[；;。]", text):
        rest = text[m.end() :].lstrip(_SPACES)
        following = marker_of(rest)
        if following is not None and (following.style, following.number) == (
            marker.style,
            expected,
        ):
            pieces.append(text[start : m.end()])
            start = len(text) - len(rest)
            expected += 1
    pieces.append(text[start:])
    return [piece for piece in pieces if piece]


def _cell_paragraphs(cell: _Cell | None, place: str, line_number: int) -> list[list[Line]]:
    """A cell's paragraphs, each as its lines (a line break inside a paragraph splits it)."""
    if cell is None or cell.continued:
        return []
    paragraphs = []
    for paragraph in cell.paragraphs:
        lines = [
            Line(line_number, piece, place)
            for raw in paragraph.split("\n")
            if (text := _clean(raw))
            for piece in _split_inline(text)
        ]
        if lines:
            paragraphs.append(lines)
    return paragraphs


def _parse_table_annex(
    src: _Source, tables: list[tuple[_Table, _Layout]]
) -> tuple[list[ParsedUnit], str]:
    """One unit per row; a row without a unit name (or under a merged name cell) continues the
    unit above it."""
    units: list[tuple[Line, str, list[list[Line]]]] = []
    for index, (table, layout) in enumerate(tables, start=1):
        for r in range(layout.first_row, len(table.rows)):
            row = table.rows[r]
            place = f"附件表格第 {r + 1} 行"
            if len(tables) > 1:
                place = f"附件第 {index} 个表格第 {r + 1} 行"
            name_cell = _cell(row, layout.name_col)
            duty_cell = _cell(row, layout.duty_col)
            number_cell = _cell(row, layout.number_col)
            if name_cell is None or name_cell is duty_cell:
                continue  # a row across the table: a note, not a unit
            name_text = "" if name_cell.continued else name_cell.text
            if layout.header and (name_text, duty_cell.text if duty_cell else "") == layout.header:
                continue  # the header repeated (a table continued on the next page)
            number_text = number_cell.text if number_cell and not number_cell.continued else ""
            body = _cell_paragraphs(duty_cell, place, table.first_line)
            if marker := marker_of(name_text):
                name_text = marker.rest  # "1.市卫生健康委" in the unit's cell
            number: int | None = None
            if m := _ROW_NUMBER_RE.match(number_text):
                number = int(unicodedata.normalize("NFKC", m["d"])) if m["d"] else cn_to_int(m["c"])
            # The unit written again (its row continued on the next page) continues it.
            same_as_above = (
                bool(units) and name_text == units[-1][1] and number in (None, len(units))
            )
            if not name_text or same_as_above:
                if not body and number is None:
                    continue
                if not units or (not name_text and number == len(units) + 1):
                    raise RulesParseError(f"{place}：有序号或职责内容，但没有单位名称。")
                units[-1][2].extend(body)
                continue
            name, inline = _unit_name(name_text)
            heading = Line(table.first_line, name_text, place)
            if not name or len(name) > 30 or any(c in name for c in _PUNCT + "。"):
                raise RulesParseError(
                    f"{place}：“{name_text[:30]}”在成员单位一栏，但不像单位名称（过长或含标点）。"
                )
            expected = len(units) + 1
            if number is not None and number != expected:
                raise RulesParseError(
                    f"{place}：序号“{number_text}”不连续，单位“{name}”应为第 {expected} 个。"
                )
            if inline:
                body.insert(0, [Line(table.first_line, inline, place)])
            units.append((heading, name, body))
    if not units:
        first = tables[0][0]
        raise RulesParseError(
            f"附件表格（{src.where(first.first_line)}起）中没有成员单位：表格只有表头或是空的。"
        )
    return _units_once(src, units, _cell_duties), tables[0][1].title


def _cell_duties(
    src: _Source, heading: Line, name: str, paragraphs: list[list[Line]]
) -> list[ParsedDuty]:
    """Numbered duties ("1." "（一）") as in the text; without numbers each paragraph of the cell
    is a duty (as Word's own list numbering leaves them: the numbers are not in the text)."""
    lines = [line for paragraph in paragraphs for line in paragraph]
    if not lines or any(marker_of(line.text) for line in lines):
        return _parse_duties(src, heading, name, lines, units_style="")
    texts = [_join_all(line.text for line in paragraph) for paragraph in paragraphs]
    if len(texts) > 1 and texts[0].endswith(("：", ":")) and len(texts[0]) <= 12:
        texts.pop(0)  # a lead-in such as "主要职责："
    return [ParsedDuty(number, "", text) for number, text in enumerate(texts, start=1)]


# --- the whole document ---------------------------------------------------------------------

ANCHOR_MAX_LENGTH = 40  # Clause.anchor


def _check_anchors(clauses: list[ParsedClause]) -> None:
    """Anchors are unique and fit the database by construction; refuse, never fail on write."""
    seen: set[str] = set()
    for clause in clauses:
        if clause.anchor in seen or len(clause.anchor) > ANCHOR_MAX_LENGTH:
            raise RulesParseError(
                f"条款编号“{clause.anchor[:ANCHOR_MAX_LENGTH]}”重复或过长，无法作为引用编号。"
                "请检查条款的编号是否连续。"
            )
        seen.add(clause.anchor)


def parse_rules(data: bytes, *, filename: str = "") -> ParsedRules:
    """Parse a rules document; raises RulesParseError with a Chinese message on bad input."""
    text, encoding, unit_word, tables = _decode(data, filename)
    if "\ufffd" in text:
        bad = next(n for n, line in enumerate(text.splitlines(), 1) if "\ufffd" in line)
        raise RulesParseError(
            f"第 {bad} {unit_word}含有无法识别的字符（�），文件编码可能有误。"
            "请另存为 UTF-8 后再导入。"
        )
    lines = _lines(text)
    src = _Source(lines, unit_word=unit_word)
    hint = (
        "（已按 GB18030/GBK 解码；如果文件是其他编码，请另存为 UTF-8）"
        if encoding == "gb18030"
        else ""
    )
    if not lines:
        raise RulesParseError("文件中没有文字内容。")

    # Where the annex begins: the last bare "附件" line, else the last "附件：…" line.
    bare = [i for i, line in enumerate(lines) if _ANNEX_BARE_RE.match(line.text)]
    labelled = [i for i, line in enumerate(lines) if _ANNEX_ANY_RE.match(line.text)]
    if bare:
        annex_start = bare[-1] + 1
        annex_title_prefix = ""
    elif labelled:
        annex_start = labelled[-1] + 1
        annex_title_prefix = re.sub(
            r"^附\s*件\s*[0-9０-９一二三]?\s*[:：]", "", lines[labelled[-1]].text
        )
    else:
        raise RulesParseError(
            "没有找到附件（成员单位职责分工）：文件中没有“附件”一行。"
            "文件可能不是联席会议工作规则，或在附件之前被截断"
            f"（共 {lines[-1].number} {unit_word}）。{hint}"
        )
    annex_marker = bare[-1] if bare else labelled[-1]

    found = _find_title(lines, annex_marker)
    title_index = found[1] if found is not None else -1
    # The main text ends at the first "附件" line after the title (the attachment note).
    body_end = min(i for i in [*bare, *labelled] if i > title_index)
    number, issuer, notice_title = _header(lines, max(title_index, 0) if found else body_end)
    if found is not None:
        title = found[0]
        body_start = title_index + 1
    elif notice_title is not None:
        title = _squeeze(notice_title)
        body_start = next(
            (
                i
                for i in range(body_end)
                if (marker_of(lines[i].text) or structure_of(lines[i].text))
                and "通知" not in lines[i].text
            ),
            body_end,
        )
    else:
        raise RulesParseError(
            f"没有找到工作规则的标题（如“……联席会议工作规则”），在附件（{src.where(lines[body_end])}）"
            f"之前。文件可能不是联席会议工作规则。{hint}"
        )
    clauses = _parse_clauses(lines[body_start:body_end])
    if not clauses:
        raise RulesParseError(
            f"标题“{title}”之后、附件（{src.where(lines[body_end])}）之前没有找到规则条款"
            f"（如“一、总则”或“第一条”）。文件可能不完整。{hint}"
        )
    _check_anchors(clauses)

    annex_lines = lines[annex_start:]
    if not annex_lines:
        raise RulesParseError(
            f"{src.where(lines[annex_start - 1])}是“附件”，但其后没有内容：文件在附件处被截断。"
        )
    # In a .docx the annex may be a table: 序号 | 成员单位 | 主要职责, one row per unit.
    annex_line = lines[annex_marker].number
    unit_tables = [
        (table, layout)
        for table in tables
        if table.last_line > annex_line and (layout := _table_layout(table)) is not None
    ]
    if unit_tables:
        first_line = unit_tables[0][0].first_line
        units, table_title = _parse_table_annex(src, unit_tables)
        annex_title = "".join(line.text for line in annex_lines if line.number < first_line)
        annex_title = _squeeze(annex_title) or table_title
    else:
        try:
            units, annex_title = _parse_annex(src, annex_lines, issuer)
        except RulesParseError as exc:
            if not any(table.last_line > annex_line for table in tables):
                raise
            raise RulesParseError(
                exc.message + "附件中的表格也不是成员单位职责表（应有“成员单位”和“职责”两栏）。"
            ) from exc
    annex_title = _squeeze(annex_title_prefix) + annex_title

    mechanism_name = _MECHANISM_SUFFIX_RE.sub("", title) or title
    normalized = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n"))
    normalized = normalized.lstrip("\ufeff").strip() + "\n"
    return ParsedRules(
        document_number=number,
        issuer=issuer,
        title=title,
        mechanism_name=mechanism_name,
        clauses=clauses,
        units=units,
        text=normalized,
        sha256=hashlib.sha256(normalized.encode()).hexdigest(),
        encoding=encoding,
        annex_title=annex_title,
        settings=rules_settings_read(clauses),
    )
