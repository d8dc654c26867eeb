"""The work brief (工作简报) as PDF and .docx, measured from the files: pdfplumber boxes in mm
from the page's top-left corner (the type area is x 28–184, y 37–262), python-docx for the
.docx, and LibreOffice headless for what a reader's PC makes of the .docx."""

from __future__ import annotations

import datetime
import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from docx import Document
from docx.oxml.ns import qn

from lianxi.typesetting import fonts
from lianxi.typesetting.brief import (
    BriefArticle,
    BriefDocument,
    contents_title,
    render_brief_docx,
    render_brief_pdf,
)
from lianxi.typesetting.docx_render import ZWSP

from .conftest import libreoffice_to_pdf, mm, official_pc_fontconfig, screenshots

LEFT, RIGHT, TOP, BOTTOM = 28.0, 184.0, 37.0, 262.0
CENTRE = (LEFT + RIGHT) / 2
TYPE_WIDTH = RIGHT - LEFT
RED = (1, 0, 0)
NAME = "职业病防治工作简报"
EDITOR = "信阳市职业病防治工作部门间联席会议办公室"
DATE = "2027年1月22日"
V = "{urn:schemas-microsoft-com:vml}"

FIRST = BriefArticle(
    title="市人社局推进职业病危害企业工伤保险扩面",
    source="市人力资源和社会保障局",
    paragraphs=[
        "今年以来，市人力资源和社会保障局认真落实联席会议议定事项，把存在职业病危害的工业企业"
        "作为工伤保险扩面的重点，会同市卫生健康委、市应急管理局对全市1263家重点企业逐一比对"
        "参保信息，建立未参保企业清单，实行销号管理。",
        "一是强化数据共享。依托联席会议信息通报机制，每月与市卫生健康委交换职业病危害项目申报"
        "数据，与市市场监管局交换新设立企业登记信息，对新增的存在职业病危害企业做到“登记即"
        "提醒、提醒即跟踪”。截至6月底，累计推送提醒信息386条，新增参保企业214家、参保职工"
        "6871人。",
        "二是突出重点行业。聚焦矿山、冶金、建材、化工等职业病危害严重行业，组织县区人社部门"
        "开展上门服务，现场讲解工伤保险政策和职业病工伤认定流程，帮助企业办理参保登记。对建筑"
        "施工项目全面推行按项目参加工伤保险，实现在建项目应保尽保。",
        "三是优化认定服务。对职业病工伤认定实行“一窗受理、并联审核”，与职业病诊断机构建立"
        "诊断结论互认机制，认定时限由法定60日压缩至平均18个工作日。上半年共受理职业病工伤"
        "认定申请57件，全部在时限内办结。",
        "下一步，市人社局将继续加大扩面力度，力争年底前存在职业病危害的工业企业工伤保险参保率"
        "达到95%以上，切实保障劳动者合法权益。",
    ],
)
SECOND = BriefArticle(
    # too long for one 2号 line: the editor breaks it by meaning
    title="平桥区多措并举\n提升中小微企业职业健康管理水平",
    source="平桥区卫生健康委",
    paragraphs=[
        "平桥区针对辖区中小微型企业数量多、规模小、职业健康管理基础薄弱的实际，以“职业健康"
        "帮扶行动”为抓手，推动用人单位落实职业病防治主体责任。",
        "一是开展精准帮扶。区卫生健康委组织职业卫生技术服务机构和疾控中心专业人员组成5个帮扶"
        "小组，对粉尘、噪声危害较重的42家企业开展“一企一策”技术指导，帮助企业完善职业病防护"
        "设施、规范设置警示标识，共整改问题隐患183项。",
        "二是推进职业健康检查全覆盖。协调区内2家职业健康检查机构开通“绿色通道”，为接触职业病"
        "危害因素的劳动者提供上岗前、在岗期间和离岗时职业健康检查，上半年累计检查4126人次，"
        "较去年同期增长31%。",
        "三是加强宣传培训。结合《职业病防治法》宣传周，深入企业车间开展职业健康知识宣讲23场次，"
        "培训企业负责人和职业卫生管理人员560余人次，发放宣传资料8000余份，劳动者职业健康素养"
        "明显提升。",
    ],
)


