"""Which departments an incident concerns (三(四)2, 二(四)), from its facts and the annex duties.

Each rule names a unit of the joint meeting by its name and the duty that makes it concerned.
A unit missing from a city's joint meeting is skipped. The health commission is the
secretariat that sends the notices, so it is never proposed. The secretariat confirms or
changes the proposal before anything is sent.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lianxi.organization.models import Unit

from .models import Incident

# 附件 十一: 非煤矿山、水泥、金属冶炼、陶瓷、石材、机械、冶金、轻工等尘毒危害重点行业领域.
KEY_DUST_INDUSTRIES = ("矿", "水泥", "冶炼", "冶金", "陶瓷", "石材", "机械", "轻工", "铸造")
CONSTRUCTION_WORDS = ("建筑", "施工", "工地", "市政工程", "房屋")


def _text(incident: Incident) -> str:
    enterprise = incident.enterprise
    return " ".join((incident.title, incident.location, enterprise.industry, enterprise.name))


def _victims(incident: Incident) -> bool:
    return incident.poisoned_count > 0 or incident.death_count > 0


@dataclass(frozen=True)
class Rule:
    unit_name: str
    applies: Callable[[Incident], bool]
    reason: Callable[[Incident], str]


def _found(words: tuple[str, ...], incident: Incident) -> str | None:
    text = _text(incident)
    return next((w for w in words if w in text), None)


RULES = [
    Rule(
        "市生态环境局",
        lambda i: i.is_radiation or i.hazard == Incident.Hazard.RADIOACTIVE,
        lambda i: "放射性危害：核与辐射污染防治、放射工作人员辐射防护（附件 九）",
    ),
    Rule(
        "市住房和城乡建设局",
        lambda i: _found(CONSTRUCTION_WORDS, i) is not None,
        lambda i: f"建设工程（“{_found(CONSTRUCTION_WORDS, i)}”）的职业健康监管（附件 十）",
    ),
    Rule(
        "市应急管理局",
        lambda i: _found(KEY_DUST_INDUSTRIES, i) is not None,
        lambda i: (
            f"矿山或尘毒危害重点行业（“{_found(KEY_DUST_INDUSTRIES, i)}”）的安全生产治理"
            "（附件 十一）"
        ),
    ),
    Rule(
        "市总工会",
        _victims,
        lambda i: "维护劳动者合法权益，依法参与职业病危害事故调查处理（附件 十四（五）（六））",
    ),
    Rule(
        "市医保局",
        lambda i: i.poisoned_count > 0,
        lambda i: f"急性中毒 {i.poisoned_count} 人，医疗救助（附件 十三）",
    ),
    Rule(
        "市人力资源和社会保障局",
        _victims,
        lambda i: "受害劳动者的工伤保险与职业病人社会保障（附件 八（一）（五））",
    ),
]


def _routing_text(incident: Incident) -> str:
    enterprise = incident.enterprise
    parts = (
        incident.title,
        enterprise.industry,
        incident.substance,
        incident.get_hazard_display(),
        incident.probable_cause,
        incident.onset,
    )
    return "，".join(part for part in parts if part)


def _routed(incident: Incident) -> dict[str, str]:
    """The duty routing's lead and supporting units for the incident's facts, with the duty why.

    The fact rules above stay first: they encode the annex for accidents specifically; the routing
    adds what they miss and learns from the units the secretariat confirmed before.
    """
    from lianxi.routing.selectors import route

    routing = route(incident.mechanism, _routing_text(incident))
    if not routing.confident:
        return {}
    found: dict[str, str] = {}
    for scored in [u for u in (routing.lead, *routing.supporting) if u is not None]:
        duty = scored.duties[0] if scored.duties else None
        if duty is None:
            continue
        words = "、".join(duty.matched[:3])
        found[scored.name] = f"职责匹配：{duty.label or '附件'} {duty.text[:40]}（匹配：{words}）"
    return found


def propose(incident: Incident) -> list[tuple[Unit, str]]:
    """(unit, reason) for every rule that applies and whose unit exists, in the units' order,
    then the units the duty routing adds."""
    wanted: dict[str, str] = {}
    for rule in RULES:
        if rule.unit_name not in wanted and rule.applies(incident):
            wanted[rule.unit_name] = rule.reason(incident)
    for name, reason in _routed(incident).items():
        wanted.setdefault(name, reason)
    if not wanted:
        return []
    units: Any = Unit.objects.filter(
        mechanism_id=incident.mechanism_id, name__in=list(wanted), active=True
    ).exclude(is_secretariat=True)
    return [(unit, wanted[unit.name]) for unit in units.order_by("order", "id")]
