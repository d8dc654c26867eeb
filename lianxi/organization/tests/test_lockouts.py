"""登录锁定, the security administrator's page (issue 17 "with the lock visible to the security
administrator"; GB/T 22239-2019 8.1.4.1 b 登录失败处理, 8.1.4.2 访问控制 三员分立,
8.1.4.3 安全审计).
"""

from collections.abc import Callable
from typing import Any

from django.test import Client, override_settings

from lianxi.conftest import PASSWORD
from lianxi.core.lockout import account_locked, address_locked
from lianxi.core.models import AuditEvent
from lianxi.organization.models import Membership

LOCKS = "/units/people/locks/"
LOGIN = "/account/login/"
TRUSTED = ["10.0.0.0/24"]


def fail(username: str, times: int, *, via: str) -> None:
    for _ in range(times):
        Client().post(
            LOGIN,
            {"username": username, "password": "wrong-password"},
            REMOTE_ADDR="10.0.0.5",
            HTTP_X_FORWARDED_FOR=via,
        )


@override_settings(LIANXI_TRUSTED_PROXIES=TRUSTED)
def test_the_security_administrator_sees_locked_accounts_and_addresses(
    security_admin: Any, health_liaison: Any, login: Callable[[Any], Client]
) -> None:
    """Defect: the lock was visible only as a flag on one person's page; now the security
    administrator lists every locked account (failures, from how many addresses) and address."""
    fail("health", 5, via="198.51.100.9")
    fail("someone", 15, via="198.51.100.9")  # 20 from one address: the address too
    client = login(security_admin)
    page = client.get(LOCKS)
    assert page.status_code == 200
    html = page.content.decode()
    assert "李联络" in html and "health" in html
    assert "198.51.100.9" in html
    assert "someone" not in html  # an address shows counts, not the names tried
    # each lock with its own limit (the address's is LIANXI_LOCKOUT_ADDRESS_FAILURES, not 5)
    assert "登录失败 5 次" in html and "同一地址失败 20 次" in html
    people = client.get("/units/people/").content.decode()
    assert f'href="{LOCKS}"' in people


@override_settings(LIANXI_TRUSTED_PROXIES=TRUSTED)
def test_unlocking_an_account_from_the_page_is_audited(
    security_admin: Any, health_liaison: Any, login: Callable[[Any], Client]
) -> None:
    fail("health", 5, via="198.51.100.10")
    assert account_locked(health_liaison)
    target = Membership.objects.get(user=health_liaison)
    client = login(security_admin)
    response = client.post(f"{LOCKS}{target.pk}/unlock/")
    assert response.status_code == 302 and response["Location"] == LOCKS
    assert not account_locked(health_liaison)
    assert AuditEvent.objects.filter(action="person.unlock", target_id=str(target.pk)).exists()
    assert "没有被锁定的账号" in client.get(LOCKS).content.decode()


@override_settings(LIANXI_TRUSTED_PROXIES=TRUSTED)
def test_unlocking_an_address_is_audited_and_leaves_account_locks_alone(
    security_admin: Any, health_liaison: Any, other_liaison: Any, login: Callable[[Any], Client]
) -> None:
    """Lifting an address never lifts an account's lock as a side effect."""
    fail("health", 5, via="198.51.100.11")  # the account locked
    for n in range(5):  # and with 15 more, on accounts below their own limit, the address (20)
        fail(f"guess{n}", 3, via="198.51.100.11")
    assert address_locked("198.51.100.11")
    client = login(security_admin)
    response = client.post(f"{LOCKS}address/unlock/", {"ip": "198.51.100.11"})
    assert response.status_code == 302
    assert not address_locked("198.51.100.11")
    assert account_locked(health_liaison)
    event = AuditEvent.objects.get(action="lockout.address_unlock")
    assert event.data == {"ip": "198.51.100.11", "attempts_removed": 5, "still_locked": False}
    response = Client().post(
        LOGIN,
        {"username": "hrss", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="198.51.100.11",
    )
    assert response.status_code == 302


def test_a_bad_address_is_refused_in_chinese(
    security_admin: Any, login: Callable[[Any], Client]
) -> None:
    client = login(security_admin)
    response = client.post(f"{LOCKS}address/unlock/", {"ip": "not-an-address"}, follow=True)
    assert "不是有效的 IP 地址" in response.content.decode()
    assert not AuditEvent.objects.filter(action="lockout.address_unlock").exists()


def test_only_the_security_administrator_may_open_the_page(
    clerk: Any, health_liaison: Any, auditor: Any, login: Callable[[Any], Client]
) -> None:
    """8.1.4.2 三员分立: the security administrator's control; the secretariat keeps its unlock on
    the people page, the auditor reads the trail."""
    for who in (clerk, health_liaison, auditor):
        client = login(who)
        assert client.get(LOCKS).status_code == 403
        assert client.post(f"{LOCKS}address/unlock/", {"ip": "1.2.3.4"}).status_code == 403
    response = Client().get(LOCKS)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@override_settings(LIANXI_TRUSTED_PROXIES=TRUSTED)
def test_another_meetings_security_administrator_sees_none_of_this_meetings_accounts(
    second_security_admin: Any, health_liaison: Any, login: Callable[[Any], Client]
) -> None:
    fail("health", 5, via="198.51.100.12")
    target = Membership.objects.get(user=health_liaison)
    client = login(second_security_admin)
    html = client.get(LOCKS).content.decode()
    assert "李联络" not in html and "没有被锁定的账号" in html
    assert client.post(f"{LOCKS}{target.pk}/unlock/").status_code == 404
    assert account_locked(health_liaison)
