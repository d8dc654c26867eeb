"""Sections other apps add to a unit's page (what it leads, supports, attends…).

Organization knows no meeting or action item; those apps register a function
(unit, viewer) -> dict | None with ``title`` and ``html`` (already rendered) or None to hide.
"""

from collections.abc import Callable
from typing import Any

from lianxi.core.registry import Registry

Section = Callable[[Any, Any], dict[str, Any] | None]
sections: Registry[Section] = Registry("unit-page section")


def register_unit_section(name: str, section: Section, *, order: int = 100) -> None:
    sections.register(name, section, order=order)


def unit_sections(unit: Any, viewer: Any) -> list[dict[str, Any]]:
    result = []
    for name, section in sections.items():
        rendered = section(unit, viewer)
        if rendered is not None:
            result.append({"name": name, **rendered})
    return result
