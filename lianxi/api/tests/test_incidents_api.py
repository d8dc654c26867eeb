"""Incidents through the API (三(四)2, 二(四); issue 4 §1 intake and §4 interchange).

Intake for other systems with an Idempotency-Key (a retried POST creates one incident); bad
reports get a clear Chinese 400 and create nothing; the pages' visibility (secretariat,
government office, notified or registering unit); every view of the details is audited; the
notices as JSON and as CAP 1.2 XML valid against the OASIS schema.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from lxml import etree

from lianxi.core.models import AuditEvent
from lianxi.incidents import cap, services
from lianxi.incidents.models import Enterprise, Incident, IncidentUpdate
from lianxi.incidents.tests.conftest import credit_code
from lianxi.organization.access import membership_of
from lianxi.organization.models import Unit

pytestmark = pytest.mark.django_db

Api = Callable[[Any], Client]
LIST = "/api/v1/incidents"
SCHEMA = Path(__file__).resolve().parents[2] / "incidents" / "tests" / "data" / "CAP-v1.2.xsd"
CAP_NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}


CODE = credit_code("91411500MA3X12345")


def report(**changes: Any) -> dict[str, Any]:
    """A hospital's report of a 12-poisoning carbon-monoxide incident (a 重大 one)."""
    now = timezone.now()
    data: dict[str, Any] = {
        "title": "某化工企业一氧化碳中毒事故",
        "occurred_at": (now - timedelta(hours=3)).isoformat(),
        "first_reported_at": (now - timedelta(hours=2)).isoformat(),
        "location": "平桥区工业园区纬二路8号 合成车间",
        "enterprise": {
            "name": "信阳某化工有限公司",
            "credit_code": CODE,
            "industry": "化学原料和化学制品制造业",
            "address": "工业园区纬二路8号",
            "county": "平桥区",
        },
        "hazard": "chemical",
        "substance": "一氧化碳",
        "exposed_count": 30,
        "poisoned_count": 12,
        "death_count": 0,
        "onset": "头晕、恶心，2人昏迷",
        "probable_cause": "煤气管道泄漏",
        "measures_taken": "停产，送医，封控车间",
        "trend": "病情趋于稳定",
    }
    for key, value in changes.items():
        if key in data["enterprise"] and key not in data:
            data["enterprise"][key] = value
        else:
            data[key] = value
    return data


def post(client: Client, data: dict[str, Any], key: str | None = "hospital-0001") -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(LIST, data, content_type="application/json", headers=headers)


@pytest.fixture
def posted(api_as: Api, clerk: Any) -> Incident:
    response = post(api_as(clerk), report())
    assert response.status_code == 201, response.content.decode()
    return Incident.objects.get(pk=response.json()["id"])


def notify_units(incident: Incident, clerk: Any, *units: Unit) -> None:
    services.incident_notify(
        incident=incident, units=list(units), reasons=["职责涉及"] * len(units),
        actor=membership_of(clerk),
    )  # fmt: skip


# --- intake ----------------------------------------------------------------------------------


def test_intake_registers_and_grades_an_incident(api_as: Api, clerk: Any) -> None:
    """三(四)2 intake, 二(四) grade: 12 acute poisonings is 重大, reported within 2 hours."""
    response = post(api_as(clerk), report())
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert body["grade"] == "major"
    assert body["grade_display"] == "重大"
    assert body["poisoned_count"] == 12
    assert body["enterprise"]["credit_code"] == CODE
    assert body["probable_cause"] == "煤气管道泄漏"
    assert body["url"].endswith(f"/api/v1/incidents/{body['id']}")
    incident = Incident.objects.get()
    assert incident.report_due_at == incident.first_reported_at + timedelta(hours=2)
    assert AuditEvent.objects.filter(action="incident.register").count() == 1


