"""Tenancy by joint meeting (DESIGN.md): a second joint meeting on the platform reads and changes
nothing of the first; a person in both acts in one at a time; opening a joint meeting is the
platform operator's, all or nothing."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from lianxi.api.services import api_token_create
from lianxi.core.exceptions import ApplicationError
from lianxi.organization.access import membership_of
from lianxi.organization.models import Duty, Mechanism, Membership, RulesDocument, Unit

DATA = Path(__file__).parent / "data"
QINGXI = DATA / "qingxi-county.txt"


def _first_person(unit_named: Any) -> Membership:
    user = get_user_model().objects.create_user(username="jia", first_name="甲联络", password="x")
    return Membership.objects.create(
        user=user, unit=unit_named("市总工会"), role="liaison", phone="13900007001"
    )


# --- People, units, catalogue -----------------------------------------------------------------


def test_a_second_joint_meetings_clerk_cannot_list_open_or_change_the_firsts_people(
    unit_named, second_clerk, login
):
    """The probe of issue 8: the people list, a person's page and every action on it."""
    target = _first_person(unit_named)
    client = login(second_clerk)
    listing = client.get("/units/people/").content.decode()
    assert "甲联络" not in listing and "孙秘书" in listing
    assert client.get(f"/units/people/{target.pk}/").status_code == 404
    for action in ("password", "deactivate", "reactivate", "unlock", "otp-reset"):
        assert client.post(f"/units/people/{target.pk}/{action}/").status_code == 404
    response = client.post(
        f"/units/people/{target.pk}/",
        {"unit": target.unit_id, "role": "member", "name": "改名", "title": "", "phone": ""},
    )
    assert response.status_code == 404
    target.refresh_from_db()
    target.user.refresh_from_db()
    assert target.active and target.user.is_active and target.role == "liaison"
    assert target.user.first_name == "甲联络"


def test_a_second_clerk_cannot_register_a_person_in_the_firsts_unit(
    unit_named, second_clerk, login
):
    client = login(second_clerk)
    response = client.post(
        "/units/people/new/",
        {
            "username": "intruder",
            "name": "某人",
            "unit": unit_named("市总工会").pk,
            "role": "liaison",
        },
    )
    assert response.status_code == 200
    assert "所选单位不存在或已不在册" in response.content.decode()
    assert not get_user_model().objects.filter(username="intruder").exists()


def test_unit_page_and_catalogue_show_only_the_joint_meeting_acted_in(
    unit_named, second_clerk, second_mechanism, login
):
    target = _first_person(unit_named)
    client = login(second_clerk)
    assert client.get(f"/units/{target.unit_id}/").status_code == 404
    catalogue = client.get("/units/").content.decode()
    assert "13900007001" not in catalogue and "甲联络" not in catalogue
    assert second_mechanism.name in catalogue
    own = Unit.objects.get(mechanism=second_mechanism, name="市总工会")
    assert client.get(f"/units/{own.pk}/").status_code == 200


def test_the_rules_page_is_the_joint_meeting_acted_in(
    mechanism, second_mechanism, login, second_clerk
):
    RulesDocument.objects.filter(mechanism=second_mechanism).update(title="青溪县工作规则")
    page = login(second_clerk).get("/units/rules/").content.decode()
    assert "青溪县工作规则" in page
    assert "信阳市职业病防治工作部门间联席会议制度工作规则" not in page


def test_a_second_clerk_cannot_import_rules_into_the_first_through_the_api(mechanism, second_clerk):
    """四(六) by token: the import names its joint meeting; another's is refused, unwritten."""
    from django.conf import settings

    _, token = api_token_create(user=second_clerk)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    seed = Path(settings.LIANXI_DEFAULT_RULES)
    before = Duty.objects.filter(unit__mechanism=mechanism).count()
    with seed.open("rb") as fh:
        response = client.post("/api/v1/rules/import", {"file": fh})
    assert response.status_code == 400
    assert "不是本联席会议" in response.json()["detail"]
    assert Duty.objects.filter(unit__mechanism=mechanism).count() == before


# --- A person in two joint meetings ---------------------------------------------------------


def _choose(client: Client, person: Any, mechanism: Mechanism) -> Any:
    membership = Membership.objects.get(user=person, unit__mechanism=mechanism)
    return client.post("/account/choose/", {"membership": membership.pk, "next": "/"})


def test_a_person_in_two_joint_meetings_chooses_one_after_login_and_sees_only_it(
    mechanism, second_mechanism, two_meetings_person, login
):
    client = login(two_meetings_person)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/choose/")
    page = client.get(response["Location"]).content.decode()
    assert mechanism.name in page and second_mechanism.name in page

    assert _choose(client, two_meetings_person, mechanism).status_code == 302
    home = client.get("/").content.decode()
    assert mechanism.name in home and second_mechanism.name not in home
    assert "切换联席会议" in home
    # The first meeting's liaison: not the people page (that is the second's clerk role).
    assert client.get("/units/people/").status_code == 403

    _choose(client, two_meetings_person, second_mechanism)
    home = client.get("/").content.decode()
    assert second_mechanism.name in home and mechanism.name not in home
    assert client.get("/units/people/").status_code == 200


