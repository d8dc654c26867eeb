"""二(四): grading per the 2002 measures, a configurable scheme, the reporting clock."""

from datetime import timedelta
from typing import Any

import pytest

from lianxi.conftest import aware
from lianxi.incidents import grading


@pytest.mark.parametrize(
    ("poisoned", "deaths", "label", "hours"),
    [
        (0, 0, "一般", 6),
        (9, 0, "一般", 6),
        (10, 0, "重大", 2),
        (49, 0, "重大", 2),
        (3, 1, "重大", 2),
        (4, 4, "重大", 2),
        (50, 0, "特大", 2),
        (5, 5, "特大", 2),
        (200, 12, "特大", 2),
    ],
)
def test_default_grades_of_the_2002_measures(
    poisoned: int, deaths: int, label: str, hours: int
) -> None:
    """二(四): 一般 <10 poisonings; 重大 10–49 or any death under 5; 特大 50+ or 5+ deaths;
    重大 and 特大 reported within 2 hours, 一般 within 6."""
    grade = grading.grade_for(poisoned, deaths)
    assert grade.label == label
    start = aware(2026, 3, 2, 9, 0)
    assert grading.report_due(start, grade) == start + timedelta(hours=hours)


def test_a_four_grade_scheme_from_settings(settings: Any) -> None:
    """二(四): some places use four grades (Ⅰ–Ⅳ); thresholds and clocks come from settings."""
    settings.LIANXI_INCIDENT_GRADES = [
        ("I", "特别重大（Ⅰ级）", 100, 10, 1),
        ("II", "重大（Ⅱ级）", 50, 3, 1),
        ("III", "较大（Ⅲ级）", 10, 1, 2),
        ("IV", "一般（Ⅳ级）", 0, None, 4),
    ]
    assert grading.grade_for(5, 0).code == "IV"
    assert grading.grade_for(10, 0).code == "III"
    assert grading.grade_for(12, 3).code == "II"
    assert grading.grade_for(120, 0).code == "I"
    assert grading.grade_for(0, 10).label == "特别重大（Ⅰ级）"
    assert grading.grade_for(5, 0).report_hours == 4
    assert grading.severity("I") > grading.severity("IV")


def test_the_immediate_clock_is_configurable(settings: Any) -> None:
    """二(四): "immediately" is a configurable number of hours."""
    settings.LIANXI_INCIDENT_GRADES = [
        ("major", "重大", 10, 1, 1),
        ("general", "一般", 0, None, 6),
    ]
    assert grading.grade_for(10, 0).report_hours == 1


def test_ack_window_and_recipients_are_configurable(settings: Any) -> None:
    """三(四)2: acknowledge within 30 minutes by default; recipients of the report up."""
    assert grading.ack_window() == timedelta(minutes=30)
    assert grading.report_recipients() == ["市人民政府", "省卫生健康委"]
    settings.LIANXI_INCIDENT_ACK_MINUTES = 15
    settings.LIANXI_INCIDENT_REPORT_RECIPIENTS = ["市人民政府", "河南省卫生健康委"]
    assert grading.ack_window() == timedelta(minutes=15)
    assert grading.report_recipients()[1] == "河南省卫生健康委"
