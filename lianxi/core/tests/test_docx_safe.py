"""lianxi.core.docx_safe: an uploaded .docx is read with entities off and within limits.

GB/T 22239-2019 8.1.4.4 入侵防范 (input checked, no resource exhaustion) and issue 17: "a .docx
with an entity or a comment inside a paragraph is a 500"; "a 324 KB .docx took 36.5 s and 1.8 GB
in one web worker". Every refusal is a DocxRefused with a Chinese message saying what to do.
"""

import zipfile

import pytest

from lianxi.core.docx_safe import DocxLimits, DocxRefused, iter_body, local_name

from . import hostile_docx as hostile

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PARAGRAPHS = ["第一段：市卫生健康委", "第二段", "第三段"]


@pytest.fixture(scope="module")
def clean() -> bytes:
    return hostile.make_docx(PARAGRAPHS)


def texts(data: bytes, limits: DocxLimits | None = None) -> list[str]:
    return [
        "".join(t.text or "" for t in child.iter(f"{W}t"))
        for child in iter_body(data, limits=limits or DocxLimits())
        if local_name(child) == "p"
    ]


def refused(data: bytes, limits: DocxLimits | None = None) -> str:
    with pytest.raises(DocxRefused) as caught:
        texts(data, limits)
    message = caught.value.message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)
    return message


def test_a_clean_docx_is_read_paragraph_by_paragraph(clean):
    assert texts(clean) == PARAGRAPHS


def test_comments_and_processing_instructions_inside_a_paragraph_are_dropped(clean):
    """Issue 17 defect: a comment inside a paragraph was a 500; it is no text and no node."""
    assert texts(hostile.with_comments(clean)) == PARAGRAPHS


@pytest.mark.parametrize(
    "build",
    [hostile.with_entity, hostile.with_external_entity, hostile.with_billion_laughs],
    ids=["internal-entity", "external-entity-xxe", "billion-laughs"],
)
def test_a_doctype_or_entity_is_refused_and_never_expanded(clean, build):
    """8.1.4.4: a DTD (Word never writes one) is refused before any text is read: no entity is
    expanded, no file of the server is read (XXE), no exponential expansion."""
    message = refused(build(clean))
    assert "DTD" in message and "另存为" in message


def test_an_undeclared_entity_is_refused_as_damaged_xml(clean):
    assert "XML" in refused(hostile.with_undeclared_entity(clean))


def test_a_zip_bomb_is_refused_by_its_compression_ratio(clean):
    """A 64 MB member of zeros compresses about 1000 times: refused before it is inflated."""
    message = refused(hostile.zip_bomb(clean))
    assert "压缩炸弹" in message and "bomb.bin" in message


def test_the_total_uncompressed_size_is_bounded(clean):
    """Many members each under the ratio floor still add up: refused on the total."""
    data = hostile.rewrite(
        clean, extra={f"word/media/p{i}.bin": b"\x00" * 900_000 for i in range(4)}
    )
    message = refused(data, DocxLimits(max_uncompressed=2 * 1024 * 1024))
    assert "解压后共" in message


def test_too_many_parts_are_refused(clean):
    message = refused(hostile.too_many_parts(clean, 400))
    assert "部件" in message and "300" in message


@pytest.mark.parametrize(
    "data",
    [b"this is a text file renamed .docx", b"%PDF-1.7\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"],
    ids=["text", "pdf", "old-doc"],
)
def test_not_a_zip_is_refused(data):
    assert "不是有效的 .docx" in refused(data)


def test_a_truncated_zip_is_refused(clean):
    assert "截断" in refused(hostile.truncated(clean))


def test_a_member_whose_header_lies_about_its_size_is_refused(clean):
    """zipfile inflates no more than the declared size and checks the CRC: a short read."""
    assert "损坏" in refused(hostile.lying_size(clean))


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened(clean):
    message = refused(clean, DocxLimits(max_bytes=len(clean) - 1))
    assert "文件太大" in message


def test_the_main_document_is_read_up_to_a_byte_limit(clean):
    """Streaming: the parser is refused the bytes past max_xml_bytes (the file's own XML)."""
    assert "文档过大" in refused(clean, DocxLimits(max_xml_bytes=500))


def test_the_number_of_elements_is_bounded(clean):
    many = hostile.rewrite(
        clean, lambda xml: xml.replace(b"<w:sectPr", b"<w:p/>" * 5000 + b"<w:sectPr", 1)
    )
    assert "过于复杂" in refused(many, DocxLimits(max_elements=4000))


def test_reading_stops_at_the_time_limit(clean):
    """The clock is looked at every 1024 elements: with no time at all the first look stops."""
    many = hostile.rewrite(
        clean, lambda xml: xml.replace(b"<w:sectPr", b"<w:p/>" * 3000 + b"<w:sectPr", 1)
    )
    assert "秒" in refused(many, DocxLimits(max_seconds=0))


def test_an_encrypted_member_is_refused(clean):
    data = bytearray(clean)
    # Set the "encrypted" flag of every member in the central directory.
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) >= 0:
        data[start + 8] |= 0x1
        start += 4
    assert "加密" in refused(bytes(data))


def test_a_package_without_a_main_document_is_refused(clean):
    source = zipfile.ZipFile(__import__("io").BytesIO(clean))
    out = __import__("io").BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != hostile.DOCUMENT:
                target.writestr(info.filename, source.read(info))
    assert "缺少" in refused(out.getvalue())


def test_limits_come_from_settings(settings):
    settings.LIANXI_DOCX_LIMITS = {"max_parts": 7, "unknown": 1}
    limits = DocxLimits.from_settings(max_bytes=123)
    assert (limits.max_parts, limits.max_bytes) == (7, 123)