def test_the_calendar_feed_page_asks_a_person_in_two_meetings_to_choose_first(
    two_meetings_person, login
):
    response = login(two_meetings_person).get("/calendar/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/choose/")


def test_a_choice_of_another_persons_membership_is_refused(
    mechanism, two_meetings_person, clerk, login
):
    client = login(two_meetings_person)
    response = client.post("/account/choose/", {"membership": clerk.membership.pk})
    assert response.status_code == 400
    assert "请选择一个联席会议" in response.content.decode()
    assert client.get("/").status_code == 302


def test_a_person_with_one_membership_is_never_asked_to_choose(clerk, login):
    response = login(clerk).get("/")
    assert response.status_code == 200
    assert "切换联席会议" not in response.content.decode()


def test_membership_of_without_a_choice_is_none_for_a_person_in_two(two_meetings_person):
    assert membership_of(two_meetings_person) is None


def test_an_api_token_is_bound_to_one_membership(mechanism, second_mechanism, two_meetings_person):
    with pytest.raises(ApplicationError, match="属于多个联席会议"):
        api_token_create(user=two_meetings_person)
    row, token = api_token_create(user=two_meetings_person, mechanism_name=second_mechanism.name)
    assert row.membership is not None and row.membership.unit.mechanism == second_mechanism
    client = Client(headers={"Authorization": f"Bearer {token}"})
    units = client.get("/api/v1/units").json()
    first_ids = set(Unit.objects.filter(mechanism=mechanism).values_list("pk", flat=True))
    assert units and not first_ids & {u["id"] for u in units}


def test_a_token_stops_when_its_membership_ends_and_never_falls_back_to_another(
    mechanism, second_mechanism, two_meetings_person
):
    row, token = api_token_create(user=two_meetings_person, mechanism_name=second_mechanism.name)
    assert row.membership is not None
    Membership.objects.filter(pk=row.membership.pk).update(active=False)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    assert client.get("/api/v1/units").status_code == 403


def test_account_wide_actions_on_a_person_of_two_meetings_are_left_to_the_platform(
    mechanism, second_mechanism, two_meetings_person, second_clerk, login
):
    """One joint meeting cannot reset the password of, or lock out, a person the other has."""
    first = Membership.objects.get(user=two_meetings_person, unit__mechanism=mechanism)
    second = Membership.objects.get(user=two_meetings_person, unit__mechanism=second_mechanism)
    second.role = "liaison"
    second.save()
    client = login(second_clerk)
    response = client.post(f"/units/people/{second.pk}/password/", {"password": ""})
    assert response.status_code == 403
    assert "平台管理员" in response.content.decode()
    # Ending the membership here leaves the person's login for the first joint meeting.
    client.post(f"/units/people/{second.pk}/deactivate/")
    second.refresh_from_db()
    two_meetings_person.refresh_from_db()
    assert not second.active and two_meetings_person.is_active
    assert Membership.objects.get(pk=first.pk).active
    login(two_meetings_person)  # still logs in


def test_one_meetings_clerk_cannot_change_the_name_or_mail_of_a_person_the_other_has(
    mechanism, second_mechanism, two_meetings_person, second_clerk
):
    """Name and e-mail are the account's, in both meetings (mail of the first goes there)."""
    from lianxi.organization import people_services

    second = Membership.objects.get(user=two_meetings_person, unit__mechanism=second_mechanism)
    before = (two_meetings_person.first_name, two_meetings_person.email)
    for change in ({"email": "attacker@example.com"}, {"name": "改名"}):
        with pytest.raises(ApplicationError, match="其他联席会议"):
            people_services.membership_change(
                actor=second_clerk.membership,
                membership=second,
                unit=second.unit,
                role=second.role,
                **change,
            )
    two_meetings_person.refresh_from_db()
    assert (two_meetings_person.first_name, two_meetings_person.email) == before
    # What is the second meeting's own (title, phone) it still changes.
    people_services.membership_change(
        actor=second_clerk.membership,
        membership=second,
        unit=second.unit,
        role=second.role,
        title="副主任",
        name=before[0],
        email=before[1],
    )
    assert Membership.objects.get(pk=second.pk).title == "副主任"


# --- Opening a joint meeting: the platform operator's command line --------------------------


