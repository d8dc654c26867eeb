"""Rules written in chapters and articles (第一章 / 第五条 / 第五条(一)) and annexes that are a Word
table (序号 | 成员单位 | 主要职责): the parser, the command and the upload page (annex; 四(一)).

Three documents of the genre in tests/data, none the seed:
- songling-county-articles.txt: a county, UTF-8, six chapters and 23 articles, annex in lines;
- linjiang-city-articles-gbk.txt: a city, GBK with CRLF, articles without chapters, units "1、"
  with duties "（1）", the annex headed by "附件：…";
- baisha-district-table.docx: a district, .docx, articles in chapters, the annex a table with a
  header row, a unit spanning two rows, duties numbered, inline, unnumbered and in paragraphs.
  It is the document `baisha_blocks()` builds (see test_baisha_file_is_the_documented_build).
"""

import io
import json
from io import StringIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from lianxi.core.models import AuditEvent
from lianxi.organization.import_views import SESSION_KEY
from lianxi.organization.importer import ParsedRules, RulesParseError, parse_rules
from lianxi.organization.models import Clause, Duty, Mechanism, RulesDocument, Unit

from .test_importer import DATA, SEED, SEED_UNITS

SONGLING = DATA / "songling-county-articles.txt"
LINJIANG = DATA / "linjiang-city-articles-gbk.txt"
BAISHA = DATA / "baisha-district-table.docx"

# --- building .docx files with tables -------------------------------------------------------

Cell = str | list[str] | None  # a paragraph, several paragraphs, or None for an empty cell
UP = "^"  # this cell is merged with the one above it (w:vMerge)
LEFT = "<"  # this cell is merged with the one to its left (w:gridSpan)


def build_docx(blocks: list[str | list[list[Cell]]]) -> bytes:
    """A .docx from blocks in order: a str is a paragraph ("\\n" a line break inside it), a list
    of rows is a table. In a cell a list is one paragraph per item; UP and LEFT merge cells the
    way Word does (the merged cell's content stays in its first cell)."""
    import docx

    document = docx.Document()

    def fill(paragraph: Any, text: str) -> None:
        for i, part in enumerate(text.split("\n")):
            run = paragraph.add_run(part)
            if i < text.count("\n"):
                run.add_break()

    for block in blocks:
        if isinstance(block, str):
            fill(document.add_paragraph(), block)
            continue
        width = max(len(row) for row in block)
        table = document.add_table(rows=len(block), cols=width)
        for r, row in enumerate(block):
            for c, value in enumerate(row):
                if value in (None, UP, LEFT):
                    continue
                paragraphs = [value] if isinstance(value, str) else value
                cell = table.cell(r, c)
                fill(cell.paragraphs[0], paragraphs[0])
                for text in paragraphs[1:]:
                    fill(cell.add_paragraph(), text)
        for r, row in enumerate(block):
            for c, value in enumerate(row):
                if value == UP:
                    top = r
                    while block[top][c] == UP:
                        top -= 1
                    table.cell(top, c).merge(table.cell(r, c))
                elif value == LEFT:
                    first = c
                    while block[r][first] == LEFT:
                        first -= 1
                    table.cell(r, first).merge(table.cell(r, c))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


HEALTH_DUTIES = [
    "承担联席会议办公室日常工作；",
    "组织拟订全区职业病防治年度工作计划；",
    "负责职业病危害项目申报的受理和管理；",
    "组织开展工作场所职业病危害因素监测；",
    "开展用人单位职业卫生分类监督执法；",
    "组织职业健康检查机构质量控制；",
    "做好职业病报告和职业病患者随访管理；",
    "推进职业健康保护行动和“健康企业”建设；",
    "组织开展职业病防治法宣传周活动；",
    "指导辖区医疗卫生机构放射防护工作；",
    "牵头开展职业病危害事故的调查处理。",
]


