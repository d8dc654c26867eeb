from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .access import SESSION_CHOICE_KEY, act_as, needs_choice


class ActingMembershipMiddleware:
    """Binds each request to the joint meeting its session chose (DESIGN.md: tenancy).

    A person in several joint meetings chooses one after login (`/account/choose/`); until they
    have, they act in none and every page but the account pages sends them to choose. API calls
    are bound here too when they come with the session; a token binds its own (api.auth).
    Must sit after AuthenticationMiddleware and before anything that reads the membership.
    """

    # The calendar feed itself is fetched by a calendar program with its token, not a session.
    EXEMPT_PREFIXES = ("/account/", "/api/", "/calendar/feed/")
    # Nothing of a joint meeting at all: not even the user is loaded for these.
    UNTOUCHED_PREFIXES = ("/static/", "/healthz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(self.UNTOUCHED_PREFIXES):
            return self.get_response(request)
        user = request.user
        if user.is_authenticated:
            chosen = request.session.get(SESSION_CHOICE_KEY)
            act_as(user, chosen if isinstance(chosen, int) else None)
            if not request.path.startswith(self.EXEMPT_PREFIXES) and needs_choice(user):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('choose_membership')}?{query}")
        return self.get_response(request)
