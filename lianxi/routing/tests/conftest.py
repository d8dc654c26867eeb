"""Routing tests run on the annex's real duties: the shared `mechanism` fixture's units, with
the duty texts of the rules file that ships with the platform."""

from typing import Any

import pytest

from lianxi.organization.tests.factories import give_annex_duties, make_mechanism
from lianxi.routing import selectors


@pytest.fixture(autouse=True)
def _fresh_routing_cache() -> Any:
    selectors.clear_cache()
    yield
    selectors.clear_cache()


@pytest.fixture
def mechanism(db: Any) -> Any:
    return give_annex_duties(make_mechanism())
