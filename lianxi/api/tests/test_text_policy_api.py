"""The API side of the input policy (issue 17, "text at one boundary"; GB/T 22239-2019 8.1.4.x
数据完整性 / 软件容错): every text and date an endpoint takes is annotated with its rule, and the
defects the issue lists are refused with a 422 naming the field.

``test_every_api_input_follows_the_text_policy`` walks every operation of the API (its body,
query, form and path parameters, nested schemas included), so an endpoint added tomorrow with a
bare ``str`` or ``date`` fails it.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from pydantic import BaseModel

from lianxi.api.text import Day, TextRule
from lianxi.api.urls import api
from lianxi.core.models import AuditEvent
from lianxi.incidents.models import Incident
from lianxi.incidents.tests.conftest import VALID_CODE
from lianxi.meetings.models import Meeting
from lianxi.supervision.models import ActionItem

# --- every input is annotated --------------------------------------------------------------


def _leaves(tp: Any, marks: tuple[Any, ...] = ()) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(tp)
        yield from _leaves(base, marks + tuple(meta))
    elif origin is typing.Literal:
        return
    elif origin in (typing.Union, types.UnionType, list, tuple, set, dict):
        for arg in typing.get_args(tp):
            yield from _leaves(arg, marks)
    else:
        yield tp, marks


def _problems(model: type[BaseModel], where: str, seen: set[type[Any]]) -> Iterator[str]:
    if model in seen:
        return
    seen.add(model)
    for name, info in model.model_fields.items():
        annotation = (
            typing.Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        )
        for leaf, marks in _leaves(annotation):
            if isinstance(leaf, type) and issubclass(leaf, BaseModel):
                yield from _problems(leaf, f"{where}.{name}", seen)
            elif leaf is str and not any(isinstance(m, TextRule) for m in marks):
                yield f"{where}.{name}: str without Line/Paragraph/Link (lianxi.api.text)"
            elif leaf in (date, datetime) and not any(isinstance(m, Day) for m in marks):
                yield f"{where}.{name}: {leaf.__name__} without Day() (lianxi.api.text)"


def _operations() -> Iterator[tuple[str, Any]]:
    for _, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                yield f"{'/'.join(operation.methods)} {path}", operation


def test_every_api_input_follows_the_text_policy() -> None:
    """Issue 17 ("make it automatic for new code"): every text field of every endpoint — body,
    query, form and path — is one of Line/Paragraph/Link with its length, every date Day();
    the header the incident intake reads (Idempotency-Key) is checked by the endpoint itself."""
    problems: list[str] = []
    count = 0
    for where, operation in _operations():
        for model in operation.signature.models:
            if model.__ninja_param_source__ == "header":
                continue
            count += 1
            problems.extend(_problems(model, f"{where} [{model.__ninja_param_source__}]", set()))
    assert count >= 20  # the walk reached the API's parameters
    assert problems == [], "\n".join(problems)


# --- the defects the issue lists, through the API ------------------------------------------


def _incident(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "某公司一氧化碳中毒事故",
        "occurred_at": "2026-11-30T09:00:00+08:00",
        "first_reported_at": "2026-11-30T10:00:00+08:00",
        "location": "某区某路 1 号",
        "enterprise": {"name": "某公司", "credit_code": VALID_CODE},
        "hazard": "chemical",
        "poisoned_count": 1,
    }
    body.update(changes)
    return body


def _post(client: Client, path: str, body: dict[str, Any], **headers: str) -> Any:
    import json

    return client.post(
        path, data=json.dumps(body), content_type="application/json", headers=headers
    )


def _records() -> tuple[int, int]:
    """Incidents, and audit events other than the record of the token's use itself."""
    events = AuditEvent.objects.exclude(action__startswith="api.token")
    return Incident.objects.count(), events.count()


def _errors(response: Any) -> list[tuple[str, str]]:
    payload = response.json()
    return [(str(e["loc"][-1]), e["msg"]) for e in payload.get("errors", [])]


