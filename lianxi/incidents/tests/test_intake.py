"""三(四)2, 二(四): intake — validation, the credit code, the enterprise, grade and clock."""

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lianxi.core.exceptions import ApplicationError
from lianxi.core.models import AuditEvent
from lianxi.incidents import grading
from lianxi.incidents.credit_code import check_character, credit_code_error, is_valid
from lianxi.incidents.models import Enterprise, Incident, TimelineEntry
from lianxi.incidents.services import incident_register
from lianxi.notifications.models import Message

from .conftest import VALID_CODE, credit_code

pytestmark = pytest.mark.django_db


# --- the unified social credit code (GB 32100-2015) -------------------------------------------


def test_credit_code_check_character_of_the_standard_example() -> None:
    """三(四)2 intake: the example code of GB 32100-2015 passes; its check character is 3."""
    assert check_character("91350100M000100Y4") == "3"
    assert is_valid("91350100M000100Y43")
    assert is_valid(" 91350100m000100y43 ")  # case and spaces do not matter


@pytest.mark.parametrize(
    "body", ["91411500MA40000000", "12411500004000000", "51411502MA45X8K2P", "Y1411502000000000"]
)
def test_credit_codes_computed_with_the_weights_are_valid(body: str) -> None:
    """三(四)2: codes built with the check character computed from the weights are accepted;
    changing any single character makes them invalid."""
    code = credit_code(body)
    assert is_valid(code)
    for i in range(18):
        for c in "0123456789ABCDEFGHJKLMNPQRTUWXY":
            if c != code[i] and not (2 <= i < 8 and not c.isdigit()):
                assert not is_valid(code[:i] + c + code[i + 1 :]), (code, i, c)
                break


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("", "请填写"),
        ("9141150", "应为 18 位"),
        ("91350100M000100Y4I", "不允许的字符"),
        ("91350100M000100Y4O", "不允许的字符"),
        ("91AB0100M000100Y43", "行政区划码"),
        ("91350100M000100Y44", "校验位不正确"),
    ],
)
def test_invalid_credit_codes_get_a_clear_chinese_message(code: str, words: str) -> None:
    """三(四)2: an invalid code says what is wrong, in Chinese."""
    message = credit_code_error(code)
    assert message is not None and words in message


# --- validation: bad input creates nothing -------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"poisoned_count": -1}, "poisoned_count", "不能为负数"),
        ({"exposed_count": -3}, "exposed_count", "不能为负数"),
        ({"death_count": 3, "poisoned_count": 2}, "death_count", "不能多于急性中毒人数"),
        ({"credit_code": VALID_CODE[:17] + "0"}, "credit_code", "校验位"),
        ({"occurred_at": "future"}, "occurred_at", "不能晚于现在"),
        ({"first_reported_at": "future"}, "first_reported_at", "不能晚于现在"),
        ({"occurred_at": "after_report"}, "first_reported_at", "不能早于事故发生时间"),
        ({"title": "  "}, "title", "请填写事故名称"),
        ({"location": ""}, "location", "请填写事故发生地点"),
        ({"hazard": "noise"}, "hazard", "危害因素类别"),
    ],
)
def test_bad_input_gets_a_chinese_error_and_creates_nothing(
    mechanism: Any, clerk: Any, data: Any, changes: dict[str, Any], field: str, words: str
) -> None:
    """三(四)2 / 二(四): negative counts, a time in the future, an invalid credit code, deaths
    greater than poisoned: a clear Chinese error, no incident, enterprise, message or audit."""
    now = timezone.now()
    if changes.get("occurred_at") == "future":
        changes["occurred_at"] = now + timedelta(minutes=5)
    if changes.get("first_reported_at") == "future":
        changes["first_reported_at"] = now + timedelta(minutes=5)
    if changes.get("occurred_at") == "after_report":
        changes["occurred_at"] = data.first_reported_at + timedelta(minutes=1)
    audits = AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as caught:
        incident_register(
            mechanism=mechanism, data=replace(data, **changes), actor=clerk.membership, now=now
        )
    assert caught.value.field == field
    assert words in caught.value.message
    assert not Incident.objects.exists()
    assert not Enterprise.objects.exists()
    assert not TimelineEntry.objects.exists()
    assert AuditEvent.objects.count() == audits


