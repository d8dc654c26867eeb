"""The government reader's home (issue 18, "Pages"): the city-wide overview — 督办 lights, open
incidents, meetings and issued minutes — and no wording for features not built."""

import re
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def _panels(body: str) -> dict[str, str]:
    return dict(
        re.findall(r'<section class="card panel" id="panel-([^"]+)">\s*<h2>(.*?)</h2>', body, re.S)
    )


def test_government_reader_sees_the_city_wide_overview(login: Any, gov_reader: Any) -> None:
    """四(四), 三(四)2, 三(一)1: the city government office reads the whole joint meeting's
    supervision, incidents and minutes from its home page."""
    body = login(gov_reader).get("/").content.decode()
    titles = " ".join(_panels(body).values())
    assert "督办" in titles
    assert "事故" in titles
    assert "纪要" in titles


@pytest.mark.parametrize("persona", ["gov_reader", "clerk", "other_liaison", "auditor"])
def test_home_speaks_of_no_feature_not_built(request: Any, login: Any, persona: str) -> None:
    body = login(request.getfixturevalue(persona)).get("/").content.decode()
    assert "待办事项" not in body
    assert "即将上线" not in body
    assert 'class="disabled"' not in body and "aria-disabled" not in body


def test_government_home_query_count(
    login: Any, gov_reader: Any, django_assert_max_num_queries: Any
) -> None:
    client = login(gov_reader)
    client.get("/")
    with django_assert_max_num_queries(17):  # measured: 17, the briefs it has to sign included
        assert client.get("/").status_code == 200
