"""The platform's periodic tick as a background task; the worker enqueues it every minute."""

import json
import logging
from typing import Any

from django.tasks import task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from .ticks import run_tick

logger = logging.getLogger(__name__)


@task()
def tick() -> dict[str, Any]:
    """Run every registered tick handler once (each computes what is due, idempotently)."""
    results = run_tick()
    # A task's return value is stored as JSON.
    return json.loads(json.dumps(results, ensure_ascii=False, default=str))


def tick_enqueue() -> bool:
    """Put a tick in the queue unless one is already waiting there; True if one was added.

    Several workers each enqueue ticks; when the queue is busy they do not pile up, and since
    every handler is idempotent a tick more or less changes nothing.
    """
    backend = tick.get_backend()
    if isinstance(backend, DatabaseBackend):
        waiting = DBTaskResult.objects.ready().filter(
            task_path=tick.module_path, backend_name=backend.alias
        )
        if waiting.exists():
            return False
    tick.enqueue()
    return True