def sample_brief(*, articles: int = 2, watermark: str = "", **changes: Any) -> BriefDocument:
    fields: dict[str, Any] = {
        "name": NAME,
        "issue_label": "第1期",
        "year": 2027,
        "editor": EDITOR,
        "date": datetime.date(2027, 1, 22),
        "articles": [FIRST, SECOND][:articles],
        "report_to": "省职业病防治工作联席会议办公室，市政府办公室",
        "send_to": "市委办公室，市人大常委会办公室，市政协办公室。",
        "issue_to": "联席会议各成员单位，各县区卫生健康委",
        "copies": 60,
        "watermark": watermark,
    }
    fields.update(changes)
    return BriefDocument(**fields)


# --- PDF ---------------------------------------------------------------------------------------


def _pages(data: bytes) -> list[dict[str, Any]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [
            {
                "chars": list(p.chars),
                "rules": list(p.rects) + list(p.lines),
                "text": re.sub(r"\s+", "", p.extract_text() or ""),
            }
            for p in pdf.pages
        ]


@pytest.fixture(scope="module")
def brief_pdf(documents_dir: Path) -> dict[str, Any]:
    data = render_brief_pdf(sample_brief())
    path = documents_dir / "brief-weasyprint.pdf"
    path.write_bytes(data)
    return {"data": data, "pages": _pages(data), "pngs": screenshots(path, "brief", documents_dir)}


def _is_red(color: Any) -> bool:
    return color is not None and tuple(color) == RED


def _find(page: dict[str, Any], text: str) -> list[dict[str, Any]]:
    """The characters of the first occurrence of ``text`` (in reading order) on the page."""
    chars = [c for c in page["chars"] if c["text"].strip()]
    joined = "".join(c["text"] for c in chars)
    at = joined.find(text)
    assert at >= 0, f"{text!r} not on the page"
    return chars[at : at + len(text)]


def _span(chars: list[dict[str, Any]]) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) in mm."""
    return (
        mm(min(c["x0"] for c in chars)),
        mm(min(c["top"] for c in chars)),
        mm(max(c["x1"] for c in chars)),
        mm(max(c["bottom"] for c in chars)),
    )


def test_pdf_masthead_is_the_name_in_large_red_type_centred(brief_pdf: dict[str, Any]) -> None:
    """报头: the name in red 小标宋 of at least 一号 (26 pt), centred on the type area (±3 mm), in
    the top part of page 1; the issue label centred under it."""
    page = brief_pdf["pages"][0]
    red = [c for c in page["chars"] if _is_red(c["non_stroking_color"])]
    assert "".join(c["text"] for c in red) == NAME
    assert all(c["size"] >= 26 for c in red)
    left, top, right, bottom = _span(red)
    assert abs((left + right) / 2 - CENTRE) <= 3, (left, right)
    assert top >= TOP and bottom <= 297 / 2
    label = _find(page, "第1期")
    l_left, l_top, l_right, _ = _span(label)
    assert l_top > bottom and l_top - bottom < 2 * 225 / 22
    assert abs((l_left + l_right) / 2 - CENTRE) <= 3
    assert all(not _is_red(c["non_stroking_color"]) for c in label)


def test_pdf_editor_and_date_line_over_a_red_rule(brief_pdf: dict[str, Any]) -> None:
    """The 编印单位 left and the date right on one line under the issue label, and under that
    line a red rule across at least 90 % of the 156 mm type area."""
    page = brief_pdf["pages"][0]
    *_, label_bottom = _span(_find(page, "第1期"))
    e_left, e_top, e_right, e_bottom = _span(_find(page, EDITOR))
    d_left, d_top, d_right, d_bottom = _span(_find(page, DATE))
    assert e_top > label_bottom and abs(e_top - d_top) < 1.5
    assert e_left < CENTRE < d_left and e_right < d_left
    assert abs(e_left - LEFT) < 8 and abs(d_right - RIGHT) < 8
    rules = [
        r
        for r in page["rules"]
        if _is_red(r.get("non_stroking_color")) or _is_red(r.get("stroking_color"))
    ]
    assert rules
    rule = max(rules, key=lambda r: r["x1"] - r["x0"])
    assert mm(rule["x1"] - rule["x0"]) >= 0.9 * TYPE_WIDTH
    assert mm(rule["x0"]) >= LEFT - 1 and mm(rule["x1"]) <= RIGHT + 1
    assert max(e_bottom, d_bottom) < mm(rule["top"]) < max(e_bottom, d_bottom) + 8


def test_pdf_contents_with_two_articles_and_none_with_one(brief_pdf: dict[str, Any]) -> None:
    """本期要目 after the red rule, one line per title, before the first article; a brief of one
    article has none."""
    page = brief_pdf["pages"][0]
    _, heading_top, _, _ = _span(_find(page, "本期要目"))
    tops = [_span(_find(page, contents_title(a)))[1] for a in (FIRST, SECOND)]
    assert heading_top < tops[0] < tops[1]
    # the first article's title, in 2号 小标宋, comes after the contents
    titles = [c for c in page["chars"] if round(c["size"]) == 22]
    assert "".join(c["text"] for c in titles) == FIRST.title
    assert _span(titles)[1] > tops[1]
    single = _pages(render_brief_pdf(sample_brief(articles=1)))
    assert "本期要目" not in "".join(p["text"] for p in single)
    assert FIRST.title in single[0]["text"]


def test_pdf_articles_titles_sources_and_body(brief_pdf: dict[str, Any]) -> None:
    """Each title centred in 2号, the unit in 楷体 under it in full-width brackets, the body in
    3号仿宋; the sample runs over two pages at least."""
    pages = brief_pdf["pages"]
    assert len(pages) >= 2
    text = "".join(p["text"] for p in pages)
    for article in (FIRST, SECOND):
        assert f"（{article.source}）" in text
        assert article.paragraphs[-1] in text
    kaiti = fonts.resolve("kaiti").replace(" ", "")
    sources = [c for p in pages for c in p["chars"] if kaiti in c["fontname"].replace("-", "")]
    assert "".join(c["text"] for c in sources) == "".join(
        f"（{a.source}）" for a in (FIRST, SECOND)
    )
    titles = [c for p in pages for c in p["chars"] if round(c["size"]) == 22]
    left, _, right, _ = _span(titles[: len(FIRST.title)])
    assert abs((left + right) / 2 - CENTRE) <= 3
    fangsong = fonts.resolve("fangsong").replace(" ", "")
    body = _find(pages[0], FIRST.paragraphs[0][:20])
    assert all(round(c["size"]) == 16 for c in body)
    assert all(fangsong in c["fontname"].replace("-", "") for c in body)


def test_a_title_breaks_where_the_editor_broke_it(brief_pdf: dict[str, Any]) -> None:
    """The second title's "\\n" starts its second 2号 line in the PDF (both lines centred) and is
    a w:br in the .docx; 本期要目 lists it on one line."""
    chars = [c for p in brief_pdf["pages"] for c in p["chars"] if round(c["size"]) == 22]
    second = chars[len(FIRST.title) :]
    first_line, rest = second[: len("平桥区多措并举")], second[len("平桥区多措并举") :]
    assert "".join(c["text"] for c in first_line) == "平桥区多措并举"
    assert "".join(c["text"] for c in rest) == "提升中小微企业职业健康管理水平"
    for line in (first_line, rest):
        left, _, right, _ = _span(line)
        assert abs((left + right) / 2 - CENTRE) <= 3
    assert abs(_span(rest)[1] - _span(first_line)[1] - 225 / 22) < 1
    document = Document(io.BytesIO(render_brief_docx(sample_brief())))
    (title,) = [p for p in document.paragraphs if p.text.startswith("平桥区多措并举\n")]
    assert len(title._p.findall(f".//{qn('w:br')}")) == 1


def test_pdf_banji_closes_the_last_page_at_its_foot(brief_pdf: dict[str, Any]) -> None:
    """报尾: 报 / 送 / 发 (each ending in 。) and 共印60份 right-aligned, on the last page, their
    bottom within the last 60 mm of the type area; nothing of it earlier."""
    pages = brief_pdf["pages"]
    last = pages[-1]
    for earlier in pages[:-1]:
        assert "共印" not in earlier["text"]
    lines = [
        "报：省职业病防治工作联席会议办公室，市政府办公室。",
        "送：市委办公室，市人大常委会办公室，市政协办公室。",
        "发：联席会议各成员单位，各县区卫生健康委。",
        "共印60份",
    ]
    spans = [_span(_find(last, line)) for line in lines]
    tops = [s[1] for s in spans]
    assert tops == sorted(tops)
    assert all(s[3] >= BOTTOM - 60 for s in spans), spans
    assert all(s[3] <= BOTTOM + 1 for s in spans), spans
    copies = spans[-1]
    assert abs(copies[2] - (RIGHT - mm(14))) <= 1.5  # right-aligned, one 4号 character in
    assert all(abs(s[0] - (LEFT + mm(14))) <= 1.5 for s in spans[:-1])
    # rules above, between and below: black, across the type area
    rules = [r for r in last["rules"] if mm(r["x1"] - r["x0"]) >= 0.9 * TYPE_WIDTH]
    rule_tops = sorted(mm(r["top"]) for r in rules)
    assert len(rule_tops) == 3
    assert rule_tops[0] < tops[0] and tops[2] < rule_tops[1] < tops[3] < rule_tops[2]


def test_pdf_page_numbers(brief_pdf: dict[str, Any]) -> None:
    """ "— N —" in 4号, odd pages right, even pages left, below the type area."""
    for number, page in enumerate(brief_pdf["pages"], start=1):
        chars = [c for c in page["chars"] if round(c["size"]) == 14 and mm(c["top"]) > BOTTOM]
        assert "".join(c["text"] for c in chars).replace(" ", "") == f"—{number}—"
        left, _, right, _ = _span(chars)
        assert (right > CENTRE) if number % 2 else (left < CENTRE)


def test_pdf_pages_are_rendered_to_screenshots(brief_pdf: dict[str, Any]) -> None:
    """One PNG per page (brief-1.png …) in the screenshots directory, none without pdftoppm."""
    assert len(brief_pdf["pngs"]) in (0, len(brief_pdf["pages"]))


def test_pdf_draft_watermark_and_special_issue_label() -> None:
    """A draft carries 草稿 lightly on every page; a special issue prints its label as given;
    an article without a unit gets no empty brackets; a brief without 报尾 parts has none."""
    doc = sample_brief(
        watermark="草稿",
        issue_label="增刊第1期",
        articles=1,
        report_to="",
        send_to="",
        issue_to="",
        copies=0,
    )
    doc = BriefDocument(**{**doc.__dict__, "articles": [BriefArticle(FIRST.title, ["正文。"])]})
    pages = _pages(render_brief_pdf(doc))
    for page in pages:
        mark = [c for c in page["chars"] if c["text"] in "草稿" and c["size"] >= 40]
        assert "".join(c["text"] for c in mark) == "草稿"
    text = "".join(p["text"] for p in pages)
    assert "增刊第1期" in text
    assert "（）" not in text and "共印" not in text and "报：" not in text


# --- .docx -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def brief_docx(documents_dir: Path) -> dict[str, Any]:
    data = render_brief_docx(sample_brief())
    path = documents_dir / "brief.docx"
    path.write_bytes(data)
    return {"data": data, "path": path, "document": Document(io.BytesIO(data))}


def _text(paragraph: Any) -> str:
    return paragraph.text.replace(ZWSP, "")


def _east_asian(run: Any) -> str | None:
    rfonts = run._r.rPr.find(qn("w:rFonts")) if run._r.rPr is not None else None
    return None if rfonts is None else rfonts.get(qn("w:eastAsia"))


def _runs(document: Any) -> Iterator[Any]:
    for paragraph in document.paragraphs:
        yield from (run for run in paragraph.runs if run.text.strip(ZWSP + " "))


def test_docx_masthead_issue_label_and_editor_line(brief_docx: dict[str, Any]) -> None:
    """Paragraph 1: the name in red (FF0000) 方正小标宋简体 ≥ 26 pt; 2: the issue label; 3: the
    编印单位 and the date (a right tab between), its bottom border the red rule."""
    name, label, line = brief_docx["document"].paragraphs[:3]
    assert _text(name) == NAME
    for run in name.runs:
        assert str(run.font.color.rgb) == "FF0000"
        assert run.font.size.pt >= 26
        assert _east_asian(run) == fonts.official("xiaobiaosong")
    assert _text(label) == "第1期"
    assert label.alignment == 1  # centre
    assert EDITOR in _text(line) and DATE in _text(line)
    assert _text(line).index(EDITOR) < _text(line).index("\t") < _text(line).index(DATE)
    bottom = line._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == "FF0000" and int(bottom.get(qn("w:sz"))) >= 12


def test_docx_names_the_official_fonts(brief_docx: dict[str, Any]) -> None:
    """What the reader's PC expects: body runs 仿宋_GB2312, titles 方正小标宋简体 2号, the units
    楷体_GB2312, 本期要目 黑体 — East Asian and Latin alike."""
    document = brief_docx["document"]
    by_text = {_text(p): p for p in document.paragraphs}
    body = by_text[FIRST.paragraphs[0]]
    for run in body.runs:
        assert _east_asian(run) == fonts.official("fangsong") == "仿宋_GB2312"
        rfonts = run._r.rPr.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:ascii")) == "仿宋_GB2312"
    for article in (FIRST, SECOND):
        titles = [
            p for p in document.paragraphs if _text(p).replace("\n", "") == contents_title(article)
        ]
        # the contents line (仿宋) and the article's title (小标宋 2号)
        assert [_east_asian(p.runs[0]) for p in titles] == ["仿宋_GB2312", "方正小标宋简体"]
        assert titles[1].runs[0].font.size.pt == 22
        source = by_text[f"（{article.source}）"]
        assert _east_asian(source.runs[0]) == "楷体_GB2312"
    assert _east_asian(by_text["本期要目"].runs[0]) == "黑体"
    families = {_east_asian(run) for run in _runs(document)}
    assert families <= {fonts.official(r) for r in fonts.PREFERENCES}  # type: ignore[arg-type]


def test_docx_banji_after_the_last_article(brief_docx: dict[str, Any]) -> None:
    """报尾: a table after the last article's last paragraph, with 报：/送：/发： and 共印60份."""
    document = brief_docx["document"]
    body = document.element.body
    children = list(body.iterchildren())
    last_paragraph = next(p for p in document.paragraphs if _text(p) == SECOND.paragraphs[-1])
    (table,) = document.tables
    assert children.index(table._tbl) > children.index(last_paragraph._p)
    text = "\n".join(_text(p) for row in table.rows for p in row.cells[0].paragraphs)
    for needle in ("报：", "送：", "发：", "市政府办公室。", "各县区卫生健康委。"):
        assert needle in text
    assert text.index("报：") < text.index("送：") < text.index("发：") < text.index("共印60份")
    copies = table.rows[-1].cells[0].paragraphs[0]
    assert _text(copies) == "\t共印60份"


