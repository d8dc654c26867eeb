"""The worker is killed during the fan-out of an incident's notices to all 15 member units.

三(四)2: the health commission notifies the departments concerned "at once"; a notice that is
lost when a process dies, or sent twice, is a failure. Here `lianxi worker` runs as a real
process against the test database and a real SMTP server (aiosmtpd on loopback); the server
holds one mail in the middle of the fan-out while the worker is killed with SIGKILL. A second
worker takes over: every unit's member and liaison must then have the notice exactly once
(counted by Message-ID per recipient).
"""

from __future__ import annotations

import signal
import subprocess
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from lianxi.conftest import _person
from lianxi.incidents import services
from lianxi.incidents.credit_code import check_character
from lianxi.notifications.models import Delivery
from lianxi.notifications.services import message_id_header
from lianxi.notifications.tests.servers import SmtpServer
from lianxi.notifications.tests.test_worker_process import (  # noqa: F401 - the fixture
    log_of,
    start_worker,
    wait_for,
)
from lianxi.organization.access import membership_of
from lianxi.organization.models import Membership, Unit

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BLOCK_AT = 12  # the mail the SMTP server holds while the worker is killed


def register(clerk: Any) -> Any:
    now = timezone.now()
    incident, _ = services.incident_register(
        mechanism=clerk.membership.unit.mechanism,
        data=services.IncidentInput(
            title="某矿山企业硫化氢中毒事故",
            occurred_at=now - timedelta(hours=1),
            first_reported_at=now - timedelta(minutes=30),
            location="浉河区某矿山井下作业面",
            enterprise_name="信阳某矿业有限公司",
            credit_code="91411502MA4000000" + check_character("91411502MA4000000"),
            industry="非煤矿山",
            county="浉河区",
            hazard="chemical",
            substance="硫化氢",
            exposed_count=40,
            poisoned_count=12,
            death_count=1,
        ),
        actor=membership_of(clerk),
    )
    return incident


def test_worker_killed_during_fan_out_to_15_units_every_unit_notified_exactly_once(
    start_worker: Callable[..., subprocess.Popen[bytes]],  # noqa: F811
    tmp_path: Path,
    mechanism: Any,
    clerk: Any,
) -> None:
    """三(四)2 notify across: SIGKILL mid-fan-out loses no unit's notice and repeats none."""
    units = list(Unit.objects.filter(mechanism=mechanism, kind=Unit.Kind.MEMBER))
    assert len(units) == 15
    people: list[Any] = []
    for n, unit in enumerate(units):
        people.append(_person(f"liaison{n}", f"联络员{n}", unit, Membership.Role.LIAISON))
        people.append(_person(f"member{n}", f"成员{n}", unit, Membership.Role.MEMBER))
    addresses = {person.email for person in people}
    assert len(addresses) == 30

    smtp = SmtpServer()
    smtp.recorder.block_at = BLOCK_AT
    smtp.start()
    try:
        incident = register(clerk)
        notices = services.incident_notify(
            incident=incident, units=units, actor=membership_of(clerk)
        )
        assert len(notices) == 15
        emails = Delivery.objects.filter(channel="email", message__kind="incidents.notice")
        expected = {
            (d.address, message_id_header(d.idempotency_key))
            for d in emails.only("address", "idempotency_key")
        }
        assert {address for address, _ in expected} == addresses
        assert len(expected) == 30

        first = start_worker(smtp, name="first")
        assert smtp.recorder.blocked.wait(timeout=90), log_of(tmp_path, "first")
        assert len(smtp.recorder.received) == BLOCK_AT - 1
        assert emails.filter(status="claimed").exists()
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        smtp.recorder.release.set()
        wait_for(lambda: smtp.recorder.dropped == 1, 10, "the server to see the dropped mail")
        assert len(smtp.recorder.received) == BLOCK_AT - 1

        second = start_worker(smtp, name="second")
        wait_for(
            lambda: not emails.exclude(status="sent").exists(),
            timeout=120,
            what="every notice delivered\n" + log_of(tmp_path, "second"),
        )
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0, log_of(tmp_path, "second")

        # Only the notices: the worker's tick may send other mail meanwhile (on a Monday, local
        # time, the secretariat's weekly 督办 digest).
        notice_ids = {message_id for _, message_id in expected}
        with smtp.recorder.lock:
            received = [
                (rcpt, r.message_id)
                for r in smtp.recorder.received
                for rcpt in r.to
                if r.message_id in notice_ids
            ]
        per_recipient = Counter(received)
        assert set(per_recipient) == expected
        assert all(count == 1 for count in per_recipient.values()), per_recipient
        # Every unit's member and liaison: exactly one notice each.
        assert Counter(rcpt for rcpt, _ in received) == dict.fromkeys(addresses, 1)
        assert emails.filter(attempts=2).exists()  # the mail in flight was claimed twice
    finally:
        smtp.stop()
