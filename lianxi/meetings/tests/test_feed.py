"""日历订阅: a person's private calendar feed (token in the URL, revocable), and its page."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timedelta
from typing import Any

import icalendar
import pytest
import vobject
from django.contrib.auth import get_user_model
from django.test import Client

from lianxi.core.models import AuditEvent
from lianxi.meetings.feed_services import calendar_feed_issue, calendar_feed_revoke
from lianxi.meetings.models import CalendarFeed, Meeting
from lianxi.organization.models import Membership, Unit

from .test_ics import TZ, invite, make_meeting

pytestmark = pytest.mark.django_db

Status = Meeting.Status


def feed_events(data: bytes) -> dict[str, dict[str, Any]]:
    """The feed's events by UID, read by icalendar and by vobject (which must agree)."""
    first: dict[str, dict[str, Any]] = {}
    for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        first[str(event["UID"])] = {
            "summary": str(event["SUMMARY"]),
            "status": str(event.get("STATUS", "")),
            "start": event.decoded("DTSTART"),
            "description": str(event.get("DESCRIPTION", "")),
            "people": "ATTENDEE" in event or "ORGANIZER" in event,
        }
    calendar = vobject.readOne(data.decode("utf-8"))
    second: dict[str, dict[str, Any]] = {}
    for event in getattr(calendar, "vevent_list", []):
        second[event.uid.value] = {
            "summary": event.summary.value,
            "status": event.status.value if hasattr(event, "status") else "",
            "start": event.dtstart.value,
            "description": event.description.value if hasattr(event, "description") else "",
            "people": hasattr(event, "attendee") or hasattr(event, "organizer"),
        }
    assert first == second
    assert not hasattr(calendar, "method")  # a subscription, not an iTIP message
    return first


def feed_url_on_page(client: Client) -> str:
    html = client.get("/calendar/").content.decode()
    match = re.search(r'value="(http://testserver/calendar/feed/[^"]+\.ics)"', html)
    assert match, html
    return match.group(1).removeprefix("http://testserver")


@pytest.fixture
def meetings(mechanism: Any, clerk: Any, unit_named: Any) -> dict[str, Meeting]:
    """Meetings the health commission and the human-resources bureau are, or are not, part of."""
    health, hrss = unit_named("市卫生健康委"), unit_named("市人力资源和社会保障局")
    start = datetime(2026, 4, 1, 9, 0, tzinfo=TZ)
    both_units = make_meeting(mechanism, created_by=clerk, title="全体会议", starts_at=start)
    invite(both_units, health)
    invite(both_units, hrss)
    health_only = make_meeting(
        mechanism, created_by=clerk, title="卫生健康专题会议", starts_at=start + timedelta(days=1)
    )
    invite(health_only, health)
    draft = make_meeting(
        mechanism, created_by=clerk, title="筹备中的会议", status=Status.DRAFT,
        starts_at=start + timedelta(days=2),
    )  # fmt: skip
    invite(draft, hrss)
    cancelled = make_meeting(
        mechanism, created_by=clerk, title="已取消的会议", status=Status.CANCELLED,
        starts_at=start + timedelta(days=3),
    )  # fmt: skip
    invite(cancelled, hrss)
    chaired = make_meeting(
        mechanism, created_by=clerk, title="工伤保险专题会议", kind=Meeting.Kind.TOPICAL,
        chair=hrss, status=Status.HELD, starts_at=start + timedelta(days=4),
    )  # fmt: skip
    return {
        "both": both_units,
        "health_only": health_only,
        "draft": draft,
        "cancelled": cancelled,
        "chaired": chaired,
    }


@pytest.fixture
def action_items(mechanism: Any, clerk: Any, unit_named: Any) -> dict[str, Any]:
    from lianxi.supervision.models import ActionItem

    hrss, health = unit_named("市人力资源和社会保障局"), unit_named("市卫生健康委")

    def item(title: str, lead: Unit, deadline: date, **extra: Any) -> Any:
        return ActionItem.objects.create(
            mechanism=mechanism, title=title, source=ActionItem.Source.MEETING, lead_unit=lead,
            deadline=deadline, original_deadline=deadline, created_by=clerk, **extra,
        )  # fmt: skip

    led = item("提高工伤保险参保率", hrss, date(2026, 6, 30))
    supported = item("开展尘肺病患者救治救助", health, date(2026, 7, 15))
    supported.supporting_units.add(hrss)
    other = item("职业健康检查机构监督检查", health, date(2026, 8, 1))
    closed = item("已办结的事项", hrss, date(2026, 5, 1), status=ActionItem.Status.CLOSED)
    return {"led": led, "supported": supported, "other": other, "closed": closed}


# --- The page ---------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get("/calendar/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
    assert client.post("/calendar/", {"action": "issue"}).status_code == 302
    assert not CalendarFeed.objects.exists()


