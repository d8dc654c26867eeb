"""“谁来管” (二(四), annex): a face over lianxi.routing.

Same access as the page: people inside the joint meeting may ask; outsiders 403; no token 401.
"""

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema

from lianxi.core.exceptions import ApplicationError
from lianxi.routing import access, selectors

from ..schemas import ErrorOut
from ..text import Paragraph

router = Router(tags=["谁来管"])

# The text travels in the query string: 500 characters of four-byte UTF-8, percent-encoded, are
# 6,000 bytes, inside the 8,190-byte request line gunicorn is started with (`lianxi run`,
# Procfile). The page posts its form and takes 2,000.
TEXT_MAX = 500


class RoutingQuery(Schema):
    text: Annotated[str, Paragraph(TEXT_MAX)]


class RoutedDutyOut(Schema):
    number: int
    text: str
    matched: list[str]


class RoutedUnitOut(Schema):
    id: int
    name: str
    score: float
    role: Literal["lead", "support"] | None
    duties: list[RoutedDutyOut]


class RoutingOut(Schema):
    text: str
    units: list[RoutedUnitOut]
    confident: bool


@router.get(
    "/routing",
    response={200: RoutingOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    summary="谁来管：按附件职责为事项排出牵头和配合单位",
)
def route(request: HttpRequest, query: Query[RoutingQuery]) -> Any:
    """Every member unit ranked best first, the suggested lead and supporting units, and for
    each unit the duties that matched with the words that matched. `confident` is false when
    no duty fits: then no lead is suggested."""
    membership = access.require_router(request.user)
    text = query.text.strip()
    if not text:
        raise ApplicationError("请填写事项。", field="text")
    if len(text) > TEXT_MAX:
        raise ApplicationError(f"事项不超过 {TEXT_MAX} 个字。", field="text")
    result = selectors.route(membership.unit.mechanism, text)
    answer = result.as_json()
    for unit, out in zip(result.units, answer["units"], strict=True):
        out["id"] = unit.key
    return answer
