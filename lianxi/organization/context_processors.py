from typing import Any

from django.http import HttpRequest

from lianxi.core.navigation import nav_for

from .access import SESSION_CHOICE_KEY, membership_of, needs_choice
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
        "nav": _navigation(request, user, membership),
    }


def _navigation(request: HttpRequest, user: Any, membership: Any) -> dict[str, Any]:
    """The header's registered entries this person sees (core.navigation).

    None while a joint meeting is to be chosen, nor on the choice page itself: every entry's
    page belongs to the meeting acted in, and the middleware sends an undecided person back.
    """
    if user is None or not user.is_authenticated:
        return {}
    match = request.resolver_match
    view_name = match.view_name if match is not None else ""
    if view_name == "choose_membership" or (membership is None and needs_choice(user)):
        return {}
    return nav_for(user, view_name)
