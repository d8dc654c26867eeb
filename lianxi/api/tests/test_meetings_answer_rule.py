"""三(一)1: one rule, on the page and through the API, for who answers a meeting notice for a
unit (access.attendance_for) and who signs for issued minutes (access.receipt_for).

Of a meeting or minutes one sees, answering or signing is the invited or receiving unit's
member, liaison (observer, government office); anyone else who sees them — the secretariat
above all, whose own unit answers and signs through its member or liaison — is refused with the
same status and the same Chinese reason on both. One who does not see them gets 404 on both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lianxi.meetings import access, services
from lianxi.meetings.models import Attendance, Meeting, Minutes, MinutesReceipt
from lianxi.meetings.tests.fixtures import hold
from lianxi.organization.models import Membership

pytestmark = pytest.mark.django_db

Api = Callable[[Any], Client]


def api_post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, data or {}, content_type="application/json")


@pytest.fixture
def issued(plenary: Meeting, sec: Membership) -> Minutes:
    hold(plenary, sec)
    minutes = services.minutes_draft(meeting=plenary, actor=sec)
    services.minutes_approve(minutes=minutes, actor=sec)
    services.minutes_sign_off(minutes=minutes, signer_name="赵主任", actor=sec)
    services.minutes_issue(minutes=minutes, actor=sec)
    minutes.refresh_from_db()
    return minutes


def test_the_secretariat_is_refused_an_answer_alike_on_page_and_api(
    plenary: Meeting, clerk: Any, other_liaison: Any, outsider: Any, login: Any, api_as: Api
) -> None:
    page, api = f"/meetings/{plenary.pk}/answer/", f"/api/v1/meetings/{plenary.pk}/attendance"
    body = {"answer": "attending", "attendee_name": "王秘书"}
    # Its own unit (the health commission) is invited: it answers through its liaison.
    assert Attendance.objects.filter(meeting=plenary, unit=clerk.membership.unit).exists()
    on_page = login(clerk).post(page, {"attending": "1", "attendee_name": "王秘书"})
    assert on_page.status_code == 403
    assert access.NOT_INVITED in on_page.content.decode()
    by_api = api_post(api_as(clerk), api, body)
    assert by_api.status_code == 403
    assert by_api.json()["detail"] == access.NOT_INVITED
    assert not Attendance.objects.exclude(status=Attendance.Status.PENDING).exists()

    assert login(outsider).post(page, {"attending": "1"}).status_code == 404
    assert api_post(api_as(outsider), api, body).status_code == 404

    # The invited unit may answer: without a name it is refused by the rule (not by access),
    # and the page comes back with the form as typed (400), not a 403.
    refused = login(other_liaison).post(page, {"attending": "1"})
    assert refused.status_code == 400 and "请填写出席人姓名" in refused.content.decode()
    assert api_post(api_as(other_liaison), api, body).status_code == 200
    answered = Attendance.objects.get(meeting=plenary, unit=other_liaison.membership.unit)
    assert answered.status == Attendance.Status.ATTENDING


def test_the_secretariat_is_refused_a_receipt_alike_on_page_and_api(
    issued: Minutes,
    clerk: Any,
    other_liaison: Any,
    gov_reader: Any,
    outsider: Any,
    login: Any,
    api_as: Api,
) -> None:
    page = f"/meetings/minutes/{issued.pk}/acknowledge/"
    api = f"/api/v1/minutes/{issued.pk}/acknowledge"
    # Its own unit received the minutes; signing for them is its member's or liaison's.
    assert MinutesReceipt.objects.filter(minutes=issued, unit=clerk.membership.unit).exists()
    on_page = login(clerk).post(page)
    assert on_page.status_code == 403
    assert access.NOT_A_RECIPIENT in on_page.content.decode()
    by_api = api_post(api_as(clerk), api)
    assert by_api.status_code == 403
    assert by_api.json()["detail"] == access.NOT_A_RECIPIENT
    assert not MinutesReceipt.objects.filter(acknowledged_at__isnull=False).exists()

    assert login(outsider).post(page).status_code == 404
    assert api_post(api_as(outsider), api).status_code == 404

    assert login(other_liaison).post(page).status_code == 302
    assert api_post(api_as(gov_reader), api).status_code == 200
    signed = MinutesReceipt.objects.filter(minutes=issued, acknowledged_at__isnull=False)
    assert set(signed.values_list("unit__name", flat=True)) == {
        "市人力资源和社会保障局",
        "市政府办公室",
    }