def test_outsider_and_auditor_cannot_register(
    mechanism: Any, outsider: Any, auditor: Any, data: Any
) -> None:
    """三(四)2: the secretariat or a member unit registers; others cannot."""
    for actor in (outsider, auditor):
        with pytest.raises(ApplicationError):
            incident_register(mechanism=mechanism, data=data, actor=actor)
    assert not Incident.objects.exists()


# --- registering -----------------------------------------------------------------------


def test_register_grades_starts_the_clock_and_writes_the_timeline(
    mechanism: Any, clerk: Any, data: Any
) -> None:
    """三(四)2, 二(四): 12 poisonings → 重大, report due 2 hours after the first report."""
    now = timezone.now()
    incident, created = incident_register(
        mechanism=mechanism, data=data, actor=clerk.membership, now=now
    )
    assert created
    assert incident.grade == "major" and grading.grade_label(incident.grade) == "重大"
    assert incident.report_due_at == data.first_reported_at + timedelta(hours=2)
    assert incident.reference.startswith("ZW-") and incident.reference.endswith(
        f"{incident.pk:04d}"
    )
    assert (
        incident.registering_unit is not None and incident.registering_unit.name == "市卫生健康委"
    )
    assert incident.registered_by == clerk
    assert not incident.is_radiation
    kinds = list(incident.timeline.values_list("kind", flat=True))
    assert kinds == ["occurred", "first_reported", "registered"]
    assert AuditEvent.objects.filter(action="incident.register").count() == 1
    # The secretariat registered it itself: nobody needs to be told.
    assert not Message.objects.filter(kind="incidents.registered").exists()


def test_enterprise_is_matched_by_its_credit_code(make_incident: Any) -> None:
    """三(四)2: the same code is the same enterprise (created once, blanks filled later)."""
    first = make_incident(industry="", enterprise_name="信阳某某化工有限公司")
    second = make_incident(
        enterprise_name="信阳某某化工公司（简称）", industry="化工", credit_code=VALID_CODE.lower()
    )
    assert first.enterprise_id == second.enterprise_id
    enterprise = Enterprise.objects.get()
    assert enterprise.name == "信阳某某化工有限公司"
    assert enterprise.industry == "化工"
    other = make_incident(credit_code=credit_code("91411503MA0000001"))
    assert other.enterprise_id != first.enterprise_id


def test_a_member_unit_registers_and_the_secretariat_is_told(
    mechanism: Any, clerk: Any, other_liaison: Any, data: Any
) -> None:
    """三(四)2: any other department that learns of an incident reports it; the secretariat
    gets a message."""
    incident, _ = incident_register(mechanism=mechanism, data=data, actor=other_liaison)
    assert (
        incident.registering_unit is not None
        and incident.registering_unit.name == "市人力资源和社会保障局"
    )
    message = Message.objects.get(kind="incidents.registered")
    assert message.url == f"/incidents/{incident.pk}/"
    assert "重大" in message.subject


def test_api_intake_is_idempotent_and_has_no_registering_unit(mechanism: Any, data: Any) -> None:
    """三(四)2: another system posts with an idempotency key; a retry returns the same one."""
    first, created = incident_register(
        mechanism=mechanism,
        data=data,
        actor=None,
        idempotency_key="hosp-1",
        source_system="市中心医院",
    )
    again, created_again = incident_register(
        mechanism=mechanism,
        data=data,
        actor=None,
        idempotency_key="hosp-1",
        source_system="市中心医院",
    )
    assert created and not created_again and first.pk == again.pk
    assert Incident.objects.count() == 1
    assert first.registering_unit is None and first.source_system == "市中心医院"


def test_radioactive_hazard_marks_a_radiation_accident(make_incident: Any) -> None:
    """二(四): radiation accidents are marked as such."""
    incident = make_incident(hazard=Incident.Hazard.RADIOACTIVE, poisoned_count=0, death_count=0)
    assert incident.is_radiation
