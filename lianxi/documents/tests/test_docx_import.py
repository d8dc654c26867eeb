"""A unit's existing draft read from its .docx (三(二) 政策会商: units draft a policy together,
and the drafting starts from the draft a unit already has in Word or WPS).

The files are real: built with python-docx as a unit's clerk lays out a 方案 (GB/T 9704 版头,
title, 主送, four heading levels, a table, 附件说明, signatures, date, 附注, 版记), and one that
LibreOffice writes. Bad files are refused with a Chinese message that says what to do.
"""

import io
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from lianxi.core.docx_safe import DocxRefused
from lianxi.core.exceptions import ApplicationError
from lianxi.core.tests import hostile_docx as hostile
from lianxi.documents.docx_import import ImportedDraft, read_docx_draft
from lianxi.testing.libreoffice import libreoffice_convert
from lianxi.typesetting.headings import heading_level

INDENT = "\u3000\u3000"

BODY = [
    "为贯彻落实《职业病防治法》，推动用人单位落实职业病防治主体责任，"
    "经市职业病防治工作联席会议研究，制定本方案。",
    "一、总体要求",
    "以重点行业为突破口，联合开展职业病危害专项治理，切实保障劳动者职业健康权益。",
    "二、重点任务",
    "（一）开展职业病危害专项治理。各成员单位按照职责分工，联合开展专项治理。",
    "1.摸清底数。",
    "（1）每季度报送一次进展情况。",
    "（2）建立重点行业用人单位台账。",
    "三、保障措施",
    "各单位要加强组织领导，明确责任分工，确保各项任务落到实处。",
]
TABLE = [["任务", "牵头单位", "完成时限"], ["摸底调查", "市卫生健康委", "2024年6月底"]]


def _save(document: object) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


def _add(document: object, text: str, *, centred: bool = False, size: int = 16) -> object:
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def plan_docx(*, number: bool = True, masthead: bool = True, table: bool = True) -> bytes:
    """The 方案 as the leading unit's clerk typed it in Word."""
    document = Document()
    if masthead:
        _add(document, "市卫生健康委员会文件", centred=True, size=36)
        _add(document, "")
    if number:
        _add(document, "信卫职健〔2024〕12号", centred=True)
        _add(document, "")
    _add(document, "关于开展职业病危害专项治理的", centred=True, size=22)
    _add(document, "工作方案", centred=True, size=22)
    _add(document, "")
    _add(document, "各县区人民政府，市直有关单位：")
    for index, text in enumerate(BODY):
        _add(document, INDENT + text)
        if table and index == 6:
            grid = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
            for row, cells in zip(grid.rows, TABLE, strict=True):
                for cell, value in zip(row.cells, cells, strict=True):
                    cell.text = value
    attachments = _add(document, INDENT + "附件：1.专项治理工作任务分工表")
    attachments.add_run().add_break()  # type: ignore[attr-defined]
    attachments.add_run(INDENT + "\u3000\u3000\u30002.重点行业用人单位名单")  # type: ignore[attr-defined]
    _add(document, "")
    _add(document, "市卫生健康委员会\u3000\u3000\u3000\u3000市人力资源和社会保障局")
    _add(document, "市总工会")
    _add(document, "2024年3月5日")
    _add(document, INDENT + "（此件公开发布）")
    _add(document, "")
    _add(document, "抄送：市委办公室，市人大常委会办公室，市政府办公室。")
    _add(document, "市卫生健康委员会办公室\u3000\u3000\u3000\u3000\u30002024年3月5日印发")
    return _save(document)


EXPECTED_BODY = [
    *BODY[:7],
    "任务\u3000牵头单位\u3000完成时限",
    "摸底调查\u3000市卫生健康委\u30002024年6月底",
    *BODY[7:],
]


def test_a_units_draft_is_read_into_its_parts_三二() -> None:
    """三(二): the leading unit's 方案 becomes the first version: the title (two centred lines),
    the 主送, every body paragraph with its heading level, the table's rows as text, the two
    attachments without their numbers, the 附注 and the 发文字号; the 版头, the signatures,
    the date and the 版记 are left to the platform, each with a note."""
    draft = read_docx_draft(plan_docx())
    assert draft.title == "关于开展职业病危害专项治理的工作方案"
    assert draft.main_to == "各县区人民政府，市直有关单位"
    assert draft.paragraphs == EXPECTED_BODY
    assert [heading_level(p) for p in draft.paragraphs[:8]] == [0, 1, 0, 1, 2, 3, 4, 0]
    assert draft.attachments == ["专项治理工作任务分工表", "重点行业用人单位名单"]
    assert draft.note == "（此件公开发布）"
    assert draft.document_number == "信卫职健〔2024〕12号"
    assert draft.warnings == [
        "已略去版头（发文机关标志、发文字号、签发人等），这些由平台在发文时生成。",
        "已略去正文后的发文机关署名和成文日期，这些由平台在发文时生成。",
        "已略去版记（抄送机关、印发机关和印发日期），请在发文设置中填写。",
        "第 8–9 段为表格（2 行），已按文字导入，每行一段，单元格以空格分隔。",
    ]


