"""One registration per kind of record: how to index it and who may find it.

An app plugs a kind in from its own `search.py` module, which `SearchConfig.ready()` imports for
every installed app that has one:

    register(
        "action_item", ActionItem, label="督办事项",
        title=lambda item: item.title,
        body=lambda item: item.description,
        url=lambda item: reverse("supervision:item", args=[item.pk]),
        unit_ids=lambda item: item.unit_ids(),
        date=lambda item: localdate(item.created_at),
        visible=lambda user: visible_items(user),   # the app's own access rule
        indexable=lambda: ActionItem.objects.prefetch_related("supporting_units"),
        changed=lambda since: Q(updated_at__gte=since),
    )

- `indexable()`: the rows that belong in the index (drafts are left out here, so they never
  reach it), with what `title`/`body`/... need preloaded.
- `visible(user)`: the rows of this kind `user` may see, as a queryset; evaluated at query time
  as a subquery, so access is always current.
- `changed(since)`: a filter for rows changed since a moment, for the incremental reindex; None
  means the kind is small and is compared in full on every tick.

A kind is registered once: a second app registering the same kind fails at start-up
(`lianxi.core.registry`); a test adds one with `register` and removes it with `unregister`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Model, Q, QuerySet

from lianxi.core.registry import Registry


@dataclass(frozen=True)
class Registration:
    kind: str
    model: type[Model]
    label: str
    title: Callable[[Any], str]
    body: Callable[[Any], str]
    url: Callable[[Any], str]
    unit_ids: Callable[[Any], Iterable[int | None]]
    date: Callable[[Any], date | None]
    visible: Callable[[Any], QuerySet[Any]]
    indexable: Callable[[], QuerySet[Any]]
    changed: Callable[[datetime], Q] | None
    order: int


kinds: Registry[Registration] = Registry("search kind")


def register(
    kind: str,
    model: type[Model],
    *,
    label: str,
    title: Callable[[Any], str],
    body: Callable[[Any], str],
    url: Callable[[Any], str],
    unit_ids: Callable[[Any], Iterable[int | None]],
    date: Callable[[Any], date | None],
    visible: Callable[[Any], QuerySet[Any]],
    indexable: Callable[[], QuerySet[Any]] | None = None,
    changed: Callable[[datetime], Q] | None = None,
    order: int = 100,
) -> Registration:
    if len(kind) > 30 or not kind.replace("_", "").isalnum():
        raise ValueError(f"search kind {kind!r}: letters, digits and _ only, at most 30")
    registration = Registration(
        kind=kind,
        model=model,
        label=label,
        title=title,
        body=body,
        url=url,
        unit_ids=unit_ids,
        date=date,
        visible=visible,
        indexable=indexable or model._default_manager.all,
        changed=changed,
        order=order,
    )
    return kinds.register(kind, registration, order=order, origin=model)


def unregister(kind: str) -> None:
    kinds.unregister(kind)


def registrations() -> list[Registration]:
    return list(kinds)


def registration(kind: str) -> Registration | None:
    return kinds.get(kind)


def autodiscover() -> None:
    """Imports `<app>.search` for every installed Lianxi app that has one."""
    from importlib import import_module
    from importlib.util import find_spec

    from django.apps import apps

    for config in apps.get_app_configs():
        if not config.name.startswith("lianxi.") or config.name == "lianxi.search":
            continue
        module = f"{config.name}.search"
        if find_spec(module) is not None:
            import_module(module)