def test_retried_post_with_the_same_key_returns_the_same_incident(api_as: Api, clerk: Any) -> None:
    """三(四)2: a retried POST (same Idempotency-Key) creates one incident: 201, then 200."""
    client, data = api_as(clerk), report()
    first = post(client, data, key="his-2026-000123")
    again = post(client, data, key="his-2026-000123")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Incident.objects.count() == 1
    assert AuditEvent.objects.filter(action="incident.register").count() == 1
    other = post(client, data, key="his-2026-000124")
    assert other.status_code == 201
    assert Incident.objects.count() == 2


def test_key_is_required(api_as: Api, clerk: Any) -> None:
    response = post(api_as(clerk), report(), key=None)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert "重试" in response.json()["detail"]
    assert not Incident.objects.exists()


def test_same_key_with_another_incident_is_refused(api_as: Api, clerk: Any) -> None:
    client = api_as(clerk)
    assert post(client, report(), key="k1").status_code == 201
    response = post(client, report(title="另一起粉尘事故"), key="k1")
    assert response.status_code == 409
    assert "已用于另一起事故" in response.json()["detail"]
    assert Incident.objects.count() == 1


def test_keys_belong_to_their_caller(api_as: Api, clerk: Any, health_liaison: Any) -> None:
    """Two systems that happen to use the same key report two incidents, not one."""
    assert post(api_as(clerk), report(), key="1").status_code == 201
    response = post(api_as(health_liaison), report(title="另一起事故"), key="1")
    assert response.status_code == 201
    assert Incident.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"poisoned_count": -1}, "急性中毒人数不能为负数"),
        ({"exposed_count": -5}, "接触人数不能为负数"),
        ({"death_count": 3, "poisoned_count": 2}, "死亡人数（3）不能多于急性中毒人数（2）"),
        ({"credit_code": "91411500MA3X123450"}, "统一社会信用代码校验位不正确"),
        ({"credit_code": "1234"}, "统一社会信用代码应为 18 位"),
        ({"occurred_at": (timezone.now() + timedelta(days=1)).isoformat()}, "不能晚于现在"),
        ({"first_reported_at": (timezone.now() + timedelta(hours=1)).isoformat()}, "不能晚于现在"),
    ],
)
def test_bad_reports_get_chinese_errors_and_create_nothing(
    api_as: Api, clerk: Any, changes: dict[str, Any], message: str
) -> None:
    """二(四)/三(四)2: negative counts, a time in the future, an invalid credit code, deaths
    greater than poisoned: 400 with a clear Chinese message; no incident, no enterprise."""
    response = post(api_as(clerk), report(**changes))
    assert response.status_code == 400, response.content.decode()
    assert message in response.json()["detail"]
    assert not Incident.objects.exists()
    assert not Enterprise.objects.exists()
    assert not AuditEvent.objects.filter(action="incident.register").exists()


def test_a_time_without_offset_is_beijing_time(api_as: Api, clerk: Any) -> None:
    local = timezone.localtime() - timedelta(hours=1)
    naive = local.replace(tzinfo=None, microsecond=0).isoformat()
    response = post(api_as(clerk), report(first_reported_at=naive))
    assert response.status_code == 201, response.content.decode()
    assert Incident.objects.get().first_reported_at == local.replace(microsecond=0)


def test_who_may_report_an_incident(
    api_as: Api, clerk: Any, health_liaison: Any, other_liaison: Any, gov_reader: Any,
    auditor: Any, outsider: Any, login: Callable[[Any], Client],
) -> None:  # fmt: skip
    """三(四)2: the secretariat and any member unit's people report; others may not."""
    assert post(api_as(other_liaison), report(), key="a").status_code == 201
    assert post(api_as(health_liaison), report(), key="b").status_code == 201
    for user in (gov_reader, auditor, outsider):
        response = post(api_as(user), report(), key="c")
        assert response.status_code == 403, user
        assert response.json()["detail"]
    assert post(Client(), report(), key="d").status_code == 401
    # A browser session may read but never write: a POST needs a token.
    assert post(login(clerk), report(), key="e").status_code == 401
    assert Incident.objects.count() == 2


