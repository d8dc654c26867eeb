"""The rules importer's parser (annex; 四(一)): the seed exactly, other documents, bad input."""

import io
from pathlib import Path

import pytest

from lianxi.core.numbering import chinese_numeral
from lianxi.organization.importer import (
    ParsedRules,
    RulesParseError,
    cn_to_int,
    parse_rules,
)

DATA = Path(__file__).parent / "data"
SEED = Path(__file__).parents[1] / "rules" / "xinyang-2023.txt"

SEED_UNITS = [
    ("市卫生健康委", 12),
    ("市发展改革委", 4),
    ("市教育体育局", 4),
    ("市科技局", 1),
    ("市工业和信息化局", 1),
    ("市民政局", 1),
    ("市财政局", 2),
    ("市人力资源和社会保障局", 8),
    ("市生态环境局", 3),
    ("市住房和城乡建设局", 1),
    ("市应急管理局", 1),
    ("市市场监督管理局", 2),
    ("市医保局", 1),
    ("市总工会", 8),
    ("市委宣传部", 1),
]


def make_docx(lines: list[str]) -> bytes:
    """A .docx with one paragraph per line; "\\n" inside a line becomes a line break and
    "\\f" a page break inside the paragraph, as Word writes them."""
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    for line in lines:
        paragraph = document.add_paragraph()
        for i, piece in enumerate(line.split("\f")):
            if i:
                paragraph.add_run().add_break(WD_BREAK.PAGE)
            for j, part in enumerate(piece.split("\n")):
                run = paragraph.add_run(part)
                if j < len(piece.split("\n")) - 1:
                    run.add_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def seed() -> ParsedRules:
    return parse_rules(SEED.read_bytes(), filename=SEED.name)


# --- the seed ------------------------------------------------------------------------------


def test_seed_header_document_number_issuer_title():
    """The issuing notice: 信卫职健〔2023〕5号 by 信阳市卫生健康委员会; the title split by a space.

    附件 and 四(一) build on this title: the mechanism's name comes from it.
    """
    parsed = parse_rules(SEED.read_bytes())
    assert parsed.document_number == "信卫职健〔2023〕5号"
    assert parsed.issuer == "信阳市卫生健康委员会"
    assert parsed.title == "信阳市职业病防治工作部门间联席会议制度工作规则"
    assert parsed.mechanism_name == "信阳市职业病防治工作部门间联席会议"
    assert parsed.annex_title == "信阳市职业病防治工作部门间联席会议成员单位职责分工"
    assert parsed.encoding == "utf-8"


def test_seed_annex_has_15_units_in_order_with_50_duties(seed):
    """附件: exactly 15 member units in the annex's order, 50 numbered duties."""
    assert [(u.name, len(u.duties)) for u in seed.units] == SEED_UNITS
    assert seed.duty_count == 50
    for unit in seed.units:
        assert [d.number for d in unit.duties] == list(range(1, len(unit.duties) + 1))


def test_seed_annex_duty_wrapped_across_blank_line_and_page_is_one_text(seed):
    """附件 一(十一): the 市卫生健康委 duty that wraps across a blank line is joined whole."""
    health = seed.units[0]
    eleventh = health.duties[10]
    assert eleventh.number == 11
    assert eleventh.label == "（十一）"
    assert eleventh.text.startswith("负责放射卫生监督管理工作")
    assert eleventh.text.endswith("医疗应急；")
    assert "指导放射诊疗许可、放射卫生技术服务机构资质认定和管理工作。" in eleventh.text
    assert "\n" not in eleventh.text
    assert health.duties[11].text == "组织开展职业健康宣教、培训、科研。"