def test_no_paragraph_keeps_its_full_width_indent() -> None:
    draft = read_docx_draft(plan_docx())
    texts = [draft.title, draft.main_to, *draft.paragraphs, *draft.attachments, draft.note]
    assert not [t for t in texts if t != t.strip("\u3000 ")]


def test_a_plain_draft_without_masthead_or_formatting_is_read_too() -> None:
    """A draft typed without any layout: the title is its first line, the rest as above."""
    document = Document()
    for text in [
        "关于开展职业病危害专项治理的工作方案",
        "各县区人民政府：",
        *BODY,
        "市卫生健康委员会",
        "二〇二四年三月五日",
    ]:
        document.add_paragraph(text)
    draft = read_docx_draft(_save(document))
    assert draft.title == "关于开展职业病危害专项治理的工作方案"
    assert draft.main_to == "各县区人民政府"
    assert draft.paragraphs == BODY
    assert (draft.attachments, draft.note, draft.document_number) == ([], "", "")
    assert draft.warnings == ["已略去正文后的发文机关署名和成文日期，这些由平台在发文时生成。"]


def test_the_number_and_the_signer_on_one_line_are_the_masthead() -> None:
    """An upward document's 版头: number and 签发人 on one line, both dropped, the number kept."""
    document = Document()
    _add(document, "市卫生健康委员会文件", centred=True, size=36)
    _add(document, "信卫职健〔2024〕 7号\u3000\u3000\u3000\u3000签发人：张明")
    _add(document, "关于职业病防治工作情况的报告", centred=True, size=22)
    _add(document, "市人民政府：")
    _add(document, INDENT + "现将2023年度职业病防治工作情况报告如下。")
    draft = read_docx_draft(_save(document))
    assert draft.document_number == "信卫职健〔2024〕7号"
    assert draft.title == "关于职业病防治工作情况的报告"
    assert draft.main_to == "市人民政府"
    assert draft.paragraphs == ["现将2023年度职业病防治工作情况报告如下。"]


def test_automatic_numbering_is_noted_for_the_preview() -> None:
    """A heading numbered by Word (the number is not in the text): kept, and the preview says
    the number was lost."""
    document = Document()
    _add(document, "关于开展职业病危害专项治理的工作方案", centred=True, size=22)
    paragraph = _add(document, "总体要求")
    num_pr = OxmlElement("w:numPr")
    for tag, value in (("w:ilvl", "0"), ("w:numId", "1")):
        child = OxmlElement(tag)
        child.set(qn("w:val"), value)
        num_pr.append(child)
    paragraph._p.get_or_add_pPr().append(num_pr)  # type: ignore[attr-defined]
    _add(document, "以重点行业为突破口，联合开展专项治理。")
    draft = read_docx_draft(_save(document))
    assert draft.paragraphs == ["总体要求", "以重点行业为突破口，联合开展专项治理。"]
    assert draft.warnings == [
        "第 1 段“总体要求”使用了 Word 自动编号，编号未能导入，"
        "如是标题请在段首补上序号（如“一、”“（一）”）。"
    ]


def test_text_after_the_date_that_is_no_note_is_kept_and_noted() -> None:
    document = Document()
    for text in ["关于报送职业健康工作信息的通知", "各成员单位：", "请于每月5日前报送。"]:
        document.add_paragraph(text)
    for text in ["市卫生健康委员会", "2024年3月5日", "（联系人：王芳，电话：1234567）", "附件1"]:
        document.add_paragraph(text)
    document.add_paragraph("职业健康工作信息报送表")
    draft = read_docx_draft(_save(document))
    assert draft.paragraphs == ["请于每月5日前报送。"]
    assert draft.note == "（联系人：王芳，电话：1234567）"
    assert "成文日期之后的附件正文（自“附件1”起）未导入，请将附件另行上传。" in draft.warnings


