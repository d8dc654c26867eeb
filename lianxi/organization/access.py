"""Who may see or change units, duties, rules and memberships."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from .models import Clause, Duty, Membership, Unit
from .selectors import catalogue_units_all

Role = Membership.Role


# Set on the user object for one request: the membership chosen for the session
# (ActingMembershipMiddleware) or bound to the API token. The answer is cached next to it.
CHOSEN_ATTR = "_lianxi_chosen_membership_id"
_ACTING_ATTR = "_lianxi_acting_membership"
_UNSET = object()


def active_memberships(user: Any) -> QuerySet[Membership]:
    """Every joint meeting a person may act in, one membership each, in a stable order."""
    return (
        Membership.objects.filter(user=user, active=True)
        .select_related("unit__mechanism")
        .order_by("unit__mechanism_id", "id")
    )


def membership_of(user: Any) -> Membership | None:
    """The membership `user` acts in now, or None — the one place that answers it.

    The one bound to this request (an API token's, always; a session's choice while it is still
    active); otherwise the person's only active membership. A person in several joint meetings
    who has not chosen acts in none (and the pages send them to choose), so nothing of one
    meeting is ever shown under another.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    # getattr/setattr, not __dict__: request.user is a lazy proxy of the user object.
    cached = getattr(user, _ACTING_ATTR, _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    bound: tuple[int, bool] | None = getattr(user, CHOSEN_ATTR, None)
    memberships = active_memberships(user)
    membership = None
    if bound is not None:
        membership = memberships.filter(pk=bound[0]).first()
    if membership is None and (bound is None or not bound[1]):
        first_two = list(memberships[:2])
        membership = first_two[0] if len(first_two) == 1 else None
    setattr(user, _ACTING_ATTR, membership)
    return membership


def act_as(user: Any, membership_id: int | None, *, strict: bool = False) -> None:
    """Binds `user` (this request's object) to one of their memberships, or unbinds it.

    `strict` (an API token): that membership or none, never another the person also holds.
    """
    setattr(user, _ACTING_ATTR, _UNSET)
    setattr(user, CHOSEN_ATTR, None if membership_id is None else (membership_id, strict))


def act_in(user: Any, membership: Membership | None) -> None:
    """Binds `user` strictly to `membership` already loaded (with unit and mechanism), or to
    none: an API token's, saving the query membership_of would make."""
    act_as(user, membership.pk if membership else 0, strict=True)
    active = membership is not None and membership.active and membership.user_id == user.pk
    if membership is not None and active:
        # Its user is this one: membership.user need not be fetched again.
        Membership.user.field.set_cached_value(membership, user)
    setattr(user, _ACTING_ATTR, membership if active else None)


SESSION_CHOICE_KEY = "lianxi_membership_id"


def needs_choice(user: Any) -> bool:
    """Whether the person must choose a joint meeting before any page: they hold several
    memberships and act in none (never chosen, or the chosen one has since ended)."""
    return membership_of(user) is None and active_memberships(user)[1:2].exists()


def mechanism_id_of(user: Any) -> int | None:
    membership = membership_of(user)
    return membership.unit.mechanism_id if membership is not None else None


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
# city government office see all of their joint meeting's; a unit's member and liaison, who act
# for their unit, those that concern their unit. (An observer attends for its unit but acts for
# it in nothing; who receives a unit's messages is notifications' UNIT_RECIPIENT_ROLES.)
SEE_ALL_ROLES = (Role.SECRETARIAT, Role.GOVERNMENT)
UNIT_ACTING_ROLES = (Role.MEMBER, Role.LIAISON)


def sees_all(membership: Membership | None) -> bool:
    return membership is not None and membership.role in SEE_ALL_ROLES


def is_secretariat(membership: Membership | None) -> bool:
    return membership is not None and membership.role == Role.SECRETARIAT


def acts_for_unit(membership: Membership | None) -> bool:
    return membership is not None and membership.role in UNIT_ACTING_ROLES


def scoped_to_unit[M: Model](
    user: Any, records: QuerySet[M], unit_q: Callable[[int], Q]
) -> QuerySet[M]:
    """`records` (with a `mechanism` field) as `user` may see them: all of the joint meeting's
    for SEE_ALL_ROLES, those matching `unit_q(unit_id)` for UNIT_ACTING_ROLES, none for anyone
    else."""
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


def manages_lockouts(membership: Membership | None) -> bool:
    """登录锁定 is a security control (GB/T 22239 8.1.4.1 b): the security administrator's."""
    return membership is not None and membership.active and membership.role == Role.SECURITY_ADMIN


def can_manage_lockouts(user: Any) -> bool:
    return manages_lockouts(membership_of(user))


def require_lockout_manager(user: Any) -> Membership:
    membership = membership_of(user)
    if not manages_lockouts(membership):
        raise PermissionDenied("只有安全管理员可以查看和解除登录锁定。")
    return membership  # type: ignore[return-value]


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


def _catalogue_mechanism_id(user: Any) -> int | None:
    membership = membership_of(user)
    if membership is None or not can_view_catalogue(user):
        return None
    return membership.unit.mechanism_id


def visible_units(user: Any) -> QuerySet[Unit]:
    """The units of the joint meeting the person acts in (its catalogue); none for outsiders."""
    mechanism_id = _catalogue_mechanism_id(user)
    if mechanism_id is None:
        return Unit.objects.none()
    return Unit.objects.filter(mechanism_id=mechanism_id)


def visible_duties(user: Any) -> QuerySet[Duty]:
    mechanism_id = _catalogue_mechanism_id(user)
    if mechanism_id is None:
        return Duty.objects.none()
    return Duty.objects.filter(unit__mechanism_id=mechanism_id)


def visible_unit_people(user: Any) -> QuerySet[Membership]:
    """The people the unit pages list (active memberships of the joint meeting's units): seen
    by whoever sees the catalogue, found by name in the search box."""
    mechanism_id = _catalogue_mechanism_id(user)
    if mechanism_id is None:
        return Membership.objects.none()
    return Membership.objects.filter(unit__mechanism_id=mechanism_id, active=True)


def visible_clauses(user: Any) -> QuerySet[Clause]:
    """The clauses of the joint meeting's rules (every imported version; search keeps the
    newest in its index)."""
    mechanism_id = _catalogue_mechanism_id(user)
    if mechanism_id is None:
        return Clause.objects.none()
    return Clause.objects.filter(document__mechanism_id=mechanism_id)


def unit_for(user: Any, pk: int) -> Unit:
    """A unit's page, with its duties and people; 404 for another joint meeting's unit too."""
    try:
        return catalogue_units_all().filter(pk__in=visible_units(user).values("pk")).get(pk=pk)
    except Unit.DoesNotExist as exc:
        raise Http404("单位不存在") from exc


# --- People: who may manage whose account (people pages, people_services, the API) ---------
#
# - accounts in the separated administrator roles (auditor, security_admin) are created and
#   changed only by the security administrator;
# - the secretariat manages everyone else in its own joint meeting; the security administrator
#   may too (accounts are its job);
# - the auditor manages nobody; nobody changes their own account or role here;
# - an account that also acts in another joint meeting keeps its password, lockout and
#   authenticator out of either meeting's hands (one meeting cannot lock a person out of the
#   other): the platform operator handles those.

# Roles only the security administrator may give, take away or manage.
SEPARATED_ROLES = frozenset({Role.AUDITOR.value, Role.SECURITY_ADMIN.value})
MANAGER_ROLES = frozenset({Role.SECRETARIAT.value, Role.SECURITY_ADMIN.value})


def roles_manageable_by(manager: Membership | None) -> list[str]:
    """The roles whose accounts `manager` may create or change (empty: may manage nobody)."""
    if manager is None or not manager.active or manager.role not in MANAGER_ROLES:
        return []
    if manager.role == Role.SECURITY_ADMIN:
        return [role.value for role in Role]
    return [role.value for role in Role if role.value not in SEPARATED_ROLES]


def visible_people(user: Any) -> QuerySet[Membership]:
    """The memberships of the manager's own joint meeting; none for anyone else."""
    manager = membership_of(user)
    if not roles_manageable_by(manager):
        return Membership.objects.none()
    assert manager is not None
    return Membership.objects.filter(unit__mechanism_id=manager.unit.mechanism_id)


def person_for(user: Any, pk: int) -> tuple[Membership, Membership]:
    """The acting manager and the person asked for: 404 outside the manager's joint meeting,
    403 (with the reason) for a person of theirs they may not manage."""
    manager = require_role(user, *PEOPLE_MANAGERS)
    try:
        membership = visible_people(user).select_related("user", "unit").get(pk=pk)
    except Membership.DoesNotExist as exc:
        raise Http404("人员不存在") from exc
    require_manage(manager, membership)
    return manager, membership


def can_manage(manager: Membership | None, membership: Membership) -> bool:
    """Whether `manager` may change this person's membership (never their own)."""
    if manager is None or manager.pk == membership.pk or manager.user_id == membership.user_id:
        return False
    if manager.unit.mechanism_id != membership.unit.mechanism_id:
        return False
    return membership.role in roles_manageable_by(manager)


def require_manage(by: Membership, membership: Membership) -> None:
    """403 unless `by` may manage `membership` (never their own account)."""
    if by.user_id == membership.user_id:
        raise PermissionDenied("不能修改自己的账号、单位或角色，请由其他管理人员办理。")
    if not can_manage(by, membership):
        raise PermissionDenied(role_refusal(membership.role))


def acts_elsewhere(membership: Membership) -> bool:
    """Whether the person behind `membership` also acts in another joint meeting."""
    return (
        Membership.objects.filter(user_id=membership.user_id, active=True)
        .exclude(unit__mechanism_id=membership.unit.mechanism_id)
        .exists()
    )


def require_account_manage(by: Membership, membership: Membership) -> None:
    """require_manage, and the account itself is this joint meeting's alone."""
    require_manage(by, membership)
    if acts_elsewhere(membership):
        raise PermissionDenied(
            "该账号同时在其他联席会议任职，其密码、登录锁定和身份验证器请由平台管理员办理。"
        )


def require_role_grant(by: Membership, role: str) -> None:
    if role not in roles_manageable_by(by):
        raise PermissionDenied(role_refusal(role))


def role_refusal(role: str) -> str:
    if role in SEPARATED_ROLES:
        return (
            f"“{Role(role).label}”账号只能由安全管理员创建和管理"
            "（审计管理员与安全管理员职责分离）。"
        )
    return "您的角色无权管理人员账号。"


def is_platform_operator(user: Any) -> bool:
    """平台管理员: opens joint meetings; sees none of any joint meeting's records."""
    if not getattr(user, "is_authenticated", False):
        return False
    # The reverse accessor, not a query of our own: it keeps its answer (a miss too) on the
    # user object for the request, which the header's entries and the calendar check share.
    try:
        return user.platform_operator is not None
    except ObjectDoesNotExist:
        return False
