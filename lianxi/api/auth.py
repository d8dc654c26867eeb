"""Who is calling the API: a bearer token, or (for reading only) a logged-in browser session.

A token obeys the rules its owner does (issue 17; GB/T 22239-2019 8.1.4.1 身份鉴别,
8.1.4.2 访问控制): it is refused, each refusal with its Chinese reason and its own audit
action, when

- it is used more than LIANXI_API_TOKEN_RATE times in a minute: 429 with Retry-After
  (``api.token_rate_limited``);
- its owner's account is deactivated: 401, or its membership has ended: 403
  (``api.token_account_inactive``);
- it has expired: 401 (``api.token_expired``);
- its owner's account is locked out after failed logins: 401 (``api.token_locked_out``);
- the operation is outside its apps, or writes with a read-only token: 403
  (``api.token_out_of_scope``).

Its use is audited as ``api.token_used`` at most once per token per minute (with last_used_at);
a refusal of one kind at most once per token per minute too, so that a client stuck in a loop
cannot flood the audit trail. An unknown or revoked token is the plain 401.
"""

import math
import time
from datetime import timedelta
from typing import Any, NoReturn

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import APIKeyCookie, HttpBearer

from lianxi.core.access import second_factor_pending
from lianxi.core.audit import audit_record
from lianxi.core.dates import cn_datetime
from lianxi.core.lockout import account_locked
from lianxi.organization.access import act_in

from .models import ApiToken
from .scopes import SCOPE_ATTR, WRITE
from .selectors import token_refusal
from .services import hash_token

# Writing last_used_at on every call would turn each read into a write; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
RATE_WINDOW = 60  # seconds
AUDIT_REFUSAL_EVERY = 60  # seconds, per token and kind of refusal


class TokenRefused(Exception):
    """A known token that may not do this request now; answered as ``{"detail": …}``."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def install(api: NinjaAPI) -> None:
    @api.exception_handler(TokenRefused)
    def token_refused(request: HttpRequest, exc: TokenRefused) -> HttpResponse:
        response = api.create_response(request, {"detail": exc.message}, status=exc.status)
        if exc.status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="lianxi", error="invalid_token"'
        for name, value in exc.headers.items():
            response[name] = value
        return response


def _cache() -> Any:
    return caches[settings.LIANXI_API_TOKEN_CACHE]


def _over_rate(row: ApiToken) -> int | None:
    """Counts this request against the token's minute; the seconds to wait when over."""
    limit = settings.LIANXI_API_TOKEN_RATE
    if not limit:
        return None
    now = time.time()
    window = int(now // RATE_WINDOW)
    # Keyed by the token's random prefix, never reused, not by its id.
    key = f"lianxi:api-rate:{row.prefix}:{window}"
    cache = _cache()
    cache.add(key, 0, timeout=RATE_WINDOW * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW * 2)
        count = 1
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * RATE_WINDOW - now))


def _fields(row: ApiToken, request: HttpRequest, **data: Any) -> dict[str, Any]:
    """audit_record's arguments but the action, which each caller names."""
    return {
        "actor": row.membership or row.user,
        "target": row,
        "data": {"prefix": row.prefix, "method": request.method, "path": request.path, **data},
    }


def _first_in_minute(row: ApiToken, kind: str) -> bool:
    """Whether this refusal is the first of its kind for this token in AUDIT_REFUSAL_EVERY."""
    return bool(_cache().add(f"lianxi:api-refusal:{row.prefix}:{kind}", 1, AUDIT_REFUSAL_EVERY))


# The audit action of each kind of refusal (token_refusal's kinds, the rate and the scope).
REFUSAL_ACTIONS = {
    "rate": "api.token_rate_limited",
    "inactive": "api.token_account_inactive",
    "ended": "api.token_account_inactive",
    "reset": "api.token_password_reset",
    "expired": "api.token_expired",
    "locked": "api.token_locked_out",
    "scope": "api.token_out_of_scope",
    "read_only": "api.token_out_of_scope",
}


def _refuse(
    row: ApiToken, request: HttpRequest, kind: str, error: Exception, *, of: str = "", **data: Any
) -> NoReturn:
    """Raises `error`, auditing the refusal once in AUDIT_REFUSAL_EVERY per token, kind and `of`
    (the scope asked for, so that each scope refused is recorded)."""
    if _first_in_minute(row, f"{kind}:{of}"):
        audit_record(action=REFUSAL_ACTIONS[kind], **_fields(row, request, **data))
    raise error


