from collections.abc import Iterator
from typing import Any

import pytest

from .servers import WebhookServer

# `smtp` is in fixtures.py: the meetings tests send invitations through it too.


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