def test_seed_annex_bullets_half_width_and_unspaced_numbers(seed):
    """附件: "- (一)" bullets dropped; "(十一)" half-width mixed with "（三）"; "(四)负责"."""
    assert seed.units[0].duties[0].text == "协调开展职业病防治工作；"
    education = seed.units[2]
    assert education.duties[2].text == (
        "负责全市基础教育系统职业健康监管工作。监督、指导各类学校(含幼儿园、技工学校、"
        "职业培训院校、普通高校除外)的职业健康监管工作;"
    )
    assert education.duties[3].text.startswith("负责会同有关部门对教学所用的辐射材料")
    ecology = seed.units[8]
    assert (
        ecology.duties[1].text
        == "将与放射性污染防治有关的职业病防治工作列入全市核安全与放射性污染防治规划；"
    )
    assert ecology.duties[2].label == "（三）"


def test_seed_annex_single_unnumbered_duty_has_number_1_and_no_label(seed):
    """附件 四、十五: a unit with one unnumbered duty, wrapped over a blank line (市委宣传部)."""
    science = seed.units[3]
    assert [(d.number, d.label) for d in science.duties] == [(1, "")]
    publicity = seed.units[14].duties[0]
    assert publicity.text.startswith(
        "配合做好职业健康教育和健康促进、《职业病防治法》宣传周、“安康杯”"
    )
    assert publicity.text.endswith("在全社会营造关心关注职业健康的氛围。")


def test_seed_clauses_have_stable_anchors(seed):
    """三(一)1, 三(四)3, 四(一) … 四(六): every clause of the rules with its anchor."""
    anchors = [c.anchor for c in seed.clauses]
    assert anchors == [
        "一", "一(一)", "一(二)",
        "二", "二(一)", "二(二)", "二(三)", "二(四)", "二(五)", "二(六)", "二(七)",
        "三", "三(一)", "三(一)1", "三(一)2", "三(二)", "三(三)", "三(四)",
        "三(四)1", "三(四)2", "三(四)3",
        "四", "四(一)", "四(二)", "四(三)", "四(四)", "四(五)", "四(六)",
    ]  # fmt: skip
    by_anchor = {c.anchor: c for c in seed.clauses}
    assert by_anchor["三"].heading == "工作机制"
    assert by_anchor["三(一)"].heading == "工作会议"
    assert by_anchor["三(一)1"].heading == "全体会议"
    assert by_anchor["三(一)1"].parent_anchor == "三(一)"
    assert by_anchor["三(一)1"].level == 3
    assert "抄报市政府（办公室）" in by_anchor["三(一)1"].text
    assert by_anchor["四(三)"].text.startswith("联席会议各成员单位每年1月15日前")
    assert by_anchor["四(一)"].parent_anchor == "四"
    # 三(四)3 wraps across a blank line: joined, not split into paragraphs.
    assert "共同提高全市职业病防治能力和水平。" in by_anchor["三(四)3"].text
    # The attachment note (附件：…职责分工) ends the rules, it is not part of 四(六).
    assert by_anchor["四(六)"].text.endswith("由市卫生健康委代章。")


def test_seed_to_json_shape(seed):
    """附件: the JSON the command prints."""
    data = seed.to_json()
    assert list(data) == ["document_number", "issuer", "title", "clauses", "units", "settings"]
    assert data["units"][0]["name"] == "市卫生健康委"
    assert data["units"][0]["duties"][0] == {"number": 1, "text": "协调开展职业病防治工作；"}
    assert set(data["clauses"][0]) == {"anchor", "parent_anchor", "heading", "text", "level"}


