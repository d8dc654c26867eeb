"""An Idempotency-Key is the caller's, and the caller is a token's membership (issue 8): the same
key sent by the same person in another joint meeting is another incident there, never the
first meeting's returned."""

from typing import Any

import pytest

from lianxi.api.services import api_token_create
from lianxi.incidents.models import Incident

from .conftest import bearer
from .test_incidents_api import post, report

pytestmark = pytest.mark.django_db


def test_the_same_key_in_another_joint_meeting_is_another_incident_三_四_2(
    mechanism: Any, second_mechanism: Any, two_meetings_person: Any
) -> None:
    _, first_token = api_token_create(
        user=two_meetings_person, name="医院甲", mechanism_name=mechanism.name
    )
    _, second_token = api_token_create(
        user=two_meetings_person, name="医院乙", mechanism_name=second_mechanism.name
    )
    body = report()
    first = post(bearer(first_token), body, key="hospital-0001")
    assert first.status_code == 201, first.content.decode()
    second = post(bearer(second_token), body, key="hospital-0001")
    assert second.status_code == 201, second.content.decode()
    assert second.json()["id"] != first.json()["id"]
    assert Incident.objects.get(pk=second.json()["id"]).mechanism_id == second_mechanism.pk
    # A retry in the first still answers the first's incident.
    again = post(bearer(first_token), body, key="hospital-0001")
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
