"""Notifications fixtures shared with other apps' tests (plugged in from ``lianxi/conftest.py``):
a real SMTP server, and what landed in a person's in-app inbox."""

from collections.abc import Iterator
from typing import Any

import pytest

from lianxi.notifications.models import Delivery

from .servers import SmtpServer


def inbox_of(user: Any) -> list[str]:
    """The subjects of the messages delivered to the person's in-app inbox."""
    return list(
        Delivery.objects.filter(user=user, channel="inbox").values_list(
            "message__subject", flat=True
        )
    )


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 (random port), and the default mailer pointed at it."""
    server = SmtpServer().start()
    settings.MAILERS = server.mailers_setting()
    try:
        yield server
    finally:
        server.stop()
