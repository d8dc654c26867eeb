"""Reads a rules document (工作规则) and its annex (职责分工) into plain data; writes nothing.

Accepts plain text in UTF-8 (with or without BOM), GB18030/GBK or UTF-16 with a BOM, and .docx.
Finds the issuing notice's document number (发文字号), the issuer, the title of the rules, the
clauses of the rules with stable anchors (``一``, ``二(三)``, ``三(一)1``) and, in the annex, each
unit with its numbered duties. Text is joined across line wraps and page breaks; page-number
lines (``— 3 —``, ``-3-``) and list bullets are dropped.

Every refusal is a :class:`RulesParseError` whose Chinese message says what is wrong and where.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import asdict, dataclass, field
from typing import Any

from lianxi.core.exceptions import ApplicationError

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
        }


# --- numerals and markers -------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
CN = "[一二三四五六七八九十百零〇]+"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def cn_to_int(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 一百零五 → 105."""
    total = 0
    current = 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _CN_DIGITS[char] if current else _CN_DIGITS[char]
    return total + current


def int_to_cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    rest = n % 100
    head = digits[n // 100] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + digits[rest]
    return head + (digits[rest // 10] + "十" + (digits[rest % 10] if rest % 10 else ""))


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
            return f"{int_to_cn(self.number)}、"
        if self.style == "paren_cn":
            return f"（{int_to_cn(self.number)}）"
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


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _join(left: str, right: str) -> str:
    """Join a wrapped line: no space between CJK characters, one between Latin words."""
    if left and right and _latin(left[-1]) and _latin(right[0]):
        return f"{left} {right}"
    return left + right


def _squeeze(text: str) -> str:
    """Remove the spaces typesetting leaves inside Chinese titles ("制度 工作规则")."""
    return re.sub(r"\s+", "", text)


class _Source:
    def __init__(self, lines: list[Line], *, unit_word: str) -> None:
        self.lines = lines
        self.unit_word = unit_word  # "行" for text, "段" for .docx

    def where(self, line: Line | int) -> str:
        number = line.number if isinstance(line, Line) else line
        return f"第 {number} {self.unit_word}"


# --- decoding -------------------------------------------------------------------------------


def _decode(data: bytes, filename: str) -> tuple[str, str, str]:
    """Returns (text, encoding, line unit word)."""
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise RulesParseError("文件是空的：没有任何内容。请选择工作规则的 .txt 或 .docx 文件。")
    if len(data) > MAX_BYTES:
        raise RulesParseError(f"文件太大（{len(data) // 1024} KB），工作规则文件不应超过 5 MB。")
    if data.startswith(b"PK\x03\x04") or filename.lower().endswith(".docx"):
        return _docx_text(data), "docx", "段"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RulesParseError(
            "这是旧版 Word（.doc）或其他 Office 二进制文件，无法读取。"
            "请在 Word/WPS 中另存为 .docx 或 .txt 后再导入。"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", "行"
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
        return data.decode("utf-8-sig"), "utf-8", "行"
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
    return text, "gb18030", "行"


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


def _docx_text(data: bytes) -> str:
    try:
        import docx  # python-docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as exc:  # pragma: no cover - python-docx is a dependency
        raise RulesParseError("服务器未安装 python-docx，无法读取 .docx 文件。") from exc
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise RulesParseError(
            "文件不是有效的 .docx 文档（可能已损坏或只是改了扩展名）。"
            "请在 Word/WPS 中重新另存为 .docx。"
        ) from exc
    except Exception as exc:  # lxml and zip errors of a damaged package
        raise RulesParseError("无法打开 .docx 文档：文件已损坏。请重新另存为 .docx。") from exc
    paragraphs: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraphs.append(_paragraph_text(child))
        elif tag == "tbl":
            for p in child.iter("{*}p"):
                paragraphs.append(_paragraph_text(p))
    return "\n".join(paragraphs)


def _paragraph_text(p: Any) -> str:
    parts: list[str] = []
    for node in p.iter():
        tag = node.tag.rsplit("}", 1)[-1]
        if tag == "t" and node.text:
            parts.append(node.text)
        elif tag == "tab":
            parts.append(" ")
        elif tag in ("br", "cr"):
            parts.append("\n")
    return "".join(parts)


def _lines(text: str) -> list[Line]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\x0b", "\n")
    lines: list[Line] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip(_SPACES + "\r\n")
        if not line or _PAGE_NUMBER_RE.match(line):
            continue
        line = _BULLET_RE.sub("", line).strip(_SPACES)
        if not line or _PAGE_NUMBER_RE.match(line) or _NO_TEXT_RE.match(line):
            continue
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
        if i + 1 < end:
            following = lines[i + 1].text
            joined = _squeeze(line + following)
            if (
                marker_of(following) is None
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
        if notice_title is None and (m := re.search(r"关于印发《?(.+?)》?的通知", squeezed)):
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


@dataclass
class _OpenClause:
    anchor: str
    parent_anchor: str
    heading: str
    level: int
    paragraphs: list[str]
    children: dict[str, int] = field(default_factory=dict)  # style -> last number


def _parse_clauses(lines: list[Line]) -> list[ParsedClause]:
    clauses: list[_OpenClause] = []
    stack: list[_OpenClause] = []  # the open clause at each depth
    last_section = 0

    def add_paragraph(clause: _OpenClause, text: str) -> None:
        if clause.paragraphs and not clause.paragraphs[-1].endswith(tuple(_SENTENCE_END)):
            clause.paragraphs[-1] = _join(clause.paragraphs[-1], text)
        else:
            clause.paragraphs.append(text)

    for line in lines:
        marker = marker_of(line.text)
        accepted = False
        if marker is not None and marker.style == "section":
            if marker.number == last_section + 1:
                last_section = marker.number
                heading, text = _heading_and_text(marker.rest)
                clause = _OpenClause(
                    int_to_cn(marker.number), "", heading, 1, [text] if text else []
                )
                clauses.append(clause)
                stack = [clause]
                accepted = True
        elif marker is not None and stack:
            # The marker may open a child of any open clause, deepest first.
            for depth in range(len(stack) - 1, -1, -1):
                parent = stack[depth]
                level = _CLAUSE_LEVELS[marker.style]
                if level <= parent.level:
                    continue
                expected = parent.children.get(marker.style, 0) + 1
                if marker.number != expected:
                    continue
                if parent.children and marker.style not in parent.children:
                    continue  # a parent numbers its children in one style
                parent.children[marker.style] = marker.number
                suffix = f"({int_to_cn(marker.number)})" if marker.style == "paren_cn" else ""
                if marker.style == "num" or marker.style == "paren_num":
                    suffix = str(marker.number)
                elif marker.style == "circled":
                    suffix = marker.label
                heading, text = _heading_and_text(marker.rest)
                clause = _OpenClause(
                    parent.anchor + suffix,
                    parent.anchor,
                    heading,
                    parent.level + 1,
                    [text] if text else [],
                )
                clauses.append(clause)
                stack = [*stack[: depth + 1], clause]
                accepted = True
                break
        if accepted:
            continue
        if stack:
            add_paragraph(stack[-1], line.text)
        # Text before the first section (a preamble) belongs to no clause.
    return [
        ParsedClause(c.anchor, c.parent_anchor, c.heading, "\n".join(c.paragraphs), c.level)
        for c in clauses
    ]


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

    parsed: list[ParsedUnit] = []
    seen: dict[str, Line] = {}
    for heading, name, body in units:
        if name in seen:
            raise RulesParseError(
                f"{src.where(heading)}：单位“{name}”重复出现（{src.where(seen[name])}已列出）。"
            )
        seen[name] = heading
        parsed.append(ParsedUnit(name, _parse_duties(src, heading, name, body)))
    return parsed, title


def _parse_duties(src: _Source, heading: Line, name: str, body: list[Line]) -> list[ParsedDuty]:
    if not body:
        raise RulesParseError(
            f"{src.where(heading)}：单位“{name}”下面没有列出任何职责。文件可能不完整或被截断。"
        )
    style: str | None = None
    duties: list[tuple[Marker, list[str]]] = []
    lead_in: list[Line] = []
    for line in body:
        marker = marker_of(line.text)
        if marker is not None and style is None and marker.style != "section":
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
        text = ""
        for line in lead_in:
            text = _join(text, line.text)
        return [ParsedDuty(1, "", text)]
    # Text before the first numbered duty: a lead-in such as "主要职责：" is dropped.
    for line in lead_in:
        if not line.text.endswith(("：", ":")):
            raise RulesParseError(
                f"{src.where(line)}：单位“{name}”的编号职责之前有一段无法归属的文字"
                f"“{line.text[:20]}…”。请把它并入某项职责或删去。"
            )
    result: list[ParsedDuty] = []
    for marker, parts in duties:
        text = ""
        for part in parts:
            text = _join(text, part)
        if not text:
            raise RulesParseError(f"单位“{name}”的职责“{marker.label}”没有内容。")
        result.append(ParsedDuty(marker.number, marker.label, text))
    return result


# --- the whole document ---------------------------------------------------------------------


def parse_rules(data: bytes, *, filename: str = "") -> ParsedRules:
    """Parse a rules document; raises RulesParseError with a Chinese message on bad input."""
    text, encoding, unit_word = _decode(data, filename)
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
                if marker_of(lines[i].text) and "通知" not in lines[i].text
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
            f"（如“一、总则”）。文件可能不完整。{hint}"
        )

    annex_lines = lines[annex_start:]
    if not annex_lines:
        raise RulesParseError(
            f"{src.where(lines[annex_start - 1])}是“附件”，但其后没有内容：文件在附件处被截断。"
        )
    units, annex_title = _parse_annex(src, annex_lines, issuer)
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
    )
