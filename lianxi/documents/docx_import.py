"""A unit's existing draft, read from its .docx into a new document (三(二) 政策会商).

Joint drafting rarely starts from an empty page: the leading unit has a draft in Word or WPS.
:func:`read_docx_draft` reads one into what a document holds: the title, the 主送 line, the
body paragraphs (headings are paragraphs, their level read by :mod:`lianxi.typesetting.headings`),
the 附件说明, the 附注 and a 发文字号 if the file has one. What the platform sets itself is left
out, each time with a note for the preview: the 版头 (masthead, number, 签发人), the signatures
and the date under the body, the 版记 (抄送, 印发). Tables, pictures and Word's automatic
numbering do not fit a list of paragraphs; they are read as text or noted.

The file is the uploader's: it is read only through :func:`lianxi.core.docx_safe.iter_body`
(zip bombs, XML entities, sizes, time), never with python-docx. Pure: no models, no writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lianxi.core.docx_safe import AGAIN, DocxRefused, W, iter_body, local_name
from lianxi.core.exceptions import ApplicationError
from lianxi.typesetting.headings import heading_level

# Spaces that indent or pad a line in Chinese documents: the full-width one above all.
SPACES = " \t\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff"
# A table's cells become one paragraph per row, the cells joined by a full-width space.
CELL_JOIN = "\u3000"
# 2号 (22 pt) is the title's size in GB/T 9704; 3号 (16 pt) the body's. In half-points.
TITLE_MIN_HALF_POINTS = 36
# A line longer than this is a paragraph of the body, not a masthead, title, 主送 or signature.
SHORT = 40
TITLE_MAX = 120

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,16}\s*[〔［\[【(（]\s*(?:19|20)\d{2}\s*[〕］\]】)）]\s*第?\s*\d{1,5}\s*号"
)
_SIGNER = re.compile(r"^签\s*发\s*人\s*[:：]")
_MASTHEAD = re.compile(r"文\s*件$")
# 份号 (six digits), 密级 and 保密期限, 紧急程度: the top left corner of the 版头.
_CORNER = re.compile(
    r"^(?:\d{6}|(?:绝密|机密|秘密)(?:\s*★\s*\S*)?|特急|加急|特提|平急|(?:紧急程度|密级)\s*[:：].*)$"
)
_CN_DIGIT = "〇○零一二三四五六七八九十"
_DATE = re.compile(
    rf"^(?:(?:19|20)\d{{2}}|[{_CN_DIGIT}]{{4}})\s*年\s*[\d{_CN_DIGIT}]{{0,3}}\s*月"
    rf"\s*[\d{_CN_DIGIT}]{{0,3}}\s*日$"
)
_ATTACHMENTS = re.compile(r"^附\s*件\s*[:：]\s*")
_ATTACHMENT_ITEM = re.compile(r"^[0-9０-９]+\s*[.．、]\s*")
# The first page of an attachment's own text, after the signatures: 附件 / 附件1 / 附件 2.
_ATTACHMENT_BODY = re.compile(r"^附\s*件\s*[0-9０-９]*$")
_COPY_TO = re.compile(r"^抄\s*送\s*[:：]")
_PRINTED = re.compile(r"印\s*发$")
_NOTE = re.compile(r"^[（(].+[）)]$")
_ENDS_SENTENCE = re.compile(r"[。；;！!？?，,]$")


@dataclass(frozen=True)
class ImportedDraft:
    """What a .docx draft holds, for the new-document form to be prefilled with."""

    title: str
    main_to: str
    paragraphs: list[str]
    attachments: list[str]
    note: str
    document_number: str
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Line:
    """One line of the file's text with the look that tells a title from the body."""

    text: str
    centred: bool = False
    size: int = 0  # the largest run's size in half-points, 0 if the file does not say
    numbered: bool = False  # Word's automatic numbering: the number is not in the text
    table_row: int = 0  # the table's number (from 1) when the line is a table's row
    picture: bool = False


# --- reading the file -----------------------------------------------------------------------


def _text_of(p: Any) -> str:
    parts: list[str] = []
    for node in p.iter():
        tag = local_name(node)  # "" for an entity reference: never text of its own
        if tag == "t" and node.text:
            parts.append(node.text)
        elif tag == "tab":
            parts.append(" ")
        elif tag in ("br", "cr"):
            parts.append("\n")
    return "".join(parts)


def _clean(text: str) -> str:
    return text.replace("\r", "").strip(SPACES)


def _paragraph_lines(p: Any) -> list[_Line]:
    """A paragraph's lines: a line break inside a paragraph starts a new line."""
    jc = p.find(f"{W}pPr/{W}jc")
    centred = jc is not None and jc.get(f"{W}val") == "center"
    sizes = [
        int(value)
        for sz in p.iter(f"{W}sz")
        if (value := sz.get(f"{W}val", "")).isascii() and value.isdigit() and len(value) < 5
    ]
    numbered = p.find(f"{W}pPr/{W}numPr") is not None
    picture = any(local_name(n) in ("drawing", "pict", "object") for n in p.iter())
    texts = [_clean(t) for t in _text_of(p).split("\n")]
    lines = [
        _Line(t, centred=centred, size=max(sizes, default=0), numbered=numbered) for t in texts if t
    ]
    if picture:
        if lines:
            lines[-1].picture = True
        else:
            lines.append(_Line("", picture=True))
    return lines


