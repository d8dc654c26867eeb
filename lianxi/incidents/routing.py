"""Which departments an incident concerns (三(四)2, 二(四)), from its facts and the annex duties.

Each rule names a unit of the joint meeting by its name and the duty that makes it concerned.
A unit missing from a city's joint meeting is skipped. The health commission is the
secretariat that sends the notices (and leads the response), so it is never proposed to
itself. The secretariat confirms or changes the proposal before anything is sent.

The industry's regulator is always proposed (`regulators`): 化工、危险化学品、矿山、冶金 and the
other key dust-and-poison industries → 市应急管理局 (附件 十一); 房屋建筑和市政工程 → 市住房和
城乡建设局 (附件 十); schools → 市教育体育局 (附件 三); an industry the annex names no regulator
for → 市应急管理局 (安全生产), to be checked by the secretariat.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lianxi.organization.models import Unit

from .models import Incident

# 附件 十一: 非煤矿山、水泥、金属冶炼、陶瓷、石材、机械、冶金、轻工等尘毒危害重点行业领域; with
# 化工 and 危险化学品, whose safety production 应急管理 regulates.
KEY_DUST_INDUSTRIES = ("矿", "水泥", "冶炼", "冶金", "陶瓷", "石材", "机械", "轻工", "铸造")
CHEMICAL_INDUSTRIES = ("化工", "化学原料", "化学制品", "危险化学品", "危化", "农药", "烟花爆竹")
CONSTRUCTION_WORDS = ("建筑", "施工", "工地", "市政工程", "市政基础设施", "房屋")
SCHOOL_WORDS = ("学校", "中学", "小学", "幼儿园", "教育", "院校", "学院", "大学")
# Hospitals and other health institutions: the health commission itself regulates them.
HEALTH_WORDS = ("医院", "卫生院", "医疗", "诊所", "疾病预防控制")
SAFETY_REGULATOR = "市应急管理局"


@dataclass(frozen=True)
class Regulator:
    unit_name: str
    words: tuple[str, ...]
    duty: str


REGULATORS = (
    Regulator(SAFETY_REGULATOR, CHEMICAL_INDUSTRIES, "化工和危险化学品安全生产（附件 十一）"),
    Regulator(SAFETY_REGULATOR, KEY_DUST_INDUSTRIES, "矿山或尘毒危害重点行业安全生产（附件 十一）"),
    Regulator("市住房和城乡建设局", CONSTRUCTION_WORDS, "建设工程的职业健康监管（附件 十）"),
    Regulator("市教育体育局", SCHOOL_WORDS, "教育系统的职业健康监管（附件 三（三）（四））"),
)


def _industry_text(incident: Incident) -> str:
    enterprise = incident.enterprise
    return " ".join((incident.title, enterprise.industry, enterprise.name))


def regulators(incident: Incident) -> dict[str, str]:
    """三(四)2: the regulator(s) of the incident's industry, unit name → why (行业监管部门)."""
    text = _industry_text(incident)
    found: dict[str, str] = {}
    for regulator in REGULATORS:
        word = next((w for w in regulator.words if w in text), None)
        if word is not None and regulator.unit_name not in found:
            found[regulator.unit_name] = f"行业监管部门：{regulator.duty}（“{word}”）"
    if found or incident.is_radiation or any(w in text for w in HEALTH_WORDS):
        return found
    return {
        SAFETY_REGULATOR: "行业监管部门：工贸企业安全生产（附件 十一）；附件未列明该行业，请核实"
    }


def _victims(incident: Incident) -> bool:
    return incident.poisoned_count > 0 or incident.death_count > 0


@dataclass(frozen=True)
class Rule:
    unit_name: str
    applies: Callable[[Incident], bool]
    reason: Callable[[Incident], str]


RULES = [
    Rule(
        "市生态环境局",
        lambda i: i.is_radiation or i.hazard == Incident.Hazard.RADIOACTIVE,
        lambda i: "放射性危害：核与辐射污染防治、放射工作人员辐射防护（附件 九）",
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
    """What the incident is and where it happened, without the narrative: "清理污水池时" says
    where the gas was, not that the environment was polluted (it brought in 市生态环境局)."""
    enterprise = incident.enterprise
    parts = (incident.title, enterprise.industry, incident.substance)
    return "，".join(part for part in parts if part)


def _routed(incident: Incident) -> dict[str, str]:
    """The duty routing's lead unit for the incident's facts, with the duty why.

    The fact rules above stay first: they encode the annex for accidents specifically; the routing
    adds the unit whose duty the facts match best (its lead; the supporting units it adds on a
    shared word such as 化学 are left to the secretariat) and learns from the units the
    secretariat confirmed before.
    """
    from lianxi.routing.selectors import route

    routing = route(incident.mechanism, _routing_text(incident))
    lead = routing.lead
    if not routing.confident or lead is None or not lead.duties:
        return {}
    duty = lead.duties[0]
    words = "、".join(duty.matched[:3])
    return {lead.name: f"职责匹配：{duty.label or '附件'} {duty.text[:40]}（匹配：{words}）"}


def propose(incident: Incident) -> list[tuple[Unit, str]]:
    """(unit, reason): the industry's regulator always, every rule that applies, then the unit
    the duty routing adds; each once, if it exists, in the units' order."""
    wanted: dict[str, str] = dict(regulators(incident))
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
