"""Fixtures of the meetings tests alone. The ones the API tests share (a plenary, an observer
unit, ``hold`` and ``soon``) are in ``fixtures.py``."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def annex_duties(mechanism: Any) -> Any:
    """The annex's real duty texts, for tests where routing answers (二(四)); routing caches its
    index per mechanism, so the cache is cleared around the test."""
    from lianxi.organization.tests.factories import give_annex_duties
    from lianxi.routing import selectors as routing

    give_annex_duties(mechanism)
    routing.clear_cache()
    yield mechanism
    routing.clear_cache()