def baisha_blocks() -> list[str | list[list[Cell]]]:
    """白沙区: notice, rules in chapters and articles, the annex as a table."""
    return [
        "白沙区卫生健康局文件",
        "白卫健发〔2025〕9号",
        "白沙区卫生健康局关于印发白沙区职业病防治工作联席会议工作规则的通知",
        "区职业病防治工作联席会议各成员单位：",
        "现将《白沙区职业病防治工作联席会议工作规则》印发给你们，请结合工作实际认真落实。",
        "白沙区职业病防治工作联席会议工作规则",
        "第一章  总  则",
        "第一条  为建立健全全区职业病防治工作协调机制，依据《中华人民共和国职业病防治法》，"
        "制定本规则。",
        "第二条  联席会议在区人民政府领导下开展工作，联席会议办公室设在区卫生健康局。",
        "第二章  会议制度",
        "第三条  联席会议实行以下会议制度：",
        "（一）全体会议。每年召开一次，通报全区职业病防治工作情况，部署年度任务；",
        "（二）专题会议。根据工作需要\n召开，研究专项问题。",
        "第四条  会议议定事项以会议纪要形式印发，由牵头单位负责落实，配合单位积极协助。",
        "第三章  附  则",
        "第五条  本规则自印发之日起施行。",
        "附件",
        "白沙区职业病防治工作联席会议成员单位职责分工",
        [
            ["序号", "成员单位", "主要职责"],
            ["1", "区卫生健康局", [f"{n}.{text}" for n, text in enumerate(HEALTH_DUTIES, 1)]],
            [
                "2",
                "区发展和改革局",
                "（一）将职业病防治纳入全区发展规划；（二）支持职业健康服务能力建设项目。",
            ],
            ["3", "区教育局", "负责将职业健康知识纳入学校健康教育内容。"],
            [
                "4",
                "区人力资源和\n社会保障局",
                [
                    "推进工伤保险扩面，重点覆盖职业病危害较重行业；",
                    "做好职业病患者工伤保险待遇落实；",
                    "组织实施工伤预防项目",
                ],
            ],
            [
                "5",
                "区应急管理局",
                [
                    "1.加强工贸行业企业粉尘防爆和有限空间作业安全监管；",
                    "2.参与职业病危害事故应急救援；",
                ],
            ],
            [UP, UP, "3.督促企业落实劳动防护用品配备。"],
            [
                "6",
                "区住房和城乡建设局",
                [
                    "主要职责：",
                    "（一）督促建筑施工企业落实防尘降噪措施；",
                    "（二）将职业健康纳入文明工地考评。",
                ],
            ],
            [
                "7",
                "区总工会",
                ["（一）组织开展职业健康\n群众监督；", "（二）帮助职业病患者维护合法权益。"],
            ],
        ],
        "抄送：区人民政府办公室。",
        "白沙区卫生健康局办公室        2025年3月3日印发",
    ]


BAISHA_UNITS = [
    ("区卫生健康局", 11),
    ("区发展和改革局", 2),
    ("区教育局", 1),
    ("区人力资源和社会保障局", 3),
    ("区应急管理局", 3),
    ("区住房和城乡建设局", 2),
    ("区总工会", 2),
]


def counts(parsed: ParsedRules) -> list[tuple[str, int]]:
    return [(unit.name, len(unit.duties)) for unit in parsed.units]


def texts(parsed: ParsedRules, name: str) -> list[str]:
    return [duty.text for duty in next(u for u in parsed.units if u.name == name).duties]


def labels(parsed: ParsedRules, name: str) -> list[str]:
    return [duty.label for duty in next(u for u in parsed.units if u.name == name).duties]


@pytest.fixture(scope="module")
def songling() -> ParsedRules:
    return parse_rules(SONGLING.read_bytes(), filename=SONGLING.name)


@pytest.fixture(scope="module")
def linjiang() -> ParsedRules:
    return parse_rules(LINJIANG.read_bytes(), filename=LINJIANG.name)


@pytest.fixture(scope="module")
def baisha() -> ParsedRules:
    return parse_rules(BAISHA.read_bytes(), filename=BAISHA.name)


# --- a county's rules in chapters and articles (UTF-8) --------------------------------------


def test_county_articles_header_and_units_in_order(songling):
    """附件: 松岭县, issued by the county government office; 10 units in the annex's order."""
    assert songling.document_number == "松政办〔2024〕21号"
    assert songling.issuer == "松岭县人民政府办公室"
    assert songling.title == "松岭县职业病防治工作联席会议制度"
    assert songling.mechanism_name == "松岭县职业病防治工作联席会议"
    assert songling.annex_title == "松岭县职业病防治工作联席会议成员单位及职责"
    assert counts(songling) == [
        ("县卫生健康局", 12),
        ("县发展和改革局", 2),
        ("县教育局", 1),
        ("县公安局", 2),
        ("县民政局", 1),
        ("县财政局", 2),
        ("县人力资源和社会保障局", 3),
        ("县应急管理局", 2),
        ("县医疗保障局", 1),
        ("县总工会", 3),
    ]
    assert songling.duty_count == 29


def test_county_articles_annex_duties_joined_across_wraps_and_page_numbers(songling):
    """附件: （十）…（十二） after a "— 4 —" page line; a wrapped duty; one unnumbered duty."""
    health = songling.units[0].duties
    assert [d.label for d in health][-3:] == ["（十）", "（十一）", "（十二）"]
    assert (
        health[6].text == "指导医疗卫生机构开展职业健康检查工作，督促检查机构按规定报告检查结果；"
    )
    assert health[8].text == "开展职业健康促进和“健康企业”建设；"  # the page number follows it
    assert health[9].text == "组织职业卫生技术人员培训；"
    assert labels(songling, "县发展和改革局") == ["1.", "2."]
    assert [(d.number, d.label) for d in songling.units[2].duties] == [(1, "")]
    assert texts(songling, "县教育局") == [
        "负责中小学校和中等职业学校的职业健康教育工作，将职业病防治知识纳入职业学校相关专业课程。"
    ]
    # The imprint (抄送 … 印发) is not part of the last duty.
    assert texts(songling, "县总工会")[-1] == "组织开展职业健康宣传教育。"