def _png() -> bytes:
    """A 1×1 white PNG, as a pasted chart or seal image stands in a draft."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_pictures_are_noted_and_left_out() -> None:
    document = Document()
    _add(document, "关于开展职业病危害专项治理的工作方案", centred=True, size=22)
    _add(document, "各成员单位：")
    _add(document, INDENT + "专项治理的流程如下图所示。")
    document.add_picture(io.BytesIO(_png()))
    paragraph = _add(document, INDENT + "各单位按流程开展工作。")
    paragraph.add_run().add_picture(io.BytesIO(_png()))  # type: ignore[attr-defined]
    draft = read_docx_draft(_save(document))
    assert draft.paragraphs == ["专项治理的流程如下图所示。", "各单位按流程开展工作。"]
    assert draft.warnings == ["第 2 段含有图片，图片未导入。", "文档中有 1 处图片，图片未导入。"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_draft_saved_by_libreoffice_is_read_三二(tmp_path: Path) -> None:
    """三(二): a unit that drafts in LibreOffice (or WPS) writes its own .docx: styles,
    alignment and table markup of its own. Read the same."""
    rows = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in TABLE)
    body = "".join(f"<p>{INDENT}{text}</p>" for text in BODY[:7])
    rest = "".join(f"<p>{INDENT}{text}</p>" for text in BODY[7:])
    source = tmp_path / "draft.html"
    source.write_text(
        '<html><head><meta charset="utf-8"></head><body>'
        '<p align="center"><font size="6" color="red">市卫生健康委员会文件</font></p>'
        '<p align="center">信卫职健〔2024〕12号</p>'
        '<p align="center"><font size="5">关于开展职业病危害专项治理的工作方案</font></p>'
        "<p>各县区人民政府，市直有关单位：</p>"
        f'{body}<table border="1">{rows}</table>{rest}'
        f"<p>{INDENT}附件：1.专项治理工作任务分工表<br>2.重点行业用人单位名单</p>"
        '<p align="right">市卫生健康委员会</p><p align="right">2024年3月5日</p>'
        f"<p>{INDENT}（此件公开发布）</p>"
        "<p>抄送：市委办公室。</p><p>市卫生健康委员会办公室　　2024年3月5日印发</p>"
        "</body></html>",
        encoding="utf-8",
    )
    data = libreoffice_convert(source, tmp_path, to="docx:MS Word 2007 XML").read_bytes()
    draft = read_docx_draft(data)
    assert draft == ImportedDraft(
        title="关于开展职业病危害专项治理的工作方案",
        main_to="各县区人民政府，市直有关单位",
        paragraphs=EXPECTED_BODY,
        attachments=["专项治理工作任务分工表", "重点行业用人单位名单"],
        note="（此件公开发布）",
        document_number="信卫职健〔2024〕12号",
        warnings=read_docx_draft(plan_docx()).warnings,
    )


# --- bad files --------------------------------------------------------------------------------


def refused(data: bytes, kind: type[ApplicationError] = DocxRefused) -> str:
    with pytest.raises(kind) as caught:
        read_docx_draft(data)
    message = caught.value.message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    return message


def test_an_empty_upload_is_refused() -> None:
    assert "空的" in refused(b"")


def test_a_doc_renamed_or_a_password_protected_docx_is_refused() -> None:
    """Word's .doc and a .docx with an open password are both OLE compound files, not zips."""
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    message = refused(ole)
    assert ".doc" in message and "密码" in message and "另存为" in message


def test_a_file_that_is_no_docx_is_refused() -> None:
    assert "不是有效的 .docx" in refused("一、总体要求\n".encode())
    assert "不是有效的 .docx" in refused(b"%PDF-1.7\n")
    assert "损坏" in refused(hostile.truncated(plan_docx()))


def test_a_zip_with_an_encrypted_member_is_refused() -> None:
    data = bytearray(hostile.make_docx(["一、总体要求"]))
    at = data.find(b"PK\x01\x02")
    while at != -1:  # every central directory entry says "encrypted"
        (flags,) = struct.unpack_from("<H", data, at + 8)
        struct.pack_into("<H", data, at + 8, flags | 0x1)
        at = data.find(b"PK\x01\x02", at + 4)
    assert "加密" in refused(bytes(data))


def test_a_hostile_docx_is_refused_by_the_safe_reader() -> None:
    """The import reads through lianxi.core.docx_safe: an entity is never expanded."""
    assert "DTD" in refused(hostile.with_billion_laughs(plan_docx()))


def test_a_docx_without_text_is_refused() -> None:
    document = Document()
    document.add_paragraph("")
    document.add_paragraph("\u3000\u3000")
    assert "没有可导入的文字" in refused(_save(document), ApplicationError)


def test_a_docx_with_only_a_title_is_refused() -> None:
    document = Document()
    _add(document, "关于开展职业病危害专项治理的工作方案", centred=True, size=22)
    message = refused(_save(document), ApplicationError)
    assert "没有识别出正文段落" in message and "专项治理" in message
