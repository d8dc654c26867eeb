"""Who may see or change units, duties, rules and memberships."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse

from .models import Membership

Role = Membership.Role


def membership_of(user: Any) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    membership = getattr(user, "membership", None)
    if membership is None or not membership.active:
        return None
    return membership


def user_of(actor: Any) -> Any:
    """The account behind an actor (a membership or a user), or None for the system."""
    user = getattr(actor, "user", actor)
    return user if isinstance(user, get_user_model()) else None


def has_role(user: Any, *roles: str) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.role in roles


def require_membership(user: Any) -> Membership:
    membership = membership_of(user)
    if membership is None:
        raise PermissionDenied("您的账号未绑定任何单位，请联系联席会议办公室。")
    return membership


def require_role(user: Any, *roles: str) -> Membership:
    membership = require_membership(user)
    if membership.role not in roles:
        raise PermissionDenied("您的角色无权进行此项操作。")
    return membership


# People inside the joint meeting see its units, duties and rules; outsiders do not.
INSIDE_ROLES = (
    Role.SECRETARIAT,
    Role.MEMBER,
    Role.LIAISON,
    Role.GOVERNMENT,
    Role.OBSERVER,
)
PEOPLE_MANAGERS = (Role.SECRETARIAT, Role.SECURITY_ADMIN)

# The records the units carry out together (action items, incidents): the secretariat and the
# city government office see all of their joint meeting's; a unit's member and liaison, those
# that concern their unit.
SEE_ALL_ROLES = (Role.SECRETARIAT, Role.GOVERNMENT)
UNIT_ROLES = (Role.MEMBER, Role.LIAISON)


def sees_all(membership: Membership | None) -> bool:
    return membership is not None and membership.role in SEE_ALL_ROLES


def is_secretariat(membership: Membership | None) -> bool:
    return membership is not None and membership.role == Role.SECRETARIAT


def acts_for_unit(membership: Membership | None) -> bool:
    return membership is not None and membership.role in UNIT_ROLES


def scoped_to_unit[M: Model](
    user: Any, records: QuerySet[M], unit_q: Callable[[int], Q]
) -> QuerySet[M]:
    """`records` (with a `mechanism` field) as `user` may see them: all of the joint meeting's
    for SEE_ALL_ROLES, those matching `unit_q(unit_id)` for UNIT_ROLES, none for anyone else."""
    membership = membership_of(user)
    if membership is None:
        return records.none()
    mechanism_id = membership.unit.mechanism_id
    if sees_all(membership):
        return records.filter(mechanism_id=mechanism_id)
    if acts_for_unit(membership):
        return records.filter(unit_q(membership.unit_id), mechanism_id=mechanism_id)
    return records.none()


def can_view_catalogue(user: Any) -> bool:
    return has_role(user, *INSIDE_ROLES, Role.AUDITOR, Role.SECURITY_ADMIN)


def can_import_rules(user: Any) -> bool:
    return has_role(user, Role.SECRETARIAT)


def can_manage_people(user: Any) -> bool:
    return has_role(user, *PEOPLE_MANAGERS)


def role_required(
    *roles: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: logged in (else to the login page) and acting in one of `roles`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require_role(request.user, *roles)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """View decorator: logged in and bound to a unit in any role."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_membership(request.user)
        return view(request, *args, **kwargs)

    return wrapped