def _table_lines(tbl: Any, number: int) -> list[_Line]:
    lines = []
    for tr in tbl.iterchildren(f"{W}tr"):
        cells = []
        for tc in tr.iterchildren(f"{W}tc"):
            text = "".join(_clean(_text_of(p)) for p in tc.iter(f"{W}p"))
            if text:
                cells.append(text)
        if cells:
            lines.append(_Line(CELL_JOIN.join(cells), table_row=number))
    return lines


def _body_lines(element: Any, tables: list[int]) -> Iterator[_Line]:
    tag = local_name(element)
    if tag == "p":
        yield from _paragraph_lines(element)
    elif tag == "tbl":
        tables.append(len(tables) + 1)
        yield from _table_lines(element, tables[-1])
    elif tag == "sdt":  # a content control: its paragraphs and tables are the document's
        content = element.find(f"{W}sdtContent")
        for child in content if content is not None else ():
            yield from _body_lines(child, tables)


def _read_lines(data: bytes) -> list[_Line]:
    if not data:
        raise DocxRefused("上传的文件是空的（0 字节）。" + AGAIN)
    if data.startswith(_OLE_MAGIC):
        raise DocxRefused(
            "文件是旧版 Word（.doc）格式，或设置了打开密码（加密的 .docx），无法读取。"
            "请在 Word/WPS 中打开，如有密码请先取消，再“另存为”.docx 后上传。"
        )
    tables: list[int] = []
    lines: list[_Line] = []
    for element in iter_body(data):
        lines.extend(_body_lines(element, tables))
    return lines


# --- the parts of an official document --------------------------------------------------------


def _is_heading(line: _Line) -> bool:
    return heading_level(line.text) > 0


def _is_main_to(line: _Line) -> bool:
    text = line.text
    return (
        text[-1:] in ("：", ":")
        and len(text) <= SHORT + 20
        and not _is_heading(line)
        and not _ATTACHMENTS.match(text)
        and not line.table_row
    )


def _looks_like_title(line: _Line) -> bool:
    return (line.centred or line.size >= TITLE_MIN_HALF_POINTS) and not line.table_row


def _masthead(lines: list[_Line]) -> tuple[int, str]:
    """Where the 版头 ends and the 发文字号 in it ("" if none). The masthead is what comes
    before the number line; without one, the leading 份号/密级/紧急程度, "…文件" and 签发人
    lines."""
    for index, line in enumerate(lines[:12]):
        if _is_main_to(line) or _is_heading(line):
            break
        found = _NUMBER.search(line.text)
        if found and len(line.text) <= SHORT + 20:
            start = index + 1
            while start < len(lines) and _SIGNER.match(lines[start].text):
                start += 1
            return start, re.sub(r"\s+", "", found.group(0))
    start = 0
    while start < len(lines) and (
        _CORNER.match(lines[start].text)
        or _SIGNER.match(lines[start].text)
        or (_MASTHEAD.search(lines[start].text) and len(lines[start].text) <= SHORT)
    ):
        start += 1
    return start, ""


def _title(lines: list[_Line], start: int) -> tuple[str, int]:
    """The title (a centred or large line, with the centred lines it goes on in) and where
    the text after it starts; "" and `start` when the document has none."""
    # A masthead's organ names (a joint document's, one a line) are centred and large too:
    # the title is the last run of such lines before the 主送 or the body.
    index = start
    if index < len(lines) and _looks_like_title(lines[index]):
        end = index
        while end < len(lines) and _looks_like_title(lines[end]) and not _is_main_to(lines[end]):
            if _is_heading(lines[end]) or len(lines[end].text) > TITLE_MAX:
                break
            end += 1
        if end > index:
            return "".join(line.text for line in lines[index:end]), end
    if index < len(lines):
        line = lines[index]
        if not (_is_main_to(line) or _is_heading(line) or line.table_row) and (
            len(line.text) <= TITLE_MAX and not _ENDS_SENTENCE.search(line.text)
        ):
            return line.text, index + 1
    return "", start


def _attachment_names(block: list[str]) -> list[str]:
    """The names of the 附件说明 ("附件：1.xxx" and the lines after it), without numbers."""
    texts = [_ATTACHMENTS.sub("", block[0]), *block[1:]] if block else []
    names = (_ATTACHMENT_ITEM.sub("", text).strip(SPACES + "。；;，,") for text in texts)
    return [name for name in names if name]


def _is_signature(line: _Line) -> bool:
    """An organ's name under the body: short, no sentence, not a heading nor a table row."""
    text = line.text
    return (
        len(text) <= SHORT + 20
        and not _ENDS_SENTENCE.search(text)
        and not _is_heading(line)
        and not line.table_row
        and text[-1:] not in ("：", ":")
        and not _ATTACHMENT_ITEM.match(text)
        and not _ATTACHMENTS.match(text)
        and not text.startswith("特此")
    )


