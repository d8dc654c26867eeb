"""A CAP message, once sent, never changes (三(四)2; issue 18).

Alerts used to be rebuilt from the incident's current state under the identifier and `sent` time
they went out with: after a 续报 an Alert said 12 poisoned / 2 dead where it had said 8 / 1, and a
regrade turned Moderate into Severe. Here the messages go out through the services, are read back
through the API before and after a 续报 that regrades, and must be the same bytes; the later facts
are Updates referencing every earlier message each recipient holds. All validated against the
OASIS CAP 1.2 schema shipped in tests/data.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from lxml import etree

from lianxi.incidents import cap
from lianxi.incidents.models import CapMessage, IncidentNotice
from lianxi.incidents.services import incident_notify, incident_update_add, incident_withdraw
from lianxi.notifications.models import Message

pytestmark = pytest.mark.django_db

SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "data" / "CAP-v1.2.xsd")))
NS = {"cap": cap.CAP_NS}


def valid(xml: bytes) -> Any:
    document = etree.fromstring(xml)
    assert SCHEMA.validate(document), SCHEMA.error_log
    return document


def references(document: Any) -> list[str]:
    found = document.findtext("cap:references", namespaces=NS) or ""
    return [ref.split(",")[1] for ref in found.split()]


def api_bytes(client: Any, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return bytes(response.content)


def test_sent_alerts_are_byte_identical_after_a_follow_up_and_a_regrade_三_四_2(
    make_incident: Any, clerk: Any, unit: Any, login: Any
) -> None:
    """三(四)2: the Alert each unit received is stored as sent; a 续报 that raises the numbers
    and the grade (一般 → 重大, Moderate → Severe) leaves those bytes alone."""
    now = timezone.now()
    incident = make_incident(poisoned_count=8, death_count=0, now=now - timedelta(minutes=5))
    assert incident.grade == "general"
    units = [unit("市应急管理局"), unit("市总工会")]
    notices = incident_notify(incident=incident, units=units, actor=clerk.membership, now=now)
    client = login(clerk)
    urls = [f"/api/v1/incidents/{incident.pk}/notices/{n.pk}/cap" for n in notices]
    before = [api_bytes(client, url) for url in urls]
    for xml in before:
        document = valid(xml)
        assert document.findtext("cap:info/cap:severity", namespaces=NS) == "Moderate"
        assert "急性中毒 8 人" in document.findtext("cap:info/cap:description", namespaces=NS)

    incident_update_add(
        incident=incident,
        kind="follow_up",
        text="又有 4 人送医，1 人经抢救无效死亡。",
        poisoned_count=12,
        death_count=1,
        actor=clerk.membership,
        now=now + timedelta(minutes=40),
    )
    incident.refresh_from_db()
    assert incident.grade == "major"  # regraded

    after = [api_bytes(client, url) for url in urls]
    assert after == before
    # The stored message is what the unit's mail carried, too.
    stored = [CapMessage.objects.get(notice=n).xml for n in notices]
    assert [bytes(x) for x in stored] == before


def test_an_update_references_every_message_each_recipient_holds_三_四_2(
    make_incident: Any, clerk: Any, unit: Any, login: Any
) -> None:
    """三(四)2: a 续报 goes out as a CAP Update referencing every unit's Alert (was only the
    first unit's) and each earlier Update; the facts as they are now are in the Update."""
    now = timezone.now()
    incident = make_incident(poisoned_count=8, now=now - timedelta(minutes=5))
    first, second = unit("市应急管理局"), unit("市总工会")
    (a1,) = incident_notify(incident=incident, units=[first], actor=clerk.membership, now=now)
    (a2,) = incident_notify(
        incident=incident, units=[second], actor=clerk.membership, now=now + timedelta(minutes=3)
    )
    u1 = incident_update_add(
        incident=incident, kind="follow_up", text="续报一", poisoned_count=12, death_count=1,
        actor=clerk.membership, now=now + timedelta(minutes=30),
    )  # fmt: skip
    u2 = incident_update_add(
        incident=incident, kind="follow_up", text="续报二", actor=clerk.membership,
        now=now + timedelta(minutes=60),
    )  # fmt: skip
    client = login(clerk)
    doc1 = valid(api_bytes(client, f"/api/v1/incidents/{incident.pk}/updates/{u1.pk}/cap"))
    assert doc1.findtext("cap:msgType", namespaces=NS) == "Update"
    assert references(doc1) == [a1.cap_identifier, a2.cap_identifier]
    assert doc1.findtext("cap:info/cap:severity", namespaces=NS) == "Severe"
    doc2 = valid(api_bytes(client, f"/api/v1/incidents/{incident.pk}/updates/{u2.pk}/cap"))
    assert references(doc2) == [a1.cap_identifier, a2.cap_identifier, u1.cap_identifier]

    # The JSON of the messages says what was sent, not what the incident says now.
    data = client.get(f"/api/v1/incidents/{incident.pk}/notices").json()
    alert = next(n for n in data["notices"] if n["id"] == a1.pk)["cap"]
    assert alert["info"][0]["severity"] == "Moderate"
    assert [r["identifier"] for r in data["updates"][0]["cap"]["references"]] == [
        a1.cap_identifier,
        a2.cap_identifier,
    ]

    # Each unit's mail carried the message as stored.
    mail = Message.objects.get(key=f"incident:{incident.pk}:update:{u1.pk}")
    attachment = mail.attachments.get()
    assert bytes(attachment.content) == bytes(CapMessage.objects.get(update=u1).xml)
    assert attachment.mimetype.startswith("application/cap+xml")


def test_cancel_references_every_message_sent_三_四_2(
    make_incident: Any, clerk: Any, unit: Any
) -> None:
    """A withdrawal is a Cancel referencing every Alert and Update sent, and stored as sent."""
    now = timezone.now()
    incident = make_incident(now=now - timedelta(minutes=5))
    alerts = incident_notify(
        incident=incident, units=[unit("市应急管理局"), unit("市总工会")],
        actor=clerk.membership, now=now,
    )  # fmt: skip
    follow_up = incident_update_add(
        incident=incident, kind="follow_up", text="续报", actor=clerk.membership,
        now=now + timedelta(minutes=10),
    )  # fmt: skip
    incident_withdraw(
        incident=incident, reason="重复登记", actor=clerk.membership,
        now=now + timedelta(minutes=20),
    )  # fmt: skip
    cancel = CapMessage.objects.get(incident=incident, msg_type="Cancel")
    document = valid(bytes(cancel.xml))
    assert references(document) == [n.cap_identifier for n in alerts] + [follow_up.cap_identifier]
    assert IncidentNotice.objects.filter(incident=incident).count() == 2


def test_area_desc_does_not_double_the_district() -> None:
    """CAP areaDesc: the county is not written twice when the address begins with it
    ("浉河区浉河区…")."""
    from lianxi.incidents.models import Enterprise, Incident

    incident = Incident(
        location="信阳市浉河区工业园区",
        enterprise=Enterprise(county="浉河区", address="浉河区工业园区纬二路8号"),
    )
    assert cap.area_desc(incident) == "浉河区工业园区纬二路8号"
    incident.enterprise = Enterprise(county="浉河区", address="信阳市浉河区工业园区纬二路8号")
    assert cap.area_desc(incident) == "信阳市浉河区工业园区纬二路8号"
    incident.enterprise = Enterprise(county="平桥区", address="工业园区纬二路8号")
    assert cap.area_desc(incident) == "平桥区工业园区纬二路8号"
