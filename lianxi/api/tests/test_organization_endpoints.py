"""Units, duties and the rules through the API (annex; 四(一)).

Everyone inside the joint meeting reads them; an account with no membership is refused (403);
no token, a wrong token or a revoked token is not let in (401).
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from lianxi.api.models import ApiToken
from lianxi.api.services import api_token_revoke
from lianxi.organization.models import Clause, Duty, Membership, RulesDocument, Unit

from .conftest import bearer

ENDPOINTS = [
    "/api/v1/units",
    "/api/v1/units/{unit}",
    "/api/v1/duties",
    "/api/v1/duties?unit={unit}",
    "/api/v1/rules",
]


def url(template: str, unit: Unit) -> str:
    return template.format(unit=unit.pk)


@pytest.mark.parametrize(
    "persona", ["health_liaison", "other_liaison", "health_member", "clerk", "gov_reader"]
)
def test_people_inside_the_joint_meeting_may_read(
    request: pytest.FixtureRequest, api_as: Callable[[Any], Client], health: Unit, persona: str
) -> None:
    """四(一): units, duties and rules are public inside the joint meeting."""
    client = api_as(request.getfixturevalue(persona))
    for template in ENDPOINTS:
        response = client.get(url(template, health))
        assert response.status_code == 200, (template, response.content)
        assert response["Content-Type"].startswith("application/json")


def test_an_account_without_membership_is_refused(
    outsider: Any, api_as: Callable[[Any], Client], health: Unit
) -> None:
    client = api_as(outsider)
    for template in ENDPOINTS:
        response = client.get(url(template, health))
        assert response.status_code == 403, template
        assert response.json() == {"detail": "您的账号未绑定任何单位，请联系联席会议办公室。"}


def test_a_deactivated_membership_is_refused(
    health_liaison: Any, api_as: Callable[[Any], Client], health: Unit
) -> None:
    client = api_as(health_liaison)
    Membership.objects.filter(user=health_liaison).update(active=False)
    for template in ENDPOINTS:
        assert client.get(url(template, health)).status_code == 403, template


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer ", "Bearer lx_wrong-token", "Token abc", "Basic aGVhbHRoOnB3"],
    ids=["none", "empty", "wrong", "other-scheme", "basic"],
)
def test_without_a_valid_token_nobody_gets_in(health: Unit, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    client = Client(headers=headers)
    for template in ENDPOINTS:
        response = client.get(url(template, health))
        assert response.status_code == 401, template
        assert "访问令牌".encode() in response.content  # Chinese as UTF-8, not \u escapes
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused(
    health_liaison: Any, token_for: Callable[[Any], str], health: Unit
) -> None:
    token = token_for(health_liaison)
    client = bearer(token)
    assert client.get("/api/v1/units").status_code == 200
    api_token_revoke(token=ApiToken.objects.get(user=health_liaison))
    for template in ENDPOINTS:
        assert client.get(url(template, health)).status_code == 401, template


def test_a_deactivated_account_token_is_refused(
    health_liaison: Any, api_as: Callable[[Any], Client]
) -> None:
    client = api_as(health_liaison)
    get_user_model().objects.filter(pk=health_liaison.pk).update(is_active=False)
    assert client.get("/api/v1/units").status_code == 401


def test_a_token_records_when_it_was_last_used(
    health_liaison: Any, api_as: Callable[[Any], Client]
) -> None:
    client = api_as(health_liaison)
    assert ApiToken.objects.get().last_used_at is None
    client.get("/api/v1/units")
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    client.get("/api/v1/units")  # within the minute: no new write
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=first - timedelta(minutes=5))
    client.get("/api/v1/units")
    last = ApiToken.objects.get().last_used_at
    assert last is not None and last > first - timedelta(minutes=5)


def test_units_lists_every_unit_with_current_duties_and_people(
    mechanism: Any,
    health_liaison: Any,
    health_member: Any,
    clerk: Any,
    api_as: Callable[[Any], Client],
    health: Unit,
) -> None:
    """annex: 15 member units in the annex's order, then the city government office."""
    old = Duty.objects.get(unit=health, number=1)
    old.valid_to = timezone.now()
    old.save()
    Duty.objects.create(
        unit=health,
        number=1,
        label="（一）",
        text="修订后的第1项职责",
        valid_from=timezone.now(),
        source=old.source,
    )
    units = api_as(health_liaison).get("/api/v1/units").json()
    assert len(units) == 16
    assert units[0]["name"] == "市卫生健康委"
    assert units[-1]["name"] == "市政府办公室"
    assert units[-1]["kind"] == "government"
    assert sum(len(u["duties"]) for u in units) == 50
    first = units[0]
    assert first["is_secretariat"] is True
    assert [d["number"] for d in first["duties"]] == list(range(1, 13))
    assert first["duties"][0]["text"] == "修订后的第1项职责"
    assert [p["name"] for p in first["liaisons"]] == ["李联络"]
    assert [p["name"] for p in first["members"]] == ["赵主任"]
    assert first["members"][0]["role_display"] == "联席会议成员"
    # The secretariat clerk is not a member or liaison of the unit.
    assert "王秘书" not in str(first)


