from collections.abc import Iterator
from typing import Any

import pytest

from .servers import SmtpServer, WebhookServer


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 (random port), and the default mailer pointed at it."""
    server = SmtpServer().start()
    settings.MAILERS = server.mailers_setting()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def webhook() -> Iterator[WebhookServer]:
    """A real HTTP server that receives webhook POSTs."""
    server = WebhookServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fast_retries(settings: Any) -> Any:
    settings.LIANXI_DELIVERY_BACKOFF_SECONDS = 30
    settings.LIANXI_DELIVERY_MAX_ATTEMPTS = 3
    settings.LIANXI_DELIVERY_LEASE_SECONDS = 60
    return settings
