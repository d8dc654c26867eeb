"""The API's contract (issue 17, "27 undocumented status codes and 24 schema-valid requests
rejected"; GB/T 22239-2019 8.1.4 应用的接口须可验证): the OpenAPI document says every status an
operation answers, and the schema says what the server takes.

These tests read the document itself, so a router added tomorrow that forgets an error answer is
caught by `make test` without schemathesis; `make contract` (scripts/schemathesis.sh) then
checks the live server against it.
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from ninja import NinjaAPI, Router

from lianxi.api import contract
from lianxi.api.urls import api
from lianxi.organization.models import Unit
from lianxi.supervision.models import ActionItem

METHODS = ("get", "post", "put", "patch", "delete")
TOO_LARGE_FOR_THE_DATABASE = 2**70


def _document() -> dict[str, Any]:
    return api.get_openapi_schema()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if method in METHODS
    ]


def _expected(path: str, operation: dict[str, Any]) -> set[int]:
    """What the document must declare, worked out from the document alone."""
    expected = {401, 403, 429}
    has_body = "requestBody" in operation
    if operation.get("parameters") or has_body:
        expected |= {400, 422}
    if re.search(r"\{\w+\}", path):
        expected.add(404)
    if has_body:
        expected |= {413, 415}
    return expected


def _query(operation: dict[str, Any]) -> bool:
    return any(p["in"] == "query" for p in operation.get("parameters", []))


OPERATIONS = _operations(_document())


def test_the_document_has_every_operation() -> None:
    """Sanity: the walk below covers the whole API (46 operations when this was written)."""
    assert len(OPERATIONS) >= 46


@pytest.mark.parametrize(
    ("method", "path", "operation"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS]
)
def test_every_operation_declares_the_errors_it_can_answer(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    """Defect: 27 undocumented status codes — 422 for a path parameter that is not a number (every
    operation with an id), 401/403/429 from the token in front of every operation, 400 from the
    rules, 413/415 for a body. Each is declared, with a JSON error body."""
    declared = {int(status) for status in operation["responses"]}
    missing = _expected(path, operation) - declared
    assert not missing, f"{method} {path} does not declare {sorted(missing)}"
    if _query(operation):
        assert 414 in declared, f"{method} {path} does not declare 414 (gunicorn's, no body)"
    for status in _expected(path, operation):
        content = operation["responses"][status]["content"]
        schema = content["application/json"]["schema"]
        assert schema["$ref"].rsplit("/", 1)[-1] in {"ErrorOut", "RefusedOut", "InvalidOut"}


@pytest.mark.parametrize(
    ("method", "path", "operation"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS]
)
def test_every_operation_declares_its_success_and_what_it_is(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    """Defect: the CAP, minutes and attachment downloads declared no 200 at all (an undocumented
    status on every download). A success is declared with its content type, or is a 204."""
    successes = [int(s) for s in operation["responses"] if 200 <= int(s) < 300]
    assert successes, f"{method} {path} declares no success"
    for status in successes:
        if status == 204:
            continue
        assert operation["responses"][status].get("content"), (method, path, status)


def test_downloads_declare_the_type_they_send() -> None:
    """A download's 200 names its media type (content_type_conformance in the contract run)."""
    paths = _document()["paths"]

    def media(path: str) -> set[str]:
        return set(paths[path]["get"]["responses"][200]["content"])

    assert media("/api/v1/incidents/{incident_id}/cap") == {"application/cap+xml"}
    assert media("/api/v1/minutes/{minutes_id}/minutes.pdf") == {"application/pdf"}
    assert media("/api/v1/minutes/{minutes_id}/minutes.docx") == {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    }
    assert media("/api/v1/action-items/{item_id}/reports/{report_id}/attachment") == {
        "application/octet-stream"
    }