def test_seed_in_gb18030_and_docx_parses_the_same(seed):
    """附件: the same rules saved as GB18030 or as .docx give the same units and duties."""
    text = SEED.read_text(encoding="utf-8")
    from_gbk = parse_rules(text.encode("gb18030"))
    assert from_gbk.encoding == "gb18030"
    assert from_gbk.to_json() == seed.to_json()
    from_docx = parse_rules(make_docx(text.split("\n")), filename="rules.docx")
    assert from_docx.encoding == "docx"
    assert from_docx.to_json() == seed.to_json()
    with_bom_crlf = parse_rules(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    assert with_bom_crlf.to_json() == seed.to_json()
    assert with_bom_crlf.sha256 == seed.sha256


# --- other documents of the genre ----------------------------------------------------------


def test_county_document_with_1dot_numbering_page_numbers_and_eleven_duties():
    """附件: a county (青溪县), 8 units, "1." duties, 11 duties, "— 3 —" / "-3-" page lines."""
    parsed = parse_rules((DATA / "qingxi-county.txt").read_bytes())
    assert parsed.document_number == "青卫健〔2024〕12号"  # written as [2024] in the file
    assert parsed.issuer == "青溪县卫生健康委员会"
    assert parsed.title == "青溪县职业病防治工作联席会议制度"
    assert parsed.mechanism_name == "青溪县职业病防治工作联席会议"
    assert [(u.name, len(u.duties)) for u in parsed.units] == [
        ("县卫健委", 11),
        ("县发改委", 2),
        ("县教育局", 1),
        ("县财政局", 2),
        ("县人社局", 3),
        ("县应急管理局", 2),
        ("县市场监管局", 1),
        ("县总工会", 3),
    ]
    health = parsed.units[0].duties
    assert [d.label for d in health][-2:] == ["10.", "11."]
    assert health[3].text == "组织开展用人单位职业卫生监督检查，依法查处违法行为；"
    assert health[6].text == "组织开展尘肺病等重点职业病防治攻坚行动；"  # "-3-" follows it
    assert health[7].text == "指导乡镇卫生院开展职业健康宣传；"
    education = parsed.units[2].duties
    assert education[0].text == "将职业健康知识纳入中小学健康教育内容，负责学校职业健康监管工作。"
    # The imprint (抄送 … 印发) after the last duty is not part of it.
    assert parsed.units[-1].duties[-1].text == "参与职业病危害事故调查处理。"
    anchors = [c.anchor for c in parsed.clauses]
    assert anchors == [
        "一",
        "二",
        "二(一)",
        "二(二)",
        "三",
        "三(一)",
        "三(一)1",
        "三(一)2",
        "三(二)",
        "四",
    ]
    by_anchor = {c.anchor: c for c in parsed.clauses}
    assert (
        by_anchor["三(二)"].text
        == "各成员单位每半年向联席会议办公室报送一次工作进展情况，重大情况随时报送。"
    )


def test_city_document_in_gb18030_without_bare_annex_line():
    """附件: another city (南川市) in GB18030; "附件：…" heads the annex; "(一)"/"1、" mixed."""
    raw = (DATA / "nanchuan-city-gb18030.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    parsed = parse_rules(raw)
    assert parsed.encoding == "gb18030"
    assert parsed.document_number == "南卫〔2022〕30号"
    assert parsed.issuer == "南川市卫生健康委员会"
    assert parsed.title == "南川市职业病防治工作部门间联席会议工作规则"
    assert parsed.annex_title == "南川市职业病防治工作部门间联席会议成员单位职责分工"
    assert len(parsed.units) == 12
    assert parsed.duty_count == 25
    names = [u.name for u in parsed.units]
    assert names[:5] == ["市卫生健康委", "市发展改革委", "市科技局", "市教育局", "市公安局"]
    by_name = {u.name: u for u in parsed.units}
    # "三、市科技局：支持…" — the duty on the heading line.
    assert [d.text for d in by_name["市科技局"].duties] == [
        "支持职业病防治关键技术研究，将相关项目纳入科技计划。"
    ]
    assert [d.label for d in by_name["市教育局"].duties] == ["1.", "2."]
    assert by_name["市公安局"].duties[0].text.endswith("配合做好职业病危害事故现场处置工作。")
    # A form feed (page break) inside a duty.
    assert by_name["市应急管理局"].duties[0].text == "加强安全生产监管，督促企业改善作业环境；"
    assert [c.anchor for c in parsed.clauses][-4:] == ["三(一)1", "三(一)2", "三(二)", "四"]


DISTRICT = [
    "东湖区卫生健康委员会文件",
    "东卫〔2025〕7号",
    "东湖区卫生健康委员会关于印发东湖区职业病防治联席会议议事规则的通知",
    "各成员单位：现将议事规则印发给你们，请遵照执行。",
    "东湖区职业病防治联席会议议事规则",
    "一、会议组成",
    "联席会议由区政府分管领导召集，成员由各成员单位分管负责同志组成。",
    "二、议事方式",
    "（一）全体会议",
    "（1）每年召开一次全体会议。",
    "（2）会议纪要由区卫生健康委起草。",
    "（二）专题会议\n根据需要召开。",
    "附件",
    "东湖区职业病防治联席会议成员单位职责",
    "一、区卫生健康委",
    *[f"（{chinese_numeral(n)}）区卫生健康委的第{n}项职责；" for n in range(1, 10)],
    "（十）负责职业病危害\n因素监测；",
    "（十一）负责职业健康\f检查机构监管；",
    "— 2 —",
    "（十二）承担联席会议办公室日常工作。",
    "二、区人力资源社会保障局",
    "（1）推进工伤保险扩面；",
    "（2）保障职业病人待遇。",
    "三、区应急管理局",
    "负责工矿商贸企业安全生产监管。",
    "四、区住房城乡建设局",
    "① 负责建筑施工领域职业健康监管；",
    "② 督促施工企业落实防护措施。",
    "五、区总工会",
    "（一）开展职业健康维权；",
    "（二）参与事故调查。",
]


def test_district_document_as_docx_with_twelve_duties_and_page_breaks():
    """附件: a district (.docx) with (十一)(十二), "（1）" and "①" numbering, page breaks."""
    parsed = parse_rules(make_docx(DISTRICT), filename="东湖区.docx")
    assert parsed.encoding == "docx"
    assert parsed.document_number == "东卫〔2025〕7号"
    assert parsed.issuer == "东湖区卫生健康委员会"
    assert parsed.title == "东湖区职业病防治联席会议议事规则"
    assert parsed.mechanism_name == "东湖区职业病防治联席会议"
    assert [(u.name, len(u.duties)) for u in parsed.units] == [
        ("区卫生健康委", 12),
        ("区人力资源社会保障局", 2),
        ("区应急管理局", 1),
        ("区住房城乡建设局", 2),
        ("区总工会", 2),
    ]
    health = parsed.units[0].duties
    assert health[9].text == "负责职业病危害因素监测；"
    assert health[10].text == "负责职业健康检查机构监管；"
    assert health[11].label == "（十二）"
    assert [d.label for d in parsed.units[1].duties] == ["（1）", "（2）"]
    assert [d.label for d in parsed.units[3].duties] == ["①", "②"]
    assert [c.anchor for c in parsed.clauses] == [
        "一",
        "二",
        "二(一)",
        "二(一)1",
        "二(一)2",
        "二(二)",
    ]
    assert parsed.clauses[-1].heading == "专题会议"
    assert parsed.clauses[-1].text == "根据需要召开。"


def test_numbering_variants_1_dot_1_comma_and_fullwidth_digits():
    """附件: "1、" and "１．" number duties like "1."."""
    text = "\n".join(
        [
            "示范县职业病防治联席会议工作规则",
            "一、总则",
            "本规则适用于联席会议。",
            "附件",
            "一、县卫健委",
            "1、第一项；",
            "2、第二项；",
            "二、县总工会",
            "１．甲项；",
            "２．乙项。",
        ]
    )
    parsed = parse_rules(text.encode())
    assert [[d.text for d in u.duties] for u in parsed.units] == [
        ["第一项；", "第二项；"],
        ["甲项；", "乙项。"],
    ]
    assert parsed.document_number == ""
    assert parsed.issuer == ""


def test_chinese_numerals_round_trip():
    for n in [1, 9, 10, 11, 12, 19, 20, 21, 99, 100, 105, 110]:
        assert cn_to_int(chinese_numeral(n)) == n
    assert cn_to_int("十一") == 11
    assert chinese_numeral(12) == "十二"


# --- bad input ----------------------------------------------------------------------------


def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").split("\n")


def cut_seed(last_line: int) -> bytes:
    return "\n".join(seed_lines()[:last_line]).encode()


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"", "", ["文件是空的"]),
        (b"  \r\n\n\t\n", "", ["文件是空的"]),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "photo.png", ["不是文本", "二进制"]),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "rules.doc", ["旧版 Word", ".docx"]),
        (b"PK\x03\x04 this is no docx", "rules.docx", [".docx", "损坏"]),
        ("一、总则\n".encode() + b"\xff\xfe\xff abc\n", "", ["无法识别文件编码", "第 2 行"]),
        (b"a" * (5 * 1024 * 1024 + 1), "", ["文件太大"]),
    ],
    ids=["empty", "blank", "binary", "old-doc", "corrupt-docx", "undecodable", "too-large"],
)
def test_bad_files_are_refused_with_a_chinese_message(data, filename, expected):
    with pytest.raises(RulesParseError) as info:
        parse_rules(data, filename=filename)
    for part in expected:
        assert part in info.value.message


