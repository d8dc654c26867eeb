"""The header's navigation: each app registers its entries; base.html shows what is registered.

An app registers in its `AppConfig.ready()`, with the rule from its own `access.py` that decides
who sees the entry (the same rule its page applies), so the template holds no role list:

    register_nav(
        "meetings", label="会议", url_name="meetings:list", order=40,
        visible=can_list_meetings,   # meetings/access.py
        active=("meetings:",),       # highlighted on every page of the namespace
    )

- `order`: the position in the bar (core's 工作台 is 10); `side="end"` puts the entry after the
  spacer, with the tools (人员, 节假日, 消息设置).
- `visible(user)`: called for the logged-in person on every page; keep it to the membership
  already loaded or one small query.
- `active`: the pages that highlight the entry: view names (``"organization:unit"``) or whole
  namespaces (``"meetings:"``); by default its own page only. ``()``: never highlighted.

A name is registered once (a duplicate fails at start-up); tests add an entry for a while with
`with registered(...)`.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from django.urls import get_script_prefix, reverse

from .registry import Registry

Side = Literal["start", "end"]


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    visible: Callable[[Any], bool]
    active: tuple[str, ...]
    side: Side

    def highlighted_on(self, view_name: str) -> bool:
        return any(
            view_name.startswith(page) if page.endswith(":") else view_name == page
            for page in self.active
        )


entries: Registry[NavEntry] = Registry("navigation entry")


def _entry(
    label: str,
    url_name: str,
    visible: Callable[[Any], bool],
    active: Iterable[str] | None,
    side: Side,
) -> NavEntry:
    return NavEntry(
        label=label,
        url_name=url_name,
        visible=visible,
        active=(url_name,) if active is None else tuple(active),
        side=side,
    )


def register_nav(
    name: str,
    *,
    label: str,
    url_name: str,
    order: int,
    visible: Callable[[Any], bool],
    active: Iterable[str] | None = None,
    side: Side = "start",
) -> NavEntry:
    entry = _entry(label, url_name, visible, active, side)
    return entries.register(name, entry, order=order, origin=visible)


@contextmanager
def registered(
    name: str,
    *,
    label: str,
    url_name: str,
    order: int,
    visible: Callable[[Any], bool],
    active: Iterable[str] | None = None,
    side: Side = "start",
) -> Iterator[NavEntry]:
    """`register_nav` for the duration of a `with` block (tests)."""
    entry = _entry(label, url_name, visible, active, side)
    with entries.temporarily(name, entry, order=order) as added:
        yield added


@lru_cache(maxsize=256)
def _url(url_name: str, prefix: str) -> str:
    # Every page renders the bar: its links are looked up once (per script prefix).
    return reverse(url_name)


def nav_for(user: Any, view_name: str) -> dict[str, list[dict[str, Any]]]:
    """The entries `user` sees, by side of the bar, each with its URL and whether the page
    `view_name` highlights it."""
    shown: dict[str, list[dict[str, Any]]] = {"start": [], "end": []}
    for name, entry in entries.items():
        if entry.visible(user):
            shown[entry.side].append(
                {
                    "name": name,
                    "label": entry.label,
                    "url": _url(entry.url_name, get_script_prefix()),
                    "active": entry.highlighted_on(view_name),
                }
            )
    return shown