def test_county_articles_clause_anchors_chapters_articles_items(songling):
    """第一章 … 第六章 are the parents of 第一条 … 第二十三条; items: 第五条(一), 第十一条(二)1."""
    anchors = [c.anchor for c in songling.clauses]
    chapters = [a for a in anchors if a.endswith("章")]
    articles = [a for a in anchors if a.endswith("条")]
    assert chapters == ["第一章", "第二章", "第三章", "第四章", "第五章", "第六章"]
    assert articles == [f"第{n}条" for n in CN_1_TO_23]
    assert len(anchors) == len(set(anchors)) == 6 + 23 + 12
    assert anchors[:5] == ["第一章", "第一条", "第二条", "第三条", "第二章"]
    assert anchors[anchors.index("第十一条") :][:6] == [
        "第十一条",
        "第十一条(一)",
        "第十一条(二)",
        "第十一条(二)1",
        "第十一条(二)2",
        "第十一条(三)",
    ]
    by = {c.anchor: c for c in songling.clauses}
    assert (by["第一章"].heading, by["第一章"].level, by["第一章"].parent_anchor) == ("总则", 1, "")
    assert by["第六章"].heading == "附则"
    assert (by["第五条"].parent_anchor, by["第五条"].level) == ("第二章", 2)
    assert (by["第五条(二)"].parent_anchor, by["第五条(二)"].level) == ("第五条", 3)
    assert by["第五条(二)"].text == "组织起草会议纪要并督促落实议定事项；"
    assert (by["第十一条(二)1"].parent_anchor, by["第十一条(二)1"].level) == ("第十一条(二)", 4)
    assert by["第二十三条"].parent_anchor == "第六章"
    assert by["第二十三条"].text.startswith("本制度自印发之日起施行。")
    # 【工作原则】 is the article's heading; articles otherwise have none.
    assert (by["第三条"].heading, by["第一条"].heading) == ("工作原则", "")
    assert by["第三条"].text.startswith("联席会议坚持预防为主")
    # A wrapped item, and an article wrapped before a "- 3 -" page line, are each one text.
    assert by["第七条(二)"].text == "分析全县职业病防治形势，部署年度重点工作；"
    assert by["第十四条"].text.endswith("对逾期未完成的发出督办通知。")
    assert "- 3 -" not in by["第十二条"].text
    # The attachment note after the last article ends the rules.
    assert by["第二十三条"].text.endswith("同时废止。")


CN_1_TO_23 = [
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
    "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十",
    "二十一", "二十二", "二十三",
]  # fmt: skip


# --- a city's rules in articles without chapters (GBK) --------------------------------------


def test_city_articles_in_gbk_without_chapters(linjiang):
    """附件: 临江市 in GBK with CRLF; "附件：…" heads the annex; units "1、", duties "（1）"."""
    raw = LINJIANG.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert b"\r\n" in raw
    assert linjiang.encoding == "gb18030"
    assert linjiang.document_number == "临卫发〔2023〕41号"  # written （2023） in the file
    assert linjiang.issuer == "临江市卫生健康委员会"
    assert linjiang.title == "临江市职业健康工作部门联席会议议事规则"
    assert linjiang.mechanism_name == "临江市职业健康工作部门联席会议"
    assert linjiang.annex_title == "临江市职业健康工作部门联席会议成员单位职责"
    assert counts(linjiang) == [
        ("市卫生健康委", 4),
        ("市科学技术局", 1),
        ("市工业和信息化局", 2),
        ("市司法局", 1),
        ("市人力资源和社会保障局", 2),
        ("市生态环境局", 1),
        ("市交通运输局", 1),
        ("市市场监督管理局", 2),
        ("市总工会", 2),
    ]
    assert labels(linjiang, "市卫生健康委") == ["（1）", "（2）", "（3）", "（4）"]
    assert texts(linjiang, "市科学技术局") == ["支持职业健康领域科研项目立项和成果转化。"]
    assert texts(linjiang, "市总工会")[-1] == "推动企业开展职业病防治群众监督员活动。"


