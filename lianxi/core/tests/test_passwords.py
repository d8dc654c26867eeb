"""Passwords as 等保 expects (issue 17, "People"; GB/T 22239-2019 8.1.4.1 身份鉴别 a:
身份鉴别信息具有复杂度要求并定期更换).

Defects from the issue: "no self-service password change (administrators know every password
forever)". Each test below would have failed before: there was no change page, no forced
change, no complexity rule beyond length, no history and no expiry.
"""

import itertools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from lianxi.conftest import PASSWORD
from lianxi.core.models import AuditEvent, PasswordState
from lianxi.core.passwords import change_required, character_classes
from lianxi.organization import people_services
from lianxi.organization.mechanism_services import secretariat_account_create
from lianxi.organization.models import Membership

CHANGE = "/account/password/"
LOGIN = "/account/login/"
NEW = "Xinmima-2026-good"


def log_in(username: str, password: str) -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:300]
    return client


def change(client: Client, old: str, new: str, *, next_url: str = "") -> Any:
    data = {"old_password": old, "new_password1": new, "new_password2": new}
    if next_url:
        data["next"] = next_url
    return client.post(CHANGE, data)


def membership(user: Any) -> Membership:
    return Membership.objects.select_related("unit").get(user=user)


# --- complexity --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "weak", ["xinmimaxinmima", "XINMIMA20262026", "xinmima20262026", "!!!!@@@@####$$"]
)
def test_a_password_of_fewer_than_three_classes_is_refused_in_chinese(db: Any, weak: str) -> None:
    """8.1.4.1 a) 复杂度: three of the four classes (upper, lower, digits, symbols)."""
    with pytest.raises(ValidationError) as refused:
        validate_password(weak)
    text = " ".join(refused.value.messages)
    assert "至少 3 类" in text and "请加入" in text


@pytest.mark.parametrize(
    "good", ["Xinmima20262026", "xinmima-2026-26", "XINMIMA-2026!!", "新密码abc-2026x"]
)
def test_three_classes_pass(db: Any, good: str) -> None:
    validate_password(good)
    assert len(character_classes(good)) >= 3


def test_the_change_page_refuses_a_simple_password_and_changes_nothing(
    health_liaison: Any, login: Callable[[Any], Client]
) -> None:
    """8.1.4.1 a): the rule is applied where a person sets their own password."""
    client = login(health_liaison)
    response = change(client, PASSWORD, "onlylowercaseletters")
    assert response.status_code == 200
    assert "至少 3 类" in response.content.decode()
    health_liaison.refresh_from_db()
    assert health_liaison.check_password(PASSWORD)
    assert (
        not AuditEvent.objects.filter(action__startswith="password.change")
        .exclude(action="password.change_failed")
        .exists()
    )


# --- self-service change -----------------------------------------------------------------


def test_a_person_changes_their_own_password_and_the_change_is_audited(
    health_liaison: Any, login: Callable[[Any], Client]
) -> None:
    """Defect: "no self-service password change (administrators know every password forever)"."""
    client = login(health_liaison)
    page = client.get("/units/").content.decode()
    assert 'href="/account/password/"' in page  # in the person's menu
    form = client.get(CHANGE)
    assert form.status_code == 200 and "原密码" in form.content.decode()
    response = change(client, PASSWORD, NEW, next_url="/units/")
    assert response.status_code == 302 and response["Location"] == "/units/"
    assert client.get("/units/").status_code == 200  # this session stays
    health_liaison.refresh_from_db()
    assert health_liaison.check_password(NEW)
    event = AuditEvent.objects.get(action="password.change")
    assert event.actor_id == health_liaison.pk
    assert PASSWORD not in str(event.data) and NEW not in str(event.data)
    log_in("health", NEW)


def test_a_wrong_old_password_is_refused_audited_and_counted_as_a_failed_login(
    health_liaison: Any, login: Callable[[Any], Client]
) -> None:
    """8.1.4.1 b) 登录失败处理: a session left open cannot be used to guess the password."""
    from axes.models import AccessAttempt

    client = login(health_liaison)
    response = change(client, "Not-the-password-1", NEW)
    assert response.status_code == 200
    assert "原密码不正确" in response.content.decode()
    health_liaison.refresh_from_db()
    assert health_liaison.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="password.change_failed").count() == 1
    assert AccessAttempt.objects.get(username="health").failures_since_start == 1


def test_the_two_new_passwords_must_match(
    health_liaison: Any, login: Callable[[Any], Client]
) -> None:
    client = login(health_liaison)
    response = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW + "x"}
    )
    assert "两次输入的新密码不一致" in response.content.decode()


def test_the_change_page_needs_a_login(db: Any) -> None:
    response = Client().get(CHANGE)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# --- history -----------------------------------------------------------------------------


def test_none_of_the_last_five_passwords_may_be_chosen_again(
    health_liaison: Any, login: Callable[[Any], Client]
) -> None:
    """8.1.4.1 a) 定期更换 means nothing if the old one comes back: not the last 5 (current
    included); the sixth-oldest may."""
    client = login(health_liaison)
    response = change(client, PASSWORD, PASSWORD)
    assert "最近使用过的 5 个密码" in response.content.decode()  # the current one
    passwords = [PASSWORD] + [f"Xinmima-{n}-2026" for n in range(1, 6)]
    for old, new in itertools.pairwise(passwords):
        assert change(client, old, new).status_code == 302
    current = passwords[-1]
    for reused in passwords[1:]:  # the last five, the current one included
        response = change(client, current, reused)
        assert "最近使用过的 5 个密码" in response.content.decode(), reused
    assert change(client, current, PASSWORD).status_code == 302  # the sixth back is allowed
    state = PasswordState.objects.get(user=health_liaison)
    assert len(state.history) == 5
    assert all(PASSWORD not in entry for entry in state.history)  # hashes, never the text


