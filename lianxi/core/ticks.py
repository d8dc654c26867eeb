"""The periodic tick: each app registers what it computes as due; the worker runs them every minute.

Every handler must be idempotent (it computes what is due from the database, never from how
many ticks ran), so a missed or repeated tick changes nothing.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

from .registry import Registry

logger = logging.getLogger(__name__)

TickHandler = Callable[[datetime], object]
ticks: Registry[TickHandler] = Registry("tick")


def register_tick(name: str, handler: TickHandler) -> None:
    ticks.register(name, handler)


def registered_ticks() -> dict[str, TickHandler]:
    return dict(ticks.items())


def run_tick(now: datetime | None = None) -> dict[str, object]:
    """Run every handler; one failing handler is logged and does not stop the others."""
    moment = now or timezone.now()
    results: dict[str, object] = {}
    for name, handler in ticks.items():
        try:
            results[name] = handler(moment)
        except Exception:
            logger.exception("tick handler %s failed", name)
            results[name] = "failed"
    return results
