"""发文字号 under load (四(六)): clerks issuing at the same moment take different numbers, with no
gap — on PostgreSQL (the serial's row lock) and on SQLite (IMMEDIATE write transactions)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from lianxi.organization.access import membership_of

from ..models import IssuedNumber, OfficialDocument
from ..services import document_create, document_issue
from .conftest import PLAN_BODY
from .issuing_helpers import make_register

THREADS = 8
EACH = 5


@pytest.mark.django_db(transaction=True)
def test_eight_clerks_issuing_forty_documents_at_once_take_1_to_40_四六(
    clerk: Any, health: Any
) -> None:
    register = make_register(clerk, health)
    documents = [
        document_create(
            actor=clerk.membership, kind="通知", title=f"第{n}号测试通知", paragraphs=PLAN_BODY
        ).pk
        for n in range(THREADS * EACH)
    ]
    start = threading.Barrier(THREADS)

    def issue(chunk: list[int]) -> list[str]:
        try:
            actor = membership_of(get_user_model().objects.get(pk=clerk.pk))
            assert actor is not None
            start.wait()
            return [
                document_issue(
                    actor=actor, document=OfficialDocument.objects.get(pk=pk)
                ).document_number
                for pk in chunk
            ]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        chunks = [documents[i::THREADS] for i in range(THREADS)]
        numbers = [n for result in pool.map(issue, chunks) for n in result]
    year = timezone.localdate().year
    assert sorted(numbers) == sorted(f"信卫职健〔{year}〕{n}号" for n in range(1, 41))
    serials = IssuedNumber.objects.filter(register=register).values_list("serial", flat=True)
    assert sorted(serials) == list(range(1, 41))
    assert set(
        OfficialDocument.objects.filter(pk__in=documents).values_list("status", flat=True)
    ) == {OfficialDocument.Status.ISSUED}