# --- reading ---------------------------------------------------------------------------------


def test_list_shows_what_the_pages_show(
    api_as: Api, clerk: Any, gov_reader: Any, other_liaison: Any, safety_liaison: Any,
    auditor: Any, posted: Incident, unit_named: Callable[[str], Unit],
) -> None:  # fmt: skip
    """三(四)2 privacy: secretariat and government see all; a unit only what it was notified of."""
    for user in (clerk, gov_reader):
        assert [i["id"] for i in api_as(user).get(LIST).json()] == [posted.pk]
    assert api_as(other_liaison).get(LIST).json() == []
    notify_units(posted, clerk, unit_named("市人力资源和社会保障局"))
    listed = api_as(other_liaison).get(LIST).json()
    assert [i["id"] for i in listed] == [posted.pk]
    assert "probable_cause" not in listed[0]  # details only in the audited detail
    assert api_as(safety_liaison).get(LIST).json() == []
    assert api_as(auditor).get(LIST).status_code == 403
    assert Client().get(LIST).status_code == 401


def test_list_query_count_does_not_grow(
    api_as: Api, clerk: Any, django_assert_max_num_queries: Any
) -> None:
    client = api_as(clerk)
    for n in range(2):
        assert post(client, report(title=f"事故{n}"), key=f"q{n}").status_code == 201
    with django_assert_max_num_queries(6):
        assert len(client.get(LIST).json()) == 2
    for n in range(2, 12):
        assert post(client, report(title=f"事故{n}"), key=f"q{n}").status_code == 201
    with django_assert_max_num_queries(6):
        assert len(client.get(LIST).json()) == 12


def test_detail_is_audited_and_hidden_from_other_units(
    api_as: Api, clerk: Any, gov_reader: Any, other_liaison: Any, outsider: Any,
    posted: Incident, login: Callable[[Any], Client],
) -> None:  # fmt: skip
    """三(四)2 privacy: every view of an incident's details is in the audit trail; a unit not
    notified gets 404, as for an incident that does not exist."""
    url = f"{LIST}/{posted.pk}"
    views = AuditEvent.objects.filter(action="incident.view", target_id=str(posted.pk))
    response = api_as(gov_reader).get(url)
    assert response.status_code == 200
    assert response.json()["onset"] == "头晕、恶心，2人昏迷"
    assert views.count() == 1
    assert login(clerk).get(url).status_code == 200  # a session may read
    assert views.count() == 2
    for user in (other_liaison, outsider):
        assert api_as(user).get(url).status_code == 404
    assert api_as(other_liaison).get(f"{LIST}/999999").status_code == 404
    assert Client().get(url).status_code == 401
    assert views.count() == 2


# --- notices as JSON and CAP XML ---------------------------------------------------------------


