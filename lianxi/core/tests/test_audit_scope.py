"""The audit trail is scoped to the joint meeting an event belongs to (issue 8)."""

from typing import Any

import pytest

from lianxi.api.services import api_token_create
from lianxi.core.audit import audit_record
from lianxi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _audit_page(client: Any) -> str:
    response = client.get("/core/audit/")
    assert response.status_code == 200
    return response.content.decode()


def test_unscoped_events_are_the_first_meetings_and_no_other_auditor_reads_them(
    mechanism, second_mechanism, auditor, second_auditor, login
):
    """Events written before joint meetings had scopes (and the platform's own) carry none."""
    audit_record(actor=None, action="legacy.marker_event", data={"note": "甲会旧事件"})
    assert AuditEvent.objects.get(action="legacy.marker_event").scope_id is None
    assert "legacy.marker_event" in _audit_page(login(auditor))
    assert "legacy.marker_event" not in _audit_page(login(second_auditor))


def test_token_and_mechanism_events_are_scoped(mechanism, second_mechanism, second_clerk):
    api_token_create(user=second_clerk, name="对接系统")
    event = AuditEvent.objects.filter(action__startswith="api_token").latest("id")
    assert event.scope_id == second_mechanism.pk
    audit_record(actor=None, action="mechanism.test", target=second_mechanism)
    assert AuditEvent.objects.get(action="mechanism.test").scope_id == second_mechanism.pk