def test_units_query_count_does_not_grow_with_people(
    mechanism: Any,
    health_liaison: Any,
    api_as: Callable[[Any], Client],
    django_assert_max_num_queries: Any,
) -> None:
    client = api_as(health_liaison)
    users = get_user_model()
    for unit in Unit.objects.filter(mechanism=mechanism):
        for role in ("member", "liaison"):
            user = users.objects.create_user(username=f"{role}{unit.pk}", first_name="某人")
            Membership.objects.create(user=user, unit=unit, role=role)
    client.get("/api/v1/units")  # the first call writes last_used_at and audits the use
    # token, its owner's lockout, units, duties, people
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/units")
    assert response.status_code == 200
    assert sum(len(u["liaisons"]) for u in response.json()) == 17


def test_unit_detail_shows_past_duty_versions(
    health_liaison: Any, api_as: Callable[[Any], Client], health: Unit
) -> None:
    duty = Duty.objects.get(unit=health, number=2)
    duty.valid_to = timezone.now()
    duty.save()
    Duty.objects.create(
        unit=health,
        number=2,
        label="（二）",
        text="新文本",
        valid_from=timezone.now(),
        source=duty.source,
    )
    body = api_as(health_liaison).get(f"/api/v1/units/{health.pk}").json()
    assert body["name"] == "市卫生健康委"
    assert len(body["duties"]) == 12
    assert [d["text"] for d in body["past_duties"]] == ["市卫生健康委的第2项职责"]
    assert body["past_duties"][0]["valid_to"] is not None
    assert [p["name"] for p in body["liaisons"]] == ["李联络"]


def test_unit_detail_of_an_unknown_or_foreign_unit_is_404(
    health_liaison: Any, api_as: Callable[[Any], Client]
) -> None:
    from lianxi.organization.tests.factories import make_mechanism

    elsewhere = make_mechanism("南阳市职业病防治工作部门间联席会议").units.first()
    assert elsewhere is not None
    client = api_as(health_liaison)
    for pk in (elsewhere.pk, 999_999):
        response = client.get(f"/api/v1/units/{pk}")
        assert response.status_code == 404
        assert response.json() == {"detail": "未找到该单位。"}
        response = client.get(f"/api/v1/duties?unit={pk}")
        assert response.status_code == 404
    assert client.get("/api/v1/units/abc").status_code == 422
    assert client.get("/api/v1/units/abc").json()["detail"] == "请求参数有误。"


