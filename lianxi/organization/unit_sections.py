"""Sections other apps add to a unit's page (what it leads, supports, attends…).

Organization knows no meeting or action item; those apps register a function
(unit, viewer) -> dict | None with ``title`` and ``html`` (already rendered) or None to hide.
"""

from collections.abc import Callable
from typing import Any

Section = Callable[[Any, Any], dict[str, Any] | None]
_sections: list[tuple[int, str, Section]] = []


def register_unit_section(name: str, section: Section, *, order: int = 100) -> None:
    global _sections
    _sections = [s for s in _sections if s[1] != name]
    _sections.append((order, name, section))
    _sections.sort(key=lambda s: (s[0], s[1]))


def unit_sections(unit: Any, viewer: Any) -> list[dict[str, Any]]:
    result = []
    for _, name, section in _sections:
        rendered = section(unit, viewer)
        if rendered is not None:
            result.append({"name": name, **rendered})
    return result
