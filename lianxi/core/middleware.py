import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .context import client_ip


def request_ip(request: HttpRequest) -> str:
    # Behind the production proxy the address comes in X-Forwarded-For. The client can write
    # anything into that header; only the last entry, appended by our own proxy, is trusted.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and settings.SECURE_PROXY_SSL_HEADER:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


class RequestContextMiddleware:
    """Makes the client's address available to the audit trail for the whole request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_ip.set(request_ip(request))
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)


class SecondFactorMiddleware:
    """Privileged roles must pass TOTP before anything else when LIANXI_REQUIRE_OTP is on.

    A person without a device is sent to set one up (first login); one with a device to verify.
    """

    ALLOWED_PREFIXES = ("/account/", "/static/", "/api/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.LIANXI_REQUIRE_OTP
            and user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and not user.is_verified()  # type: ignore[union-attr,attr-defined]
        ):
            membership = getattr(user, "membership", None)
            if membership is not None and membership.needs_second_factor:
                from django_otp import user_has_device

                target = "otp_verify" if user_has_device(user, confirmed=True) else "otp_setup"
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(target)}?{query}")
        return self.get_response(request)


class IdleSessionMiddleware:
    """Idle timeout without a database write on every request.

    The session (and its cookie) expire SESSION_COOKIE_AGE after it was last renewed; renewing
    at most once a minute keeps the timeout accurate to a minute while most requests write
    nothing. Must sit after SessionMiddleware so its change is saved on the way out.
    """

    REFRESH_SECONDS = 60
    KEY = "_renewed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.session_key is None or session.is_empty():
            return response
        now = int(time.time())
        if now - int(session.get(self.KEY, 0)) >= self.REFRESH_SECONDS:
            session[self.KEY] = now
        return response
