"""“谁来管” page, the suggestion fragment, the thesaurus page, the API and the command
(二(四), 附件): people inside the joint meeting may ask; outsiders 403; anonymous to login / 401."""

import json
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from lianxi.api.services import api_token_create
from lianxi.routing.models import ThesaurusEntry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["clerk", "health_liaison", "other_liaison", "gov_reader"])
def test_people_inside_the_joint_meeting_may_ask(
    request: Any, login: Callable[[Any], Client], persona: str
) -> None:
    """二(四): the page ranks units for a matter, with the matching duties and words."""
    client = login(request.getfixturevalue(persona))
    response = client.get("/routing/", {"text": "家里因病致贫"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "市民政局牵头" in body
    assert "因病致贫→最低生活保障" in body


def test_htmx_gets_only_the_result(login: Callable[[Any], Client], clerk: Any) -> None:
    response = login(clerk).get(
        "/routing/", {"text": "拍片没办许可"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "市卫生健康委牵头" in response.content.decode()


def test_a_matter_that_fits_no_duty_is_flagged(login: Callable[[Any], Client], clerk: Any) -> None:
    """二(四): a matter no duty covers is flagged rather than given a guessed unit."""
    body = login(clerk).get("/routing/", {"text": "小区停车太难了"}).content.decode()
    assert "没有找到与这件事明确对应的内容" in body


@pytest.mark.parametrize(
    "path", ["/routing/?text=加班", "/routing/suggest/?title=加班", "/routing/thesaurus/"]
)
def test_outsiders_and_administrators_may_not(
    path: str, login: Callable[[Any], Client], outsider: Any, auditor: Any, mechanism: Any
) -> None:
    assert login(outsider).get(path).status_code == 403
    assert login(auditor).get(path).status_code == 403


@pytest.mark.parametrize("path", ["/routing/", "/routing/suggest/", "/routing/thesaurus/"])
def test_anonymous_visitors_go_to_login(path: str, mechanism: Any) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


def test_the_suggestion_fragment_offers_units_to_adopt(
    login: Callable[[Any], Client], clerk: Any, unit_named: Callable[[str], Any]
) -> None:
    """二(四): where a clerk assigns units, the suggestion and a button that fills them."""
    response = login(clerk).get(
        "/routing/suggest/", {"title": "工厂天天加班", "description": "一个月只休一天"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "采用建议" in body
    assert f'data-lead="{unit_named("市人力资源和社会保障局").pk}"' in body


def test_the_supervision_form_carries_the_suggestion(
    login: Callable[[Any], Client], clerk: Any
) -> None:
    """二(四), 四(二): the new action item form carries the routing suggestion."""
    body = login(clerk).get("/supervision/new/").content.decode()
    assert 'hx-get="/routing/suggest/"' in body
    assert "routing/suggest.js" in body


def test_only_the_secretariat_extends_the_thesaurus(
    login: Callable[[Any], Client], clerk: Any, health_liaison: Any, mechanism: Any
) -> None:
    """附件: the secretariat adds terms in the interface; a liaison may read, not write."""
    liaison = login(health_liaison)
    assert liaison.get("/routing/thesaurus/").status_code == 200
    assert (
        liaison.post("/routing/thesaurus/", {"term": "筛沙", "targets": "粉尘"}).status_code == 403
    )
    office = login(clerk)
    response = office.post("/routing/thesaurus/", {"term": "筛沙", "targets": "=石英砂 粉尘"})
    assert response.status_code == 302
    entry = ThesaurusEntry.objects.get()
    assert entry.targets == "=石英砂 粉尘"
    bad = office.post("/routing/thesaurus/", {"term": "筛沙", "targets": ""})
    assert bad.status_code == 400 and "请填写它指向的词语" in bad.content.decode()
    assert liaison.post(f"/routing/thesaurus/{entry.pk}/delete/").status_code == 403
    assert office.post(f"/routing/thesaurus/{entry.pk}/delete/").status_code == 302
    assert not ThesaurusEntry.objects.exists()


@pytest.mark.parametrize(
    "field,value", [("term", "矽\x00肺"), ("targets", "尘肺\x1b"), ("note", "第一行\n第二行")]
)
def test_the_thesaurus_page_refuses_control_characters_and_line_breaks(
    login: Callable[[Any], Client], clerk: Any, field: str, value: str
) -> None:
    """Issue 17 (text at one boundary): the page posted its fields without a form, so NUL was
    stored (a 500 on PostgreSQL); now the field is refused in Chinese and nothing is written."""
    values = {"term": "筛沙", "targets": "粉尘", "note": "", field: value}
    response = login(clerk).post("/routing/thesaurus/", values)
    assert response.status_code == 400
    assert "含有不能保存的" in response.content.decode() or "不能换行" in response.content.decode()
    assert not ThesaurusEntry.objects.exists()


def test_thesaurus_page_queries_do_not_grow_with_entries(
    login: Callable[[Any], Client], clerk: Any, mechanism: Any, django_assert_max_num_queries: Any
) -> None:
    client = login(clerk)
    for n in range(3):
        ThesaurusEntry.objects.create(
            mechanism=mechanism, term=f"词{n}", targets="粉尘", created_by=clerk
        )
    with django_assert_max_num_queries(8):
        assert client.get("/routing/thesaurus/").status_code == 200
    for n in range(3, 30):
        ThesaurusEntry.objects.create(
            mechanism=mechanism, term=f"词{n}", targets="粉尘", created_by=clerk
        )
    with django_assert_max_num_queries(8):
        assert client.get("/routing/thesaurus/").status_code == 200


def test_api_routes_a_matter(health_liaison: Any, unit_named: Callable[[str], Any]) -> None:
    """二(四): GET /api/v1/routing?text=… answers in the CLI's format, every unit ranked."""
    _, token = api_token_create(user=health_liaison, name="测试")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    response = client.get("/api/v1/routing", {"text": "职业病人的住院费付不起"})
    assert response.status_code == 200
    data = response.json()
    assert data["confident"] is True
    assert data["units"][0]["name"] == "市医保局" and data["units"][0]["role"] == "lead"
    assert data["units"][0]["id"] == unit_named("市医保局").pk
    assert len(data["units"]) == 15
    assert client.get("/api/v1/routing", {"text": " "}).status_code == 400


def test_api_refuses_outsiders_and_anonymous(outsider: Any, mechanism: Any) -> None:
    _, token = api_token_create(user=outsider, name="测试")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    assert client.get("/api/v1/routing", {"text": "加班"}).status_code == 403
    assert Client().get("/api/v1/routing", {"text": "加班"}).status_code == 401


def test_command_reads_one_matter_per_line(mechanism: Any, monkeypatch: Any) -> None:
    """二(四): `lianxi route --format json` with matters on stdin: one JSON object per line,
    every unit ranked best first."""
    monkeypatch.setattr("sys.stdin", StringIO("工人血铅超标\n\n家里因病致贫\n今天天气很好\n"))
    out = StringIO()
    call_command("route", "--format", "json", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["text"] for line in lines] == ["工人血铅超标", "家里因病致贫", "今天天气很好"]
    for line in lines:
        assert set(line) == {"text", "units", "confident"}
        assert len(line["units"]) == 15
        scores = [u["score"] for u in line["units"]]
        assert scores == sorted(scores, reverse=True)
        for unit in line["units"]:
            assert set(unit) == {"name", "score", "role", "duties"}
            for duty in unit["duties"]:
                assert set(duty) == {"number", "text", "matched"}
    assert lines[0]["units"][0]["name"] == "市卫生健康委"
    assert lines[1]["units"][0]["role"] == "lead"
    assert lines[2]["confident"] is False


def test_command_with_text(mechanism: Any) -> None:
    out = StringIO()
    call_command("route", "厂里天天加班", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["units"][0]["name"] == "市人力资源和社会保障局"


def test_command_on_stdin_prints_json_lines_without_being_asked(
    mechanism: Any, monkeypatch: Any
) -> None:
    """二(四): matters piped in come back as one JSON object per line by default."""
    monkeypatch.setattr("sys.stdin", StringIO("厂里天天加班\n"))
    out = StringIO()
    call_command("route", stdout=out)
    assert json.loads(out.getvalue())["units"][0]["name"] == "市人力资源和社会保障局"


def test_the_words_of_past_matters_are_shown_to_the_secretariat_only(
    login: Callable[[Any], Client],
    clerk: Any,
    other_liaison: Any,
    unit_named: Callable[[str], Any],
) -> None:
    """二(四): routing learns from real matters (a draft meeting's agenda, an incident) that other
    units may not open; they see that past decisions were drawn on, not what those matters were."""
    from lianxi.routing.services import routing_example_record

    routing_example_record(
        text="尘肺病农民工集体维权（未发通知的会议议题）", lead_unit=unit_named("市总工会"),
        source_key="test:draft-topic", actor=clerk,
    )  # fmt: skip
    ask = {"text": "一批尘肺病农民工要维权"}
    secretariat = login(clerk).get("/routing/", ask).content.decode()
    assert "相似事项，如“尘肺病农民工集体维权" in secretariat
    unit = login(other_liaison).get("/routing/", ask).content.decode()
    assert "参考了 1 件办公室分办过的相似事项。" in unit
    assert "未发通知的会议议题" not in unit
