"""Who may read the audit trail and keep the working-day calendar.

Core knows no organization model: a person's role is read from ``user.membership`` when there
is one (the organization app provides it).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import HttpRequest, HttpResponse

AUDITOR = "auditor"
SECRETARIAT = "secretariat"


def role_of(user: Any) -> str | None:
    """The role the person acts in, or None (anonymous, no membership, inactive membership)."""
    if not getattr(user, "is_authenticated", False):
        return None
    membership = getattr(user, "membership", None)
    if membership is None or not getattr(membership, "active", True):
        return None
    role = getattr(membership, "role", None)
    return str(role) if role else None


def second_factor_pending(user: Any) -> bool:
    """Whether this person must still pass TOTP (LIANXI_REQUIRE_OTP, a role that needs it, not
    verified in this session): the one rule of SecondFactorMiddleware, the password change, the
    API's session reads and the token page."""
    from django.conf import settings

    if not settings.LIANXI_REQUIRE_OTP or not getattr(user, "is_authenticated", False):
        return False
    is_verified = getattr(user, "is_verified", None)
    if callable(is_verified) and is_verified():
        return False
    membership = getattr(user, "membership", None)
    return membership is not None and bool(membership.needs_second_factor)


def scope_of(user: Any) -> int | None:
    """The id of the joint meeting the person acts in (the organization app's Mechanism)."""
    if role_of(user) is None:
        return None
    unit = getattr(user.membership, "unit", None)
    return getattr(unit, "mechanism_id", None)


def is_signed_in(user: Any) -> bool:
    """Anyone logged in: the home page, the catalogue's and the rules' entries, message settings."""
    return bool(getattr(user, "is_authenticated", False))


def can_read_audit(user: Any) -> bool:
    """Only the auditor: the security administrator and the secretariat are kept apart."""
    return role_of(user) == AUDITOR


def can_manage_calendar(user: Any) -> bool:
    """The working-day calendar is the platform's, shared by every joint meeting on it: the
    secretariat keeps it while its joint meeting is the platform's only one; once there are
    several, the platform operator does, so no meeting moves another's deadlines."""
    if not getattr(user, "is_authenticated", False):
        return False
    # Asked by the header and the home panel of one request: answered once per acting role.
    key = (role_of(user), scope_of(user))
    cached = getattr(user, _CALENDAR_ATTR, None)
    if cached is not None and cached[0] == key:
        return bool(cached[1])
    allowed = _can_manage_calendar(user)
    setattr(user, _CALENDAR_ATTR, (key, allowed))
    return allowed


_CALENDAR_ATTR = "_lianxi_can_manage_calendar"


def _can_manage_calendar(user: Any) -> bool:
    if role_of(user) == SECRETARIAT:
        mechanism = user.membership.unit.mechanism
        if type(mechanism)._default_manager.count() == 1:
            return True
    try:
        return user.platform_operator is not None
    except ObjectDoesNotExist:
        return False


def allowed_by(
    check: Callable[[Any], bool],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: logged in (else to the login page) and passing `check` (else 403)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied("您的角色无权访问此页面。")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
