"""What every app's pages do around a service call: run it, say in Chinese what happened
(Django messages), and show a form's or a service's errors where they belong."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest

from .exceptions import ApplicationError


def form_errors(form: Any) -> str:
    return "；".join(str(e) for errors in form.errors.values() for e in errors)


def run_action(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Runs `action`; its ApplicationError becomes the page's error message, else `success`."""
    try:
        action()
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def run_form_action(
    request: HttpRequest, form: Any, action: Callable[[], Any], success: str
) -> bool:
    """Runs `action` when the posted form is valid; otherwise shows the form's errors."""
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return False
    return run_action(request, action, success)


def add_service_error(form: Any, exc: ApplicationError) -> None:
    """A service's refusal on the form: on its field when the form has it, else on the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
