"""Fixtures the core tests share: the world the URL sweep and the bad-input sweep walk."""

from typing import Any

import pytest

from .sweep_world import World, build_world


@pytest.fixture
def world(
    mechanism: Any, second_mechanism: Any, clerk: Any, health_liaison: Any, other_liaison: Any
) -> World:
    return build_world(
        mechanism=mechanism,
        second_mechanism=second_mechanism,
        clerk=clerk,
        health_liaison=health_liaison,
        other_liaison=other_liaison,
    )
