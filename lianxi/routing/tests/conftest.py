"""Routing tests run on the annex's real duties: the shared `mechanism` fixture's units, with
the duty texts of the rules file that ships with the platform."""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from lianxi.organization.importer import parse_rules
from lianxi.organization.models import Duty
from lianxi.organization.tests.factories import make_mechanism
from lianxi.routing import selectors


@pytest.fixture(autouse=True)
def _fresh_routing_cache() -> Any:
    selectors.clear_cache()
    yield
    selectors.clear_cache()


@pytest.fixture
def mechanism(db: Any) -> Any:
    mechanism = make_mechanism()
    path = Path(settings.LIANXI_DEFAULT_RULES)
    parsed = parse_rules(path.read_bytes(), filename=path.name)
    for unit in parsed.units:
        for duty in unit.duties:
            updated = Duty.objects.filter(
                unit__mechanism=mechanism, unit__name=unit.name, number=duty.number
            ).update(text=duty.text, label=duty.label)
            assert updated == 1, (unit.name, duty.number)
    return mechanism
