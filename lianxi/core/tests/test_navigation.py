"""The main navigation: what each person sees in the header, drawn from the navigation registry
(core/navigation.py), each entry shown by its own app's access rule."""

import re
from collections.abc import Iterator
from typing import Any

import pytest

from lianxi.conftest import _person
from lianxi.core import navigation
from lianxi.core.registry import DuplicateRegistration
from lianxi.organization.models import Mechanism, Membership, PlatformOperator, Unit

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav class="mainnav"[^>]*>(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]*)"( class="active")?>([^<]*)</a>')

HOME = ("工作台", "/")
CATALOGUE = ("成员单位与职责", "/units/")
RULES = ("工作规则", "/units/rules/")
MEETINGS = ("会议", "/meetings/")
DOCUMENTS = ("公文", "/documents/")  # issue 9: drafts, rounds, issuing
DECISIONS = ("重大事项", "/decisions/")  # issue 13: consent of the units concerned (四(四))
ANNUAL = ("年度报送", "/annual/")  # issue 12: the 15 January cycle (四(三))
BULLETINS = ("信息简报", "/bulletins/")  # issue 11: reports, briefs, exchange (三(四)1, 三(四)3)
LEDGER = ("督办", "/supervision/")
INCIDENTS = ("事故通报", "/incidents/")
ROUTING = ("谁来管", "/routing/")
PEOPLE = ("人员", "/units/people/")
CALENDAR = ("节假日", "/core/calendar/")
DEAD_LETTERS = ("消息投递", "/messages/dead-letters/")
AUDIT = ("审计日志", "/core/audit/")
PLATFORM = ("平台管理", "/platform/")
SETTINGS = ("消息设置", "/messages/settings/")
TOKENS = ("接口令牌", "/account/tokens/")  # issue 17: each person's own API tokens

ALWAYS = [HOME, CATALOGUE, RULES]
UNIT_WORK = [MEETINGS, DOCUMENTS, DECISIONS, ANNUAL, BULLETINS, LEDGER, INCIDENTS, ROUTING]
# The government office reads the joint meeting's work but sends no annual submission.
GOVERNMENT_WORK = [w for w in UNIT_WORK if w != ANNUAL]


def nav_of(body: str) -> list[tuple[str, str, bool]]:
    """The header's entries as (label, url, highlighted), in their order; [] without a nav."""
    found = NAV.search(body)
    if found is None:
        return []
    return [(label, href, bool(active)) for href, active, label in LINK.findall(found.group(1))]


def entries(body: str) -> list[tuple[str, str]]:
    return [(label, href) for label, href, _ in nav_of(body)]


@pytest.fixture
def observer(mechanism: Any) -> Any:
    unit = Unit.objects.create(
        mechanism=mechanism, name="市职业病防治院", kind=Unit.Kind.INVITED, order=200
    )
    return _person("observer", "钱列席", unit, Membership.Role.OBSERVER)