def test_wrong_encoding_big5_is_refused_as_garbled():
    big5 = (DATA / "qingxi-county.txt").read_text(encoding="utf-8-sig").encode("big5", "replace")
    with pytest.raises(RulesParseError) as info:
        parse_rules(big5)
    assert "编码无法识别" in info.value.message
    assert "第 1 行" in info.value.message


def test_truncated_mid_character_says_so():
    data = SEED.read_bytes().rstrip()
    with pytest.raises(RulesParseError) as info:
        parse_rules(data[:-1])
    assert "末尾被截断" in info.value.message
    assert "第 220 行" in info.value.message


def test_truncated_before_the_annex():
    """附件 missing: the text stops inside 三、工作机制."""
    with pytest.raises(RulesParseError) as info:
        parse_rules(cut_seed(60))
    assert "没有找到附件" in info.value.message
    assert "共 59 行" in info.value.message


def test_truncated_right_after_the_annex_line():
    """附件: the bare "附件" line (line 88) and nothing after it."""
    with pytest.raises(RulesParseError) as info:
        parse_rules(cut_seed(88))
    assert "第 88 行" in info.value.message
    assert "截断" in info.value.message


def test_truncated_annex_unit_without_duties():
    """附件 十五: the heading of 市委宣传部 and then nothing."""
    with pytest.raises(RulesParseError) as info:
        parse_rules(cut_seed(216))
    assert "第 216 行" in info.value.message
    assert "市委宣传部" in info.value.message
    assert "没有列出任何职责" in info.value.message


