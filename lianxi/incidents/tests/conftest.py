"""Fixtures of the incident tests: units by name, valid credit codes, an input, a maker and a
notified incident."""

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from lianxi.incidents.credit_code import check_character
from lianxi.incidents.models import Incident
from lianxi.incidents.services import IncidentInput, incident_notify, incident_register
from lianxi.organization.models import Membership, Unit


def credit_code(body: str = "91411500MA4" + "0AB12") -> str:
    """A valid code: the 17 characters given (padded) and their GB 32100-2015 check character."""
    first17 = (body + "0" * 17)[:17]
    return first17 + check_character(first17)


VALID_CODE = credit_code("91411502MA45X8K2P")  # 信阳市浉河区, a limited company


def sample_input(**changes: Any) -> IncidentInput:
    """A complete first report (a chemical plant's H₂S poisoning, two hours ago), with
    `changes` over it: the one example incident the tests and the contract world start from."""
    now = timezone.now()
    sample = IncidentInput(
        title="某化工公司硫化氢中毒事故",
        occurred_at=now - timedelta(hours=2),
        first_reported_at=now - timedelta(hours=1),
        location="信阳市浉河区工业园区",
        enterprise_name="信阳某某化工有限公司",
        credit_code=VALID_CODE,
        industry="化学原料和化学制品制造业",
        address="工业园区纬二路 8 号",
        county="浉河区",
        hazard=Incident.Hazard.CHEMICAL,
        substance="硫化氢",
        exposed_count=30,
        poisoned_count=12,
        death_count=0,
        onset="清理污水池时 12 人出现头晕、呼吸困难，已送市中心医院救治。",
        probable_cause="未进行通风和气体检测即进入有限空间作业。",
        measures_taken="已停产，现场已封闭，中毒者全部送医。",
        trend="2 人病情危重，其余平稳。",
    )
    return replace(sample, **changes)


@pytest.fixture
def data() -> IncidentInput:
    return sample_input()


@pytest.fixture
def unit(unit_named: Callable[[str], Unit]) -> Callable[[str], Unit]:
    return unit_named


@pytest.fixture
def person() -> Callable[..., Any]:
    from django.contrib.auth import get_user_model

    from lianxi.conftest import PASSWORD

    def make(username: str, unit: Unit, role: str, name: str = "") -> Any:
        user = get_user_model().objects.create_user(
            username=username, password=PASSWORD, first_name=name or username,
            email=f"{username}@example.org",
        )  # fmt: skip
        Membership.objects.create(user=user, unit=unit, role=role)
        return user

    return make


@pytest.fixture
def make_incident(mechanism: Any, clerk: Any, data: IncidentInput) -> Callable[..., Incident]:
    def make(actor: Any = None, now: datetime | None = None, **changes: Any) -> Incident:
        incident, _ = incident_register(
            mechanism=mechanism,
            data=replace(data, **changes),
            actor=clerk.membership if actor is None else actor,
            now=now,
        )
        return incident

    return make


@pytest.fixture
def notified(make_incident: Any, clerk: Any, unit: Any) -> Incident:
    """A 重大 incident (12 poisoned) registered by the secretariat and notified to 市人社局."""
    incident = make_incident()
    incident_notify(
        incident=incident, units=[unit("市人力资源和社会保障局")], actor=clerk.membership
    )
    return incident
