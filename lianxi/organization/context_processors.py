from typing import Any

from django.http import HttpRequest

from .access import membership_of
from .selectors import mechanism_name


def organization(request: HttpRequest) -> dict[str, Any]:
    """The joint meeting's name and the person's unit and role, for the header of every page."""
    user = getattr(request, "user", None)
    return {
        "mechanism_name": mechanism_name(),
        "membership": membership_of(user) if user is not None else None,
    }
