"""The one shape of every plug-in point: an ordered registry of named items.

Home panels, unit-page sections, ticks, search kinds and navigation entries are each a
`Registry`. Apps register in their `AppConfig.ready()`, so a second registration under a name
already taken fails while the project starts, naming both: two apps never silently replace
one another's item.

    panels: Registry[Panel] = Registry("home panel")
    panels.register("meetings", secretariat_meetings_panel, order=15)
    for name, panel in panels.items(): ...   # by order, then name

Tests that need an item for a while use `with registry.temporarily(name, item): ...`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


class DuplicateRegistration(ImproperlyConfigured):
    pass


@dataclass(frozen=True)
class _Slot[T]:
    item: T
    order: int
    origin: str


class Registry[T]:
    def __init__(self, kind: str) -> None:
        # What the items are, in the error message: "home panel", "tick", "navigation entry".
        self.kind = kind
        self._slots: dict[str, _Slot[T]] = {}
        self._sorted: list[tuple[str, T]] | None = None

    def register(self, name: str, item: T, *, order: int = 100, origin: object = None) -> T:
        """Adds `item` under `name`; `origin` (a function, a model) names where it comes from
        in the error on a duplicate, the item itself by default."""
        source = _origin(item if origin is None else origin)
        taken = self._slots.get(name)
        if taken is not None:
            # Django may run an app's ready() twice (a test rebuilding the app registry): the
            # very same item again is that, not a second app taking the name.
            if taken.item is item or (taken.item == item and taken.order == order):
                return item
            raise DuplicateRegistration(
                f"{self.kind} {name!r} is registered twice: first by {taken.origin}, "
                f"again by {source}. Give one of them another name."
            )
        self._slots[name] = _Slot(item=item, order=order, origin=source)
        self._sorted = None
        return item

    def unregister(self, name: str) -> None:
        """Removes `name` (nothing if it is not registered)."""
        if self._slots.pop(name, None) is not None:
            self._sorted = None

    @contextmanager
    def temporarily(self, name: str, item: T, *, order: int = 100) -> Iterator[T]:
        """Registers `item` for the duration of a `with` block (tests)."""
        self.register(name, item, order=order)
        try:
            yield item
        finally:
            self.unregister(name)

    def get(self, name: str) -> T | None:
        slot = self._slots.get(name)
        return slot.item if slot is not None else None

    def items(self) -> list[tuple[str, T]]:
        """(name, item) by order, then name: the same order whichever app loads first."""
        if self._sorted is None:
            ranked = sorted(self._slots.items(), key=lambda pair: (pair[1].order, pair[0]))
            self._sorted = [(name, slot.item) for name, slot in ranked]
        return list(self._sorted)

    def names(self) -> list[str]:
        return [name for name, _ in self.items()]

    def __iter__(self) -> Iterator[T]:
        return iter([item for _, item in self.items()])

    def __contains__(self, name: object) -> bool:
        return name in self._slots

    def __len__(self) -> int:
        return len(self._slots)


def _origin(source: object) -> str:
    module = getattr(source, "__module__", None) or type(source).__module__
    qualname = getattr(source, "__qualname__", None) or type(source).__qualname__
    return f"{module}.{qualname}"
