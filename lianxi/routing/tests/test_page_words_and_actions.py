"""“谁来管” speaks as officials do and leads somewhere (issue 18, "Pages"; 二(四), 四(二), 三(四)2):
units scoring nothing are hidden, likelihood is 很可能 / 可能 / 不确定 rather than 1.00 / 0.62
(the API keeps its numbers), and a suggestion becomes an action item or an incident in one step."""

import re
from collections.abc import Callable
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

MATTER = "工厂天天加班，一个月只休一天"


def _rows(body: str) -> list[str]:
    table = body[body.index('class="table routing-units"') :]
    table = table[: table.index("</table>")]
    return re.findall(r"<tr class=\"routing-[^\"]*\">(.*?)</tr>", table, flags=re.S)


def test_units_scoring_nothing_are_hidden_and_scores_are_words(
    login: Callable[[Any], Client], clerk: Any
) -> None:
    """二(四): the page lists the units whose duties matched, each 很可能 / 可能 / 不确定."""
    body = login(clerk).get("/routing/", {"text": MATTER}).content.decode()
    rows = _rows(body)
    assert 0 < len(rows) < 15  # not every member unit
    assert "市人力资源和社会保障局" in rows[0] and "很可能" in rows[0]
    for row in rows:
        assert re.search(r"很可能|可能|不确定", row)
        assert not re.search(r"\d\.\d\d", row)  # no 1.00 / 0.62


def test_an_unsure_matter_says_uncertain(login: Callable[[Any], Client], clerk: Any) -> None:
    body = login(clerk).get("/routing/", {"text": "小区停车太难了"}).content.decode()
    for row in _rows(body) if 'class="table routing-units"' in body else []:
        assert "不确定" in row


def test_the_api_keeps_its_numbers(health_liaison: Any) -> None:
    from lianxi.api.services import api_token_create

    _, token = api_token_create(user=health_liaison, name="测试")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    data = client.get("/api/v1/routing", {"text": MATTER}).json()
    assert isinstance(data["units"][0]["score"], float)
    assert len(data["units"]) == 15  # every unit ranked, zeros too


def _link(body: str, link_id: str) -> tuple[str, dict[str, list[str]]]:
    match = re.search(rf'<a [^>]*id="{link_id}"[^>]*href="([^"]+)"', body) or re.search(
        rf'<a [^>]*href="([^"]+)"[^>]*id="{link_id}"', body
    )
    assert match, f"no link #{link_id}"
    parts = urlsplit(unescape(match.group(1)))
    return parts.path, parse_qs(parts.query)


def test_a_suggestion_becomes_an_action_item_in_one_step(
    login: Callable[[Any], Client], clerk: Any, unit_named: Callable[[str], Any]
) -> None:
    """四(二): from the suggestion, the new action item form opens with the matter as its title
    and the suggested lead and supporting units chosen."""
    client = login(clerk)
    body = client.get("/routing/", {"text": MATTER}).content.decode()
    path, query = _link(body, "routing-to-supervision")
    assert path == "/supervision/new/"
    hrss = unit_named("市人力资源和社会保障局")
    assert query["lead_unit"] == [str(hrss.pk)]
    form = client.get(path, query).content.decode()
    assert MATTER in form
    assert re.search(rf'<option value="{hrss.pk}" selected>', form)


def test_a_suggestion_becomes_an_incident_in_one_step(
    login: Callable[[Any], Client], clerk: Any
) -> None:
    """三(四)2: a matter that is an incident opens the incident form with its words."""
    client = login(clerk)
    text = "化工厂硫化氢中毒，2人死亡"
    body = client.get("/routing/", {"text": text}).content.decode()
    path, query = _link(body, "routing-to-incidents")
    assert path == "/incidents/new/"
    form = client.get(path, query).content.decode()
    assert text in form


def test_the_one_step_links_follow_what_the_person_may_do(
    login: Callable[[Any], Client], gov_reader: Any, other_liaison: Any
) -> None:
    """The government reader may create neither; a unit's liaison may register an incident
    (三(四)2) but not create an action item (the secretariat's, 四(二))."""
    reader = login(gov_reader).get("/routing/", {"text": MATTER}).content.decode()
    assert 'id="routing-to-supervision"' not in reader
    assert 'id="routing-to-incidents"' not in reader
    liaison = login(other_liaison).get("/routing/", {"text": MATTER}).content.decode()
    assert 'id="routing-to-supervision"' not in liaison
    assert 'id="routing-to-incidents"' in liaison
