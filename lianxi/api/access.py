"""Who may see, issue and revoke API tokens (接口令牌).

Everyone acting in a joint meeting sees and revokes their own tokens and issues new ones for it;
the secretariat and the security administrator see and revoke every token of their joint meeting
(GB/T 22239-2019 8.1.4.2 访问控制), and nobody another meeting's.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from lianxi.core.access import second_factor_pending
from lianxi.organization.access import has_role, membership_of
from lianxi.organization.models import Membership

from .models import ApiToken

Role = Membership.Role
TOKEN_MANAGERS = (Role.SECRETARIAT, Role.SECURITY_ADMIN)


def second_factor_missing(user: Any) -> bool:
    """TOTP is required for this person's role and not passed in this session: no token."""
    return second_factor_pending(user)


def can_use_token_page(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and membership_of(user) is not None


def can_manage_tokens(user: Any) -> bool:
    """Sees and revokes every token of the joint meeting acted in."""
    return has_role(user, *TOKEN_MANAGERS)


def visible_tokens(user: Any) -> QuerySet[ApiToken]:
    if not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    mine = Q(user=user)
    membership = membership_of(user)
    if membership is not None and membership.role in TOKEN_MANAGERS:
        mine |= Q(membership__unit__mechanism_id=membership.unit.mechanism_id)
    return ApiToken.objects.filter(mine)


def token_for(user: Any, pk: int) -> ApiToken:
    """404 for a token missing or not visible to `user`."""
    token = visible_tokens(user).select_related("user").filter(pk=pk).first()
    if token is None:
        raise Http404("没有这个令牌。")
    return token