def test_city_articles_anchors_without_chapters(linjiang):
    """第一条 … 第十三条 at the top level; 第二条(一), 第四条(二) under them."""
    anchors = [c.anchor for c in linjiang.clauses]
    assert [a for a in anchors if "(" not in a] == [f"第{n}条" for n in CN_1_TO_23[:13]]
    assert anchors[1:6] == ["第二条", "第二条(一)", "第二条(二)", "第二条(三)", "第三条"]
    by = {c.anchor: c for c in linjiang.clauses}
    assert (by["第一条"].parent_anchor, by["第一条"].level) == ("", 1)
    assert (by["第四条(二)"].parent_anchor, by["第四条(二)"].level) == ("第四条", 2)
    assert by["第四条(二)"].text == (
        "专题会议由召集人或者联席会议办公室根据需要提议召开，研究特定行业或者特定区域的职业健康问题。"
    )
    # Wrapped across a "- 2 -" page line.
    assert by["第五条"].text.endswith("提出议题的单位应当在会前5个工作日提交议题材料。")
    # "第十二条规定的程序办理。" at the start of a wrapped line cites an article, opens none.
    assert by["第十一条"].text.endswith("按照本规则第十二条规定的程序办理。")
    assert by["第十二条"].text.startswith("重大事项需经联席会议讨论")


def test_sections_and_articles_restarting_in_each_chapter_keep_anchors_unique():
    """第一节 in a chapter is 第二章第一节; articles numbered afresh per chapter are qualified."""
    text = "\n".join(
        [
            "示范市职业病防治联席会议规则",
            "第一章 总则",
            "第一条 本规则适用于联席会议。",
            "第二条 联席会议办公室设在市卫生健康委。",
            "第二章 会议",
            "第一节 全体会议",
            "第一条 全体会议每年召开一次。",
            "第二节 专题会议",
            "第二条 专题会议根据需要召开：",
            "（一）由有关成员单位提出；",
            "（二）报召集人同意。",
            "附件",
            "一、市卫生健康委",
            "负责联席会议日常工作。",
        ]
    )
    parsed = parse_rules(text.encode())
    assert [(c.anchor, c.parent_anchor, c.level) for c in parsed.clauses] == [
        ("第一章", "", 1),
        ("第一章第一条", "第一章", 2),
        ("第一章第二条", "第一章", 2),
        ("第二章", "", 1),
        ("第二章第一节", "第二章", 2),
        ("第二章第一条", "第二章第一节", 3),
        ("第二章第二节", "第二章", 2),
        ("第二章第二条", "第二章第二节", 3),
        ("第二章第二条(一)", "第二章第二条", 4),
        ("第二章第二条(二)", "第二章第二条", 4),
    ]
    assert parsed.clauses[4].heading == "全体会议"


def test_deep_items_in_an_article_keep_anchors_apart():
    """（1） under 1. under （一）: 第二条(一)1(1), which never reads as item 11 of 第二条(一)."""
    items = [f"{n}.第{n}项；" for n in range(1, 12)]
    text = "\n".join(
        [
            "示范县职业病防治联席会议工作制度",
            "第一条 为加强协调，制定本制度。",
            "第二条 联席会议的任务：",
            "（一）会议：",
            items[0],
            "（1）全体会议；",
            "（2）专题会议；",
            *items[1:],
            "（二）其他任务。",
            "附件",
            "一、县卫健局",
            "负责日常工作。",
        ]
    )
    anchors = [c.anchor for c in parse_rules(text.encode()).clauses]
    assert anchors[3:7] == ["第二条(一)1", "第二条(一)1(1)", "第二条(一)1(2)", "第二条(一)2"]
    assert "第二条(一)11" in anchors
    assert anchors[-1] == "第二条(二)"
    assert len(anchors) == len(set(anchors))


def test_articles_written_with_arabic_numbers_get_chinese_anchors():
    """第1条 and 第一条 are the same article: the anchor is always 第一条."""
    text = "\n".join(
        [
            "示范县职业病防治联席会议工作制度",
            "第1条 为加强协调，制定本制度。",
            "第2条：联席会议每年召开一次全体会议。",
            "第3条本制度自印发之日起施行。",
            "附件",
            "一、县卫健局",
            "（一）负责日常工作；",
            "（二）负责会议组织。",
        ]
    )
    parsed = parse_rules(text.encode())
    assert [c.anchor for c in parsed.clauses] == ["第一条", "第二条", "第三条"]
    assert parsed.clauses[0].text == "为加强协调，制定本制度。"
    assert parsed.clauses[1].text == "联席会议每年召开一次全体会议。"
    assert parsed.clauses[2].text == "本制度自印发之日起施行。"


# --- a district's .docx whose annex is a table ----------------------------------------------


def test_baisha_file_is_the_documented_build(baisha):
    """The .docx in tests/data is what baisha_blocks() builds (its source is readable here)."""
    built = parse_rules(build_docx(baisha_blocks()), filename="built.docx")
    assert built.to_json() == baisha.to_json()
    assert built.annex_title == baisha.annex_title


