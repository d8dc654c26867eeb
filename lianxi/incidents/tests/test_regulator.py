"""The industry's regulator is always proposed (三(四)2 with the annex; issue 18).

A fatal H₂S poisoning at a chemical plant got 生态环境局 (for the word 污水 in the onset) and no
应急管理局: the regulator of the industry is now always proposed, and a word of the narrative
alone does not bring in an unconcerned department."""

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from lianxi.incidents.models import Incident
from lianxi.incidents.services import IncidentInput, incident_propose_units, incident_register
from lianxi.organization.first_run import import_default_rules
from lianxi.organization.models import Mechanism

pytestmark = pytest.mark.django_db


@pytest.fixture
def city() -> Mechanism:
    import_default_rules(Path(settings.LIANXI_DEFAULT_RULES))
    return Mechanism.objects.get()


def proposed(mechanism: Mechanism, data: IncidentInput, **changes: Any) -> dict[str, str]:
    incident, _ = incident_register(
        mechanism=mechanism, data=replace(data, **changes), actor=None, source_system="测试"
    )
    return {unit.name: reason for unit, reason in incident_propose_units(incident=incident)}


def test_fatal_h2s_poisoning_at_a_chemical_plant_proposes_emergency_management_三_四_2(
    city: Mechanism, data: IncidentInput
) -> None:
    """三(四)2 / 附件 十一: 化工 → 市应急管理局 (安全生产); 污水 in the onset is where the gas
    came from, not an environmental pollution: 市生态环境局 is not proposed."""
    units = proposed(
        city,
        data,
        title="信阳某某化工有限公司硫化氢中毒事故",
        industry="化学原料和化学制品制造业",
        substance="硫化氢",
        poisoned_count=3,
        death_count=1,
        onset="清理污水池时 3 人中毒，1 人经抢救无效死亡。",
        probable_cause="未通风检测即进入污水池有限空间作业。",
    )
    assert "市应急管理局" in units
    assert "行业监管" in units["市应急管理局"]
    assert "市生态环境局" not in units
    assert "市卫生健康委" not in units  # the secretariat, who sends the notices


@pytest.mark.parametrize(
    ("industry", "title", "regulator"),
    [
        ("危险化学品经营", "某危化品仓库氯气泄漏", "市应急管理局"),
        ("金属冶炼", "某冶炼厂一氧化碳中毒", "市应急管理局"),
        ("煤炭开采和洗选业", "某矿井下中毒", "市应急管理局"),
        ("房屋建筑业", "某项目地下室防水作业中毒", "市住房和城乡建设局"),
        ("教育", "某中学实验室中毒", "市教育体育局"),
    ],
)
def test_each_industry_brings_its_regulator_三_四_2(
    city: Mechanism, data: IncidentInput, industry: str, title: str, regulator: str
) -> None:
    """三(四)2 with 附件 三、十、十一: the industry names its regulator."""
    units = proposed(
        city, data, title=title, industry=industry, enterprise_name="某单位", onset="", trend=""
    )
    assert regulator in units, units


def test_an_industry_no_annex_names_still_gets_the_safety_regulator_三_四_2(
    city: Mechanism, data: IncidentInput
) -> None:
    """An accident at a workplace of an industry the annex does not name: the general safety
    regulator (市应急管理局) is proposed, so that no incident goes out without a regulator."""
    units = proposed(
        city, data, title="某物流公司仓库中毒事故", industry="仓储业",
        enterprise_name="某物流公司", hazard=Incident.Hazard.CHEMICAL,
        substance="磷化氢", onset="", trend="", probable_cause="",
    )  # fmt: skip
    assert "市应急管理局" in units
