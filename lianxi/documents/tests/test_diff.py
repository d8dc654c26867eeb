"""The comparison of two versions of a document's body (三(二) 政策会商: units draft a policy
together, and each sees what the others changed in a version)."""

import itertools
import random

from lianxi.documents.diff import (
    ParagraphChange,
    Piece,
    diff_summary,
    paragraph_diff,
    word_pieces,
    words,
)

PLAN = [
    "为贯彻落实《职业病防治法》，推动用人单位落实职业病防治主体责任，制定本方案。",
    "一、工作目标",
    "到2025年底，重点行业用人单位职业病危害项目申报率达到95%以上。",
    "二、重点任务",
    "（一）开展职业病危害专项治理。各成员单位按照职责分工，联合开展专项治理。",
    "1.摸清底数。",
    "（1）每季度报送一次进展情况。",
    "三、保障措施",
    "各单位要加强组织领导，明确责任分工，确保各项任务落到实处。",
]


def rebuilt(pieces: list[Piece], side: str) -> str:
    """The paragraph of one side, from the pieces: what a reader of that version sees."""
    hidden = "added" if side == "old" else "removed"
    return "".join(p.text for p in pieces if p.op != hidden)


def assert_covers(changes: list[ParagraphChange], old: list[str], new: list[str]) -> None:
    """Every paragraph of both versions appears once, in order, with its own text."""
    olds = [c.old_index for c in changes if c.old_index is not None]
    news = [c.new_index for c in changes if c.new_index is not None]
    assert olds == list(range(len(old)))
    assert news == list(range(len(new)))
    for change in changes:
        if change.old_index is not None:
            assert change.old == old[change.old_index]
            assert rebuilt(change.pieces, "old") == change.old
        if change.new_index is not None:
            assert change.new == new[change.new_index]
            assert rebuilt(change.pieces, "new") == change.new
        ops = [p.op for p in change.pieces]
        assert all(a != b for a, b in itertools.pairwise(ops)), change.pieces


def test_same_versions_have_no_change_三二() -> None:
    changes = paragraph_diff(PLAN, list(PLAN))
    assert [c.op for c in changes] == ["same"] * len(PLAN)
    assert [(c.old_index, c.new_index) for c in changes] == [(i, i) for i in range(len(PLAN))]
    assert changes[1].pieces == [Piece("一、工作目标", "same")]
    assert diff_summary(changes) == {"added": 0, "removed": 0, "changed": 0}


def test_a_changed_paragraph_marks_the_words_三二() -> None:
    """人社局 raises the target: the paragraph is changed, and only the figures are marked."""
    new = list(PLAN)
    new[2] = "到2026年底，重点行业用人单位职业病危害项目申报率达到98%以上。"
    changes = paragraph_diff(PLAN, new)
    assert [c.op for c in changes].count("changed") == 1
    changed = changes[2]
    assert (changed.op, changed.old_index, changed.new_index) == ("changed", 2, 2)
    assert changed.pieces == [
        Piece("到", "same"),
        Piece("2025", "removed"),
        Piece("2026", "added"),
        Piece("年底，重点行业用人单位职业病危害项目申报率达到", "same"),
        Piece("95%", "removed"),
        Piece("98%", "added"),
        Piece("以上。", "same"),
    ]
    assert diff_summary(changes) == {"added": 0, "removed": 0, "changed": 1}


def test_words_are_marked_whole_not_character_by_character() -> None:
    """专项治理 → 联合执法: the two words replaced, not the characters they happen to share; a
    domain word (职业病危害) is one word."""
    pieces = word_pieces(
        "各成员单位联合开展职业病危害专项治理。", "各成员单位联合开展职业病危害联合执法。"
    )
    assert pieces == [
        Piece("各成员单位联合开展职业病危害", "same"),
        Piece("专项治理", "removed"),
        Piece("联合执法", "added"),
        Piece("。", "same"),
    ]
    assert "职业病危害" in words("开展职业病危害专项治理")


def test_an_inserted_paragraph_is_added_where_it_stands() -> None:
    new = [*PLAN[:4], "（一）加强组织领导。成立专项治理工作专班。", *PLAN[4:]]
    changes = paragraph_diff(PLAN, new)
    assert [c.op for c in changes] == ["same"] * 4 + ["added"] + ["same"] * 5
    added = changes[4]
    assert (added.old_index, added.new_index, added.old) == (None, 4, "")
    assert added.pieces == [Piece("（一）加强组织领导。成立专项治理工作专班。", "added")]
    assert changes[5].old_index == 4 and changes[5].new_index == 5
    assert_covers(changes, PLAN, new)


def test_a_deleted_paragraph_is_removed_where_it_stood() -> None:
    new = PLAN[:5] + PLAN[7:]
    changes = paragraph_diff(PLAN, new)
    removed = [c for c in changes if c.op == "removed"]
    assert [(c.old_index, c.new_index, c.new) for c in removed] == [(5, None, ""), (6, None, "")]
    assert removed[0].pieces == [Piece("1.摸清底数。", "removed")]
    assert diff_summary(changes) == {"added": 0, "removed": 2, "changed": 0}
    assert_covers(changes, PLAN, new)


def test_a_rewritten_paragraph_is_removed_and_added_not_changed() -> None:
    """Below half alike, a replaced paragraph is another paragraph: removed, then added."""
    new = list(PLAN)
    new[8] = "本方案自印发之日起施行，由市卫生健康委负责解释。"
    changes = paragraph_diff(PLAN, new)
    assert [(c.op, c.old_index, c.new_index) for c in changes[8:]] == [
        ("removed", 8, None),
        ("added", None, 8),
    ]


