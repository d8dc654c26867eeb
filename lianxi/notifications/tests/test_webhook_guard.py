"""Webhook addresses are typed in by users: under production settings the worker does not post
to the server's own network (loopback, private, link-local such as the cloud metadata service),
except networks the operator allows."""

from __future__ import annotations

from typing import Any

import pytest

from lianxi.core.exceptions import ApplicationError
from lianxi.notifications.models import Delivery, NotificationSettings
from lianxi.notifications.services import (
    deliveries_dispatch,
    notification_settings_update,
    notify,
)

from .servers import WebhookServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def guarded(settings: Any) -> Any:
    settings.LIANXI_WEBHOOK_BLOCK_PRIVATE = True
    settings.LIANXI_WEBHOOK_ALLOWED_NETWORKS = []
    return settings


def _send(user: Any, actor: Any) -> Delivery:
    message = notify(
        recipients=[user], kind="test", subject="测试推送", body="正文", url="/", actor=actor
    )
    return Delivery.objects.get(message=message, channel="webhook")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/robot",
        "http://[::1]/hook",
        "http://100.100.100.200/latest/meta-data/",  # Alibaba Cloud metadata (100.64.0.0/10)
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0:8000/hook",
    ],
)
def test_an_inner_address_is_refused_when_saved(
    guarded: Any, health_liaison: Any, url: str
) -> None:
    with pytest.raises(ApplicationError, match="内部网络"):
        notification_settings_update(user=health_liaison, email_enabled=True, webhook_url=url)
    assert not NotificationSettings.objects.filter(user=health_liaison, webhook_url=url).exists()


def test_a_public_address_is_accepted(guarded: Any, health_liaison: Any) -> None:
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
    notification_settings_update(user=health_liaison, email_enabled=True, webhook_url=url)
    assert NotificationSettings.objects.get(user=health_liaison).webhook_url == url


# "127.1" is no literal address to ipaddress, but the resolver turns it into 127.0.0.1: it takes
# the path of a name whose DNS answer points inside.
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "127.1"])
def test_the_worker_refuses_to_post_inside_even_by_name(
    guarded: Any, webhook: WebhookServer, clerk: Any, health_liaison: Any, host: str
) -> None:
    """Checked on the address connected to, after DNS: a name that resolves inside is caught
    too, and nothing reaches the server."""
    url = webhook.url.replace("127.0.0.1", host)
    NotificationSettings.objects.create(user=health_liaison, email_enabled=False, webhook_url=url)
    delivery = _send(health_liaison, clerk)
    assert deliveries_dispatch().sent == 0
    delivery.refresh_from_db()
    assert delivery.status == "dead"  # trying again cannot help: a dead letter at once
    assert delivery.attempts == 1
    assert "内部网络" in delivery.last_error
    assert webhook.recorder.requests == []


def test_an_allowed_network_is_posted_to(
    guarded: Any, webhook: WebhookServer, clerk: Any, health_liaison: Any
) -> None:
    """An intranet chat gateway the operator lists is reached."""
    guarded.LIANXI_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    notification_settings_update(user=health_liaison, email_enabled=False, webhook_url=webhook.url)
    delivery = _send(health_liaison, clerk)
    assert deliveries_dispatch().sent == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert len(webhook.recorder.requests) == 1


@pytest.mark.parametrize("scheme", ["http", "ftp"])
def test_a_redirect_is_not_followed(
    settings: Any, webhook: WebhookServer, clerk: Any, health_liaison: Any, scheme: str
) -> None:
    """A webhook answers where it was registered: a 3xx is a failure, so a redirect cannot lead
    the worker inside (nor to ftp:), and nothing connects to where it points."""
    import socket

    settings.LIANXI_WEBHOOK_BLOCK_PRIVATE = True
    settings.LIANXI_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # the registered webhook only
    listener = socket.socket()
    listener.bind(("127.0.0.2", 0))
    listener.listen()
    listener.settimeout(0.2)
    try:
        webhook.recorder.statuses = [302]
        webhook.recorder.location = f"{scheme}://127.0.0.2:{listener.getsockname()[1]}/"
        NotificationSettings.objects.create(
            user=health_liaison, email_enabled=False, webhook_url=webhook.url
        )
        delivery = _send(health_liaison, clerk)
        assert deliveries_dispatch().sent == 0
        delivery.refresh_from_db()
        assert delivery.last_error == "Webhook 返回 HTTP 302"
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()
