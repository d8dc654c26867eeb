"""Dates on the pages of core, organization, notifications and search as officials write them
(issue 18, "Pages"): "2026年12月3日 9:00", never "12-03 09:00" or "2026-12-03"."""

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from lianxi.core.audit import audit_record
from lianxi.core.dates import cn_datetime
from lianxi.notifications.models import Message
from lianxi.notifications.services import notify

pytestmark = pytest.mark.django_db

ISO = re.compile(r"\b20\d\d-\d\d-\d\d\b|\b\d\d-\d\d \d\d:\d\d\b")
AT = datetime(2026, 12, 3, 9, 5, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_home_inbox_and_message_dates(login: Any, clerk: Any, health_liaison: Any) -> None:
    message = notify(recipients=[health_liaison], kind="t", subject="督办提醒", body="请反馈。")
    Message.objects.filter(pk=message.pk).update(created_at=AT)
    client = login(health_liaison)
    delivery = message.deliveries.get(channel="inbox")
    for url in (
        "/",
        reverse("notifications:inbox"),
        reverse("notifications:item", args=[delivery.pk]),
    ):
        body = client.get(url).content.decode()
        assert "2026年12月3日 9:05" in body, url
        assert not ISO.search(body), (url, ISO.search(body))


def test_audit_log_dates(login: Any, auditor: Any, clerk: Any, health: Any) -> None:
    event = audit_record(actor=clerk, action="incident.view", target=health)
    body = login(auditor).get(reverse("core:audit")).content.decode()
    assert cn_datetime(event.at) in body
    assert not ISO.search(body)