@pytest.mark.django_db
def test_a_two_line_incident_title_is_a_422_naming_the_field(
    api_as: Callable[[Any], Client], clerk: Any
) -> None:
    """Issue 17: "the API accepts \\n in incident, meeting and action-item titles" — refused
    (the caller is a program: told once, fixed; see lianxi.api.text), nothing registered."""
    client = api_as(clerk)
    before = _records()
    response = _post(
        client,
        "/api/v1/incidents",
        _incident(title="某公司\n中毒事故"),
        **{"Idempotency-Key": "k1"},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "请求参数有误。"
    assert _errors(response) == [("title", "应为一行文字，不能换行，请删除其中的换行。")]
    assert _records() == before


@pytest.mark.django_db
def test_an_incident_dated_year_0001_is_refused(
    api_as: Callable[[Any], Client], clerk: Any
) -> None:
    """Issue 17: "incidents dated year 0001 are accepted"."""
    response = _post(
        api_as(clerk),
        "/api/v1/incidents",
        _incident(occurred_at="0001-01-01T09:00:00+08:00"),
        **{"Idempotency-Key": "k2"},
    )
    assert response.status_code == 422
    assert _errors(response) == [("occurred_at", "日期应在 2000-01-01 至 2100-12-31 之间。")]
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_a_deadline_of_9999_12_31_and_a_javascript_link_are_refused(
    api_as: Callable[[Any], Client], clerk: Any, health: Any
) -> None:
    """Issue 17: "a deadline of 9999-12-31 is accepted" and "a javascript: link is accepted as
    an action item's source link" — both 422, the fields named, no item."""
    body = {
        "title": "督办事项",
        "source": "government",
        "lead_unit_id": health.pk,
        "deadline": "9999-12-31",
        "source_url": "javascript:alert(1)",
    }
    response = _post(api_as(clerk), "/api/v1/action-items", body)
    assert response.status_code == 422
    assert sorted(_errors(response)) == [
        ("deadline", "日期应在 2000-01-01 至 2100-12-31 之间。"),
        ("source_url", "链接应为以 http:// 或 https:// 开头的网址。"),
    ]
    assert not ActionItem.objects.exists()


@pytest.mark.django_db
def test_a_meeting_title_with_a_line_break_is_refused(
    api_as: Callable[[Any], Client], clerk: Any
) -> None:
    """Issue 17: meeting titles with \\n reached the mail Subject."""
    body = {
        "title": "全体会议\r\n（第二行）",
        "starts_at": "2027-03-01T09:00:00+08:00",
        "ends_at": "2027-03-01T11:00:00+08:00",
        "location": "市卫生健康委会议室",
    }
    response = _post(api_as(clerk), "/api/v1/meetings", body)
    assert response.status_code == 422
    assert [field for field, _ in _errors(response)] == ["title"]
    assert not Meeting.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_nul_byte_in_any_text_field_is_a_422_not_a_500(
    api_as: Callable[[Any], Client], clerk: Any
) -> None:
    """Issue 17: "a NUL byte in any API text field is a 500 on PostgreSQL" (PostgreSQL cannot
    store it); now a 422 before anything reaches the database. Run on PostgreSQL in CI."""
    client = api_as(clerk)
    for field in ("title", "location", "onset"):
        response = _post(
            client,
            "/api/v1/incidents",
            _incident(**{field: "甲\x00乙"}),
            **{"Idempotency-Key": field},
        )
        assert response.status_code == 422, (connection.vendor, field, response.content)
        assert _errors(response)[0][0] == field
        assert "空字符（NUL）" in _errors(response)[0][1]
    response = _post(
        client,
        "/api/v1/incidents",
        _incident(enterprise={"name": "某\x00公司", "credit_code": VALID_CODE}),
        **{"Idempotency-Key": "nested"},
    )
    assert response.status_code == 422 and _errors(response)[0][0] == "name"
    response = client.get("/api/v1/routing", {"text": "粉尘\x00"})
    assert response.status_code == 422
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_the_openapi_schema_states_the_limits(client: Client) -> None:
    """A client can check before sending: maxLength and pattern in /api/v1/openapi.json."""
    schema = client.get("/api/v1/openapi.json").json()
    title = schema["components"]["schemas"]["IncidentIn"]["properties"]["title"]
    assert title["maxLength"] == 200 and title["pattern"].startswith("^[^")
