"""接口令牌 (/account/tokens/): each person's tokens — list, issue (shown once), revoke; the
secretariat and the security administrator see and revoke their joint meeting's (issue 17;
GB/T 22239-2019 8.1.4.1 身份鉴别: issued only after the second factor where it is required;
8.1.4.2 访问控制)."""

from collections.abc import Callable
from typing import Any

from django.test import Client, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianxi.api.models import ApiToken
from lianxi.api.services import api_token_create
from lianxi.core.models import AuditEvent
from lianxi.core.tests.test_otp import code_for

from .conftest import bearer

PAGE = "/account/tokens/"
FORM = {"name": "医院报告系统", "access": "read", "scopes": ["incidents"], "days": "30"}


def test_a_person_issues_a_token_shown_once_with_its_scope(
    health_liaison: Any, login: Callable[[Any], Client]
) -> None:
    client = login(health_liaison)
    assert "接口令牌" in client.get("/").content.decode()  # the entry in the header
    response = client.post(PAGE, FORM)
    assert response.status_code == 200
    page = response.content.decode()
    row = ApiToken.objects.get()
    token = next(w for w in page.replace("<", " ").replace(">", " ").split() if w.startswith("lx_"))
    assert token.startswith(row.prefix) and len(token) > 20
    assert "令牌只显示这一次" in page
    assert (row.access, row.scopes, row.name) == ("read", ["incidents"], "医院报告系统")
    assert 29 <= (row.expires_at - row.created_at).days <= 30
    assert AuditEvent.objects.get(action="api_token.create").data["via"] == "page"
    # Never again: the list shows the prefix only.
    again = client.get(PAGE).content.decode()
    assert row.prefix in again and token not in again
    # And the token does what its scope says.
    assert bearer(token).get("/api/v1/incidents").status_code == 200
    assert bearer(token).get("/api/v1/units").status_code == 403


def test_expiry_longer_than_the_max_is_refused(
    health_liaison: Any, login: Callable[[Any], Client]
) -> None:
    response = login(health_liaison).post(PAGE, {**FORM, "days": "91"})
    assert response.status_code == 400
    assert "有效期最长 90 天" in response.content.decode()
    assert not ApiToken.objects.exists()


@override_settings(LIANXI_REQUIRE_OTP=True)
def test_creation_is_refused_without_totp_where_required(
    clerk: Any, login: Callable[[Any], Client]
) -> None:
    """Defect: tokens skipped TOTP. /account/ is outside SecondFactorMiddleware's reach, so the
    page itself refuses a privileged person who has not passed the second factor."""
    device = TOTPDevice.objects.create(user=clerk, name="手机", confirmed=True)
    client = login(clerk)
    page = client.get(PAGE).content.decode()
    assert "须先通过身份验证器验证" in page
    response = client.post(PAGE, FORM)
    assert response.status_code == 400
    assert "须先通过身份验证器验证" in response.content.decode()
    assert not ApiToken.objects.exists()
    # Having passed it, the same person may issue one.
    client.post("/account/otp/verify/", {"token": code_for(device), "next": PAGE})
    assert client.post(PAGE, FORM).status_code == 200
    assert ApiToken.objects.filter(user=clerk).count() == 1


@override_settings(LIANXI_REQUIRE_OTP=True)
def test_a_role_without_second_factor_issues_without_it(
    health_liaison: Any, login: Callable[[Any], Client]
) -> None:
    assert login(health_liaison).post(PAGE, FORM).status_code == 200
    assert ApiToken.objects.count() == 1


def test_owner_sees_and_revokes_their_token(
    health_liaison: Any, login: Callable[[Any], Client]
) -> None:
    row, token = api_token_create(user=health_liaison, name="甲")
    client = login(health_liaison)
    assert row.prefix in client.get(PAGE).content.decode()
    response = client.post(f"{PAGE}{row.pk}/revoke/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert bearer(token).get("/api/v1/units").status_code == 401
    assert "已吊销" in client.get(PAGE).content.decode()


def test_another_person_of_the_same_unit_or_another_unit_neither_sees_nor_revokes(
    health_liaison: Any, health_member: Any, other_liaison: Any, login: Callable[[Any], Client]
) -> None:
    row, _ = api_token_create(user=health_liaison, name="甲")
    for person in (health_member, other_liaison):
        client = login(person)
        assert row.prefix not in client.get(PAGE).content.decode()
        assert client.post(f"{PAGE}{row.pk}/revoke/").status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None


def test_secretariat_and_security_admin_see_and_revoke_their_meetings_tokens(
    health_liaison: Any,
    clerk: Any,
    security_admin: Any,
    second_clerk: Any,
    login: Callable[[Any], Client],
) -> None:
    first, _ = api_token_create(user=health_liaison, name="甲")
    second, _ = api_token_create(user=health_liaison, name="乙")
    # Another joint meeting's secretariat: nothing of this one.
    other = login(second_clerk)
    assert first.prefix not in other.get(PAGE).content.decode()
    assert other.post(f"{PAGE}{first.pk}/revoke/").status_code == 404
    for manager, row in ((clerk, first), (security_admin, second)):
        client = login(manager)
        page = client.get(PAGE).content.decode()
        assert row.prefix in page and "本联席会议的全部令牌" in page
        assert client.post(f"{PAGE}{row.pk}/revoke/").status_code == 302
        row.refresh_from_db()
        assert row.revoked_at is not None
    event = AuditEvent.objects.filter(action="api_token.revoke").order_by("id").last()
    assert event is not None and event.actor_id == security_admin.pk


def test_anonymous_is_sent_to_login_and_an_outsider_is_refused(
    outsider: Any, login: Callable[[Any], Client]
) -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")
    assert Client().post(f"{PAGE}1/revoke/").status_code == 302
    assert login(outsider).get(PAGE).status_code == 403


def test_the_page_states_what_the_api_refuses_in_a_fixed_number_of_queries(
    clerk: Any,
    health_liaison: Any,
    other_liaison: Any,
    login: Callable[[Any], Client],
    django_assert_max_num_queries: Any,
) -> None:
    """Issue 17: the page's state and the API's refusal are one rule (api.selectors
    token_refusal): a token issued before an administrator's reset reads 密码已重置 where the API
    answers 401 (the page said 有效); the lockouts of all rows are one query, not one a row."""
    from lianxi.organization.people_services import person_password_reset

    row, token = api_token_create(user=health_liaison, name="重置前")
    person_password_reset(actor=clerk.membership, membership=health_liaison.membership)
    assert bearer(token).get("/api/v1/units").status_code == 401
    client = login(clerk)
    body = client.get(PAGE).content.decode()
    assert row.prefix in body and "密码已重置" in body
    with django_assert_max_num_queries(9) as few:
        client.get(PAGE)
    for n in range(5):
        api_token_create(user=other_liaison, name=f"对接{n}")
    with django_assert_max_num_queries(9) as many:
        client.get(PAGE)
    assert len(many.captured_queries) == len(few.captured_queries)
