"""Malformed and oversized API requests are 400 / 413 in the API's error shape, never 500.

Issue 17 defect: "multipart without a boundary and JSON over 2.5 MB are 500s" (inside the API
django-ninja caught RequestDataTooBig and MultiPartParserError as server errors). GB/T 22239-2019
8.1.4.4 入侵防范: refused in Chinese, ``{"detail": "…"}``, nothing written. Pages:
lianxi/core/tests/test_malformed_requests.py.
"""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lianxi.core.tests.test_malformed_requests import OVER_LIMIT, no_boundary
from lianxi.incidents.models import Incident
from lianxi.organization.models import RulesDocument

pytestmark = pytest.mark.django_db


def test_api_json_over_the_body_limit_is_413_in_the_error_shape(
    api_as: Callable[[Any], Client], clerk: Any, mechanism: Any
) -> None:
    """The defect on the API: JSON over 2.5 MB was a 500 (RequestDataTooBig inside ninja)."""
    payload = json.dumps({"title": "x" * OVER_LIMIT})
    response = api_as(clerk).post(
        "/api/v1/incidents", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert response.status_code == 413, response.content[:300]
    detail = response.json()["detail"]
    assert "请求内容过大" in detail and "2.5 MB" in detail
    assert Incident.objects.count() == 0


def test_api_multipart_without_boundary_is_400_in_the_error_shape(
    api_as: Callable[[Any], Client], clerk: Any, mechanism: Any
) -> None:
    """The defect on the API: the rules import's upload without a boundary was a 500."""
    before = RulesDocument.objects.count()
    response = no_boundary(api_as(clerk), "/api/v1/rules/import")
    assert response.status_code == 400, response.content[:300]
    assert "boundary" in response.json()["detail"]
    assert RulesDocument.objects.count() == before


def test_api_body_that_is_not_json_is_400_in_chinese(
    api_as: Callable[[Any], Client], clerk: Any, mechanism: Any
) -> None:
    """django-ninja's "Cannot parse request body" is said in Chinese."""
    response = api_as(clerk).post(
        "/api/v1/incidents", b"{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "不是有效的 JSON" in response.json()["detail"]
    assert Incident.objects.count() == 0
