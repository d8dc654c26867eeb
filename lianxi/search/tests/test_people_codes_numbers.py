"""Search finds people by name, enterprises by credit code, documents by 文号 (issue 18, "Pages";
二(四)): the words officials type into the box, on either database."""

from typing import Any

import pytest
from django.utils import timezone

from lianxi.incidents.tests.conftest import VALID_CODE
from lianxi.organization.models import Membership
from lianxi.search.selectors import search

from .conftest import Record

pytestmark = pytest.mark.django_db


def found(user: Any, query: str) -> set[tuple[str, int]]:
    return {(h.kind, h.object_id) for h in search(user, query).hits}


def test_people_are_found_by_name(
    record: Record, clerk: Any, other_liaison: Any, union_liaison: Any
) -> None:
    """四(一): the members and liaisons the unit pages list are found by name, by anyone inside."""
    hrss = Membership.objects.get(user=other_liaison)
    assert ("person", hrss.pk) in found(clerk, "张联络")
    assert ("person", hrss.pk) in found(union_liaison, "张联络")
    hit = next(h for h in search(clerk, "张联络").hits if h.kind == "person")
    assert "市人力资源和社会保障局" in hit.title
    assert hit.url.endswith(f"/units/{hrss.unit_id}/#person-{hrss.pk}")


def test_people_of_another_joint_meeting_are_not_found(
    record: Record, other_liaison: Any, second_clerk: Any, outsider: Any
) -> None:
    assert not any(kind == "person" for kind, _ in found(second_clerk, "张联络"))
    assert found(outsider, "张联络") == set()


def test_an_enterprise_is_found_by_its_credit_code(record: Record, clerk: Any) -> None:
    """三(四)2: an incident carries the enterprise's 统一社会信用代码; the code finds it."""
    assert ("incident", record.incident.pk) in found(clerk, VALID_CODE)
    assert ("incident", record.incident.pk) in found(clerk, VALID_CODE.lower())


def test_minutes_are_found_by_their_number_in_the_forms_people_type(
    record: Record, clerk: Any
) -> None:
    """三(一)1: issued minutes are found by 文号: 〔2026〕1号, "2026 1号", 2026年1号, [2026]1号."""
    minutes = record.minutes
    assert minutes.number  # e.g. 〔2026〕1号
    year, serial = minutes.year, minutes.serial
    assert serial is not None
    for query in (
        minutes.number,
        f"{year} {serial}号",
        f"{year}年{serial}号",
        f"[{year}]{serial}号",
        f"({year}){serial}号",
        f"{year}年第{serial}号",
    ):
        assert ("minutes", minutes.pk) in found(clerk, query), query
    assert ("minutes", minutes.pk) not in found(clerk, f"〔{year}〕{serial + 10}号")
    assert ("minutes", minutes.pk) not in found(clerk, f"〔{timezone.now().year - 5}〕{serial}号")
