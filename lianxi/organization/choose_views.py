"""选择联席会议: a person in several joint meetings chooses the one they act in.

The choice is kept in the session; every page, search, feed and message then shows that joint
meeting only (ActingMembershipMiddleware binds each request to it).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from lianxi.core.audit import audit_record

from .access import SESSION_CHOICE_KEY, act_as, active_memberships, membership_of


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@never_cache
@login_required
def choose_membership(request: HttpRequest) -> HttpResponse:
    memberships = list(active_memberships(request.user))
    error = ""
    if request.method == "POST":
        raw = request.POST.get("membership", "")
        chosen = next((m for m in memberships if str(m.pk) == raw), None)
        if chosen is None:
            error = "请选择一个联席会议。"
        else:
            request.session[SESSION_CHOICE_KEY] = chosen.pk
            act_as(request.user, chosen.pk)
            audit_record(actor=chosen, action="membership.choose", target=chosen)
            return redirect(_next_url(request))
    current = membership_of(request.user)
    return render(
        request,
        "organization/choose.html",
        {
            "memberships": memberships,
            "current_id": current.pk if current else None,
            "next": _next_url(request),
            "error": error,
        },
        status=400 if error else 200,
    )
