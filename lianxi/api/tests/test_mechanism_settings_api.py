"""GET /api/v1/mechanism/settings (四(三), 三(一)1): the cadences and deadlines with the clause
each came from, for everyone inside the joint meeting; each caller reads its own meeting's."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lianxi.organization.importer import parse_rules
from lianxi.organization.services import rules_import_apply
from lianxi.organization.tests.test_importer import SEED

pytestmark = pytest.mark.django_db
URL = "/api/v1/mechanism/settings"


@pytest.fixture
def seeded(mechanism: Any, clerk: Any) -> Any:
    rules_import_apply(parsed=parse_rules(SEED.read_bytes()), actor=clerk.membership)
    return mechanism


def test_the_settings_with_their_clauses_四三_三一1(
    seeded: Any, clerk: Any, api_as: Callable[[Any], Client]
) -> None:
    data = api_as(clerk).get(URL).json()
    assert data["plenary_per_year"] == 1
    assert data["annual_submission_deadline"] == "01-15"
    assert data["annual_submission_parts"] == ["summary", "plan", "topics"]
    assert data["sources"] == {
        "plenary_per_year": "三(一)",
        "annual_submission_deadline": "四(三)",
        "annual_submission_parts": "四(三)",
    }
    assert data["confirmed_at"] is None
    deadline = next(s for s in data["settings"] if s["name"] == "annual_submission_deadline")
    assert deadline["text"] == "每年1月15日前"
    assert deadline["clause_text"].startswith("联席会议各成员单位每年1月15日前")


def test_who_reads_the_settings_四三(
    seeded: Any,
    clerk: Any,
    other_liaison: Any,
    gov_reader: Any,
    second_clerk: Any,
    outsider: Any,
    api_as: Callable[[Any], Client],
    login: Callable[[Any], Client],
    client: Client,
) -> None:
    """Inside the meeting: read (by token or session); another meeting's clerk reads only its
    own meeting's (which the rules did not configure); no unit, or nobody: refused."""
    assert api_as(other_liaison).get(URL).json()["annual_submission_deadline"] == "01-15"
    assert login(gov_reader).get(URL).json()["plenary_per_year"] == 1
    other = api_as(second_clerk).get(URL).json()
    assert other["annual_submission_deadline"] is None and other["sources"] == {}
    assert api_as(outsider).get(URL).status_code == 403
    assert client.get(URL).status_code == 401
