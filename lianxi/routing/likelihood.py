"""How likely a unit is the one, in words (很可能 / 可能 / 不确定), for the page; the API and the
command keep the engine's numbers.

The thresholds are the engine's own: a unit the engine names lead is 很可能; a supporting unit,
or any unit scoring at least the engine's support share of the top score, is 可能; any other unit
that matched something is 不确定; when the engine is not confident every unit is 不确定. A unit
that matched nothing is not shown.
"""

from dataclasses import dataclass

from .engine import SUPPORT_SHARE, Routing, UnitScore

LIKELY = "很可能"
POSSIBLE = "可能"
UNSURE = "不确定"


@dataclass(frozen=True)
class ShownUnit:
    unit: UnitScore
    likelihood: str
    level: str  # css: likely / possible / unsure


def likelihood_of(unit: UnitScore, *, top: float, confident: bool) -> tuple[str, str]:
    if not confident:
        return UNSURE, "unsure"
    if unit.role == "lead":
        return LIKELY, "likely"
    if unit.role == "support" or (top > 0 and unit.score >= top * SUPPORT_SHARE):
        return POSSIBLE, "possible"
    return UNSURE, "unsure"


def shown_units(result: Routing) -> list[ShownUnit]:
    top = max((u.score for u in result.units), default=0.0)
    shown = []
    for unit in result.units:
        if unit.score <= 0:
            continue
        words, level = likelihood_of(unit, top=top, confident=result.confident)
        shown.append(ShownUnit(unit=unit, likelihood=words, level=level))
    return shown
