"""Documents in the search box (issue 9 §4, 三(二)): the drafting side and the co-issuers find
the current text; a consulted unit finds only the version sent to it; another unit nothing; an
issued document is found by the units it was sent to."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from lianxi.search.selectors import search
from lianxi.search.services import search_index_refresh

from ..models import DocumentReceipt, OfficialDocument
from ..services import document_save
from .conftest import PLAN_BODY
from .test_pages_drafts import consult

pytestmark = pytest.mark.django_db


def found(user: Any, query: str) -> set[tuple[str, int]]:
    return {(h.kind, h.object_id) for h in search(user, query).hits}


def test_search_follows_document_access_三二(
    plan: OfficialDocument,
    clerk: Any,
    union_liaison: Any,
    safety_liaison: Any,
    finance_liaison: Any,
    gov_reader: Any,
    second_clerk: Any,
    unit_named: Any,
) -> None:
    consult(plan, [unit_named("市应急管理局")], clerk)
    first = plan.versions.get(number=1)
    document_save(
        actor=clerk.membership, document=plan, based_on=1, title=plan.title,
        paragraphs=[*PLAN_BODY, "四、建立矽肺筛查台账"],
    )  # fmt: skip
    search_index_refresh()
    document = ("document", plan.pk)
    sent = ("document_version", first.pk)
    # The drafting side and a co-issuer find the current text (with the words of 第2稿).
    assert found(clerk, "矽肺筛查") == {document}
    assert found(union_liaison, "矽肺筛查") == {document}
    # The consulted unit finds the version sent to it, not the later words.
    assert found(safety_liaison, "专项治理") == {sent}
    assert found(safety_liaison, "矽肺筛查") == set()
    # Another unit, the government office (nothing sent to it yet), another meeting: nothing.
    for person in (finance_liaison, gov_reader, second_clerk):
        assert found(person, "专项治理") == set()
    # Issued and sent to the government office: it finds the issued text.
    OfficialDocument.objects.filter(pk=plan.pk).update(status="issued", issued_at=timezone.now())
    DocumentReceipt.objects.create(document=plan, unit=unit_named("市政府办公室"), kind="main")
    search_index_refresh()
    assert found(gov_reader, "矽肺筛查") == {document}