def test_notices_as_json_and_cap_xml_valid_against_the_schema(
    api_as: Api, clerk: Any, other_liaison: Any, safety_liaison: Any, posted: Incident,
    unit_named: Callable[[str], Unit],
) -> None:  # fmt: skip
    """三(四)2 / issue 4 §4: every notice as CAP 1.2 (Alert; 续报/终报 Update chained to the
    first alert by `references`), valid against the OASIS schema, and as JSON."""
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    hrss, ema = unit_named("市人力资源和社会保障局"), unit_named("市应急管理局")
    assert api_as(clerk).get(f"{LIST}/{posted.pk}/cap").status_code == 404  # nothing sent yet
    notify_units(posted, clerk, hrss)
    notify_units(posted, clerk, ema)
    services.incident_update_add(
        incident=posted, kind="follow_up", text="新增2名中毒人员。", poisoned_count=14,
        actor=membership_of(clerk),
    )  # fmt: skip

    body = api_as(clerk).get(f"{LIST}/{posted.pk}/notices").json()
    assert [n["unit"]["name"] for n in body["notices"]] == [hrss.name, ema.name]
    first = body["notices"][0]
    assert first["cap"]["msgType"] == "Alert"
    assert first["cap"]["scope"] == "Restricted"
    assert first["cap"]["identifier"] == first["cap_identifier"]
    update = body["updates"][0]
    assert update["kind"] == "follow_up"
    assert update["cap"]["msgType"] == "Update"
    assert update["cap"]["references"][0]["identifier"] == first["cap_identifier"]

    client = api_as(clerk)
    for url in (
        f"{LIST}/{posted.pk}/cap",
        first["cap_url"],
        body["notices"][1]["cap_url"],
        update["cap_url"],
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/cap+xml")
        document = etree.fromstring(response.content)
        assert schema.validate(document), schema.error_log
    msg_type = document.findtext("cap:msgType", namespaces=CAP_NS)
    assert msg_type == "Update"
    assert first["cap_identifier"] in document.findtext("cap:references", namespaces=CAP_NS)

    # A notified unit gets its own notice by default; a unit not notified gets nothing.
    own = etree.fromstring(api_as(safety_liaison).get(f"{LIST}/{posted.pk}/cap").content)
    assert own.findtext("cap:identifier", namespaces=CAP_NS) == body["notices"][1]["cap_identifier"]
    assert api_as(other_liaison).get(first["cap_url"]).status_code == 200
    assert Client().get(first["cap_url"]).status_code == 401
    assert AuditEvent.objects.filter(action="incident.view", target_id=str(posted.pk)).exists()


def test_the_notices_json_reads_a_fixed_number_of_queries_三_四_2(
    api_as: Api, clerk: Any, posted: Incident, unit_named: Callable[[str], Unit],
) -> None:  # fmt: skip
    """三(四)2 续报: each update's CAP chain equals its own CAP file's, built from the updates in
    hand: the page's queries do not grow with the follow-up reports."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    notify_units(posted, clerk, unit_named("市人力资源和社会保障局"))
    client = api_as(clerk)
    url = f"{LIST}/{posted.pk}/notices"
    client.get(url)  # the token's first use is recorded once: not part of the count

    def add_and_count(n: int) -> tuple[int, dict[str, Any]]:
        for i in range(n):
            services.incident_update_add(
                incident=posted, kind="follow_up", text=f"续报{i}", actor=membership_of(clerk)
            )
        with CaptureQueriesContext(connection) as captured:
            body = client.get(url).json()
        return len(captured), body

    one, _ = add_and_count(1)
    six, body = add_and_count(5)
    assert six == one
    for update in body["updates"]:
        own = cap.to_dict(cap.update_cap(IncidentUpdate.objects.get(pk=update["id"])))
        assert update["cap"] == own
    assert [len(u["cap"]["references"]) for u in body["updates"]] == [1, 2, 3, 4, 5, 6]


def test_cap_of_an_incident_a_unit_was_not_notified_of_is_not_found(
    api_as: Api, clerk: Any, safety_liaison: Any, gov_reader: Any, posted: Incident,
    unit_named: Callable[[str], Unit],
) -> None:  # fmt: skip
    """三(四)2: a notice (and its CAP) is for the units notified, the secretariat and the
    government office; for another unit the incident does not exist (404)."""
    notify_units(posted, clerk, unit_named("市人力资源和社会保障局"))
    notice = posted.notices.get()
    url = f"{LIST}/{posted.pk}/notices/{notice.pk}/cap"
    assert api_as(safety_liaison).get(url).status_code == 404
    assert api_as(safety_liaison).get(f"{LIST}/{posted.pk}/notices").status_code == 404
    assert api_as(gov_reader).get(url).status_code == 200
    assert api_as(gov_reader).get(f"{LIST}/{posted.pk}/notices/999999/cap").status_code == 404