def test_the_history_is_kept_whichever_path_sets_the_password(
    health_liaison: Any, clerk: Any
) -> None:
    """The administrator's reset (and the admin site, changepassword: every User.save after
    set_password) records the hash, so a reset does not empty the history."""
    people_services.person_password_reset(
        actor=membership(clerk), membership=membership(health_liaison), password="Chongzhi-2026-a"
    )
    with pytest.raises(ValidationError):
        validate_password(PASSWORD, health_liaison)  # the one before the reset
    user = get_user_model().objects.get(pk=health_liaison.pk)
    user.set_password("Zhijie-2026-b")
    user.save()
    assert len(PasswordState.objects.get(user=user).history) == 3


# --- forced change: first login, reset, expiry, legacy -------------------------------------


def test_an_account_made_by_the_secretariat_must_change_its_password_at_first_login(
    clerk: Any, health: Any
) -> None:
    """Defect: the secretariat knows the initial password; the person must choose their own
    before any page, and then the pages open."""
    created, initial = people_services.person_create(
        actor=membership(clerk), username="xinren", name="新同事", unit=health, role="liaison"
    )
    client = log_in("xinren", initial)
    for path in ("/", "/units/", "/account/tokens/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(f"{CHANGE}?next="), path
    page = client.get(f"{CHANGE}?next=/units/").content.decode()
    assert "第一次登录" in page
    assert client.get("/api/v1/units/").status_code == 403  # nor the API with the session
    response = change(client, initial, NEW, next_url="/units/")
    assert response.status_code == 302 and response["Location"] == "/units/"
    assert client.get("/units/").status_code == 200
    event = AuditEvent.objects.get(action="password.change_forced")
    assert event.actor_id == created.user_id and event.data == {"reason": "first"}
    assert change_required(created.user) == ""


def test_an_administrator_reset_forces_a_change_at_the_next_login(
    health_liaison: Any, security_admin: Any
) -> None:
    """8.1.4.1 a): after a reset the administrator knows the password, for one login only."""
    password = people_services.person_password_reset(
        actor=membership(security_admin), membership=membership(health_liaison)
    )
    client = log_in("health", password)
    assert client.get("/")["Location"].startswith(CHANGE)
    assert "刚由管理人员重置" in client.get(CHANGE).content.decode()
    assert change(client, password, NEW).status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.get(action="password.change_forced").data == {"reason": "reset"}
    assert AuditEvent.objects.filter(action="person.password_reset").exists()


def test_the_first_account_printed_by_setup_must_change_its_password(mechanism: Any) -> None:
    """`lianxi setup` / `lianxi mechanism` print the first account's password: changed at once."""
    created = secretariat_account_create(
        mechanism=mechanism, username="mishu", password="Chushi-2026-abc"
    )
    assert change_required(created.membership.user) == "first"
    client = log_in("mishu", "Chushi-2026-abc")
    assert client.get("/")["Location"].startswith(CHANGE)


@override_settings(LIANXI_PASSWORD_MAX_DAYS=90)
def test_a_password_older_than_the_maximum_age_must_be_changed(
    health_liaison: Any, login: Callable[[Any], Client]
) -> None:
    """8.1.4.1 a) 定期更换: LIANXI_PASSWORD_MAX_DAYS (90 by default)."""
    client = login(health_liaison)
    assert client.get("/").status_code == 200
    PasswordState.objects.update_or_create(
        user=health_liaison, defaults={"changed_at": timezone.now() - timedelta(days=91)}
    )
    assert client.get("/")["Location"].startswith(CHANGE)
    assert "已使用超过规定期限" in client.get(CHANGE).content.decode()
    assert change(client, PASSWORD, NEW).status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.get(action="password.change_forced").data == {"reason": "expired"}


@override_settings(LIANXI_PASSWORD_MAX_DAYS=0)
def test_expiry_is_off_with_zero(health_liaison: Any, login: Callable[[Any], Client]) -> None:
    client = login(health_liaison)
    PasswordState.objects.update_or_create(
        user=health_liaison, defaults={"changed_at": timezone.now() - timedelta(days=3650)}
    )
    assert client.get("/").status_code == 200


def test_passwords_set_before_the_migration_must_be_changed(health_liaison: Any) -> None:
    """Every password that existed before self-service change was an administrator's: the
    migration (core 0006) marks each for a change at the next login."""
    from importlib import import_module

    migration = import_module("lianxi.core.migrations.0006_password_state")
    PasswordState.objects.all().delete()
    migration.force_change_of_existing_passwords(django_apps, None)
    assert change_required(health_liaison) == "legacy"
    client = log_in("health", PASSWORD)
    assert client.get("/")["Location"].startswith(CHANGE)


@override_settings(LIANXI_REQUIRE_OTP=True)
def test_a_privileged_role_passes_the_second_factor_before_changing_its_password(
    clerk: Any, security_admin: Any
) -> None:
    """A stolen initial password alone must not choose the next one: TOTP first."""
    people_services.person_password_reset(
        actor=membership(security_admin), membership=membership(clerk), password="Chongzhi-2026-c"
    )
    client = log_in("clerk", "Chongzhi-2026-c")
    assert client.get("/")["Location"].startswith("/account/otp/setup/")
    assert client.get(CHANGE)["Location"].startswith("/account/otp/")
    assert change(client, "Chongzhi-2026-c", NEW).status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password("Chongzhi-2026-c")  # unchanged: the POST was sent to the OTP