def test_docx_draft_has_a_watermark() -> None:
    document = Document(io.BytesIO(render_brief_docx(sample_brief(watermark="草稿"))))
    section = document.sections[0]
    strings = [
        path.get("string")
        for header in (section.header, section.even_page_header)
        for path in header._element.iter(f"{V}textpath")
        if path.get("string")
    ]
    assert strings == ["草稿", "草稿"]
    issued = Document(io.BytesIO(render_brief_docx(sample_brief())))
    assert not list(issued.sections[0].header._element.iter(f"{V}textpath"))


EXTRA = (
    "各成员单位要进一步提高思想认识，强化责任担当，加强协作配合，形成工作合力，确保各项任务"
    "落到实处、取得实效。"
)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("extra", [0, 3], ids=["fits", "banji-on-a-new-page"])
def test_libreoffice_opens_the_docx_with_the_banji_at_the_last_pages_foot(
    extra: int, tmp_path: Path, documents_dir: Path
) -> None:
    """LibreOffice (with the official font names, as on a reader's PC) converts the .docx: the
    red name on page 1, as many pages as the PDF, 共印60份 on the last page in its lower third —
    also when three more paragraphs leave no room for the 报尾 and it goes to a page of its own."""
    doc = sample_brief()
    if extra:
        second = BriefArticle(
            SECOND.title, SECOND.paragraphs + [EXTRA] * extra, source=SECOND.source
        )
        doc = BriefDocument(**{**doc.__dict__, "articles": [FIRST, second]})
    docx = tmp_path / "brief.docx"
    docx.write_bytes(render_brief_docx(doc))
    pdf = libreoffice_to_pdf(docx, tmp_path, fontconfig=official_pc_fontconfig(tmp_path))
    if not extra:
        shutil.copy(pdf, documents_dir / "libreoffice-brief.pdf")
        screenshots(pdf, "libreoffice-brief", documents_dir)
    pages = _pages(pdf.read_bytes())
    ours = _pages(render_brief_pdf(doc))
    assert len(pages) == len(ours) == 3 + (extra > 0)
    red = [c for c in pages[0]["chars"] if _is_red(c["non_stroking_color"])]
    assert "".join(c["text"] for c in red) == NAME
    assert NAME in pages[0]["text"]
    for earlier in pages[:-1]:
        assert "共印" not in earlier["text"]
    _, top, _, bottom = _span(_find(pages[-1], "共印60份"))
    assert top >= 297 * 2 / 3 and bottom <= BOTTOM + 1
    for label in ("报：", "送：", "发："):
        assert label in pages[-1]["text"]
