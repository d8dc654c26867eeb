"""Writes of the API app: issuing and revoking access tokens."""

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError
from lianxi.organization.access import active_memberships
from lianxi.organization.models import Membership

from .models import ApiToken

TOKEN_PREFIX = "lx_"  # noqa: S105 - a marker that makes leaked tokens recognisable
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: Any, name: str = "", actor: Any = None, mechanism_name: str = ""
) -> tuple[ApiToken, str]:
    """Issue a token for `user`, bound to their membership in one joint meeting (the only one,
    or the one named); returns the row and the token, which is never stored."""
    if not user.is_active:
        raise ApplicationError(f"账号 {user.get_username()} 已停用，不能签发令牌。")
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
        },
    )
    return row, token


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
