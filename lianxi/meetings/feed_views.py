"""日历订阅: the page where a person gets (or replaces, or stops) their private feed URL, and the
feed itself, opened by calendar programs without a login: the token in the URL is the credential.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lianxi.core.exceptions import ApplicationError

from . import access, feed_selectors, feed_services
from .ics import feed_ics

SESSION_KEY = "calendar_feed_new_token"


@login_required
@never_cache
def feed_page(request: HttpRequest) -> HttpResponse:
    """日历订阅: create, show, replace or stop my feed URL.

    The token is shown once, right after it is issued (kept in the server-side session for that
    one page view); afterwards only the date it was issued is shown, since only its hash is kept.
    """
    membership = access.feed_membership(request.user)
    if membership is None:
        raise PermissionDenied("只有联席会议成员单位的人员可以订阅会议日历。")
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "issue":
                _, token = feed_services.calendar_feed_issue(user=request.user)
                request.session[SESSION_KEY] = token
                messages.success(request, "已生成新的订阅地址，原地址（如有）已失效。")
            elif action == "revoke":
                if feed_services.calendar_feed_revoke(user=request.user):
                    messages.success(request, "已停用日历订阅，原订阅地址不再可用。")
                else:
                    messages.info(request, "您尚未开通日历订阅。")
            else:
                messages.error(request, "未知的操作。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("calendar_feed:page")
    token = request.session.pop(SESSION_KEY, None)
    feed_url = ""
    if token:
        feed_url = request.build_absolute_uri(
            reverse("calendar_feed:feed", kwargs={"token": token})
        )
    return render(
        request,
        "meetings/feed_page.html",
        {
            "feed": feed_selectors.calendar_feed_of(request.user),
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1] if feed_url else "",
            "membership": membership,
            "feed_has_all_meetings": access.feed_covers_all_meetings(membership),
        },
    )


@require_GET
@never_cache
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The .ics feed: the unit's meetings and the deadlines of its action items."""
    owner = feed_selectors.feed_owner(token)
    if owner is None:
        raise Http404("订阅地址无效或已停用。")
    now = timezone.now()
    membership, unit = owner.membership, owner.membership.unit
    body = feed_ics(
        name=f"联席会议 · {unit.name} · {membership.display_name}",
        unit=unit,
        meetings=feed_selectors.feed_meetings(user=owner.user, now=now),
        action_items=list(feed_selectors.feed_action_items(user=owner.user, now=now)),
        now=now,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="lianxi.ics"'
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
