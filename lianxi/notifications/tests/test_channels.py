"""Notification channels are registrations (issue 8): a fourth one is one `register_channel`,
and it gets settings, deliveries, the worker's retries and dead letters like the built-in three."""

from typing import Any

import pytest
from django import forms

from lianxi.core.registry import DuplicateRegistration
from lianxi.notifications.channels import ChannelSpec, DeliveryFailed, channels, register_channel
from lianxi.notifications.models import Delivery, NotificationSettings
from lianxi.notifications.services import deliveries_dispatch, notify

pytestmark = pytest.mark.django_db


class Sms:
    """A channel an app would add: texts to the phone number the person sets."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.failing = False

    def address(self, user: Any, prefs: NotificationSettings | None) -> str:
        return str((prefs.extra or {}).get("sms_phone") or "") if prefs is not None else ""

    def send(self, delivery: Delivery) -> None:
        if self.failing:
            raise DeliveryFailed("短信网关拒绝：号码停机")
        self.sent.append((delivery.address, delivery.message.subject))

    def spec(self) -> ChannelSpec:
        return ChannelSpec(
            label="短信",
            address=self.address,
            send=self.send,
            settings_fields=lambda: {
                "sms_phone": forms.CharField(label="手机号码（接收短信）", required=False)
            },
            settings_help=lambda user: "短信只发送标题和链接。",
        )


@pytest.fixture
def sms() -> Any:
    channel = Sms()
    with channels.temporarily("sms", channel.spec(), order=30):
        yield channel


def test_the_three_built_in_channels_are_registrations():
    assert channels.names() == ["inbox", "email", "webhook"]
    assert [spec.label for spec in channels] == ["站内消息", "电子邮件", "Webhook"]


def test_a_second_channel_under_a_taken_name_fails():
    with pytest.raises(DuplicateRegistration, match="email"):
        register_channel("email", ChannelSpec(label="另一种邮件"))


def test_a_fourth_channel_is_set_on_the_settings_page_and_delivered(
    sms, health_liaison, clerk, login
):
    client = login(health_liaison)
    page = client.get("/messages/settings/").content.decode()
    assert "短信" in page and "手机号码（接收短信）" in page and "短信只发送标题和链接。" in page
    response = client.post(
        "/messages/settings/",
        {"email_enabled": "on", "webhook_url": "", "sms_phone": "13800000000"},
    )
    assert response.status_code == 302
    prefs = NotificationSettings.objects.get(user=health_liaison)
    assert prefs.extra == {"sms_phone": "13800000000"} and prefs.email_enabled

    message = notify(
        recipients=[health_liaison], kind="t", subject="请于周五前报送", body="", actor=clerk
    )
    texts = Delivery.objects.get(message=message, channel="sms")
    assert (texts.address, texts.status) == ("13800000000", Delivery.Status.PENDING)
    deliveries_dispatch(message_id=message.pk)
    texts.refresh_from_db()
    assert texts.status == Delivery.Status.SENT
    assert sms.sent == [("13800000000", "请于周五前报送")]


def test_a_fourth_channels_failures_end_as_dead_letters_with_its_label(
    sms, settings, health_liaison, clerk, login
):
    settings.LIANXI_DELIVERY_MAX_ATTEMPTS = 1
    NotificationSettings.objects.create(
        user=health_liaison, email_enabled=False, extra={"sms_phone": "13900000000"}
    )
    sms.failing = True
    message = notify(
        recipients=[health_liaison], kind="t", subject="失败的短信", body="", actor=clerk
    )
    deliveries_dispatch(message_id=message.pk)
    letter = Delivery.objects.get(message=message, channel="sms")
    assert letter.status == Delivery.Status.DEAD and "号码停机" in letter.last_error
    page = login(clerk).get("/messages/dead-letters/").content.decode()
    assert "失败的短信" in page and "<td>短信</td>" in page


def test_the_calendar_feed_link_on_settings_follows_meetings_access(health_liaison, auditor, login):
    """The link is meetings' registration, shown by meetings.access.can_subscribe_calendar."""
    assert (
        "订阅到手机或电脑日历" in login(health_liaison).get("/messages/settings/").content.decode()
    )
    assert "订阅到手机或电脑日历" not in login(auditor).get("/messages/settings/").content.decode()
