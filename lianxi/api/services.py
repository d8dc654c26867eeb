"""Writes of the API app: issuing and revoking access tokens."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError
from lianxi.organization.access import active_memberships, membership_of
from lianxi.organization.models import Membership

from .access import second_factor_missing
from .models import ApiToken
from .scopes import ACCESS_LABELS, WRITE, scope_names

TOKEN_PREFIX = "lx_"  # noqa: S105 - a marker that makes leaked tokens recognisable
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _checked_days(days: int | None) -> int:
    longest = settings.LIANXI_API_TOKEN_DAYS
    if days is None:
        return longest
    if not 1 <= days <= longest:
        raise ApplicationError(f"有效期应为 1 至 {longest} 天，而不是 {days} 天。", field="days")
    return days


def _checked_scopes(scopes: list[str] | None) -> list[str]:
    known = scope_names()
    if scopes is None:
        return list(known)
    chosen = sorted(set(scopes))
    unknown = [s for s in chosen if s not in known]
    if unknown:
        raise ApplicationError(
            f"没有这些模块：{'、'.join(unknown)}。可选：{'、'.join(known)}。", field="scopes"
        )
    if not chosen:
        raise ApplicationError("请至少选择一个令牌可以访问的模块。", field="scopes")
    return chosen


@transaction.atomic
def api_token_create(
    *,
    user: Any,
    name: str = "",
    actor: Any = None,
    mechanism_name: str = "",
    membership: Membership | None = None,
    access: str = WRITE,
    scopes: list[str] | None = None,
    days: int | None = None,
    via: str = "cli",
) -> tuple[ApiToken, str]:
    """Issue a token for `user`, bound to their membership in one joint meeting (the one given,
    the only one, or the one named); returns the row and the token, which is never stored.

    By default (the administrator's CLI) it may write to every app for LIANXI_API_TOKEN_DAYS.
    """
    if not user.is_active:
        raise ApplicationError(f"账号 {user.get_username()} 已停用，不能签发令牌。")
    if access not in ACCESS_LABELS:
        raise ApplicationError("令牌权限应为只读（read）或读写（write）。", field="access")
    lifetime = _checked_days(days)
    chosen_scopes = _checked_scopes(scopes)
    if membership is None:
        membership = _membership_for_token(user, mechanism_name.strip())
    while True:
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        prefix = token[:PREFIX_LENGTH]
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    row = ApiToken.objects.create(
        user=user,
        membership=membership,
        name=name.strip()[:100],
        prefix=prefix,
        token_hash=hash_token(token),
        access=access,
        scopes=chosen_scopes,
        expires_at=timezone.now() + timedelta(days=lifetime),
    )
    audit_record(
        actor=actor,
        action="api_token.create",
        target=row,
        data={
            "user": user.get_username(),
            "prefix": prefix,
            "name": row.name,
            "mechanism": membership.unit.mechanism.name if membership else "",
            "access": access,
            "scopes": chosen_scopes,
            "expires_at": row.expires_at.isoformat(),
            "via": via,
        },
    )
    return row, token


def api_token_create_for_self(
    *, user: Any, name: str, access: str, scopes: list[str], days: int
) -> tuple[ApiToken, str]:
    """接口令牌 page: a person issues a token for themselves, in the joint meeting they act in,
    only after passing their second factor where it is required (GB/T 22239-2019 8.1.4.1)."""
    if second_factor_missing(user):
        raise ApplicationError(
            "签发接口令牌前须先通过身份验证器验证：请退出后重新登录并输入验证码，再来签发。"
        )
    membership = membership_of(user)
    if membership is None:
        raise ApplicationError("您的账号当前未在任何联席会议中任职，不能签发接口令牌。")
    if not name.strip():
        raise ApplicationError("请填写令牌的用途，例如对接的系统名称。", field="name")
    return api_token_create(
        user=user,
        name=name,
        actor=user,
        membership=membership,
        access=access,
        scopes=scopes,
        days=days,
        via="page",
    )


def _membership_for_token(user: Any, mechanism_name: str) -> Membership | None:
    memberships = list(active_memberships(user))
    if mechanism_name:
        chosen = [m for m in memberships if m.unit.mechanism.name == mechanism_name]
        if not chosen:
            raise ApplicationError(
                f"账号 {user.get_username()} 在“{mechanism_name}”中没有在用的身份。"
            )
        return chosen[0]
    if len(memberships) > 1:
        names = "、".join(m.unit.mechanism.name for m in memberships)
        raise ApplicationError(
            f"账号 {user.get_username()} 属于多个联席会议（{names}），请指定令牌用于哪一个。"
        )
    # No membership: the token works and may read nothing, like the account itself.
    return memberships[0] if memberships else None


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Any = None) -> ApiToken:
    """Revoke a token: it stops working at once; the row stays for the record."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.revoked_at is not None:
        raise ApplicationError(
            f"令牌 {token.prefix} 已于 {timezone.localtime(token.revoked_at):%Y-%m-%d %H:%M} 吊销。"
        )
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="api_token.revoke",
        target=token,
        data={"user": token.user.get_username(), "prefix": token.prefix, "name": token.name},
    )
    return token
