"""CAP 1.2 export of incident notices (三(四)2, 二(四); issue 4 §4 interchange).

Every message type the platform writes — Alert (通报), Update (续报/终报), Cancel (撤销) — is
validated with lxml against the OASIS CAP 1.2 schema shipped in tests/data.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from lxml import etree

from lianxi.incidents import cap
from lianxi.incidents.models import Enterprise, Incident, IncidentNotice, IncidentUpdate
from lianxi.organization.models import Unit

from .conftest import credit_code

pytestmark = pytest.mark.django_db

SCHEMA_PATH = Path(__file__).parent / "data" / "CAP-v1.2.xsd"
NS = {"cap": cap.CAP_NS}
SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 9, 15, 42, 123456, tzinfo=SHANGHAI)
SENT_PATTERN = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$")


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def assert_valid(schema: etree.XMLSchema, xml: bytes) -> Any:
    document = etree.fromstring(xml)
    assert schema.validate(document), schema.error_log
    return document


def text(document: Any, path: str) -> str:
    found = document.find(path, NS)
    assert found is not None, path
    return str(found.text)


def make_incident(mechanism: Any, *, grade: str = "major", poisoned: int = 12) -> Incident:
    enterprise = Enterprise.objects.create(
        name="信阳某化工有限公司",
        credit_code=credit_code("91411500MA3X12345"),
        industry="化学原料和化学制品制造业",
        address="工业园区纬二路8号",
        county="平桥区",
    )
    return Incident.objects.create(
        mechanism=mechanism,
        reference="ZY-2026-001",
        title="某化工企业一氧化碳中毒事故",
        occurred_at=T0 - timedelta(hours=2),
        first_reported_at=T0 - timedelta(hours=1),
        location="平桥区工业园区纬二路8号 合成车间",
        enterprise=enterprise,
        hazard=Incident.Hazard.CHEMICAL,
        substance="一氧化碳",
        exposed_count=30,
        poisoned_count=poisoned,
        death_count=0,
        onset="头晕、恶心，2人昏迷",
        probable_cause="煤气管道泄漏",
        measures_taken="停产，送医，封控车间",
        trend="病情趋于稳定",
        grade=grade,
        report_due_at=T0 + timedelta(hours=1),
    )


def notify(incident: Incident, unit: Unit, *, minutes: int = 0) -> IncidentNotice:
    sent = T0 + timedelta(minutes=minutes)
    return IncidentNotice.objects.create(
        incident=incident,
        unit=unit,
        reason="职责涉及",
        sent_at=sent,
        ack_due_at=sent + timedelta(minutes=30),
        cap_identifier=f"{incident.reference}.N{unit.pk}",
    )


def update(incident: Incident, kind: str, *, hours: int, **counts: Any) -> IncidentUpdate:
    author = get_user_model().objects.create_user(username=f"author{hours}")
    return IncidentUpdate.objects.create(
        incident=incident,
        kind=kind,
        text="新增中毒人员，均已送医。" if kind == "follow_up" else "调查结束，已结案。",
        author=author,
        unit=Unit.objects.get(mechanism=incident.mechanism, name="市卫生健康委"),
        created_at=T0 + timedelta(hours=hours),
        cap_identifier=f"{incident.reference}.U{hours}",
        **counts,
    )


@pytest.fixture
def incident(mechanism: Any) -> Incident:
    return make_incident(mechanism)


@pytest.fixture
def units(mechanism: Any) -> list[Unit]:
    names = ("市应急管理局", "市人力资源和社会保障局", "市总工会")
    return [Unit.objects.get(mechanism=mechanism, name=name) for name in names]


def test_notice_is_a_valid_restricted_cap_alert_with_the_required_content(
    schema: etree.XMLSchema, incident: Incident, units: list[Unit]
) -> None:
    """三(四)2: the notice to a department carries 地点、时间、发病情况、死亡人数、可能发生原因、
    已采取措施、发展趋势, as a CAP 1.2 Alert, scope Restricted, valid against the OASIS schema."""
    notice = notify(incident, units[0])
    document = assert_valid(schema, cap.to_xml(cap.notice_cap(notice)))

    assert document.tag == f"{{{cap.CAP_NS}}}alert"
    assert text(document, "cap:identifier") == notice.cap_identifier
    assert text(document, "cap:sent") == "2026-03-02T09:15:42+08:00"
    assert SENT_PATTERN.match(text(document, "cap:sent"))
    assert text(document, "cap:status") == "Actual"
    assert text(document, "cap:msgType") == "Alert"
    assert text(document, "cap:scope") == "Restricted"
    assert "联席会议" in text(document, "cap:restriction")
    assert document.find("cap:references", NS) is None
    assert text(document, "cap:incidents") == "ZY-2026-001"
    assert text(document, "cap:info/cap:language") == "zh-CN"
    categories = [e.text for e in document.findall("cap:info/cap:category", NS)]
    assert categories == ["Health", "Safety"]
    assert text(document, "cap:info/cap:severity") == "Severe"  # 重大
    assert text(document, "cap:info/cap:urgency") == "Immediate"
    assert text(document, "cap:info/cap:certainty") == "Observed"
    assert "一氧化碳" in text(document, "cap:info/cap:event")
    assert "重大" in text(document, "cap:info/cap:headline")
    description = text(document, "cap:info/cap:description")
    required = (
        "地点",
        "发生时间",
        "发病情况",
        "死亡人数",
        "可能发生原因",
        "已采取措施",
        "发展趋势",
    )
    for label in required:
        assert label + "：" in description, label
    assert "急性中毒 12 人" in description
    assert "煤气管道泄漏" in description
    assert text(document, "cap:info/cap:area/cap:areaDesc") == "平桥区工业园区纬二路8号"
    assert "市应急管理局" in text(document, "cap:info/cap:instruction")
    parameters = {
        p.findtext("cap:valueName", namespaces=NS): p.findtext("cap:value", namespaces=NS)
        for p in document.findall("cap:info/cap:parameter", NS)
    }
    assert parameters["急性中毒人数"] == "12"
    assert parameters["事故等级"] == "重大"


def test_follow_up_and_final_reports_are_updates_referencing_every_earlier_message(
    schema: etree.XMLSchema, incident: Incident, units: list[Unit]
) -> None:
    """三(四)2: 续报 and 终报 are CAP Updates whose `references` name every message sent before
    them: each unit's Alert (not only the first unit's) and the earlier Updates."""
    first = notify(incident, units[0])
    second = notify(incident, units[1], minutes=5)
    follow_up = update(incident, "follow_up", hours=2, poisoned_count=14)
    final = update(incident, "final", hours=30, poisoned_count=14, death_count=1)
    sender = cap.cap_sender()
    first_ref = f"{sender},{first.cap_identifier},2026-03-02T09:15:42+08:00"
    second_ref = f"{sender},{second.cap_identifier},2026-03-02T09:20:42+08:00"

    doc = assert_valid(schema, cap.to_xml(cap.update_cap(follow_up)))
    assert text(doc, "cap:msgType") == "Update"
    assert text(doc, "cap:identifier") == follow_up.cap_identifier
    assert text(doc, "cap:references") == f"{first_ref} {second_ref}"
    assert text(doc, "cap:info/cap:urgency") == "Immediate"
    assert "急性中毒人数更新为 14 人" in text(doc, "cap:info/cap:description")

    doc = assert_valid(schema, cap.to_xml(cap.update_cap(final)))
    assert text(doc, "cap:msgType") == "Update"
    references = text(doc, "cap:references").split(" ")
    assert references == [
        first_ref,
        second_ref,
        f"{sender},{follow_up.cap_identifier},2026-03-02T11:15:42+08:00",
    ]
    assert text(doc, "cap:info/cap:urgency") == "Past"
    assert "终报" in text(doc, "cap:info/cap:headline")


def test_withdrawn_incident_is_a_cancel_referencing_every_earlier_message(
    schema: etree.XMLSchema, incident: Incident, units: list[Unit]
) -> None:
    """三(四)2: a withdrawn incident is announced as a CAP Cancel referencing the alert and its
    updates."""
    first = notify(incident, units[0])
    follow_up = update(incident, "follow_up", hours=1)
    message = cap.cancel_cap(incident, reason="经核实为误报", sent=T0 + timedelta(hours=3))
    doc = assert_valid(schema, cap.to_xml(message))
    assert text(doc, "cap:msgType") == "Cancel"
    assert text(doc, "cap:scope") == "Restricted"
    assert "经核实为误报" in text(doc, "cap:note")
    identifiers = [ref.split(",")[1] for ref in text(doc, "cap:references").split(" ")]
    assert identifiers == [first.cap_identifier, follow_up.cap_identifier]
    assert text(doc, "cap:identifier") not in identifiers


@pytest.mark.parametrize(
    ("grade", "severity"),
    [("general", "Moderate"), ("major", "Severe"), ("extraordinary", "Extreme"),
     ("一般", "Moderate"), ("较大", "Moderate"), ("重大", "Severe"), ("特别重大", "Extreme"),
     ("", "Unknown")],
)  # fmt: skip
def test_severity_follows_the_grade(
    schema: etree.XMLSchema, mechanism: Any, units: list[Unit], grade: str, severity: str
) -> None:
    """二(四): the grade (three- or four-grade scheme) sets the CAP severity."""
    notice = notify(make_incident(mechanism, grade=grade), units[0])
    doc = assert_valid(schema, cap.to_xml(cap.notice_cap(notice)))
    assert text(doc, "cap:info/cap:severity") == severity


def test_radiation_accident_and_awkward_text_still_validate(
    schema: etree.XMLSchema, mechanism: Any, units: list[Unit], settings: Any
) -> None:
    """Identifiers and senders lose spaces and commas (CAP forbids them); text is escaped."""
    settings.LIANXI_CAP_SENDER = "xinyang joint,meeting"
    incident = make_incident(mechanism)
    incident.hazard = Incident.Hazard.RADIOACTIVE
    incident.substance = "铱-192 <γ源> & 探伤机"
    incident.is_radiation = True
    incident.save()
    notice = notify(incident, units[0])
    notice.cap_identifier = "ZY 2026,001 N1"
    notice.save()
    doc = assert_valid(schema, cap.to_xml(cap.notice_cap(notice)))
    assert text(doc, "cap:identifier") == "ZY-2026-001-N1"
    assert text(doc, "cap:sender") == "xinyang-joint-meeting"
    assert "放射事故" in text(doc, "cap:info/cap:description")
    assert "<γ源> & 探伤机" in text(doc, "cap:info/cap:event")


def test_json_says_the_same_as_the_xml(incident: Incident, units: list[Unit]) -> None:
    first = notify(incident, units[0])
    follow_up = update(incident, "follow_up", hours=2)
    data = cap.to_dict(cap.update_cap(follow_up))
    assert data["msgType"] == "Update"
    assert data["scope"] == "Restricted"
    assert data["references"] == [
        {
            "sender": cap.cap_sender(),
            "identifier": first.cap_identifier,
            "sent": "2026-03-02T09:15:42+08:00",
        }
    ]
    info = data["info"][0]
    assert info["language"] == "zh-CN"
    assert info["category"] == ["Health", "Safety"]
    assert info["area"] == [{"areaDesc": "平桥区工业园区纬二路8号"}]
    assert info["severity"] == "Severe"


def test_naive_and_utc_times_are_written_in_local_time_with_offset() -> None:
    assert cap.cap_time(datetime(2026, 1, 1, 0, 0, 0, 999, tzinfo=ZoneInfo("UTC"))) == (
        "2026-01-01T08:00:00+08:00"
    )
    assert cap.cap_time(datetime(2026, 1, 1, 8, 30)) == "2026-01-01T08:30:00+08:00"
