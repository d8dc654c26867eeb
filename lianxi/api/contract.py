"""The API's contract (issue 17): every status an operation can answer is in its OpenAPI entry.

The errors come from one place (lianxi.api.errors and the auth in front of every operation),
so they are declared in one place too: `declare_errors(api)`, called once in lianxi.api.urls
after the routers are added, gives every operation of every router the error answers that apply
to it — a router added tomorrow gets them without writing them. What applies:

- every operation: 401 (no token, a wrong, revoked or expired one), 403 (the caller's role, or
  a token's scope, does not allow it), 429 (too many requests with one token);
- an operation that takes anything (path, query, header, body): 400 (the platform's rules
  refuse it, lianxi.core.exceptions.ApplicationError) and 422 (a value that does not fit its
  field: not a number, not one of the choices, text the input policy refuses);
- an operation with a path parameter: 404 (missing, or not the caller's to see: the same);
- an operation with a body: 413 (too large) and 415 (a content type it does not take);
- an operation with a query parameter: 414 (an address longer than the web server's request
  line, answered by gunicorn before Django: no JSON body).

A router still declares what is its own (409 for the incident intake's Idempotency-Key).
Downloads answer a file, not JSON: `download(content_type)` is their 200 in the document.
lianxi/api/tests/test_openapi_contract.py checks the document against these rules.
"""

from typing import Annotated, Any

from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.params.models import BodyModel, FileModel, FormModel, PathModel, QueryModel

from lianxi.supervision.models import MAX_DEADLINE_WORKDAYS, MAX_FEEDBACK_WORKDAYS

from .schemas import ErrorOut


class RefusedOut(Schema):
    """400: the platform's rules refuse the request; `field` names the field when one is."""

    detail: str
    field: str | None = None


class InvalidOut(Schema):
    """422: a value does not fit its field; `errors` says which (pydantic's list)."""

    detail: str
    errors: list[dict[str, Any]] | None = None


EVERY_OPERATION: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 429: ErrorOut}
WITH_INPUT: dict[int, type[Schema]] = {400: RefusedOut, 422: InvalidOut}
WITH_PATH: dict[int, type[Schema]] = {404: ErrorOut}
WITH_BODY: dict[int, type[Schema]] = {413: ErrorOut, 415: ErrorOut}
WITH_QUERY: dict[int, None] = {414: None}

BODY_MODELS = (BodyModel, FormModel, FileModel)


def applicable(operation: Any) -> dict[int, type[Schema] | None]:
    """The error answers `operation` (a ninja Operation) can give, by status."""
    models = list(operation.models)
    statuses: dict[int, type[Schema] | None] = dict(EVERY_OPERATION)
    if models:
        statuses.update(WITH_INPUT)
    if any(issubclass(model, PathModel) for model in models):
        statuses.update(WITH_PATH)
    if any(issubclass(model, BODY_MODELS) for model in models):
        statuses.update(WITH_BODY)
    if any(issubclass(model, QueryModel) for model in models):
        statuses.update(WITH_QUERY)
    return statuses


def _operations(api: NinjaAPI) -> list[Any]:
    return [
        operation
        for _, router in api._routers
        for view in router.path_operations.values()
        for operation in view.operations
    ]


def declare_errors(api: NinjaAPI) -> None:
    """Adds the applicable error answers to every operation; a status the router declared with
    its own schema keeps it (the plain ErrorOut gives way to the richer RefusedOut/InvalidOut)."""
    for operation in _operations(api):
        for status, schema in applicable(operation).items():
            if status not in operation.response_models:
                operation.response_models[status] = operation._create_response_model(schema)
                continue
            declared = operation.response_models[status]
            if declared is not None and declared.model_fields["response"].annotation is ErrorOut:
                operation.response_models[status] = operation._create_response_model(schema)


def download(content_type: str, description: str) -> dict[str, Any]:
    """`openapi_extra` for an operation that answers 200 with a file of `content_type`."""
    return {
        "responses": {
            200: {
                "description": description,
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


# --- numbers the schema bounds as the server does ------------------------------------------------

# A record's id: a positive 64-bit integer (BigAutoField). Larger numbers would reach the
# database and fail there (SQLite: "Python int too large to convert to SQLite INTEGER", a 500).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, Query(None, ge=1, le=MAX_ID)]
# Working days: the schema says the range the services accept; the services refuse a number
# outside it themselves (400, with the Chinese message the pages show), so it is not checked twice.
DeadlineWorkdays = Annotated[
    int, Field(json_schema_extra={"minimum": 1, "maximum": MAX_DEADLINE_WORKDAYS})
]
FeedbackWorkdays = Annotated[
    int, Field(json_schema_extra={"minimum": 1, "maximum": MAX_FEEDBACK_WORKDAYS})
]


def choices(model_choices: Any, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """`json_schema_extra` naming a text field's values (a model's TextChoices), for a field the
    service checks itself with a Chinese message (400)."""
    return {"enum": [value for value in model_choices.values if value not in exclude]}
