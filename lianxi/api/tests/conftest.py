from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lianxi.api.services import api_token_create
from lianxi.organization.models import Unit
from lianxi.supervision.models import ActionItem


@pytest.fixture
def token_for(db: Any) -> Callable[[Any], str]:
    """A fresh API token for the given user (issued through the service)."""

    def make(user: Any) -> str:
        _, token = api_token_create(user=user, name="测试")
        return token

    return make


@pytest.fixture
def api_as(token_for: Callable[[Any], str]) -> Callable[[Any], Client]:
    """A test client that sends ``Authorization: Bearer <token>`` of the given user."""

    def make(user: Any) -> Client:
        return bearer(token_for(user))

    return make


def bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def item(make_item: Callable[..., ActionItem], hrss: Unit, union: Unit) -> ActionItem:
    """Led by the health commission, supported by the HRSS bureau and the trade union."""
    return make_item(supporting=(hrss, union))
