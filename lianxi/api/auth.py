"""Who is calling the API: a bearer token, or (for reading only) a logged-in browser session."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from lianxi.organization.access import act_in

from .models import ApiToken
from .services import hash_token

# Writing last_used_at on every call would turn each read into a write; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; the token is looked up by its SHA-256 hash."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        token = token.strip()
        if not token:
            return None
        row = (
            ApiToken.objects.select_related("user", "membership__unit__mechanism")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
            row.last_used_at = now
        # The token acts in the membership it was issued for, whatever else the person holds;
        # 0 (no membership) acts in none.
        act_in(row.user, row.membership)
        request.user = row.user
        request.api_token = row  # type: ignore[attr-defined]
        return row.user


class SessionReadAuth(APIKeyCookie):
    """A logged-in browser may read (GET) without a token; writes always need a token.

    Skipped when the request carries an Authorization header, so a wrong token is never
    rescued by a session. Privileged roles must have passed their second factor when it is
    required, as on the pages.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.method not in SAFE_METHODS or "authorization" in request.headers:
            return None
        user = request.user
        if not user.is_authenticated:
            return None
        if settings.LIANXI_REQUIRE_OTP and not user.is_verified():  # type: ignore[union-attr,attr-defined]
            membership = getattr(user, "membership", None)
            if membership is not None and membership.needs_second_factor:
                return None
        return user


token_auth = TokenAuth()
session_read_auth = SessionReadAuth()
