"""Withdrawing an incident registered in error (三(四)2): the notified units get a CAP Cancel."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from lxml import etree

from lianxi.core.exceptions import ApplicationError
from lianxi.incidents.models import Incident
from lianxi.incidents.services import (
    escalate_notices,
    incident_notify,
    incident_propose_units,
    incident_withdraw,
)
from lianxi.notifications.models import Message

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).parent / "data" / "CAP-v1.2.xsd"


def test_withdraw_sends_a_valid_cap_cancel_and_stops_escalation_三_四_2(
    make_incident: Any, clerk: Any
) -> None:
    incident = make_incident()
    units = [u for u, _ in incident_propose_units(incident=incident)]
    now = timezone.now()
    incident_notify(incident=incident, units=units, actor=clerk.membership, now=now)

    incident_withdraw(incident=incident, reason="经核实为重复登记。", actor=clerk.membership)

    incident.refresh_from_db()
    assert incident.status == Incident.Status.WITHDRAWN
    assert incident.withdrawn_reason == "经核实为重复登记。"
    assert incident.timeline.filter(kind="withdrawn").exists()
    message = Message.objects.get(kind="incidents.withdrawn")
    attachment = message.attachments.get()
    document = etree.fromstring(bytes(attachment.content))
    etree.XMLSchema(etree.parse(str(SCHEMA))).assertValid(document)
    ns = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
    assert document.findtext("cap:msgType", namespaces=ns) == "Cancel"
    assert document.findtext("cap:references", namespaces=ns)
    # Nothing escalates for a withdrawn incident, however late the acknowledgements are.
    assert escalate_notices(now + timedelta(hours=5)) == {"escalated": 0}


def test_withdraw_needs_a_reason_and_an_open_incident(make_incident: Any, clerk: Any) -> None:
    """三(四)2: a notice sent in error is withdrawn once, with a reason."""
    incident = make_incident()
    with pytest.raises(ApplicationError):
        incident_withdraw(incident=incident, reason="  ", actor=clerk.membership)
    incident.refresh_from_db()
    assert incident.status == Incident.Status.OPEN
    incident_withdraw(incident=incident, reason="误报", actor=clerk.membership)
    with pytest.raises(ApplicationError):
        incident_withdraw(incident=incident, reason="再次撤销", actor=clerk.membership)


def test_withdraw_page_access(
    login: Any, client: Any, make_incident: Any, clerk: Any, other_liaison: Any
) -> None:
    """三(四)2: the secretariat withdraws an incident; a unit that does not see it gets 404."""
    incident = make_incident()
    url = f"/incidents/{incident.pk}/withdraw/"
    assert client.post(url, {"reason": "误报"}).status_code == 302  # anonymous → login
    assert login(other_liaison).post(url, {"reason": "误报"}).status_code == 404
    response = login(clerk).post(url, {"reason": "误报"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == Incident.Status.WITHDRAWN
