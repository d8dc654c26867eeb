"""One-line outputs from any stored value (issue 17, "text at one boundary"; GB/T 22239-2019
8.1.4.x 软件容错): what was stored before the input policy — or by a path that skipped it — can no
longer break a channel: the mail goes, the calendar feed answers, a bad link is not a link.

The defect: "A line break in a title stops every e-mail about that record" — Django refuses a
Subject with a line break, the delivery retried eight times and died (三(四)2: the units were
never told of the incident by e-mail).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import icalendar
import pytest
from django.test import Client

from lianxi.incidents.models import Incident
from lianxi.incidents.services import incident_notify, incident_register
from lianxi.incidents.tests.conftest import sample_input
from lianxi.meetings.feed_services import calendar_feed_issue
from lianxi.notifications.models import Delivery, Message
from lianxi.notifications.services import deliveries_dispatch
from lianxi.supervision.models import ActionItem

from .servers import SmtpServer

pytestmark = pytest.mark.django_db


def _incident(mechanism: Any, clerk: Any) -> Incident:
    incident, _ = incident_register(
        mechanism=mechanism,
        data=sample_input(poisoned_count=2),
        actor=clerk.membership,
    )
    return incident


def test_an_incident_with_a_stored_two_line_title_reaches_the_unit_by_email(
    smtp: SmtpServer, mechanism: Any, clerk: Any, other_liaison: Any, hrss: Any
) -> None:
    """Issue 17 / 三(四)2: an incident whose title was stored with a line break (as the API
    accepted before) is notified through the real path — incident_notify, the outbox, the
    e-mail channel — to a real SMTP server, and the mail arrives at the first attempt with the
    title on one line."""
    incident = _incident(mechanism, clerk)
    Incident.objects.filter(pk=incident.pk).update(title="某化工公司\r\n硫化氢中毒事故")
    incident.refresh_from_db()
    incident_notify(incident=incident, units=[hrss], actor=clerk.membership)
    deliveries_dispatch(worker_id="w1")
    mails = [m for m in smtp.recorder.received if m.to == [other_liaison.email]]
    assert [m.subject for m in mails] == ["【职业病危害事故通报】某化工公司 硫化氢中毒事故"]
    delivery = Delivery.objects.get(
        channel="email", address=other_liaison.email, message__kind__startswith="incident"
    )
    assert delivery.status == "sent" and delivery.attempts == 1


def test_a_message_stored_with_a_two_line_subject_is_still_sent(
    smtp: SmtpServer, clerk: Any, health_liaison: Any
) -> None:
    """Issue 17: a message already in the outbox with a line break in its subject (written
    before notify() made subjects one line) goes out: the e-mail channel sends a one-line
    Subject whatever is stored."""
    from lianxi.notifications.services import notify

    message = notify(
        recipients=[health_liaison], kind="test", subject="关于召开会议的通知", body="正文"
    )
    Message.objects.filter(pk=message.pk).update(subject="关于召开\n会议的通知")
    deliveries_dispatch(worker_id="w1")
    [mail] = smtp.recorder.received
    assert mail.subject == "关于召开 会议的通知"
    assert Delivery.objects.get(message=message, channel="email").status == "sent"


def test_notify_stores_a_one_line_subject(health_liaison: Any) -> None:
    """Issue 17: the subject a domain builds from a title is made one line where it is
    written, for every channel (inbox, e-mail, webhook)."""
    from lianxi.notifications.services import notify

    message = notify(
        recipients=[health_liaison], kind="test", subject="【通报】甲\n乙\t丙\x00", body=""
    )
    assert message.subject == "【通报】甲 乙 丙"


def test_a_far_deadline_stored_is_left_out_of_the_calendar_feed_not_a_500(
    make_item: Any, health: Any, health_liaison: Any
) -> None:
    """Issue 17: "a deadline of 9999-12-31 is accepted and then every calendar feed of the
    units concerned is a 500 until the data is mended" — the feed now leaves that item out
    (the input refuses such a date; this is for what is already stored)."""
    good = make_item("按期办结的事项")
    bad = make_item("时限写错的事项")
    ActionItem.objects.filter(pk=bad.pk).update(deadline=date(9999, 12, 31))
    _, token = calendar_feed_issue(user=health_liaison)
    response = Client().get(f"/calendar/feed/{token}.ics")
    assert response.status_code == 200
    summaries = [
        str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    ]
    assert f"【督办时限】{good.title}" in summaries
    assert not any(bad.title in s for s in summaries)


def test_a_stored_javascript_source_link_is_shown_as_text(
    make_item: Any, login: Any, clerk: Any
) -> None:
    """Issue 17: "a javascript: link is accepted as an action item's source link and rendered
    as a link" — what is stored is shown as text; an http(s) link stays a link."""
    item = make_item()
    ActionItem.objects.filter(pk=item.pk).update(source_url="javascript:alert(1)")
    page = login(clerk).get(f"/supervision/{item.pk}/").content.decode()
    assert 'href="javascript:' not in page
    assert "市政府交办函" in page
    ActionItem.objects.filter(pk=item.pk).update(source_url="https://www.xinyang.gov.cn/a")
    page = login(clerk).get(f"/supervision/{item.pk}/").content.decode()
    assert '<a href="https://www.xinyang.gov.cn/a">市政府交办函</a>' in page
