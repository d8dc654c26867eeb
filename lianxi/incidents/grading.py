"""事故分级与报告时限 (二(四), 三(四)2).

The default scheme follows the 2002 《职业病危害事故调查处理办法》:

- 特大: 50 or more acute poisonings, or 5 or more deaths;
- 重大: 10–49 acute poisonings, or fewer than 5 deaths (any death);
- 一般: fewer than 10 acute poisonings.

``settings.LIANXI_INCIDENT_GRADES`` replaces it: a list of
``(code, label, min_poisoned, min_deaths, report_hours)`` checked from the most severe down;
the first grade whose ``min_poisoned`` or ``min_deaths`` (None: not by deaths) is reached
applies, the last one applies to everything else. ``report_hours`` is the clock for reporting
to the same-level government and the higher health department (重大、特大 "immediately": a
configurable 2 hours; 一般 6 hours).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

DEFAULT_GRADES: list[tuple[str, str, int | None, int | None, float]] = [
    ("extraordinary", "特大", 50, 5, 2),
    ("major", "重大", 10, 1, 2),
    ("general", "一般", 0, None, 6),
]
DEFAULT_ACK_MINUTES = 30
DEFAULT_REPORT_RECIPIENTS = ["市人民政府", "省卫生健康委"]


@dataclass(frozen=True)
class Grade:
    code: str
    label: str
    min_poisoned: int | None
    min_deaths: int | None
    report_hours: float

    def applies(self, poisoned: int, deaths: int) -> bool:
        by_poisoned = self.min_poisoned is not None and poisoned >= self.min_poisoned
        by_deaths = self.min_deaths is not None and deaths >= self.min_deaths
        return by_poisoned or by_deaths


def grades() -> list[Grade]:
    """The configured scheme, most severe first."""
    rows: Any = getattr(settings, "LIANXI_INCIDENT_GRADES", None) or DEFAULT_GRADES
    return [Grade(str(c), str(label), p, d, float(h)) for c, label, p, d, h in rows]


def grade_for(poisoned: int, deaths: int) -> Grade:
    scheme = grades()
    for grade in scheme:
        if grade.applies(poisoned, deaths):
            return grade
    return scheme[-1]


def grade_by_code(code: str) -> Grade | None:
    return next((g for g in grades() if g.code == code), None)


def grade_label(code: str) -> str:
    grade = grade_by_code(code)
    return grade.label if grade is not None else code


def severity(code: str) -> int:
    """Higher is more severe; an unknown code counts as the least severe."""
    codes = [g.code for g in grades()]
    return len(codes) - codes.index(code) if code in codes else 0


def report_due(first_reported_at: datetime, grade: Grade) -> datetime:
    return first_reported_at + timedelta(hours=grade.report_hours)


def ack_window() -> timedelta:
    """How long a notified unit has to acknowledge (default 30 minutes), per escalation step."""
    return timedelta(minutes=float(getattr(settings, "LIANXI_INCIDENT_ACK_MINUTES", 0) or 30))


def report_recipients() -> list[str]:
    """Who the secretariat reports up to: the same-level government and the higher department."""
    return list(
        getattr(settings, "LIANXI_INCIDENT_REPORT_RECIPIENTS", None) or DEFAULT_REPORT_RECIPIENTS
    )


def government_recipient() -> str:
    """The same-level government among the recipients (报告本级政府): its accounts on the platform
    are told. ``LIANXI_INCIDENT_GOVERNMENT_RECIPIENT``, else the first naming a 政府."""
    configured = getattr(settings, "LIANXI_INCIDENT_GOVERNMENT_RECIPIENT", "")
    if configured:
        return str(configured)
    recipients = report_recipients()
    return next((r for r in recipients if "政府" in r), recipients[0] if recipients else "")
