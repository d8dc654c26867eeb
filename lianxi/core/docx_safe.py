"""Reading an uploaded .docx without trusting it (GB/T 22239-2019 8.1.4.4 入侵防范; issue 17).

A .docx is a zip of XML parts, and everything in it is the uploader's: the zip's member sizes,
the XML's DTD and entities, the number of elements. This module is the one way the platform
reads one (the rules import now, the document import next):

- the package: at most ``max_bytes`` as uploaded, at most ``max_parts`` members, at most
  ``max_uncompressed`` bytes all members together (a zip bomb), no member that inflates more
  than ``max_ratio`` times, no encrypted member. Python's zipfile never inflates a member past
  its declared size and checks its CRC, so a lying header is a refusal, not a bigger read;
- the XML: parsed by lxml with entity resolution off, no DTD loaded, no network, no huge-tree
  mode (so libxml2's depth and text-node limits hold), comments and processing instructions
  dropped; a document that declares a DTD (Word never writes one) is refused;
- the work: the main document is streamed (:func:`iter_body` hands over one top-level element
  of ``w:body`` at a time and frees it when the caller moves on), at most ``max_xml_bytes`` of
  XML and ``max_elements`` elements are read, and reading stops after ``max_seconds``.

Every refusal is a :class:`DocxRefused` (an :class:`ApplicationError`) with a Chinese message
that says what is wrong and what to do; the pages show it on the form, the API answers 400.
"""

from __future__ import annotations

import io
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from typing import IO, Any

from lxml import etree

from .exceptions import ApplicationError

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = "/officeDocument"

MB = 1024 * 1024
# A part smaller than this may inflate any amount: the total bound holds it.
RATIO_FLOOR = 1 * MB
_SMALL_PART = 1 * MB  # the package's relationships: a few hundred bytes in a real file
_CHECK_EVERY = 1024  # elements between two looks at the clock

AGAIN = "请在 Word/WPS 中打开原文件，重新“另存为”.docx 后再上传。"


class DocxRefused(ApplicationError):
    """The upload is not a .docx this platform will read; the message says why, in Chinese."""


@dataclass(frozen=True)
class DocxLimits:
    """How much of a .docx the platform reads at most. Defaults fit a long official document;
    ``config/settings/uploads.py`` may change them (``LIANXI_DOCX_*``)."""

    max_bytes: int = 5 * MB
    max_parts: int = 300
    max_uncompressed: int = 64 * MB
    max_ratio: int = 100
    max_xml_bytes: int = 16 * MB
    max_elements: int = 200_000
    max_seconds: float = 10.0

    @classmethod
    def from_settings(cls, **overrides: Any) -> DocxLimits:
        """The defaults with the deployment's ``LIANXI_DOCX_LIMITS`` and then `overrides`."""
        from django.conf import settings

        configured = getattr(settings, "LIANXI_DOCX_LIMITS", {}) or {}
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in {**configured, **overrides}.items() if k in known}
        return replace(cls(), **values)


def _kb(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB else f"{max(1, size // 1024)} KB"


def open_package(data: bytes, limits: DocxLimits) -> zipfile.ZipFile:
    """The zip of a .docx after the package checks (size, members, inflation); refuses else."""
    if len(data) > limits.max_bytes:
        raise DocxRefused(
            f"文件太大（{_kb(len(data))}），.docx 文件不应超过 {_kb(limits.max_bytes)}。"
            "请删去文档中的图片等大的内容，或分成几个文件后再上传。"
        )
    if not data.startswith(b"PK\x03\x04"):
        raise DocxRefused(
            "文件不是有效的 .docx 文档（可能只是改了扩展名，或是旧版 .doc、PDF 等其他格式）。"
            + AGAIN
        )
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        members = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
        raise DocxRefused(
            "文件不是有效的 .docx 文档：文件已损坏或不完整（可能上传、下载或复制时被截断）。"
            + AGAIN
        ) from exc
    if len(members) > limits.max_parts:
        raise DocxRefused(
            f"文件包含 {len(members)} 个部件，超过允许的 {limits.max_parts} 个，"
            "不像是 Word/WPS 保存的文档，出于安全原因不予读取。" + AGAIN
        )
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise DocxRefused(
                "文件已加密（设置了打开密码），无法读取。请取消密码后重新保存再上传。"
            )
        total += member.file_size
        inflated = member.file_size > RATIO_FLOOR
        if inflated and member.file_size > limits.max_ratio * max(member.compress_size, 1):
            raise DocxRefused(
                f"文件中的“{member.filename[:60]}”解压后是压缩时的 "
                f"{member.file_size // max(member.compress_size, 1)} 倍，超过允许的 "
                f"{limits.max_ratio} 倍（可能是“压缩炸弹”），出于安全原因不予读取。" + AGAIN
            )
    if total > limits.max_uncompressed:
        raise DocxRefused(
            f"文件解压后共 {_kb(total)}，超过允许的 {_kb(limits.max_uncompressed)}"
            "（可能是“压缩炸弹”），出于安全原因不予读取。" + AGAIN
        )
    return package


class _BoundedReader(io.RawIOBase):
    """A member's inflated bytes for the parser, refused past `limit` or a damaged stream."""

    def __init__(self, source: IO[bytes], limit: int, name: str) -> None:
        self.source = source
        self.left = limit
        self.limit = limit
        self.name_in_zip = name

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        want = self.left + 1 if size is None or size < 0 else min(size, self.left + 1)
        try:
            chunk = self.source.read(want)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
            raise DocxRefused(
                f"文件已损坏：“{self.name_in_zip[:60]}”无法解压（校验失败或内容不完整）。" + AGAIN
            ) from exc
        self.left -= len(chunk)
        if self.left < 0:
            raise DocxRefused(
                f"文件中的“{self.name_in_zip[:60]}”超过 {_kb(self.limit)}，"
                "文档过大，出于安全原因不予读取。请把文档分成几个文件后再上传。"
            )
        return chunk


def _open_member(package: zipfile.ZipFile, name: str, limit: int) -> _BoundedReader:
    try:
        source = package.open(name)
    except KeyError as exc:
        raise DocxRefused(f"文件不是完整的 .docx 文档：缺少“{name[:60]}”部分。" + AGAIN) from exc
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError) as exc:
        raise DocxRefused(
            f"文件已损坏：“{name[:60]}”无法打开（压缩方式不受支持或内容不完整）。" + AGAIN
        ) from exc
    return _BoundedReader(source, limit, name)


