"""Malformed and oversized requests are 400 / 413 in Chinese, never 500 (issue 17).

Issue 17 defect: "multipart without a boundary and JSON over 2.5 MB are 500s". GB/T 22239-2019
8.1.4.4 入侵防范 (input that cannot be read is refused, the service keeps running): pages get a
Chinese error page, the API its JSON error shape ``{"detail": "…"}``; nothing is written.
The API's endpoints: lianxi/api/tests/test_malformed_requests_api.py.
"""

import json
from typing import Any

import pytest
from django.core.exceptions import RequestDataTooBig
from django.http.multipartparser import MultiPartParserError
from django.test import Client, RequestFactory

from lianxi.core.middleware import bad_request
from lianxi.organization.models import RulesDocument

pytestmark = pytest.mark.django_db

RULES_PAGE = "/units/rules/import/"
LOGIN_PAGE = "/account/login/"
OVER_LIMIT = 2_621_440 + 1024  # Django's DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB, and a bit


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def no_boundary(client: Client, path: str, **extra: Any) -> Any:
    body = b'--x\r\nContent-Disposition: form-data; name="dry_run"\r\n\r\ntrue\r\n--x--\r\n'
    return client.generic("POST", path, body, content_type="multipart/form-data", **extra)


# --- pages ----------------------------------------------------------------------------------


def test_page_multipart_without_boundary_is_a_chinese_400(login, clerk, mechanism):
    """The defect on a page: the upload form's POST without a boundary."""
    before = RulesDocument.objects.count()
    response = no_boundary(login(clerk), RULES_PAGE)
    assert response.status_code == 400
    body = response.content.decode()
    assert "boundary" in body and "请求有误" in body and chinese(body)
    assert RulesDocument.objects.count() == before


def csrf_client() -> Client:
    """A client that passes no CSRF exemption, holding the CSRF cookie of the login page: its
    POSTs are read by the CSRF check (for the token) before the view runs."""
    client = Client(enforce_csrf_checks=True)
    assert client.get(LOGIN_PAGE).status_code == 200
    return client


def test_page_multipart_without_boundary_refused_at_the_csrf_check_is_a_chinese_400(db):
    """The CSRF check reads the form before any view: the same Chinese page from there."""
    response = no_boundary(csrf_client(), LOGIN_PAGE)
    assert response.status_code == 400
    assert "boundary" in response.content.decode()


def test_page_form_over_the_body_limit_is_a_chinese_413(db):
    """A form body over DATA_UPLOAD_MAX_MEMORY_SIZE: 413, not Django's English 400."""
    body = b"username=a&password=" + b"x" * OVER_LIMIT
    response = csrf_client().generic(
        "POST", LOGIN_PAGE, body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    text = response.content.decode()
    assert "提交的内容过大" in text and "2.5 MB" in text


def test_page_with_too_many_fields_is_a_chinese_400(settings, login, clerk, mechanism):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"f{i}=1" for i in range(50)).encode()
    response = login(clerk).generic(
        "POST", RULES_PAGE, body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "字段或文件过多" in response.content.decode()


# --- the 400 handler ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exception", "status", "words"),
    [(RequestDataTooBig(), 413, "请求内容过大"), (MultiPartParserError(), 400, "boundary")],
    ids=["too-big", "multipart"],
)
def test_the_400_handler_answers_the_api_in_its_json_shape(exception, status, words):
    """Refused before the API's own handlers (by a middleware): still JSON under /api/."""
    response = bad_request(RequestFactory().post("/api/v1/incidents"), exception)
    assert response.status_code == status
    assert words in json.loads(response.content)["detail"]


def test_the_400_handler_for_any_other_bad_request_is_a_chinese_page():
    response = bad_request(RequestFactory().get("/"), ValueError("x"))
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()