def test_annex_without_numbered_units():
    text = "\n".join(seed_lines()[:91]) + "\n各单位按照各自职责做好工作。\n"
    with pytest.raises(RulesParseError) as info:
        parse_rules(text.encode())
    assert "没有找到编号的成员单位" in info.value.message


def test_duty_numbers_out_of_sequence_name_the_unit_and_line():
    text = SEED.read_text(encoding="utf-8").replace("- (三) 拟订职业卫生", "- (四) 拟订职业卫生")
    with pytest.raises(RulesParseError) as info:
        parse_rules(text.encode())
    message = info.value.message
    assert "第 96 行" in message
    assert "市卫生健康委" in message
    assert "不连续" in message


def test_duplicate_unit_is_refused():
    text = SEED.read_text(encoding="utf-8").replace("十五、市委宣传部", "十五、市科技局")
    with pytest.raises(RulesParseError) as info:
        parse_rules(text.encode())
    assert "市科技局" in info.value.message
    assert "重复" in info.value.message
    assert "第 216 行" in info.value.message


@pytest.mark.parametrize(
    "text",
    [
        "今天天气很好，我们去公园散步。\n公园里有很多人在锻炼身体。\n",
        "关于召开全市安全生产工作会议的通知\n各单位：\n定于下周一召开会议。\n附件：参会回执\n姓名、单位、电话。\n",
    ],
    ids=["prose", "meeting-notice"],
)
def test_text_that_is_not_rules_is_refused(text):
    with pytest.raises(RulesParseError) as info:
        parse_rules(text.encode())
    assert "不是联席会议工作规则" in info.value.message or "没有找到" in info.value.message