def test_a_new_router_gets_the_error_answers_without_writing_them() -> None:
    """A router added later declares only its success; declare_errors (lianxi.api.urls) adds the
    rest, so it cannot forget them."""
    router = Router()

    @router.get("/things/{thing_id}", response={200: dict[str, int]})
    def thing(request: Any, thing_id: contract.PathId) -> dict[str, int]:
        return {"id": thing_id}

    @router.get("/things", response={200: list[int]})
    def things(request: Any) -> list[int]:
        return []

    fresh = NinjaAPI(urls_namespace="contract-test")
    fresh.add_router("", router)
    contract.declare_errors(fresh)
    document = fresh.get_openapi_schema(path_prefix="/")
    detail = document["paths"]["/things/{thing_id}"]["get"]["responses"]
    listing = document["paths"]["/things"]["get"]["responses"]
    assert set(detail) == {200, 400, 401, 403, 404, 422, 429}
    assert set(document["paths"]["/things/{thing_id}"]["get"]["responses"]) == set(detail)
    assert set(listing) == {200, 401, 403, 429}


def test_bounds_the_services_check_are_in_the_schema() -> None:
    """Defect: schema-valid requests rejected — a source the ledger does not know, working days
    outside 1-500 (deadline) or 1-250 (feedback) were valid by the schema and refused (400).
    The schema now says the range and the choices."""
    schemas = _document()["components"]["schemas"]
    item = schemas["ActionItemIn"]["properties"]
    assert item["source"]["enum"] == ["government", "annual_plan", "letter", "other"]
    feedback = item["feedback_every_workdays"]
    assert (feedback["minimum"], feedback["maximum"]) == (1, 250)
    resolution = schemas["ResolutionIn"]["properties"]
    assert {"minimum": 1, "maximum": 500, "type": "integer"}.items() <= resolution[
        "deadline_workdays"
    ]["anyOf"][0].items()
    assert item["lead_unit_id"]["maximum"] == contract.MAX_ID


def test_an_id_too_large_for_the_database_is_a_422_not_a_500(
    clerk: Any, health: Unit, api_as: Callable[[Any], Client]
) -> None:
    """Defect (found by the contract run): a unit id larger than 64 bits in a body reached SQLite
    and was a 500 ("Python int too large to convert to SQLite INTEGER"). Ids are bounded in the
    schema and refused with 422; nothing is written."""
    client = api_as(clerk)
    before = ActionItem.objects.count()
    response = client.post(
        "/api/v1/action-items",
        {
            "title": "开展粉尘危害专项治理",
            "source": "government",
            "lead_unit_id": health.pk,
            "supporting_unit_ids": [TOO_LARGE_FOR_THE_DATABASE],
            "deadline_workdays": 20,
        },
        content_type="application/json",
    )
    assert response.status_code == 422, response.content.decode()
    assert response.json()["detail"]
    assert ActionItem.objects.count() == before


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/action-items/{TOO_LARGE_FOR_THE_DATABASE}",
        f"/api/v1/meetings/{TOO_LARGE_FOR_THE_DATABASE}",
        f"/api/v1/incidents/{TOO_LARGE_FOR_THE_DATABASE}",
        f"/api/v1/units/{TOO_LARGE_FOR_THE_DATABASE}",
        "/api/v1/action-items/0",
        f"/api/v1/duties?unit={TOO_LARGE_FOR_THE_DATABASE}",
    ],
)
def test_an_id_out_of_range_in_the_address_is_a_declared_422(
    path: str, clerk: Any, api_as: Callable[[Any], Client]
) -> None:
    """An id outside 1 … 2⁶³−1 in the address or the query is refused before the database, with
    the 422 the operation declares."""
    response = api_as(clerk).get(path)
    assert response.status_code == 422, response.content.decode()
    assert response.json()["detail"]


def test_no_two_schemas_share_a_name():
    """The OpenAPI document names a body's schema by its class: two classes of one name (the
    documents' comment DecisionIn and a major matter's) would give one operation the other's
    body in the document, silently."""
    import importlib
    import pkgutil

    from ninja import Schema

    import lianxi.api as package

    seen: dict[str, str] = {}
    clashes = []
    for info in pkgutil.walk_packages(package.__path__, "lianxi.api."):
        if ".tests" in info.name or ".management" in info.name or ".migrations" in info.name:
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, Schema) and value is not Schema:
                if value.__module__ != info.name:
                    continue
                where = f"{info.name}.{name}"
                if value.__name__ in seen and seen[value.__name__] != where:
                    clashes.append(f"{seen[value.__name__]} / {where}")
                seen.setdefault(value.__name__, where)
    assert clashes == []