_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "load_dtd": False,
    "dtd_validation": False,
    "no_network": True,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def _refuse_dtd(tree: Any) -> None:
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise DocxRefused(
            "文件中含有 DTD（文档类型声明）或实体声明。Word/WPS 保存的 .docx 不会有这些内容，"
            "它们可能被用来读取服务器上的文件，出于安全原因不予读取。" + AGAIN
        )


def _xml_error(name: str, exc: etree.XMLSyntaxError) -> DocxRefused:
    line = f"第 {exc.lineno} 行" if getattr(exc, "lineno", None) else ""
    return DocxRefused(
        f"文件已损坏：“{name[:60]}”{line}不是格式正确的 XML"
        "（可能被其他程序改动过，或含有未声明的实体）。" + AGAIN
    )


def _main_document_name(package: zipfile.ZipFile) -> str:
    """The main document part named by the package relationships (word/document.xml in Word)."""
    try:
        package.getinfo("_rels/.rels")
    except KeyError:
        return "word/document.xml"
    reader = _open_member(package, "_rels/.rels", _SMALL_PART)
    try:
        tree = etree.parse(reader, etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError as exc:
        raise _xml_error("_rels/.rels", exc) from exc
    _refuse_dtd(tree)
    for rel in tree.getroot().iter(f"{_RELS_NS}Relationship"):
        if str(rel.get("Type", "")).endswith(_OFFICE_DOCUMENT) and rel.get("Target"):
            return str(rel.get("Target")).lstrip("/")
    raise DocxRefused("文件不是 Word 文档：其中没有正文部分（word/document.xml）。" + AGAIN)


def iter_body(data: bytes, *, limits: DocxLimits | None = None) -> Iterator[Any]:
    """Each top-level element of the main document's ``w:body`` (``w:p``, ``w:tbl``, ``w:sdt``,
    ``w:sectPr``), in order and complete, as an lxml element. An element is cleared once the
    caller asks for the next one: keep the text, not the element.

    Raises :class:`DocxRefused` before the first element for a bad package and at any point
    for XML that breaks a limit; a caller must write nothing before the iteration has ended.
    """
    limits = limits or DocxLimits.from_settings()
    deadline = time.monotonic() + limits.max_seconds
    package = open_package(data, limits)
    name = _main_document_name(package)
    reader = _open_member(package, name, limits.max_xml_bytes)
    events = etree.iterparse(reader, events=("start", "end"), **_PARSER_OPTIONS)
    body: Any = None
    root_seen = False
    count = 0
    try:
        for event, element in events:
            if event == "start":
                if not root_seen:
                    root_seen = True
                    _refuse_dtd(element.getroottree())
                    if element.tag != f"{W}document":
                        raise DocxRefused(
                            f"文件不是 Word 文档：正文部分“{name[:60]}”不是 w:document。" + AGAIN
                        )
                elif body is None and element.tag == f"{W}body":
                    body = element
                continue
            count += 1
            if count > limits.max_elements:
                raise DocxRefused(
                    f"文档结构过于复杂（超过 {limits.max_elements} 个 XML 元素），"
                    "出于安全原因不予读取。请把文档分成几个文件后再上传。"
                )
            if count % _CHECK_EVERY == 0 and time.monotonic() > deadline:
                raise DocxRefused(
                    f"读取文档超过 {limits.max_seconds:g} 秒仍未完成，已停止。"
                    "文档可能过大或结构异常，请把文档分成几个文件后再上传。"
                )
            if body is not None and element.getparent() is body:
                yield element
                element.clear()
                while element.getprevious() is not None:
                    del body[0]
    except etree.XMLSyntaxError as exc:
        raise _xml_error(name, exc) from exc
    if body is None:
        raise DocxRefused(f"文件不是 Word 文档：正文部分“{name[:60]}”中没有 w:body。" + AGAIN)


def local_name(element: Any) -> str:
    """``p`` for ``{…}p``; "" for anything that is not an element (an entity reference)."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
