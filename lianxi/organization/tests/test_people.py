"""People and memberships (issue 2 §3; DESIGN.md: the secretariat manages people; the auditor and
the security administrator are separate and cannot do each other's work)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings

from lianxi.conftest import PASSWORD
from lianxi.core.exceptions import ApplicationError
from lianxi.core.models import AuditEvent
from lianxi.organization import people_services as services
from lianxi.organization.models import Membership, Unit

User = get_user_model()
Role = Membership.Role


def m(user: Any) -> Membership:
    return Membership.objects.select_related("user", "unit").get(user=user)


def can_login(username: str, password: str) -> bool:
    """Through the real login form (django-axes needs the request)."""
    response = Client().post("/account/login/", {"username": username, "password": password})
    return response.status_code == 302


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-id").first()  # type: ignore[return-value]


# --- services ------------------------------------------------------------------------------


def test_secretariat_creates_a_liaison_with_a_generated_password_and_an_audit_event(
    clerk: Any, unit_named: Callable[[str], Unit]
) -> None:  # 四(一): each unit has its member and liaison
    unit = unit_named("市应急管理局")
    membership, password = services.person_create(
        actor=m(clerk),
        username="yingji",
        name="孙联络",
        unit=unit,
        role=Role.LIAISON,
        email="yingji@example.org",
        phone="0376-1234567",
        title="科长",
    )
    assert membership.unit == unit and membership.role == Role.LIAISON
    assert membership.user.check_password(password)
    assert len(password) >= 14
    assert can_login("yingji", password)
    event = last_event("person.create")
    assert event.actor_name == "王秘书"
    assert event.unit_name == "市卫生健康委"
    assert event.data["role"] == "liaison"
    assert event.data["password"] == "generated"
    assert password not in str(event.data)


def test_a_typed_password_must_pass_the_validators_and_nothing_is_written(
    clerk: Any, unit_named: Callable[[str], Unit]
) -> None:
    before = (User.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ApplicationError) as exc:
        services.person_create(
            actor=m(clerk),
            username="weak",
            name="弱密码",
            unit=unit_named("市财政局"),
            role=Role.LIAISON,
            password="12345678",
        )
    assert exc.value.field == "password"
    assert "密码" in exc.value.message  # Chinese messages from Django's validators
    assert (User.objects.count(), AuditEvent.objects.count()) == before


@override_settings(
    AUTH_PASSWORD_VALIDATORS=[
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 16},
        }
    ]
)
def test_password_minimum_length_is_configurable(
    clerk: Any, unit_named: Callable[[str], Unit]
) -> None:
    with pytest.raises(ApplicationError) as exc:
        services.person_create(
            actor=m(clerk),
            username="short",
            name="短密码",
            unit=unit_named("市财政局"),
            role=Role.LIAISON,
            password="Abcdefgh-12345",  # 14 characters
        )
    assert "16" in exc.value.message
    _, generated = services.person_create(
        actor=m(clerk), username="long", name="长密码", unit=unit_named("市财政局"), role="member"
    )
    assert len(generated) >= 16


def test_username_taken_is_refused_in_chinese(
    clerk: Any, health_liaison: Any, unit_named: Callable[[str], Unit]
) -> None:
    with pytest.raises(ApplicationError, match="已被使用"):
        services.person_create(
            actor=m(clerk),
            username="HEALTH",
            name="重名",
            unit=unit_named("市财政局"),
            role="member",
        )


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.SECURITY_ADMIN])
def test_only_the_security_admin_creates_auditor_and_security_admin_accounts(
    role: str, clerk: Any, security_admin: Any, unit_named: Callable[[str], Unit]
) -> None:
    unit = unit_named("市卫生健康委")
    with pytest.raises(PermissionDenied, match="安全管理员"):
        services.person_create(actor=m(clerk), username="x1", name="甲", unit=unit, role=role)
    assert not User.objects.filter(username="x1").exists()
    membership, _ = services.person_create(
        actor=m(security_admin), username="x2", name="乙", unit=unit, role=role
    )
    assert membership.role == role


def test_the_auditor_manages_nobody(
    auditor: Any, health_liaison: Any, unit_named: Callable[[str], Unit]
) -> None:
    assert services.roles_manageable_by(m(auditor)) == []
    with pytest.raises(PermissionDenied):
        services.person_create(
            actor=m(auditor), username="x", name="甲", unit=unit_named("市财政局"), role="liaison"
        )
    with pytest.raises(PermissionDenied):
        services.person_deactivate(actor=m(auditor), membership=m(health_liaison))


def test_secretariat_cannot_change_an_auditor_or_promote_someone_to_security_admin(
    clerk: Any, auditor: Any, health_liaison: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.membership_change(
            actor=m(clerk), membership=m(auditor), unit=m(auditor).unit, role=Role.LIAISON
        )
    with pytest.raises(PermissionDenied):
        services.membership_change(
            actor=m(clerk),
            membership=m(health_liaison),
            unit=m(health_liaison).unit,
            role=Role.SECURITY_ADMIN,
        )
    with pytest.raises(PermissionDenied):
        services.person_password_reset(actor=m(clerk), membership=m(auditor))
    assert m(health_liaison).role == Role.LIAISON
    assert m(auditor).role == Role.AUDITOR


@pytest.mark.parametrize("who", ["clerk", "security_admin"])
def test_nobody_gives_themselves_a_role_or_changes_their_own_account(
    who: str, request: pytest.FixtureRequest
) -> None:
    me = m(request.getfixturevalue(who))
    with pytest.raises(PermissionDenied, match="自己"):
        services.membership_change(actor=me, membership=me, unit=me.unit, role=Role.SECURITY_ADMIN)
    with pytest.raises(PermissionDenied, match="自己"):
        services.person_deactivate(actor=me, membership=me)
    assert m(me.user).role == me.role


def test_membership_change_records_what_changed(
    clerk: Any, health_liaison: Any, unit_named: Callable[[str], Unit]
) -> None:
    target = m(health_liaison)
    services.membership_change(
        actor=m(clerk),
        membership=target,
        unit=unit_named("市总工会"),
        role=Role.MEMBER,
        title="副主席",
        phone="13800000000",
    )
    target.refresh_from_db()
    assert (target.unit.name, target.role, target.title) == ("市总工会", "member", "副主席")
    changes = last_event("membership.change").data["changes"]
    assert changes["unit"] == ["市卫生健康委", "市总工会"]
    assert changes["role"] == ["liaison", "member"]
    assert "name" not in changes


def test_deactivate_keeps_the_person_and_their_history_and_stops_login(
    clerk: Any, health_liaison: Any
) -> None:
    target = m(health_liaison)
    services.person_deactivate(actor=m(clerk), membership=target)
    target.refresh_from_db()
    health_liaison.refresh_from_db()
    assert not target.active and not health_liaison.is_active
    assert User.objects.filter(pk=health_liaison.pk).exists()
    assert not can_login("health", PASSWORD)
    assert last_event("person.deactivate").target_id == str(target.pk)
    services.person_reactivate(actor=m(clerk), membership=target)
    assert can_login("health", PASSWORD)


def test_password_reset_ends_the_persons_sessions(
    clerk: Any, health_liaison: Any, login: Callable[[Any], Client]
) -> None:
    client = login(health_liaison)
    assert client.get("/").status_code == 200
    new = services.person_password_reset(actor=m(clerk), membership=m(health_liaison))
    assert client.get("/").status_code == 302  # the old session no longer counts
    assert can_login("health", new)
    assert last_event("person.password_reset").data == {"password": "generated"}


# --- pages ---------------------------------------------------------------------------------


def test_people_list_access(
    login: Callable[[Any], Client],
    clerk: Any,
    security_admin: Any,
    auditor: Any,
    health_liaison: Any,
    other_liaison: Any,
    gov_reader: Any,
    outsider: Any,
) -> None:
    assert login(clerk).get("/units/people/").status_code == 200
    assert login(security_admin).get("/units/people/").status_code == 200
    for user in (auditor, health_liaison, other_liaison, gov_reader, outsider):
        assert login(user).get("/units/people/").status_code == 403, user.username
    response = Client().get("/units/people/")
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")


def test_people_list_shows_people_and_filters_by_unit_and_role(
    login: Callable[[Any], Client],
    clerk: Any,
    health_liaison: Any,
    other_liaison: Any,
    auditor: Any,
    unit_named: Callable[[str], Unit],
) -> None:
    client = login(clerk)
    page = client.get("/units/people/").content.decode()
    for text in (
        "人员管理",
        "张联络",
        "hrss",
        "hrss@example.org",
        "市人力资源和社会保障局",
        "联络员",
    ):
        assert text in page
    hrss = unit_named("市人力资源和社会保障局")
    page = client.get(f"/units/people/?unit={hrss.pk}").content.decode()
    assert "张联络" in page and "李联络" not in page
    page = client.get("/units/people/?role=auditor").content.decode()
    assert "周审计" in page and "李联络" not in page
    # The secretariat sees the auditor's row but has no link to manage it.
    assert f"/units/people/{m(auditor).pk}/" not in page


def test_people_list_query_count_does_not_grow_with_people(
    login: Callable[[Any], Client],
    clerk: Any,
    unit_named: Callable[[str], Unit],
    django_assert_max_num_queries: Any,
) -> None:
    client = login(clerk)
    for i in range(30):
        user = User.objects.create_user(username=f"p{i}", first_name=f"人员{i}")
        Membership.objects.create(user=user, unit=unit_named("市总工会"), role="liaison")
    with django_assert_max_num_queries(13):  # constant: 30 more people add none
        response = client.get("/units/people/")
    assert response.content.decode().count("人员2") >= 10


def test_create_person_page_shows_the_initial_password_once(
    login: Callable[[Any], Client], clerk: Any, unit_named: Callable[[str], Unit]
) -> None:
    client = login(clerk)
    form = client.get("/units/people/new/").content.decode()
    assert "联络员" in form and "审计管理员" not in form  # roles the secretariat may give
    response = client.post(
        "/units/people/new/",
        {
            "unit": unit_named("市医保局").pk,
            "role": "liaison",
            "name": "钱联络",
            "username": "yibao",
            "email": "yibao@example.org",
            "phone": "",
            "title": "",
            "password": "",
        },
    )
    assert response.status_code == 302
    shown = client.get(response["Location"])
    assert "no-store" in shown["Cache-Control"]
    page = shown.content.decode()
    assert "只显示这一次" in page
    password = page.split('id="new-password">')[1].split("<")[0]
    assert can_login("yibao", password)
    assert password not in client.get("/units/people/").content.decode()


def test_creating_a_person_redirects_so_a_refresh_does_not_submit_again(
    login: Callable[[Any], Client], clerk: Any, unit_named: Callable[[str], Unit]
) -> None:
    """Issue 18: "账号已创建" was the answer to the POST at /units/people/new/, so a refresh
    submitted the form again. Now the POST redirects (PRG) to the person's page, which shows
    the one-time password once (kept in the server-side session for one display only)."""
    client = login(clerk)
    response = client.post(
        "/units/people/new/",
        {
            "unit": unit_named("市医保局").pk,
            "role": "liaison",
            "name": "钱联络",
            "username": "yibao",
            "email": "",
            "phone": "",
            "title": "",
            "password": "",
        },
    )
    membership = Membership.objects.get(user__username="yibao")
    assert response.status_code == 302
    assert response["Location"] == f"/units/people/{membership.pk}/"
    first = client.get(response["Location"]).content.decode()
    assert "账号已创建" in first
    password = first.split('id="new-password">')[1].split("<")[0]
    assert can_login("yibao", password)
    # A refresh is a GET of the person's page: nothing is created again, the password is gone.
    again = client.get(response["Location"]).content.decode()
    assert password not in again and 'id="new-password"' not in again
    assert Membership.objects.filter(user__username="yibao").count() == 1
    assert password not in str(dict(client.session))


def test_a_password_reset_redirects_and_shows_the_password_once(
    login: Callable[[Any], Client], clerk: Any, health_liaison: Any
) -> None:
    client = login(clerk)
    target = Membership.objects.get(user=health_liaison)
    response = client.post(f"/units/people/{target.pk}/password/", {"password": ""})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "密码已重置" in page
    new = page.split('id="new-password">')[1].split("<")[0]
    assert can_login(health_liaison.username, new)
    assert 'id="new-password"' not in client.get(response["Location"]).content.decode()


def test_create_person_page_bad_input_in_chinese(
    login: Callable[[Any], Client], clerk: Any, unit_named: Callable[[str], Unit]
) -> None:
    client = login(clerk)
    base = {"unit": unit_named("市医保局").pk, "role": "liaison", "name": "钱联络"}
    page = client.post(
        "/units/people/new/", {**base, "username": "yibao", "password": "123"}
    ).content.decode()
    assert "密码长度太短" in page or "密码" in page
    page = client.post(
        "/units/people/new/", {**base, "username": "x2", "role": "security_admin"}
    ).content.decode()
    assert "您无权授予所选角色" in page
    page = client.post("/units/people/new/", {"role": "liaison"}).content.decode()
    assert "请选择单位" in page and "请填写姓名" in page and "请填写用户名" in page
    assert not User.objects.filter(username__in=["yibao", "x2"]).exists()


def test_person_pages_access(
    login: Callable[[Any], Client],
    clerk: Any,
    security_admin: Any,
    auditor: Any,
    health_liaison: Any,
    other_liaison: Any,
) -> None:
    target = m(other_liaison)
    urls = [f"/units/people/{target.pk}/", "/units/people/new/"]
    posts = [
        f"/units/people/{target.pk}/{action}/"
        for action in ("password", "deactivate", "reactivate", "unlock", "otp-reset")
    ]
    for user in (clerk, security_admin):
        client = login(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user.username, url)
    for user in (auditor, health_liaison, other_liaison):
        client = login(user)
        for url in urls:
            assert client.get(url).status_code == 403, (user.username, url)
        for url in posts:
            assert client.post(url).status_code == 403, (user.username, url)
    anonymous = Client()
    for url in urls + posts:
        response = anonymous.post(url) if url in posts else anonymous.get(url)
        assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert m(other_liaison).active
    # The secretariat may not open the auditor's account, nor its own.
    assert login(clerk).get(f"/units/people/{m(auditor).pk}/").status_code == 403
    assert login(clerk).get(f"/units/people/{m(clerk).pk}/").status_code == 403
    assert login(security_admin).get(f"/units/people/{m(auditor).pk}/").status_code == 200


def test_edit_deactivate_and_reset_through_the_pages(
    login: Callable[[Any], Client],
    clerk: Any,
    other_liaison: Any,
    unit_named: Callable[[str], Unit],
) -> None:
    client = login(clerk)
    target = m(other_liaison)
    response = client.post(
        f"/units/people/{target.pk}/",
        {
            "unit": unit_named("市生态环境局").pk,
            "role": "member",
            "name": "张成员",
            "title": "副局长",
            "phone": "123",
            "email": "zhang@example.org",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.unit.name, target.role, target.user.first_name) == (
        "市生态环境局",
        "member",
        "张成员",
    )
    page = client.post(
        f"/units/people/{target.pk}/password/", {"password": ""}, follow=True
    ).content.decode()
    new = page.split('id="new-password">')[1].split("<")[0]
    assert can_login("hrss", new)
    client.post(f"/units/people/{target.pk}/deactivate/")
    target.refresh_from_db()
    assert not target.active
    assert "已停用" in client.get(f"/units/people/?unit={target.unit_id}").content.decode()


def test_security_admin_resets_a_lost_authenticator(
    login: Callable[[Any], Client], security_admin: Any, clerk: Any, auditor: Any
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=clerk, name="旧手机", confirmed=True)
    target = m(clerk)
    response = login(security_admin).post(f"/units/people/{target.pk}/otp-reset/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=clerk).exists()
    assert last_event("person.otp_reset").data == {"devices_removed": 1}
    # The auditor's authenticator is out of the secretariat's reach.
    TOTPDevice.objects.create(user=auditor, name="手机", confirmed=True)
    with pytest.raises(PermissionDenied):
        services.person_otp_reset(actor=target, membership=m(auditor))
    assert TOTPDevice.objects.filter(user=auditor).exists()
