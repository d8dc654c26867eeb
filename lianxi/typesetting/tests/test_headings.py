"""GB/T 9704-2012 §7.3.3: the four levels of 结构层次序数 are read from the paragraph's start."""

import pytest

from lianxi.typesetting.headings import heading_level, heading_run


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("一、总体要求", 1),
        ("十二、附则", 1),
        ("（一）工作目标", 2),
        ("(三)加强协作", 2),
        ("1.完善制度", 3),
        ("１２．落实责任", 3),
        ("（1）每季度报送", 4),
        ("(2)年底前完成", 4),
        ("为贯彻落实……", 0),
        ("2024年工作要点", 0),
        ("1.5倍以上", 0),
        ("　　一、首行缩进的标题", 1),
    ],
)
def test_heading_level(text: str, level: int) -> None:
    assert heading_level(text) == level


def test_heading_run_splits_a_heading_that_runs_on() -> None:
    assert heading_run("（一）加强组织领导。各单位要明确分工。") == (
        "（一）加强组织领导。",
        "各单位要明确分工。",
    )
    assert heading_run("一、总体要求") == ("一、总体要求", "")
    assert heading_run("1.完善制度。要求如下。") == ("1.完善制度。要求如下。", "")