def test_table_annex_units_in_order_with_duties(baisha):
    """附件 as a table: 7 units from the rows, 24 duties; the header row is not a unit."""
    assert baisha.encoding == "docx"
    assert baisha.document_number == "白卫健发〔2025〕9号"
    assert baisha.issuer == "白沙区卫生健康局"
    assert baisha.title == "白沙区职业病防治工作联席会议工作规则"
    assert baisha.annex_title == "白沙区职业病防治工作联席会议成员单位职责分工"
    assert counts(baisha) == BAISHA_UNITS
    assert baisha.duty_count == 24


def test_table_annex_duties_in_all_the_shapes_of_a_cell(baisha):
    """附件: "1." paragraphs (11 of them), "（一）…（二）…" in one paragraph, one unnumbered
    duty, unnumbered paragraphs, a unit's name cell merged over two rows, a lead-in, a line
    break inside a duty."""
    assert texts(baisha, "区卫生健康局") == HEALTH_DUTIES
    assert labels(baisha, "区卫生健康局")[-2:] == ["10.", "11."]
    assert texts(baisha, "区发展和改革局") == [
        "将职业病防治纳入全区发展规划；",
        "支持职业健康服务能力建设项目。",
    ]
    assert labels(baisha, "区发展和改革局") == ["（一）", "（二）"]
    education = baisha.units[2].duties
    assert [(d.number, d.label, d.text) for d in education] == [
        (1, "", "负责将职业健康知识纳入学校健康教育内容。")
    ]
    # The name cell "区人力资源和\n社会保障局" wraps; its three paragraphs are three duties.
    hrss = baisha.units[3].duties
    assert [(d.number, d.label) for d in hrss] == [(1, ""), (2, ""), (3, "")]
    assert hrss[2].text == "组织实施工伤预防项目"
    # 区应急管理局 spans two rows (merged 序号 and name cells): its duties continue.
    assert labels(baisha, "区应急管理局") == ["1.", "2.", "3."]
    assert texts(baisha, "区应急管理局")[2] == "督促企业落实劳动防护用品配备。"
    assert texts(baisha, "区住房和城乡建设局") == [
        "督促建筑施工企业落实防尘降噪措施；",
        "将职业健康纳入文明工地考评。",
    ]
    assert texts(baisha, "区总工会")[0] == "组织开展职业健康群众监督；"


def test_table_annex_document_clauses_in_articles(baisha):
    """第三条(一) and 第三条(二) with headings, the line break inside 第三条(二) joined."""
    assert [c.anchor for c in baisha.clauses] == [
        "第一章",
        "第一条",
        "第二条",
        "第二章",
        "第三条",
        "第三条(一)",
        "第三条(二)",
        "第四条",
        "第三章",
        "第五条",
    ]
    by = {c.anchor: c for c in baisha.clauses}
    assert (by["第三条(二)"].heading, by["第三条(二)"].text) == (
        "专题会议",
        "根据工作需要召开，研究专项问题。",
    )


def test_table_without_header_with_a_title_row_and_a_second_table_continuing_it():
    """附件: a title row across the table, no header, the table split in two by a page break
    (the second repeats nothing), a unit written twice to continue it, "一、" numbered duties."""
    blocks: list[str | list[list[Cell]]] = [
        "示范区职业病防治联席会议工作规则",
        "一、总则",
        "本规则适用于示范区联席会议。",
        "附件",
        [
            ["示范区职业病防治联席会议成员单位职责", LEFT, LEFT],
            ["一", "区卫健局", ["一、负责职业病防治日常工作；", "二、组织职业健康检查。"]],
            ["二", "区人社局", "做好职业病人工伤保险待遇落实工作。"],
        ],
        "— 5 —",
        [
            ["二", "区人社局", "推进工伤预防工作。"],
            ["三", "区总工会", "开展职业健康群众监督。"],
        ],
    ]
    parsed = parse_rules(build_docx(blocks), filename="示范区.docx")
    assert parsed.annex_title == "示范区职业病防治联席会议成员单位职责"
    assert counts(parsed) == [("区卫健局", 2), ("区人社局", 2), ("区总工会", 1)]
    assert labels(parsed, "区卫健局") == ["一、", "二、"]
    assert texts(parsed, "区人社局") == ["做好职业病人工伤保险待遇落实工作。", "推进工伤预防工作。"]


def test_table_with_four_columns_and_a_repeated_header():
    """附件: columns 序号 | 单位名称 | 职责 | 备注; the header repeated after a page break."""
    header: list[Cell] = ["序号", "单位名称", "职责", "备注"]
    blocks: list[str | list[list[Cell]]] = [
        "示范县职业病防治联席会议工作制度",
        "第一条 本制度适用于示范县。",
        "附件",
        "示范县联席会议成员单位职责",
        [
            header,
            ["1", "县卫健局", "1.牵头日常工作；2.组织监督检查。", "办公室"],
            header,
            ["2", "县应急局", "参与事故应急救援。", None],
        ],
    ]
    parsed = parse_rules(build_docx(blocks), filename="x.docx")
    assert counts(parsed) == [("县卫健局", 2), ("县应急局", 1)]
    assert texts(parsed, "县卫健局") == ["牵头日常工作；", "组织监督检查。"]
    assert [c.anchor for c in parsed.clauses] == ["第一条"]