def test_people_without_a_unit_role_get_no_feed(
    login: Any, outsider: Any, auditor: Any, security_admin: Any
) -> None:
    for person in (outsider, auditor, security_admin):
        client = login(person)
        assert client.get("/calendar/").status_code == 403
        assert client.post("/calendar/", {"action": "issue"}).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_liaison_creates_a_feed_url_shown_once_and_stored_only_as_a_hash(
    login: Any, other_liaison: Any, meetings: Any
) -> None:
    client = login(other_liaison)
    page = client.get("/calendar/").content.decode()
    assert "您尚未开通日历订阅" in page
    response = client.post("/calendar/", {"action": "issue"})
    assert response.status_code == 302
    url = feed_url_on_page(client)
    token = url.removeprefix("/calendar/feed/").removesuffix(".ics")
    assert len(token) >= 43
    feed = CalendarFeed.objects.get(user=other_liaison)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in feed.token_hash
    # Shown once: the next visit says when it was made, not what it is.
    again = client.get("/calendar/").content.decode()
    assert token not in again and "日历订阅已开通" in again
    event = AuditEvent.objects.get(action="calendar_feed.create")
    assert event.actor_id == other_liaison.pk
    # The owner's token opens the feed without a login.
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert feed_events(response.content)


def test_page_links_from_message_settings(login: Any, health_liaison: Any) -> None:
    html = login(health_liaison).get("/messages/settings/").content.decode()
    assert 'href="/calendar/"' in html


