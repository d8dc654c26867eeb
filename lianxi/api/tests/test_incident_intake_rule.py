"""三(四)2 intake: one rule for who registers an incident, on the page and through the API.

"其他部门如遇涉及职业病危害突发事件(事故)，及时向有关单位通报": any unit's member or liaison
registers what it learns of — an invited unit's as much as a member unit's — besides the
secretariat. The government office and observers do not. Each person registers in the joint
meeting they act in, never in another.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lianxi.conftest import _person
from lianxi.incidents import access
from lianxi.incidents.models import Incident
from lianxi.incidents.tests.conftest import VALID_CODE
from lianxi.organization.models import Membership, Unit

pytestmark = pytest.mark.django_db

API = "/api/v1/incidents"
PAGE = "/incidents/new/"


def _times() -> tuple[Any, Any]:
    now = timezone.localtime()
    return now - timedelta(hours=2), now - timedelta(hours=1)


def page_form(title: str) -> dict[str, str]:
    occurred, reported = _times()
    return {
        "title": title,
        "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
        "first_reported_at": reported.strftime("%Y-%m-%dT%H:%M"),
        "location": "信阳市浉河区工业园区",
        "enterprise_name": "信阳某某化工有限公司",
        "credit_code": VALID_CODE,
        "hazard": "chemical",
        "exposed_count": "30",
        "poisoned_count": "3",
        "death_count": "0",
    }


def api_report(title: str) -> dict[str, Any]:
    occurred, reported = _times()
    return {
        "title": title,
        "occurred_at": occurred.isoformat(),
        "first_reported_at": reported.isoformat(),
        "location": "信阳市浉河区工业园区",
        "enterprise": {"name": "信阳某某化工有限公司", "credit_code": VALID_CODE},
        "hazard": "chemical",
        "exposed_count": 30,
        "poisoned_count": 3,
        "death_count": 0,
    }


@pytest.fixture
def invited_liaison(mechanism: Any) -> Any:
    """The liaison of an invited unit (邀请单位) of the first joint meeting."""
    unit = Unit.objects.create(
        mechanism=mechanism, name="市职业病防治院", kind=Unit.Kind.INVITED, order=200
    )
    return _person("invited", "邀请联络", unit, Membership.Role.LIAISON)


@pytest.fixture
def observer(unit_named: Callable[[str], Unit]) -> Any:
    return _person("observer", "列席者", unit_named("市委宣传部"), Membership.Role.OBSERVER)


def test_page_and_api_agree_on_who_registers_an_incident_三_四_2(
    login: Callable[[Any], Client],
    api_as: Callable[[Any], Client],
    mechanism: Any,
    clerk: Any,
    other_liaison: Any,
    invited_liaison: Any,
    observer: Any,
    gov_reader: Any,
    second_liaison: Any,
) -> None:
    """三(四)2: the secretariat, a member unit's liaison, an invited unit's liaison and another
    joint meeting's liaison (in their own meeting) register, on the page and through the API
    alike; an observer and the government office are refused by both, and nothing is made."""
    personas = {
        "secretariat": (clerk, True),
        "member unit liaison": (other_liaison, True),
        "invited unit liaison": (invited_liaison, True),
        "observer": (observer, False),
        "government": (gov_reader, False),
        "another joint meeting's liaison": (second_liaison, True),
    }
    for name, (user, may) in personas.items():
        assert access.can_register_incident(user) is may, name
        page = login(user)
        opened = page.get(PAGE)
        posted = page.post(PAGE, page_form(f"{name}（页面）"))
        answered = api_as(user).post(
            API,
            api_report(f"{name}（接口）"),
            content_type="application/json",
            headers={"Idempotency-Key": f"rule-{user.username}"},
        )
        if may:
            assert opened.status_code == 200, name
            assert posted.status_code == 302, (name, posted.content.decode()[:300])
            assert answered.status_code == 201, (name, answered.content.decode()[:300])
        else:
            assert opened.status_code == 403, name
            assert (posted.status_code, answered.status_code) == (403, 403), name
            assert answered.json()["detail"] == access.REGISTER_REFUSED
        made = Incident.objects.filter(title__startswith=f"{name}（")
        assert made.count() == (2 if may else 0), name
        membership = user.memberships.get()
        for incident in made:
            # Registered in the joint meeting the person acts in, by their unit.
            assert incident.mechanism_id == membership.unit.mechanism_id, name
            assert incident.registering_unit_id == membership.unit_id, name

    # The invited unit sees what it registered; another joint meeting's stays out of the first.
    invited = Incident.objects.filter(registering_unit__kind=Unit.Kind.INVITED)
    assert invited.count() == 2
    assert login(invited_liaison).get(f"/incidents/{invited[0].pk}/").status_code == 200
    theirs = Incident.objects.exclude(mechanism=mechanism)
    assert theirs.count() == 2
    assert login(clerk).get(f"/incidents/{theirs[0].pk}/").status_code == 404
    assert api_as(clerk).get(f"{API}/{theirs[0].pk}").status_code == 404