def test_table_outside_the_annex_is_text_and_a_text_annex_still_works():
    """A table in the rules body (a list of members) stays text; the annex in lines parses."""
    blocks: list[str | list[list[Cell]]] = [
        "示范市职业病防治联席会议工作规则",
        "一、组成",
        "联席会议成员如下表。",
        [["姓名", "单位", "职务"], ["张三", "市卫健委", "副主任"]],
        "二、工作要求",
        "各单位按时报送信息。",
        "附件",
        "一、市卫健委",
        "（一）牵头日常工作；",
        "（二）组织会议。",
    ]
    parsed = parse_rules(build_docx(blocks), filename="x.docx")
    assert counts(parsed) == [("市卫健委", 2)]
    assert [c.anchor for c in parsed.clauses] == ["一", "二"]


# --- bad input: a Chinese message and where -------------------------------------------------


def table_doc(rows: list[list[Cell]]) -> bytes:
    return build_docx(
        ["示范区职业病防治联席会议工作规则", "第一条 本规则适用于联席会议。", "附件", rows]
    )


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [
                ["序号", "成员单位", "主要职责"],
                ["1", "区卫健局", "1.甲；"],
                ["3", "区人社局", "乙。"],
            ],
            ["附件表格第 3 行", "序号“3”不连续", "区人社局", "第 2 个"],
        ),
        (
            [["序号", "成员单位", "主要职责"], ["1", "区卫健局", ["1.甲；", "3.丙。"]]],
            ["附件表格第 2 行", "区卫健局", "不连续", "应为“2.”"],
        ),
        (
            [
                ["序号", "成员单位", "主要职责"],
                ["1", "区卫健局", "甲。"],
                ["2", "区卫健局", "乙。"],
            ],
            ["附件表格第 3 行", "区卫健局", "重复", "附件表格第 2 行"],
        ),
        (
            [["序号", "成员单位", "主要职责"], ["1", "区卫健局", None]],
            ["附件表格第 2 行", "区卫健局", "没有列出任何职责"],
        ),
        (
            [["序号", "成员单位", "主要职责"], ["1", None, "负责日常工作。"]],
            ["附件表格第 2 行", "没有单位名称"],
        ),
        (
            [["序号", "成员单位", "主要职责"], ["1", "区卫健局", "甲。"], ["2", None, "乙。"]],
            ["附件表格第 3 行", "没有单位名称"],
        ),
        (
            [["序号", "成员单位", "主要职责"]],
            ["附件表格", "没有成员单位"],
        ),
        (
            [["序号", "成员单位", "主要职责"], ["1", "负责全区职业病防治，统筹协调", "甲。"]],
            ["附件表格第 2 行", "不像单位名称"],
        ),
    ],
    ids=[
        "row-number-gap",
        "duty-number-gap",
        "duplicate",
        "no-duties",
        "no-name",
        "no-name-numbered-row",
        "header-only",
        "not-a-name",
    ],
)
def test_bad_table_annex_is_refused_with_row_and_reason(rows, expected):
    with pytest.raises(RulesParseError) as info:
        parse_rules(table_doc(rows), filename="bad.docx")
    for part in expected:
        assert part in info.value.message


def test_annex_table_that_lists_no_duties_is_refused():
    """A table of names and phone numbers is not the annex of duties: the message says so."""
    rows: list[list[Cell]] = [
        ["单位", "姓名", "职务", "电话"],
        ["区卫健局", "张三", "科长", "12345"],
    ]
    with pytest.raises(RulesParseError) as info:
        parse_rules(table_doc(rows), filename="x.docx")
    assert "没有找到编号的成员单位" in info.value.message
    assert "“成员单位”和“职责”两栏" in info.value.message


def test_article_document_without_annex_or_clauses_is_refused():
    """Cut inside 第五条: no annex; a 制度 without articles: no clauses."""
    cut = "\n".join(LINJIANG.read_bytes().decode("gbk").split("\r\n")[:25]).encode("gbk")
    with pytest.raises(RulesParseError) as info:
        parse_rules(cut)
    assert "没有找到附件" in info.value.message
    assert "共 25 行" in info.value.message
    assert "GB18030/GBK" in info.value.message
    no_articles = (
        "示范县职业病防治联席会议工作制度\n本制度适用于示范县。\n附件\n一、县卫健局\n负责。\n"
    )
    with pytest.raises(RulesParseError) as info:
        parse_rules(no_articles.encode())
    assert "没有找到规则条款" in info.value.message
    assert "第一条" in info.value.message