def test_a_replaced_run_pairs_the_paragraphs_that_are_alike() -> None:
    """Three paragraphs replaced by three others: the middle new one is new, the two around it
    are the old first and last, edited; the old middle one went."""
    old = [
        "一、工作目标",
        "各成员单位要按照职责分工，开展职业病危害专项治理。",
        "每季度报送一次进展情况。",
        "市卫生健康委负责汇总各单位工作情况并通报。",
        "三、保障措施",
    ]
    new = [
        "一、工作目标",
        "各成员单位要按照职责分工，联合开展职业病危害专项治理。",
        "建立重点行业用人单位台账，实行动态管理。",
        "市卫生健康委负责汇总各成员单位工作情况并定期通报。",
        "三、保障措施",
    ]
    changes = paragraph_diff(old, new)
    assert [(c.op, c.old_index, c.new_index) for c in changes] == [
        ("same", 0, 0),
        ("changed", 1, 1),
        ("removed", 2, None),
        ("added", None, 2),
        ("changed", 3, 3),
        ("same", 4, 4),
    ]
    assert [p for p in changes[1].pieces if p.op != "same"] == [Piece("联合", "added")]
    assert_covers(changes, old, new)


def test_a_heading_renamed_is_a_changed_paragraph() -> None:
    new = list(PLAN)
    new[3] = "二、主要任务"
    change = paragraph_diff(PLAN, new)[3]
    assert change.op == "changed"
    assert change.pieces == [
        Piece("二、", "same"),
        Piece("重点", "removed"),
        Piece("主要", "added"),
        Piece("任务", "same"),
    ]


def test_from_nothing_and_to_nothing() -> None:
    assert paragraph_diff([], []) == []
    assert [c.op for c in paragraph_diff([], PLAN[:2])] == ["added", "added"]
    assert [c.op for c in paragraph_diff(PLAN[:2], [])] == ["removed", "removed"]
    assert diff_summary(paragraph_diff(PLAN[:3], [])) == {"added": 0, "removed": 3, "changed": 0}


def test_spaces_and_latin_text_survive_the_word_marks() -> None:
    old = "按照 GBZ 2.1-2019 标准检测，\n每年一次。"
    new = "按照 GBZ 2.1-2019 和 GBZ 2.2 标准检测，\n每半年一次。"
    pieces = word_pieces(old, new)
    assert rebuilt(pieces, "old") == old
    assert rebuilt(pieces, "new") == new
    assert [p for p in pieces if p.op != "same"] == [
        Piece("和 GBZ 2.2 ", "added"),
        Piece("每年", "removed"),
        Piece("每半年", "added"),
    ]


def test_random_edits_keep_every_paragraph_once_in_order() -> None:
    """Versions edited at random (a fixed seed): the comparison always shows each paragraph of
    each version exactly once, in order, and each side's text is the pieces' text."""
    rng = random.Random(20240305)
    sentences = [
        "各成员单位要按照职责分工落实职业健康监督管理职责。",
        "市卫生健康委负责联席会议的日常工作。",
        "开展尘肺病防治攻坚行动，督促用人单位落实主体责任。",
        "加强放射诊疗许可的监督检查。",
        "推动职业病防治知识进企业、进学校、进社区。",
    ]
    for _ in range(40):
        old = [rng.choice(sentences) + str(rng.randint(1, 9)) for _ in range(rng.randint(0, 12))]
        new = list(old)
        for _ in range(rng.randint(0, 6)):
            roll = rng.random()
            k = rng.randint(0, len(new)) if new else 0
            if roll < 0.3 or not new:
                new.insert(k, rng.choice(sentences))
            elif roll < 0.5:
                del new[min(k, len(new) - 1)]
            else:
                i = min(k, len(new) - 1)
                text = new[i]
                cut = rng.randint(0, len(text))
                new[i] = text[:cut] + rng.choice(["联合", "及时", "", "每年"]) + text[cut + 2 :]
        changes = paragraph_diff(old, new)
        assert_covers(changes, old, new)
        summary = diff_summary(changes)
        same = sum(1 for c in changes if c.op == "same")
        assert same + summary["changed"] + summary["removed"] == len(old)
        assert same + summary["changed"] + summary["added"] == len(new)


def test_a_word_renamed_all_through_a_long_body_changes_each_paragraph_三二() -> None:
    """A long replaced run (a term renamed in all 30 paragraphs, one paragraph dropped and one
    added in between) is paired paragraph by paragraph, in order, each word marked."""
    old = [f"（{i + 1}）第{i + 1}项任务由各成员单位按照职责分工负责落实。" for i in range(30)]
    new = [text.replace("成员单位", "有关部门") for text in old]
    del new[12]
    new.insert(20, "建立重点行业用人单位台账，实行动态管理。")
    changes = paragraph_diff(old, new)
    assert_covers(changes, old, new)
    assert diff_summary(changes) == {"added": 1, "removed": 1, "changed": 29}
    assert (changes[12].op, changes[12].old_index) == ("removed", 12)
    added = next(c for c in changes if c.op == "added")
    assert added.new_index == 20
    assert [p for p in changes[0].pieces if p.op != "same"] == [
        Piece("成员单位", "removed"),
        Piece("有关部门", "added"),
    ]
