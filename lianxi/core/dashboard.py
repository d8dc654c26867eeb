"""The home page's panels. Apps register a panel; core knows no domain.

A panel is a function (user) -> dict | None with keys ``title``, ``items`` (list of dicts with
``text``, optional ``url``, ``meta``, ``level`` in {"info", "warning", "danger"}) and ``empty``
(what will appear there, shown when there are no items). Returning None hides the panel.
"""

from collections.abc import Callable
from typing import Any

Panel = Callable[[Any], dict[str, Any] | None]
_panels: list[tuple[int, str, Panel]] = []


def register_panel(name: str, panel: Panel, *, order: int = 100) -> None:
    global _panels
    _panels = [p for p in _panels if p[1] != name]
    _panels.append((order, name, panel))
    _panels.sort(key=lambda p: (p[0], p[1]))


def dashboard_for(user: Any) -> list[dict[str, Any]]:
    panels = []
    for _, name, panel in _panels:
        result = panel(user)
        if result is not None:
            panels.append({"name": name, **result})
    return panels
