"""The neutral minutes structure, its numbering and the font preference list."""

from __future__ import annotations

import dataclasses

import pytest

from lianxi.core.dates import cn_date
from lianxi.typesetting import fonts
from lianxi.typesetting.layout import (
    CHAR_PITCH_MM,
    LINE_PITCH_MM,
    banji_lines,
    chinese_numeral,
    masthead_fit,
    numbered_sections,
    resolution_labels,
)

from .samples import plenary_minutes


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (35, "三十五"), (100, "一百"),
     (105, "一百零五"), (110, "一百一十"), (123, "一百二十三")],
)  # fmt: skip
def test_chinese_numerals(n: int, text: str) -> None:
    assert chinese_numeral(n) == text


def test_agreed_matters_are_numbered_across_the_whole_minutes_三一1() -> None:
    """三(一)1: agreed matters (议定事项) carry one running number, cited by action items."""
    doc = plenary_minutes()
    assert [label for label, _ in resolution_labels(doc)] == ["（一）", "（二）", "（三）"]
    sections = numbered_sections(doc)
    assert [label for label, _, _ in sections] == ["一、", "二、"]
    # the second section's only matter continues the count instead of restarting
    assert [label for label, _ in sections[1][2]] == ["（三）"]


def test_masthead_names_the_organ_once() -> None:
    doc = plenary_minutes()
    assert doc.masthead == "信阳市职业病防治工作部门间联席会议纪要"
    assert dataclasses.replace(doc, organ="某某会议纪要").masthead == "某某会议纪要"


def test_masthead_fits_one_line_of_the_type_area() -> None:
    size, scale = masthead_fit("信阳市职业病防治工作部门间联席会议纪要")
    assert 0.8 <= scale <= 1
    assert 19 * size * scale * 25.4 / 72 <= 156.01
    assert masthead_fit("纪要") == (36.0, 1.0)  # short: 小初, not condensed


def test_grid_is_22_lines_of_28_characters() -> None:
    assert pytest.approx(225) == LINE_PITCH_MM * 22
    assert pytest.approx(156) == CHAR_PITCH_MM * 28


def test_banji_lines_end_with_a_full_stop_and_skip_empty_ones() -> None:
    doc = plenary_minutes()
    assert banji_lines(doc) == [
        ("分送：", "联席会议各成员单位，邀请参加会议的有关单位。"),
        ("抄送：", "市政府办公室。"),
    ]
    assert banji_lines(dataclasses.replace(doc, copy_to=" ", distribution="各单位。")) == [
        ("分送：", "各单位。")
    ]
    # 成文日期 with Arabic numerals, no leading zeros (GB/T 9704 §7.3.5.4)
    assert cn_date(doc.date) == "2026年3月5日"


def test_each_role_resolves_to_its_first_installed_preference() -> None:
    for role, preferences in fonts.PREFERENCES.items():
        chosen = fonts.resolve(role)
        assert chosen in preferences
        earlier = preferences[: preferences.index(chosen)]
        assert not any(fonts.is_installed(name) for name in earlier), role
        assert fonts.css_stack(role).startswith(f'"{chosen}"')


def test_free_fonts_from_debian_are_installed() -> None:
    """scripts/install-fonts.sh has run: no role falls back to a font that is not there."""
    for family in ("FandolFang", "Noto Serif CJK SC", "Noto Sans CJK SC", "AR PL UKai CN"):
        assert fonts.is_installed(family), f"{family}: run scripts/install-fonts.sh"
    for role in fonts.PREFERENCES:
        assert fonts.is_installed(fonts.resolve(role))