def test_regenerating_revokes_the_old_url(login: Any, other_liaison: Any) -> None:
    client = login(other_liaison)
    client.post("/calendar/", {"action": "issue"})
    old = feed_url_on_page(client)
    client.post("/calendar/", {"action": "issue"})
    new = feed_url_on_page(client)
    assert old != new
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    assert CalendarFeed.objects.filter(user=other_liaison).count() == 1
    assert list(
        AuditEvent.objects.filter(action__startswith="calendar_feed.")
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["calendar_feed.create", "calendar_feed.revoke", "calendar_feed.create"]


def test_revoked_and_unknown_tokens_are_404(login: Any, other_liaison: Any) -> None:
    client = login(other_liaison)
    client.post("/calendar/", {"action": "issue"})
    url = feed_url_on_page(client)
    response = client.post("/calendar/", {"action": "revoke"})
    assert response.status_code == 302
    assert Client().get(url).status_code == 404
    assert not CalendarFeed.objects.filter(user=other_liaison).exists()
    assert AuditEvent.objects.filter(action="calendar_feed.revoke").count() == 1
    assert Client().get("/calendar/feed/not-a-token.ics").status_code == 404
    assert Client().get("/calendar/feed/" + "x" * 500 + ".ics").status_code == 404


def test_feed_of_a_deactivated_person_stops_working(other_liaison: Any) -> None:
    _, token = calendar_feed_issue(user=other_liaison)
    assert Client().get(f"/calendar/feed/{token}.ics").status_code == 200
    Membership.objects.filter(user=other_liaison).update(active=False)
    assert Client().get(f"/calendar/feed/{token}.ics").status_code == 404
    Membership.objects.filter(user=other_liaison).update(active=True)
    get_user_model().objects.filter(pk=other_liaison.pk).update(is_active=False)
    assert Client().get(f"/calendar/feed/{token}.ics").status_code == 404


def test_revoke_without_a_feed_changes_nothing(other_liaison: Any) -> None:
    assert calendar_feed_revoke(user=other_liaison) is False
    assert not AuditEvent.objects.filter(action="calendar_feed.revoke").exists()


# --- What a feed shows ------------------------------------------------------------------------


def test_feed_shows_only_the_units_meetings_三_一_1(
    other_liaison: Any, meetings: dict[str, Meeting]
) -> None:
    """三(一)1: a unit sees the meetings it is invited to or chairs — never another unit's."""
    _, token = calendar_feed_issue(user=other_liaison)
    events = feed_events(Client().get(f"/calendar/feed/{token}.ics").content)
    uids = {m.ical_uid: name for name, m in meetings.items()}
    shown = {uids[uid] for uid in events if uid in uids}
    assert shown == {"both", "cancelled", "chaired"}
    # Not invited, not notified yet: not there.
    assert meetings["health_only"].ical_uid not in events
    assert meetings["draft"].ical_uid not in events
    cancelled = events[meetings["cancelled"].ical_uid]
    assert cancelled["status"] == "CANCELLED"
    assert events[meetings["both"].ical_uid]["status"] == "CONFIRMED"
    assert events[meetings["both"].ical_uid]["start"] == datetime(2026, 4, 1, 9, 0, tzinfo=TZ)
    assert (
        "市人力资源和社会保障局答复：尚未答复" in events[meetings["both"].ical_uid]["description"]
    )
    assert "市人力资源和社会保障局：主持单位" in events[meetings["chaired"].ical_uid]["description"]
    # A subscription is for seeing: no organizer, no attendees.
    assert not any(event["people"] for event in events.values())


def test_other_units_feed_differs(health_liaison: Any, meetings: dict[str, Meeting]) -> None:
    _, token = calendar_feed_issue(user=health_liaison)
    events = feed_events(Client().get(f"/calendar/feed/{token}.ics").content)
    assert meetings["health_only"].ical_uid in events
    assert meetings["both"].ical_uid in events
    assert meetings["chaired"].ical_uid not in events  # chaired by the other unit
    assert meetings["draft"].ical_uid not in events


def test_secretariat_feed_shows_every_notified_meeting(
    clerk: Any, meetings: dict[str, Meeting]
) -> None:
    _, token = calendar_feed_issue(user=clerk)
    events = feed_events(Client().get(f"/calendar/feed/{token}.ics").content)
    expected = {m.ical_uid for name, m in meetings.items() if name != "draft"}
    assert expected <= set(events)
    assert meetings["draft"].ical_uid not in events


def test_observer_unit_sees_only_the_meeting_it_is_invited_to_三_一_1(
    mechanism: Any, clerk: Any, meetings: dict[str, Meeting]
) -> None:
    """三(一)1 列席: an invited unit sees only the meetings it was invited to."""
    cdc = Unit.objects.create(
        mechanism=mechanism, name="市疾病预防控制中心", kind=Unit.Kind.INVITED, order=50
    )
    invite(meetings["both"], cdc, as_observer=True)
    person = get_user_model().objects.create_user(username="cdc", first_name="郑列席")
    Membership.objects.create(user=person, unit=cdc, role=Membership.Role.OBSERVER)
    _, token = calendar_feed_issue(user=person)
    events = feed_events(Client().get(f"/calendar/feed/{token}.ics").content)
    assert set(events) == {meetings["both"].ical_uid}


def test_feed_carries_the_deadlines_the_unit_leads_or_supports_四_二(
    other_liaison: Any, action_items: dict[str, Any]
) -> None:
    """四(二): deadlines of open items the unit leads or supports, as all-day events."""
    _, token = calendar_feed_issue(user=other_liaison)
    events = feed_events(Client().get(f"/calendar/feed/{token}.ics").content)
    deadlines = {uid: e for uid, e in events.items() if uid.startswith("action-item-")}
    by_title = {e["summary"]: e for e in deadlines.values()}
    assert set(by_title) == {"【督办时限】提高工伤保险参保率", "【督办时限】开展尘肺病患者救治救助"}
    led = by_title["【督办时限】提高工伤保险参保率"]
    assert led["start"] == date(2026, 6, 30)  # a date: an all-day event
    assert "本单位：牵头" in led["description"]
    assert "本单位：配合" in by_title["【督办时限】开展尘肺病患者救治救助"]["description"]
    assert action_items["led"].ical_uid in deadlines  # the item's stored UID


def test_feed_query_count_does_not_grow_with_meetings(
    django_assert_max_num_queries: Any, mechanism: Any, clerk: Any, other_liaison: Any,
    unit_named: Any, action_items: Any,
) -> None:  # fmt: skip
    hrss = unit_named("市人力资源和社会保障局")
    _, token = calendar_feed_issue(user=other_liaison)
    url = f"/calendar/feed/{token}.ics"

    def add(n: int) -> None:
        for i in range(n):
            meeting = make_meeting(mechanism, created_by=clerk, title=f"会议{i}")
            invite(meeting, hrss)
            invite(meeting, unit_named("市卫生健康委"))

    add(1)
    with django_assert_max_num_queries(6):
        assert Client().get(url).status_code == 200
    add(15)
    with django_assert_max_num_queries(6):
        response = Client().get(url)
    assert len(feed_events(response.content)) == 16 + 2


def test_feed_page_query_count(
    django_assert_max_num_queries: Any, login: Any, other_liaison: Any
) -> None:
    client = login(other_liaison)
    client.post("/calendar/", {"action": "issue"})
    with django_assert_max_num_queries(10):
        assert client.get("/calendar/").status_code == 200


def test_a_feed_shows_the_joint_meeting_it_was_issued_in(
    mechanism: Any, second_mechanism: Any, clerk: Any, second_clerk: Any,
    unit_named: Any, second_unit_named: Any, two_meetings_person: Any,
) -> None:  # fmt: skip
    """A person in two joint meetings: the feed acts in the one chosen when it was issued (as an
    API token does), never the other."""
    from lianxi.organization.access import act_as

    first = make_meeting(mechanism, created_by=clerk, title="第一个联席会议的全体会议")
    invite(first, unit_named("市卫生健康委"))
    second = make_meeting(second_mechanism, created_by=second_clerk, title="青溪县全体会议")
    invite(second, second_unit_named("市卫生健康委"))
    in_second = two_meetings_person.memberships.get(unit__mechanism=second_mechanism)
    act_as(two_meetings_person, in_second.pk)
    feed, token = calendar_feed_issue(user=two_meetings_person)
    assert feed.membership == in_second
    events = feed_events(Client().get(f"/calendar/feed/{token}.ics").content)
    assert second.ical_uid in events and first.ical_uid not in events

    in_first = two_meetings_person.memberships.get(unit__mechanism=mechanism)
    act_as(two_meetings_person, in_first.pk)
    second_token = token
    _, token = calendar_feed_issue(user=two_meetings_person)  # a feed of its own
    events = feed_events(Client().get(f"/calendar/feed/{token}.ics").content)
    assert first.ical_uid in events and second.ical_uid not in events
    events = feed_events(Client().get(f"/calendar/feed/{second_token}.ics").content)
    assert second.ical_uid in events and first.ical_uid not in events
    # Once that membership ends, the feed shows nothing rather than the other joint meeting.
    in_first.active = False
    in_first.save(update_fields=["active"])
    assert Client().get(f"/calendar/feed/{token}.ics").status_code == 404


def test_a_person_in_two_joint_meetings_has_a_feed_in_each(
    login: Any, mechanism: Any, second_mechanism: Any, two_meetings_person: Any
) -> None:
    """The feed is the membership's: the page in one joint meeting shows, replaces and stops
    only that one's feed, never the other's."""
    client = login(two_meetings_person)
    in_first = two_meetings_person.memberships.get(unit__mechanism=mechanism)
    in_second = two_meetings_person.memberships.get(unit__mechanism=second_mechanism)

    def choose(membership: Membership) -> None:
        assert client.post("/account/choose/", {"membership": membership.pk}).status_code == 302

    choose(in_first)
    client.post("/calendar/", {"action": "issue"})
    first_url = feed_url_on_page(client)
    choose(in_second)
    page = client.get("/calendar/").content.decode()
    assert "您尚未开通日历订阅" in page  # the first joint meeting's feed is not this one's
    assert "联席会议的全部会议" in page  # the clerk of the second
    client.post("/calendar/", {"action": "issue"})
    second_url = feed_url_on_page(client)
    assert first_url != second_url
    assert CalendarFeed.objects.get(membership=in_first).user == two_meetings_person
    assert CalendarFeed.objects.get(membership=in_second).user == two_meetings_person

    # Replacing the second's URL leaves the first's alone.
    client.post("/calendar/", {"action": "issue"})
    assert Client().get(second_url).status_code == 404
    second_url = feed_url_on_page(client)
    assert Client().get(first_url).status_code == 200

    # Stopping the second's feed leaves the first's working.
    assert client.post("/calendar/", {"action": "revoke"}).status_code == 302
    assert Client().get(second_url).status_code == 404
    assert Client().get(first_url).status_code == 200
    assert "您尚未开通日历订阅" in client.get("/calendar/").content.decode()
    choose(in_first)
    page = client.get("/calendar/").content.decode()
    assert "日历订阅已开通" in page
    assert "市卫生健康委受邀参加或主持的会议" in page
    assert list(CalendarFeed.objects.values_list("membership", flat=True)) == [in_first.pk]


def test_only_the_secretariats_feed_covers_all_meetings_三_一(
    clerk: Any, health_liaison: Any, login: Any
) -> None:
    """One rule for the page's wording and the feed's meetings (access.feed_covers_all_meetings)."""
    from lianxi.meetings.access import feed_covers_all_meetings
    from lianxi.organization.access import membership_of

    assert feed_covers_all_meetings(membership_of(clerk))
    assert not feed_covers_all_meetings(membership_of(health_liaison))
    assert not feed_covers_all_meetings(None)
    assert "联席会议的全部会议" in login(clerk).get("/calendar/").content.decode()
    page = login(health_liaison).get("/calendar/").content.decode()
    assert "联席会议的全部会议" not in page and "市卫生健康委受邀参加或主持的会议" in page


def test_the_feed_page_dates_its_address_as_officials_write(login: Any, other_liaison: Any) -> None:
    """The creation time reads "2026年12月3日 9:05", not "2026年12月03日 09:05"."""
    client = login(other_liaison)
    client.post("/calendar/", {"action": "issue"})
    CalendarFeed.objects.update(created_at=datetime(2026, 12, 3, 9, 5, tzinfo=TZ))
    html = client.get("/calendar/").content.decode()
    assert "当前地址生成于 2026年12月3日 9:05。" in html
