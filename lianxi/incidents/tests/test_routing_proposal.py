"""The departments proposed for an incident come from its facts and, through the duty routing,
from the annex's duty texts (三(四)2, 二(四))."""

from dataclasses import replace
from pathlib import Path

import pytest
from django.conf import settings

from lianxi.incidents.models import Incident
from lianxi.incidents.services import IncidentInput, incident_propose_units, incident_register
from lianxi.organization.first_run import import_default_rules
from lianxi.organization.models import Mechanism

pytestmark = pytest.mark.django_db


def test_routing_adds_the_unit_whose_duty_covers_a_school_laboratory_三_四_2(
    data: IncidentInput,
):
    """No fact rule names a school; the education bureau's duty (附件 三(四)) on teaching
    chemicals does, and the routing proposes it with the duty as the reason."""
    import_default_rules(Path(settings.LIANXI_DEFAULT_RULES))
    mechanism = Mechanism.objects.get()
    incident, _ = incident_register(
        mechanism=mechanism,
        data=replace(
            data,
            title="某中学化学实验室药品泄漏",
            enterprise_name="信阳市某中学",
            industry="教育",
            hazard=Incident.Hazard.CHEMICAL,
            substance="实验室化学药品",
            poisoned_count=0,
            death_count=0,
            onset="学生在化学实验课上闻到刺激性气味。",
            probable_cause="教学用化学药品存放不当，试剂瓶破损。",
        ),
        actor=None,
        source_system="测试",
    )
    proposed = dict(
        (unit.name, reason) for unit, reason in incident_propose_units(incident=incident)
    )
    assert "市教育体育局" in proposed
    assert "附件 三" in proposed["市教育体育局"] or "职责匹配" in proposed["市教育体育局"]
    # The health commission sends the notices; it is never proposed to itself.
    assert "市卫生健康委" not in proposed