def test_annex_duty_gap_in_an_article_document_names_the_line():
    text = SONGLING.read_text(encoding="utf-8").replace(
        "（三）依法查处用人单位", "（四）依法查处用人单位"
    )
    with pytest.raises(RulesParseError) as info:
        parse_rules(text.encode())
    line = next(
        n for n, t in enumerate(text.split("\n"), start=1) if t.startswith("（四）依法查处用人单位")
    )
    assert f"第 {line} 行" in info.value.message
    assert "县人力资源和社会保障局" in info.value.message
    assert "不连续" in info.value.message


def test_seed_is_unchanged():
    """附件: the seed still gives 15 units, 50 duties and its 28 section-style clauses."""
    parsed = parse_rules(SEED.read_bytes())
    assert counts(parsed) == SEED_UNITS
    assert parsed.duty_count == 50
    assert len(parsed.clauses) == 28
    assert parsed.clauses[13].anchor == "三(一)1"


# --- through the command and the real write -------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_rules", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "units", "duties", "clauses"),
    [(SONGLING, 10, 29, 41), (LINJIANG, 9, 16, 18), (BAISHA, 7, 24, 10)],
    ids=["songling", "linjiang", "baisha"],
)
def test_command_dry_run_json_writes_nothing(path, units, duties, clauses):
    """附件: `import_rules PATH --dry-run --format json` prints units, duties and anchors."""
    data = json.loads(run(str(path), "--dry-run", "--format", "json"))
    assert len(data["units"]) == units
    assert sum(len(u["duties"]) for u in data["units"]) == duties
    assert len(data["clauses"]) == clauses
    assert data == parse_rules(path.read_bytes(), filename=path.name).to_json()
    assert Unit.objects.count() == 0
    assert RulesDocument.objects.count() == 0


@pytest.mark.django_db
def test_command_imports_articles_and_reimport_updates_in_place(tmp_path):
    """附件; 四(一): the county's rules are written with their anchors; a revised file closes
    the changed duty and keeps the others; the same file again changes nothing."""
    output = run(str(SONGLING))
    assert output.startswith("已导入：songling-county-articles.txt")
    assert "条款 41 条，成员单位 10 个，职责 29 项" in output
    mechanism = Mechanism.objects.get(name="松岭县职业病防治工作联席会议")
    document = RulesDocument.objects.get(mechanism=mechanism)
    anchors = list(Clause.objects.filter(document=document).values_list("anchor", flat=True))
    assert anchors[:3] == ["第一章", "第一条", "第二条"]
    assert "第十一条(二)1" in anchors
    clause = Clause.objects.get(document=document, anchor="第五条(一)")
    assert (clause.parent_anchor, clause.level) == ("第五条", 3)
    units = list(Unit.objects.filter(mechanism=mechanism, kind="member").order_by("order"))
    assert [(u.name, u.duties.count()) for u in units] == [
        (name, n) for name, n in counts(parse_rules(SONGLING.read_bytes()))
    ]
    # The issuer (the county government's office) is no unit of the annex: the first unit is
    # the joint meeting's office.
    assert [u.name for u in units if u.is_secretariat] == ["县卫生健康局"]
    first_ids = set(Duty.objects.filter(unit__mechanism=mechanism).values_list("id", flat=True))

    revised = tmp_path / "songling-2025.txt"
    revised.write_text(
        SONGLING.read_text(encoding="utf-8")
        .replace("（二）加强职业病防治资金的监督管理。", "（二）加强职业病防治资金的绩效管理。")
        .replace(
            "第二十二条　本制度由联席会议办公室负责解释。",
            "第二十二条　本制度由县卫生健康局负责解释。",
        ),
        encoding="utf-8",
    )
    preview = run(str(revised), "--dry-run")
    assert "新增单位 0 个，新增职责 0 项，修改职责 1 项，删除职责 0 项" in preview
    run(str(revised))
    finance = Unit.objects.get(mechanism=mechanism, name="县财政局")
    current = finance.duties.filter(valid_to__isnull=True).order_by("number")
    assert [d.text for d in current][-1] == "加强职业病防治资金的绩效管理。"
    assert finance.duties.exclude(valid_to__isnull=True).get().text.endswith("监督管理。")
    kept = set(Duty.objects.filter(unit__mechanism=mechanism).values_list("id", flat=True))
    assert first_ids <= kept  # nothing deleted: the old row is closed, the others untouched
    assert Duty.objects.filter(unit__mechanism=mechanism, valid_to__isnull=True).count() == 29
    newest = RulesDocument.objects.filter(mechanism=mechanism).latest("id")
    assert newest.clauses.get(anchor="第二十二条").text == "本制度由县卫生健康局负责解释。"
    assert "没有需要更新的内容" in run(str(revised))
    assert AuditEvent.objects.filter(action="rules.import").count() == 2