def test_mechanism_create_opens_a_joint_meeting_with_its_first_clerk(mechanism):
    out = StringIO()
    call_command("mechanism", "create", "--rules", str(QINGXI), "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    created = Mechanism.objects.get(name=data["mechanism"])
    assert data["mechanism"] == "青溪县职业病防治工作联席会议"
    clerk = Membership.objects.get(user__username=data["username"])
    assert clerk.role == "secretariat" and clerk.unit.mechanism == created
    assert get_user_model().objects.get(username=data["username"]).check_password(data["password"])
    assert Unit.objects.filter(mechanism=created, kind="member").count() == 8
    assert data["username"] == "mishu"


def test_mechanism_create_with_an_existing_account_adds_a_membership(mechanism, clerk):
    out = StringIO()
    call_command(
        "mechanism", "create", "--rules", str(QINGXI), "--username", "clerk",
        "--format", "json", stdout=out,
    )  # fmt: skip
    data = json.loads(out.getvalue())
    assert data["password"] is None
    assert Membership.objects.filter(user=clerk, active=True).count() == 2


def test_mechanism_create_is_all_or_nothing(mechanism, tmp_path):
    before = (Mechanism.objects.count(), Unit.objects.count(), get_user_model().objects.count())
    bad = tmp_path / "bad.txt"
    bad.write_text("这不是工作规则", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("mechanism", "create", "--rules", str(bad))
    call_command("mechanism", "create", "--rules", str(QINGXI), stdout=StringIO())
    with pytest.raises(CommandError, match="已在平台上"):
        call_command("mechanism", "create", "--rules", str(QINGXI), "--username", "new2")
    after = (Mechanism.objects.count(), Unit.objects.count(), get_user_model().objects.count())
    assert after[0] == before[0] + 1
    assert not get_user_model().objects.filter(username="new2").exists()


# --- The audit trail and the platform page ---------------------------------------------------


def test_an_auditor_reads_only_their_own_joint_meetings_trail(
    mechanism, unit_named, second_unit_named, clerk, login
):
    """Who did what is the joint meeting's own record: the second's auditor does not see that
    the first's clerk changed a person there."""
    from lianxi.organization import people_services

    target = _first_person(unit_named)
    people_services.membership_change(
        actor=clerk.membership, membership=target, unit=target.unit, role="member", phone="1"
    )
    second_auditor = get_user_model().objects.create_user(username="qx_audit", password="x")
    Membership.objects.create(
        user=second_auditor, unit=second_unit_named("市卫生健康委"), role="auditor"
    )
    from lianxi.conftest import PASSWORD

    second_auditor.set_password(PASSWORD)
    second_auditor.save()
    page = login(second_auditor).get("/core/audit/").content.decode()
    assert "membership.change" not in page and "甲联络" not in page
    auditor = get_user_model().objects.create_user(username="xy_audit", password=PASSWORD)
    Membership.objects.create(user=auditor, unit=unit_named("市卫生健康委"), role="auditor")
    assert "甲联络" in login(auditor).get("/core/audit/").content.decode()


def test_the_platform_page_is_the_operators_only(mechanism, clerk, login, outsider):
    from lianxi.organization.models import PlatformOperator

    assert login(clerk).get("/platform/").status_code == 404
    assert Client().get("/platform/").status_code == 302
    PlatformOperator.objects.create(user=outsider)
    client = login(outsider)
    page = client.get("/platform/").content.decode()
    assert mechanism.name in page
    with QINGXI.open("rb") as fh:
        response = client.post("/platform/", {"file": fh, "username": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "青溪县职业病防治工作联席会议" in body and 'id="new-password"' in body
    created = Mechanism.objects.get(name="青溪县职业病防治工作联席会议")
    assert Membership.objects.filter(unit__mechanism=created, role="secretariat").count() == 1
    # The operator acts in no joint meeting: none of their records.
    assert client.get("/units/").status_code == 403
    with QINGXI.open("rb") as fh:
        again = client.post("/platform/", {"file": fh, "username": ""})
    assert "已在平台上" in again.content.decode()


def test_the_shared_working_day_calendar_passes_to_the_operator_once_there_are_two_meetings(
    mechanism, clerk, login, outsider
):
    """Deadlines in working days (四(二)) are counted on one calendar for the whole platform: a
    second joint meeting's clerk must not move the first's deadlines."""
    from lianxi.organization.models import PlatformOperator

    assert login(clerk).get("/core/calendar/").status_code == 200
    Mechanism.objects.create(name="青溪县职业病防治工作联席会议")
    assert login(clerk).get("/core/calendar/").status_code == 403
    PlatformOperator.objects.create(user=outsider)
    assert login(outsider).get("/core/calendar/").status_code == 200


def test_import_rules_does_not_open_a_second_joint_meeting_from_the_command_line(
    mechanism, tmp_path
):
    """Only `lianxi mechanism create` opens one (with its first clerk); import_rules revises."""
    seed = Path(__file__).resolve().parents[1] / "rules" / "xinyang-2023.txt"
    other = tmp_path / "qingxi.txt"
    other.write_text(seed.read_text(encoding="utf-8").replace("信阳市", "青溪县"), encoding="utf-8")
    with pytest.raises(CommandError, match="mechanism create"):
        call_command("import_rules", str(other), stdout=StringIO())
    assert not Mechanism.objects.filter(name__startswith="青溪县").exists()