def _refusal(row: ApiToken, kind: str) -> tuple[Exception, dict[str, Any]]:
    """The error and the audit data of a token_refusal kind."""
    if kind == "inactive":
        return (
            TokenRefused(
                401,
                f"令牌 {row.prefix} 所属账号已停用，令牌随之失效。"
                "如需继续对接，请由现任人员签发新令牌。",
            ),
            {},
        )
    if kind == "ended":
        # 403 as before (the token acts in no membership), now with its reason and audited.
        return (
            PermissionDenied(
                f"令牌 {row.prefix} 所属的任职身份已终止，不能再代表该单位读写。"
                "如需继续对接，请由现任人员签发新令牌。"
            ),
            {"reason": "membership_ended"},
        )
    if kind == "reset":
        reset_at = row.user.password_state.reset_at  # type: ignore[attr-defined]
        return (
            TokenRefused(
                401,
                f"令牌 {row.prefix} 签发于管理员 {cn_datetime(reset_at)} 重置该账号密码之前，"
                "已随之失效。请本人登录平台修改密码后，在“接口令牌”页面签发新令牌。",
            ),
            {},
        )
    if kind == "expired":
        return (
            TokenRefused(
                401,
                f"令牌 {row.prefix} 已于 {cn_datetime(row.expires_at)} 过期。"
                "请在平台“接口令牌”页面签发新令牌。",
            ),
            {},
        )
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        TokenRefused(
            401,
            f"令牌 {row.prefix} 所属账号因多次登录失败已暂时锁定，令牌在锁定期间不能使用。"
            f"请 {minutes} 分钟后再试，或请安全管理员核实后解锁。",
        ),
        {},
    )


def _check(row: ApiToken, request: HttpRequest) -> None:
    retry_after = _over_rate(row)
    if retry_after is not None:
        _refuse(
            row,
            request,
            "rate",
            TokenRefused(
                429,
                f"令牌 {row.prefix} 请求过于频繁：每分钟最多 {settings.LIANXI_API_TOKEN_RATE} 次。"
                f"请 {retry_after} 秒后再试，并降低调用频率。",
                {"Retry-After": str(retry_after)},
            ),
        )
    kind = token_refusal(row, now=timezone.now(), locked=lambda t: account_locked(t.user))
    if kind is not None:
        error, data = _refusal(row, kind)
        _refuse(row, request, kind, error, **data)
    scope = getattr(request, SCOPE_ATTR, None)
    if scope is None or scope not in row.scopes:
        allowed = "、".join(row.scopes) or "无"
        # The API's 403 (errors.forbidden) is PermissionDenied's: the same shape everywhere.
        _refuse(
            row,
            request,
            "scope",
            PermissionDenied(
                f"令牌 {row.prefix} 无权访问“{scope or '此接口'}”模块（可访问：{allowed}）。"
                "如需访问，请签发包含该模块的令牌。"
            ),
            of=str(scope),
            scope=scope,
        )
    if request.method not in SAFE_METHODS and row.access != WRITE:
        _refuse(
            row,
            request,
            "read_only",
            PermissionDenied(
                f"令牌 {row.prefix} 为只读令牌，不能修改数据。如需写入，请签发读写令牌。"
            ),
            scope=scope,
            reason="read_only",
        )


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; the token is looked up by its SHA-256 hash."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        token = token.strip()
        if not token:
            return None
        row = (
            ApiToken.objects.select_related(
                "user", "user__password_state", "membership__unit__mechanism"
            )
            .filter(token_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if row is None:
            return None
        _check(row, request)
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
            # The conditional update lets one request of the minute win, and audit the use.
            recent = Q(last_used_at__gt=now - LAST_USED_RESOLUTION)
            if ApiToken.objects.filter(pk=row.pk).exclude(recent).update(last_used_at=now):
                audit_record(action="api.token_used", **_fields(row, request))
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
        if second_factor_pending(user):
            return None
        return user


token_auth = TokenAuth()
session_read_auth = SessionReadAuth()
