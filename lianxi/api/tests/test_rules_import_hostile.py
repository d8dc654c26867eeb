"""POST /api/v1/rules/import with hostile or broken .docx files (annex; 四(一); issue 17).

Issue 17 defect: "a .docx with an entity or a comment inside a paragraph is a 500 on the rules
import (page and API)". GB/T 22239-2019 8.1.4.4 入侵防范: refused with a Chinese 400 in the API's
error shape, nothing created. The files and the page's side: organization/tests/
test_importer_hostile.py.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lianxi.core.tests import hostile_docx as hostile
from lianxi.organization.tests.test_importer import SEED, make_docx
from lianxi.organization.tests.test_importer_hostile import HOSTILE, snapshot

pytestmark = pytest.mark.django_db

API = "/api/v1/rules/import"


@pytest.fixture(scope="module")
def seed_docx() -> bytes:
    return make_docx(SEED.read_text(encoding="utf-8").split("\n"))


def api_upload(client: Client, data: bytes, **extra: str) -> Any:
    file = SimpleUploadedFile("规则.docx", data, content_type="application/octet-stream")
    return client.post(API, {"file": file, **extra})


def test_api_dry_run_reads_a_docx_with_comments(
    api_as: Callable[[Any], Client], clerk: Any, mechanism: Any, seed_docx: bytes
) -> None:
    """Issue 17 defect on the API: a comment inside a paragraph was a 500."""
    response = api_upload(api_as(clerk), hostile.with_comments(seed_docx), dry_run="true")
    assert response.status_code == 200, response.content
    assert len(response.json()["parsed"]["units"]) == 15


@pytest.mark.parametrize("kind", HOSTILE, ids=list(HOSTILE))
def test_api_answers_400_in_chinese_and_creates_nothing(
    api_as: Callable[[Any], Client], clerk: Any, mechanism: Any, seed_docx: bytes, kind: str
) -> None:
    """Issue 17 defect on the API (an entity was a 500): 400, {"detail": "…"}, nothing written."""
    build, expected = HOSTILE[kind]
    before = snapshot()
    response = api_upload(api_as(clerk), build(seed_docx))
    assert response.status_code == 400, response.content
    assert expected in response.json()["detail"]
    assert snapshot() == before
