"""Real .docx files (python-docx) and hand-edited ones, as an attacker or a careless tool writes
them: an entity, a DOCTYPE, a comment inside a paragraph, a zip bomb, too many parts, not a zip,
a truncated zip. Shared by the reader's tests and the rules import's (issue 17)."""

import io
import re
import zipfile
from collections.abc import Callable

DOCUMENT = "word/document.xml"


def make_docx(paragraphs: list[str]) -> bytes:
    """A .docx saved by python-docx, one paragraph per item."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rewrite(
    data: bytes,
    edit: Callable[[bytes], bytes] = lambda xml: xml,
    *,
    part: str = DOCUMENT,
    extra: dict[str, bytes] | None = None,
    method: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """The package with `part` edited by `edit` and `extra` members added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == part:
                content = edit(content)
            target.writestr(info.filename, content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def with_doctype(data: bytes, subset: str, *, use: str = "") -> bytes:
    """A DOCTYPE with an internal subset after the XML declaration; `use` put into the first
    text run (e.g. ``&x;``)."""

    def edit(xml: bytes) -> bytes:
        xml = re.sub(
            rb"(<\?xml[^>]*\?>)",
            lambda m: m[1] + f"<!DOCTYPE w:document [{subset}]>".encode(),
            xml,
            count=1,
        )
        return xml.replace(b"</w:t>", use.encode() + b"</w:t>", 1)

    return rewrite(data, edit)


def with_entity(data: bytes) -> bytes:
    """An internal entity declared and used inside a paragraph."""
    return with_doctype(data, '<!ENTITY unit "市卫生健康委">', use="&unit;")


def with_external_entity(data: bytes) -> bytes:
    """XXE: an external entity naming a file on the server."""
    return with_doctype(data, '<!ENTITY leak SYSTEM "file:///etc/passwd">', use="&leak;")


def with_billion_laughs(data: bytes) -> bytes:
    subset = '<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    return with_doctype(data, subset, use="&i;")


def with_undeclared_entity(data: bytes) -> bytes:
    return rewrite(data, lambda xml: xml.replace(b"</w:t>", b"&nope;</w:t>", 1))


def with_comments(data: bytes) -> bytes:
    """XML comments inside paragraphs, runs and text, and a processing instruction: as a tool
    that post-processes Word's XML may leave them."""

    def edit(xml: bytes) -> bytes:
        xml = xml.replace(b"<w:r>", b"<w:r><!-- run -->")
        xml = xml.replace(b"<w:p>", b"<w:p><?lianxi note?><!-- paragraph -->")
        return xml.replace(b"</w:t>", b"<!-- inside text --></w:t>")

    return rewrite(data, edit)


def zip_bomb(data: bytes, size: int = 64 * 1024 * 1024) -> bytes:
    """A member of `size` zero bytes: a few dozen KB compressed."""
    return rewrite(data, extra={"word/media/bomb.bin": b"\x00" * size})


def too_many_parts(data: bytes, count: int) -> bytes:
    return rewrite(data, extra={f"extra/part{i}.xml": b"<a/>" for i in range(count)})


def truncated(data: bytes) -> bytes:
    """The first two thirds of the file: an upload or a copy cut short."""
    return data[: len(data) * 2 // 3]


def lying_size(data: bytes) -> bytes:
    """The main document's declared uncompressed size cut to 100 bytes in both headers: a
    reader that trusts the header reads a short part; zipfile's CRC check refuses it."""
    out = bytearray(data)
    name = DOCUMENT.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := out.find(signature, start)) >= 0:
            if out[start + name_at : start + name_at + len(name)] == name:
                out[start + size_at : start + size_at + 4] = (100).to_bytes(4, "little")
            start += 4
    return bytes(out)
