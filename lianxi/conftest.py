"""Shared fixtures: the fixed personas every test suite uses (see DESIGN.md).

- ``clerk``: a secretariat clerk at the health commission (市卫生健康委)
- ``health_liaison``: the health commission's liaison officer
- ``other_liaison``: the liaison of another unit (市人力资源和社会保障局)
- ``gov_reader``: a reader at the city government office
- ``outsider``: a logged-in account with no membership
- ``second_clerk`` / ``second_liaison``: the secretariat clerk and a liaison of a second joint
  meeting on the same platform (``second_mechanism``, Qingxi county's), who must see and change
  nothing of the first; ``second_auditor``, ``second_security_admin``, ``second_gov_reader``
  and ``second_observer`` (on ``second_observer_unit``, an invited unit) are its other roles
- ``two_meetings_person``: one account with a membership in each joint meeting (the first's
  liaison of the health commission, the second's secretariat clerk)
- ``union_liaison`` / ``safety_liaison`` / ``finance_liaison``: the liaisons of the trade union,
  the emergency management bureau and the finance bureau, for tests that need a third unit

The fixtures an app's tests share with the API tests live beside that app's tests, in
``<app>/tests/fixtures.py``, and are plugged in here (``pytest_plugins``), so that each is
defined once.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from lianxi.organization.models import Membership, Unit
from lianxi.organization.tests.factories import make_mechanism

# pytest accepts pytest_plugins only in the root conftest.
pytest_plugins = [
    "lianxi.meetings.tests.fixtures",
    "lianxi.supervision.tests.fixtures",
    "lianxi.notifications.tests.fixtures",
    "lianxi.documents.tests.rounds_fixtures",
]

PASSWORD = "Lianxi-test-2026!"

# The audit tables' triggers refuse DELETE and TRUNCATE; the test runner empties every table
# between transactional tests, so the suite opens them (the trigger tests close them again).
django_settings.LIANXI_AUDIT_GUARD_OPEN = True


def aware(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A time of day in the platform's time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime(year, month, day, hour, minute))


@pytest.fixture(scope="session", autouse=True)
def _release_test_database(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """On PostgreSQL, end sessions still open on the test database before it is dropped.

    Threads of the live server and of concurrency tests keep pooled connections (CONN_MAX_AGE)
    that may outlive their test; PostgreSQL refuses to drop a database anyone is connected to.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """PBKDF2's deliberate slowness is for attackers, not for the hundreds of test logins."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def mechanism(db: Any) -> Any:
    return make_mechanism()


def _person(username: str, name: str, unit: Unit | None, role: str | None) -> Any:
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=name, email=f"{username}@example.org"
    )
    if unit is not None and role is not None:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def unit_named(mechanism: Any) -> Callable[[str], Unit]:
    def get(name: str) -> Unit:
        return Unit.objects.get(mechanism=mechanism, name=name)

    return get


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Uploads and attachments of the tests land in a temporary directory, not in var/media;
    so do the audit checkpoints (each test's chain starts empty)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.LIANXI_AUDIT_CHECKPOINT_DIR = str(tmp_path / "audit-checkpoints")


@pytest.fixture
def health(unit_named: Callable[[str], Unit]) -> Unit:
    return unit_named("市卫生健康委")


@pytest.fixture
def hrss(unit_named: Callable[[str], Unit]) -> Unit:
    return unit_named("市人力资源和社会保障局")


@pytest.fixture
def union(unit_named: Callable[[str], Unit]) -> Unit:
    return unit_named("市总工会")


@pytest.fixture
def clerk(unit_named: Callable[[str], Unit]) -> Any:
    return _person("clerk", "王秘书", unit_named("市卫生健康委"), Membership.Role.SECRETARIAT)


@pytest.fixture
def health_liaison(unit_named: Callable[[str], Unit]) -> Any:
    return _person("health", "李联络", unit_named("市卫生健康委"), Membership.Role.LIAISON)


@pytest.fixture
def health_member(unit_named: Callable[[str], Unit]) -> Any:
    return _person("healthboss", "赵主任", unit_named("市卫生健康委"), Membership.Role.MEMBER)


@pytest.fixture
def other_liaison(unit_named: Callable[[str], Unit]) -> Any:
    return _person("hrss", "张联络", unit_named("市人力资源和社会保障局"), Membership.Role.LIAISON)


@pytest.fixture
def gov_reader(unit_named: Callable[[str], Unit]) -> Any:
    return _person("gov", "陈办", unit_named("市政府办公室"), Membership.Role.GOVERNMENT)


@pytest.fixture
def auditor(unit_named: Callable[[str], Unit]) -> Any:
    return _person("auditor", "周审计", unit_named("市卫生健康委"), Membership.Role.AUDITOR)


@pytest.fixture
def security_admin(unit_named: Callable[[str], Unit]) -> Any:
    return _person("secadmin", "吴安全", unit_named("市卫生健康委"), Membership.Role.SECURITY_ADMIN)


@pytest.fixture
def outsider(db: Any) -> Any:
    return _person("outsider", "路人", None, None)


@pytest.fixture
def union_liaison(unit_named: Callable[[str], Unit]) -> Any:
    return _person("union", "工会联络", unit_named("市总工会"), Membership.Role.LIAISON)


@pytest.fixture
def safety_liaison(unit_named: Callable[[str], Unit]) -> Any:
    return _person("safety", "孙联络", unit_named("市应急管理局"), Membership.Role.LIAISON)


@pytest.fixture
def finance_liaison(unit_named: Callable[[str], Unit]) -> Any:
    return _person("finance", "财政联络", unit_named("市财政局"), Membership.Role.LIAISON)


SECOND_MECHANISM = "青溪县职业病防治工作联席会议"


@pytest.fixture
def second_mechanism(mechanism: Any) -> Any:
    """A second joint meeting beside the first (``mechanism``), with the same unit names."""
    return make_mechanism(SECOND_MECHANISM)


@pytest.fixture
def second_unit_named(second_mechanism: Any) -> Callable[[str], Unit]:
    def get(name: str) -> Unit:
        return Unit.objects.get(mechanism=second_mechanism, name=name)

    return get


@pytest.fixture
def second_clerk(second_unit_named: Callable[[str], Unit]) -> Any:
    return _person(
        "qx_clerk", "孙秘书", second_unit_named("市卫生健康委"), Membership.Role.SECRETARIAT
    )


@pytest.fixture
def second_liaison(second_unit_named: Callable[[str], Unit]) -> Any:
    return _person(
        "qx_hrss", "钱联络", second_unit_named("市人力资源和社会保障局"), Membership.Role.LIAISON
    )


@pytest.fixture
def second_auditor(second_unit_named: Callable[[str], Unit]) -> Any:
    return _person(
        "qx_auditor", "冯审计", second_unit_named("市卫生健康委"), Membership.Role.AUDITOR
    )


@pytest.fixture
def second_security_admin(second_unit_named: Callable[[str], Unit]) -> Any:
    return _person(
        "qx_secadmin", "褚安全", second_unit_named("市卫生健康委"), Membership.Role.SECURITY_ADMIN
    )


@pytest.fixture
def second_gov_reader(second_unit_named: Callable[[str], Unit]) -> Any:
    return _person(
        "qx_gov", "卫县办", second_unit_named("市政府办公室"), Membership.Role.GOVERNMENT
    )


@pytest.fixture
def second_observer_unit(second_mechanism: Any) -> Unit:
    """An invited unit of the second joint meeting, named like the first's (``observer_unit``)."""
    return Unit.objects.create(
        mechanism=second_mechanism, name="市职业病防治院", kind=Unit.Kind.INVITED, order=200
    )