# Today's header, person by person (the template's role lists as they were, now predicates).
EXPECTED = {
    "clerk": [*ALWAYS, *UNIT_WORK, PEOPLE, CALENDAR, DEAD_LETTERS, TOKENS, SETTINGS],
    "health_member": [*ALWAYS, *UNIT_WORK, TOKENS, SETTINGS],
    "health_liaison": [*ALWAYS, *UNIT_WORK, TOKENS, SETTINGS],
    "other_liaison": [*ALWAYS, *UNIT_WORK, TOKENS, SETTINGS],
    "gov_reader": [*ALWAYS, *GOVERNMENT_WORK, TOKENS, SETTINGS],
    "observer": [*ALWAYS, MEETINGS, DOCUMENTS, ROUTING, TOKENS, SETTINGS],
    "auditor": [*ALWAYS, TOKENS, AUDIT, SETTINGS],
    "security_admin": [*ALWAYS, PEOPLE, TOKENS, SETTINGS],
    "outsider": [*ALWAYS, SETTINGS],
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_person_sees_the_entries_their_role_opens(request, login, persona) -> None:
    body = login(request.getfixturevalue(persona)).get("/").content.decode()
    assert entries(body) == EXPECTED[persona]
    assert "即将上线" not in body


@pytest.mark.parametrize(
    ("url", "highlighted"),
    [
        ("/", HOME),
        ("/units/", CATALOGUE),
        ("/units/{unit}/", CATALOGUE),
        ("/units/rules/", RULES),
        ("/meetings/", MEETINGS),
        ("/meetings/new/", MEETINGS),
        ("/documents/", DOCUMENTS),
        ("/decisions/", DECISIONS),
        ("/supervision/", LEDGER),
        ("/incidents/", INCIDENTS),
        ("/routing/", ROUTING),
        ("/units/people/", None),
        ("/core/calendar/", None),
        ("/messages/settings/", None),
    ],
)
def test_the_entry_of_the_page_is_highlighted(login, clerk, health, url, highlighted) -> None:
    response = login(clerk).get(url.format(unit=health.pk))
    assert response.status_code == 200
    active = [(label, href) for label, href, on in nav_of(response.content.decode()) if on]
    assert active == ([highlighted] if highlighted else [])


def test_the_calendar_entry_passes_to_the_platform_operator_with_a_second_meeting(
    login, clerk, outsider
) -> None:
    """Its entry follows core.access.can_manage_calendar, like the page."""
    assert CALENDAR in entries(login(clerk).get("/").content.decode())
    Mechanism.objects.create(name="青溪县职业病防治工作联席会议")
    assert CALENDAR not in entries(login(clerk).get("/").content.decode())
    # A clerk who is also the platform operator keeps it, as the operator.
    PlatformOperator.objects.create(user=clerk)
    assert CALENDAR in entries(login(clerk).get("/").content.decode())
    PlatformOperator.objects.filter(user=clerk).delete()
    PlatformOperator.objects.create(user=outsider)
    assert entries(login(outsider).get("/").content.decode()) == [
        *ALWAYS,
        CALENDAR,
        PLATFORM,
        SETTINGS,
    ]


def test_platform_operators_see_the_platform_entry(login, clerk, outsider) -> None:
    assert PLATFORM not in entries(login(clerk).get("/").content.decode())
    PlatformOperator.objects.create(user=clerk)
    assert PLATFORM in entries(login(clerk).get("/").content.decode())


def test_nothing_of_a_joint_meeting_before_one_is_chosen(login, two_meetings_person) -> None:
    """A person in two joint meetings who has not chosen sees the choice page and no entry;
    once chosen, the entries of the meeting chosen (liaison here, secretariat there)."""
    client = login(two_meetings_person)
    choose = client.get("/account/choose/")
    assert choose.status_code == 200
    body = choose.content.decode()
    assert entries(body) == []
    assert "退出" in body and "收件箱" in body
    first = Membership.objects.get(user=two_meetings_person, role="liaison")
    assert client.post("/account/choose/", {"membership": first.pk}).status_code == 302
    assert entries(client.get("/").content.decode()) == EXPECTED["health_liaison"]
    # Back on the choice page to switch: still none of the meeting's entries there.
    assert entries(client.get("/account/choose/").content.decode()) == []
    second = Membership.objects.get(user=two_meetings_person, role="secretariat")
    client.post("/account/choose/", {"membership": second.pk})
    # The second meeting's secretariat: the calendar is the operator's once there are two.
    assert entries(client.get("/").content.decode()) == [
        *ALWAYS,
        *UNIT_WORK,
        PEOPLE,
        DEAD_LETTERS,
        TOKENS,
        SETTINGS,
    ]


# --- the registry --------------------------------------------------------------------------


@pytest.fixture
def archive_entry() -> Iterator[None]:
    """An entry no app registers, shown to the health commission's people only."""

    def health_people(user: Any) -> bool:
        membership = getattr(user, "membership", None)
        return membership is not None and membership.unit.name == "市卫生健康委"

    with navigation.registered(
        "test_archive",
        label="档案",
        url_name="organization:rules",
        order=75,
        visible=health_people,
        active=(),
    ):
        yield


def test_a_registered_entry_appears_for_whom_its_rule_allows(
    archive_entry, login, clerk, other_liaison
) -> None:
    archive = ("档案", "/units/rules/")
    shown = entries(login(clerk).get("/").content.decode())
    assert shown[: len(ALWAYS) + len(UNIT_WORK) + 1] == [*ALWAYS, *UNIT_WORK, archive]
    assert archive not in entries(login(other_liaison).get("/").content.decode())


def test_the_temporary_entry_is_gone_afterwards(login, clerk) -> None:
    assert "档案" not in login(clerk).get("/").content.decode()


def test_a_duplicate_entry_name_fails() -> None:
    with pytest.raises(DuplicateRegistration, match="meetings"):
        navigation.register_nav(
            "meetings", label="会议", url_name="meetings:list", order=40, visible=bool
        )