def test_duties_of_one_unit(
    health_liaison: Any, api_as: Callable[[Any], Client], unit_named: Callable[[str], Unit]
) -> None:
    hrss = unit_named("市人力资源和社会保障局")
    duties = api_as(health_liaison).get(f"/api/v1/duties?unit={hrss.pk}").json()
    assert [d["number"] for d in duties] == list(range(1, 9))
    assert {d["unit_name"] for d in duties} == {"市人力资源和社会保障局"}
    everything = api_as(health_liaison).get("/api/v1/duties").json()
    assert len(everything) == 50
    assert everything[0]["unit_name"] == "市卫生健康委"


def test_rules_returns_the_document_in_force_with_its_clauses(
    mechanism: Any, health_liaison: Any, api_as: Callable[[Any], Client]
) -> None:
    """三(一)1 and friends are citable by their anchors."""
    document = RulesDocument.objects.get(mechanism=mechanism)
    Clause.objects.create(document=document, anchor="三", heading="工作制度", level=1, order=1)
    Clause.objects.create(
        document=document,
        anchor="三(一)",
        parent_anchor="三",
        heading="会议制度",
        level=2,
        order=2,
    )
    Clause.objects.create(
        document=document,
        anchor="三(一)1",
        parent_anchor="三(一)",
        text="全体会议……",
        level=3,
        order=3,
    )
    body = api_as(health_liaison).get("/api/v1/rules").json()
    assert body["document_number"] == "信卫职健〔2023〕5号"
    assert body["title"] == "信阳市职业病防治工作部门间联席会议制度工作规则"
    assert [c["anchor"] for c in body["clauses"]] == ["三", "三(一)", "三(一)1"]
    assert body["clauses"][2]["parent_anchor"] == "三(一)"


def test_rules_before_any_import_is_404(
    health_liaison: Any, api_as: Callable[[Any], Client]
) -> None:
    Duty.objects.all().delete()
    RulesDocument.objects.all().delete()
    response = api_as(health_liaison).get("/api/v1/rules")
    assert response.status_code == 404
    assert response.json() == {"detail": "尚未导入制度文件。"}


# --- Session: a logged-in browser may read, never write ------------------------------------


def test_a_logged_in_browser_may_read_without_a_token(
    health_liaison: Any, login: Callable[[Any], Client]
) -> None:
    client = login(health_liaison)
    assert client.get("/api/v1/units").status_code == 200


def test_a_logged_in_outsider_is_refused(outsider: Any, login: Callable[[Any], Client]) -> None:
    assert login(outsider).get("/api/v1/units").status_code == 403


def test_a_wrong_token_is_not_rescued_by_the_session(
    health_liaison: Any, login: Callable[[Any], Client]
) -> None:
    client = login(health_liaison)
    response = client.get("/api/v1/units", headers={"Authorization": "Bearer lx_wrong"})
    assert response.status_code == 401


def test_a_session_cannot_import_rules(clerk: Any, login: Callable[[Any], Client]) -> None:
    response = login(clerk).post("/api/v1/rules/import", {"dry_run": "true"})
    assert response.status_code == 401


def test_privileged_session_needs_its_second_factor(
    clerk: Any, login: Callable[[Any], Client], settings: Any
) -> None:
    client = login(clerk)
    settings.LIANXI_REQUIRE_OTP = True
    assert client.get("/api/v1/units").status_code == 401


# --- OpenAPI ---------------------------------------------------------------------------------


def test_openapi_schema_lists_the_paths_and_the_bearer_scheme(db: Any) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "联席 API"
    for path in (
        "/api/v1/units",
        "/api/v1/units/{unit_id}",
        "/api/v1/duties",
        "/api/v1/rules",
        "/api/v1/rules/import",
    ):
        assert path in schema["paths"], path
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["TokenAuth"].items()
    assert (
        "multipart/form-data"
        in schema["paths"]["/api/v1/rules/import"]["post"]["requestBody"]["content"]
    )


def test_no_docs_page_that_would_load_a_cdn(db: Any) -> None:
    assert Client().get("/api/v1/docs").status_code == 404