@pytest.mark.django_db
def test_command_imports_the_table_docx_and_again_changes_nothing():
    """附件: the .docx table becomes units with duties; the same file again is a no-op."""
    output = run(str(BAISHA))
    assert "条款 10 条，成员单位 7 个，职责 24 项" in output
    mechanism = Mechanism.objects.get(name="白沙区职业病防治工作联席会议")
    units = Unit.objects.filter(mechanism=mechanism, kind="member").order_by("order")
    assert [(u.name, u.duties.count()) for u in units] == BAISHA_UNITS
    assert units[0].is_secretariat  # 区卫生健康局 issued the rules
    assert list(units[4].duties.order_by("number").values_list("label", flat=True)) == [
        "1.",
        "2.",
        "3.",
    ]
    assert "没有需要更新的内容" in run(str(BAISHA))


@pytest.mark.django_db
def test_command_refuses_a_bad_table_with_its_row(tmp_path):
    path = tmp_path / "bad.docx"
    path.write_bytes(
        table_doc([["序号", "成员单位", "主要职责"], ["1", "区卫健局", ["1.甲；", "3.丙。"]]])
    )
    with pytest.raises(CommandError) as info:
        run(str(path))
    assert str(info.value).startswith("bad.docx：附件表格第 2 行")
    assert Unit.objects.count() == 0


# --- the upload page ------------------------------------------------------------------------

URL = "/units/rules/import/"


@pytest.fixture
def baisha_clerk(db):
    """The secretariat of Baisha district's joint meeting, opened before its annex is imported."""
    from django.contrib.auth import get_user_model

    from lianxi.conftest import PASSWORD
    from lianxi.organization.models import Membership

    mechanism = Mechanism.objects.create(name="白沙区职业病防治工作联席会议")
    unit = Unit.objects.create(mechanism=mechanism, name="区卫生健康委", is_secretariat=True)
    user = get_user_model().objects.create_user(username="baisha", password=PASSWORD)
    Membership.objects.create(user=user, unit=unit, role=Membership.Role.SECRETARIAT)
    return user


@pytest.mark.django_db
def test_upload_page_previews_and_imports_the_table_docx(login, baisha_clerk, settings, tmp_path):
    """附件; 四(一): the secretariat uploads the .docx with the table annex, sees the units and
    their duties before anything is written, then confirms."""
    settings.DATA_DIR = tmp_path
    client = login(baisha_clerk)
    file = SimpleUploadedFile(BAISHA.name, BAISHA.read_bytes())
    response = client.post(URL, {"file": file})
    assert response.status_code == 200
    page = response.content.decode()
    assert "预览：白沙区职业病防治工作联席会议工作规则" in page
    assert "白卫健发〔2025〕9号" in page
    assert 'id="parsed-clauses">10<' in page
    assert 'id="parsed-units">7<' in page
    assert 'id="parsed-duties">24<' in page
    assert "区人力资源和社会保障局" in page
    assert "督促企业落实劳动防护用品配备。" in page
    mechanism = Mechanism.objects.get(name="白沙区职业病防治工作联席会议")
    assert not Duty.objects.filter(unit__mechanism=mechanism).exists()

    token = client.session[SESSION_KEY]["token"]
    response = client.post(URL, {"token": token, "action": "confirm"})
    assert response.status_code == 302
    assert Duty.objects.filter(unit__mechanism=mechanism).count() == 24
    assert RulesDocument.objects.get(mechanism=mechanism).source_name == BAISHA.name


def test_a_secretariat_cannot_open_another_joint_meeting_by_importing_its_rules(
    login, clerk, settings, tmp_path
):
    """四(六); tenancy: Xinyang's secretariat uploading Baisha's rules is refused in Chinese and
    nothing is written — opening another joint meeting is the platform operator's."""
    settings.DATA_DIR = tmp_path
    client = login(clerk)
    before = (Mechanism.objects.count(), Unit.objects.count(), Duty.objects.count())
    file = SimpleUploadedFile(BAISHA.name, BAISHA.read_bytes())
    response = client.post(URL, {"file": file})
    assert response.status_code == 200
    assert "不是本联席会议" in response.content.decode()
    assert (Mechanism.objects.count(), Unit.objects.count(), Duty.objects.count()) == before


def test_a_duplicate_anchor_is_refused_not_written(monkeypatch):
    """Anchors are unique by construction; should a numbering ever slip through twice, the
    import is refused in Chinese instead of failing on the database's unique constraint."""
    from lianxi.organization import importer

    real = importer._parse_clauses
    monkeypatch.setattr(importer, "_parse_clauses", lambda lines: real(lines) * 2)
    with pytest.raises(RulesParseError) as info:
        parse_rules(LINJIANG.read_bytes())
    assert "条款编号“第一条”重复" in info.value.message