@dataclass
class _Reading:
    warnings: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)


def _quote(text: str, limit: int = 20) -> str:
    return f"“{text[:limit]}{'…' if len(text) > limit else ''}”"


def read_docx_draft(data: bytes) -> ImportedDraft:
    """A draft's parts read from the bytes of an uploaded .docx; raises :class:`DocxRefused`
    for a file that is not a readable .docx and :class:`ApplicationError` for one without
    text. Nothing is written: the caller shows the result to be checked before it is saved."""
    lines = _read_lines(data)
    reading = _Reading()
    if not any(line.text for line in lines):
        raise ApplicationError(
            "文档中没有可导入的文字（可能是扫描件或只有图片）。请上传含有文字的 Word 文档，"
            "或直接在页面上录入正文。"
        )
    pictures = [line for line in lines if line.picture]
    lines = [line for line in lines if line.text]

    start, number = _masthead(lines)
    if start:
        reading.note("已略去版头（发文机关标志、发文字号、签发人等），这些由平台在发文时生成。")
    title, start = _title(lines, start)
    if not title:
        reading.note("未能识别出标题，请在预览中填写。")
    main_to = ""
    if start < len(lines) and _is_main_to(lines[start]):
        main_to = lines[start].text[:-1].strip(SPACES)
        start += 1
    rest = lines[start:]

    # The 版记 (抄送, 印发) is the last thing in a document: dropped from its first line on.
    end = len(rest)
    for index, line in enumerate(rest):
        if _COPY_TO.match(line.text) or (
            _PRINTED.search(line.text) and len(line.text) <= SHORT + 20
        ):
            end = index
            break
    rest, imprint = rest[:end], end < len(rest)

    # The date under the body, the signatures above it, the 附注 and attachments' text after.
    note_lines: list[str] = []
    extras: list[_Line] = []
    dated = max((i for i, line in enumerate(rest) if _DATE.match(line.text)), default=None)
    if dated is not None and dated > 0:
        after = rest[dated + 1 :]
        signed = dated
        while signed > 0 and dated - signed < 6 and _is_signature(rest[signed - 1]):
            signed -= 1
        if signed == 0:  # nothing but names and a date: no body to sign
            signed = dated
        reading.note("已略去正文后的发文机关署名和成文日期，这些由平台在发文时生成。")
        rest = rest[:signed]
        for line in after:
            if _NOTE.match(line.text) and not _is_heading(line):
                note_lines.append(line.text)
                continue
            if _ATTACHMENT_BODY.match(line.text):
                reading.note(
                    f"成文日期之后的附件正文（自{_quote(line.text)}起）未导入，请将附件另行上传。"
                )
                break
            # Anything else after the date is kept, at the body's end, to be looked at.
            extras.append(line)
            reading.note(f"成文日期之后的{_quote(line.text)}已作为正文导入，请核对。")

    if imprint:
        reading.note("已略去版记（抄送机关、印发机关和印发日期），请在发文设置中填写。")

    # The 附件说明: the last "附件：" line of what is left, and the numbered lines after it.
    attachments: list[str] = []
    begins = [i for i, line in enumerate(rest) if _ATTACHMENTS.match(line.text)]
    if begins:
        at = stop = begins[-1]
        stop += 1
        while stop < len(rest) and _ATTACHMENT_ITEM.match(rest[stop].text):
            stop += 1
        attachments = _attachment_names([line.text for line in rest[at:stop]])
        for line in rest[stop:]:
            reading.note(f"附件说明之后的{_quote(line.text)}已作为正文导入，请核对。")
        rest = rest[:at] + rest[stop:]
    rest += extras

    paragraphs: list[str] = []
    table_rows: dict[int, list[int]] = {}
    for line in rest:
        paragraphs.append(line.text)
        position = len(paragraphs)
        if line.table_row:
            table_rows.setdefault(line.table_row, []).append(position)
        if line.numbered and not _is_heading(line):
            reading.note(
                f"第 {position} 段{_quote(line.text)}使用了 Word 自动编号，编号未能导入，"
                "如是标题请在段首补上序号（如“一、”“（一）”）。"
            )
        if line.picture:
            reading.note(f"第 {position} 段含有图片，图片未导入。")
    for rows in table_rows.values():
        where = f"第 {rows[0]} 段" if len(rows) == 1 else f"第 {rows[0]}–{rows[-1]} 段"
        reading.note(f"{where}为表格（{len(rows)} 行），已按文字导入，每行一段，单元格以空格分隔。")
    lone_pictures = [p for p in pictures if not p.text]
    if lone_pictures:
        reading.note(f"文档中有 {len(lone_pictures)} 处图片，图片未导入。")
    if not paragraphs:
        raise ApplicationError(
            "文档中没有识别出正文段落"
            + (f"（只有标题{_quote(title)}）" if title else "")
            + "。请检查上传的是否是文稿本身，或直接在页面上录入正文。"
        )
    return ImportedDraft(
        title=title,
        main_to=main_to,
        paragraphs=paragraphs,
        attachments=attachments,
        note="".join(note_lines),
        document_number=number,
        warnings=reading.warnings,
    )
