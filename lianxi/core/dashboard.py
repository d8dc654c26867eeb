"""The home page's panels. Apps register a panel; core knows no domain.

A panel is a function (user) -> dict | None with keys ``title``, ``items`` (list of dicts with
``text``, optional ``url``, ``meta``, ``level`` in {"info", "warning", "danger"}) and ``empty``
(what will appear there, shown when there are no items). Returning None hides the panel.
"""

from collections.abc import Callable
from typing import Any

from .registry import Registry

Panel = Callable[[Any], dict[str, Any] | None]
panels: Registry[Panel] = Registry("home panel")


def register_panel(name: str, panel: Panel, *, order: int = 100) -> None:
    panels.register(name, panel, order=order)


def dashboard_for(user: Any) -> list[dict[str, Any]]:
    shown = []
    for name, panel in panels.items():
        result = panel(user)
        if result is not None:
            shown.append({"name": name, **result})
    return shown