@pytest.fixture
def second_observer(second_observer_unit: Unit) -> Any:
    return _person("qx_ocdi", "蒋列席", second_observer_unit, Membership.Role.OBSERVER)


@pytest.fixture
def two_meetings_person(
    unit_named: Callable[[str], Unit], second_unit_named: Callable[[str], Unit]
) -> Any:
    user = _person("both", "郑两会", unit_named("市卫生健康委"), Membership.Role.LIAISON)
    Membership.objects.create(
        user=user, unit=second_unit_named("市卫生健康委"), role=Membership.Role.SECRETARIAT
    )
    return user


@pytest.fixture
def login() -> Callable[[Any], Client]:
    """A test client logged in as the given user (through the real login form)."""

    def make(user: Any) -> Client:
        client = Client()
        response = client.post("/account/login/", {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.content.decode()[:500]
        return client

    return make


# --- Browser tests: Playwright's Python package driving Debian's Chromium -------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Any:
    import os

    # Playwright's sync API runs an event loop in this thread; Django must still allow the
    # test's own ORM calls between page actions.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Any, live_server: Any) -> Any:
    """A fresh browser page whose base URL is the live test server."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    # expect() has its own limit (5 s by default): the same as the page's on a loaded machine.
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)
    yield page
    context.close()


@pytest.fixture
def browser_login(page: Any) -> Callable[[Any], Any]:
    """Logs the page in as the given user through the login form."""

    def do(user: Any) -> Any:
        page.goto("/account/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        # The login form's own button: a logged-in header also has a search button.
        page.click("#login-submit")
        page.wait_for_url(lambda url: "/account/login/" not in url)
        return page

    return do


@pytest.fixture
def act(page: Any, browser_login: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Logs the page in as another person: the cookies cleared first (a time_machine travel
    also expires the previous session)."""

    def as_(user: Any) -> Any:
        page.context.clear_cookies()
        return browser_login(user)

    return as_


@pytest.fixture
def screenshot_dir() -> Any:
    """Screenshots land in var/screenshots so a person can look at them after the run."""
    from pathlib import Path

    from django.conf import settings

    path = Path(settings.DATA_DIR) / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
