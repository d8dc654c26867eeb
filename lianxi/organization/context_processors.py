from typing import Any

from django.http import HttpRequest

from .access import SESSION_CHOICE_KEY, membership_of
from .selectors import sole_mechanism_name


def organization(request: HttpRequest) -> dict[str, Any]:
    """The joint meeting acted in, the person's unit and role, for the header of every page.

    Before login the page names the joint meeting only when the platform hosts just one.
    """
    user = getattr(request, "user", None)
    membership = membership_of(user) if user is not None else None
    if membership is not None:
        name = membership.unit.mechanism.name
    elif user is not None and user.is_authenticated:
        name = ""
    else:
        name = sole_mechanism_name()
    session = getattr(request, "session", None)
    return {
        "mechanism_name": name,
        "membership": membership,
        # Only a person with several memberships is ever asked to choose.
        "can_switch_mechanism": session is not None and SESSION_CHOICE_KEY in session,
    }
