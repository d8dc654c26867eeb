"""The one registry behind every plug-in point (core/registry.py): ordered, a duplicate name
fails, and the project as configured starts with no duplicate."""

import subprocess
import sys
from pathlib import Path

import pytest

from lianxi.core.dashboard import panels, register_panel
from lianxi.core.navigation import entries
from lianxi.core.registry import DuplicateRegistration, Registry
from lianxi.core.ticks import register_tick, ticks
from lianxi.organization.unit_sections import register_unit_section, sections
from lianxi.search.registry import kinds, register

ROOT = Path(__file__).resolve().parents[3]


def first(user: object) -> None:
    return None


def second(user: object) -> None:
    return None


def test_items_come_by_order_then_name_whoever_registers_first() -> None:
    registry: Registry[str] = Registry("thing")
    registry.register("b", "B", order=20)
    registry.register("z", "Z", order=10)
    registry.register("a", "A", order=20)
    registry.register("c", "C")
    assert registry.items() == [("z", "Z"), ("a", "A"), ("b", "B"), ("c", "C")]
    assert list(registry) == ["Z", "A", "B", "C"]
    assert registry.names() == ["z", "a", "b", "c"]
    assert registry.get("a") == "A" and registry.get("missing") is None
    assert "a" in registry and len(registry) == 4


def test_a_second_item_under_a_taken_name_fails_naming_both() -> None:
    registry: Registry[object] = Registry("home panel")
    registry.register("todo", first)
    with pytest.raises(DuplicateRegistration) as raised:
        registry.register("todo", second)
    message = str(raised.value)
    assert "home panel 'todo'" in message
    assert f"{__name__}.first" in message and f"{__name__}.second" in message
    assert registry.get("todo") is first


def test_the_same_item_again_is_a_ready_run_twice_not_a_duplicate() -> None:
    registry: Registry[object] = Registry("tick")
    registry.register("t", first, order=5)
    registry.register("t", first, order=5)
    assert registry.items() == [("t", first)]


def test_temporarily_registers_for_a_block_only() -> None:
    registry: Registry[str] = Registry("thing")
    registry.register("kept", "K", order=50)
    with registry.temporarily("extra", "E", order=1) as item:
        assert item == "E"
        assert registry.names() == ["extra", "kept"]
    assert registry.names() == ["kept"]
    registry.unregister("kept")
    registry.unregister("never there")
    assert registry.items() == []


@pytest.mark.parametrize(
    ("register_again", "kind"),
    [
        (lambda: register_panel("messages", first, order=20), "home panel 'messages'"),
        (
            lambda: register_unit_section("supervision", lambda unit, viewer: None),
            "unit-page section 'supervision'",
        ),
        (lambda: register_tick("search.refresh", first), "tick 'search.refresh'"),
    ],
)
def test_each_plug_in_point_refuses_a_name_an_app_already_took(register_again, kind) -> None:
    with pytest.raises(DuplicateRegistration, match=kind):
        register_again()


def test_a_search_kind_registered_twice_fails() -> None:
    existing = kinds.get("action_item")
    assert existing is not None
    with pytest.raises(DuplicateRegistration, match="search kind 'action_item'"):
        register(
            "action_item",
            existing.model,
            label="另一个督办",
            title=str,
            body=str,
            url=str,
            unit_ids=lambda item: [],
            date=lambda item: None,
            visible=existing.visible,
        )
    assert kinds.get("action_item") is existing


def test_the_apps_registered_their_items() -> None:
    assert {"calendar", "meetings", "messages", "people"} <= set(panels.names())
    assert "todo" not in panels.names()
    assert "supervision" in sections.names()
    assert {"search.refresh", "meetings.answer_reminders"} <= set(ticks.names())
    assert entries.names()[:3] == ["home", "catalogue", "rules"]


def test_the_project_starts_with_no_duplicate_registration() -> None:
    """A fresh process runs django.setup() and every app's ready(): a duplicate would fail it."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "DuplicateRegistration" not in result.stderr
