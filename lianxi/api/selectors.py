"""Reads the API needs beyond those the apps' own selectors offer."""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from lianxi.core.exceptions import ApplicationError
from lianxi.core.lockout import locked_usernames
from lianxi.organization.models import Duty, Mechanism, Unit

from .models import ApiToken
from .scopes import scopes_text


def current_duties_of(mechanism: Mechanism, *, unit_id: int | None = None) -> QuerySet[Duty]:
    duties = Duty.objects.filter(
        valid_to__isnull=True, unit__mechanism=mechanism, unit__active=True
    ).select_related("unit")
    if unit_id is not None:
        duties = duties.filter(unit_id=unit_id)
    return duties.order_by("unit__order", "unit_id", "number")


def units_in_order(
    candidates: QuerySet[Unit], ids: Iterable[int], *, missing: str, field: str
) -> list[Unit]:
    """The units named by id among `candidates`, in the order given (each once); any id not
    among them is refused with `missing` (a Chinese label such as “牵头单位不存在”) and the ids."""
    wanted = list(dict.fromkeys(ids))
    found = {u.pk: u for u in candidates.filter(pk__in=wanted)}
    absent = [pk for pk in wanted if pk not in found]
    if absent:
        raise ApplicationError(f"{missing}：{'、'.join(str(pk) for pk in absent)}。", field=field)
    return [found[pk] for pk in wanted]


# --- API tokens ---------------------------------------------------------------------------


# Why a known, unrevoked token no longer works, in the order the API checks them; the API
# (auth._check) turns each into its refusal, the page and `api_token list` into its label.
STATE_LABELS = {
    "inactive": "账号已停用",
    "ended": "身份已终止",
    "reset": "密码已重置",
    "expired": "已过期",
    "locked": "账号锁定中",
}


def token_refusal(
    token: ApiToken, *, now: datetime, locked: Callable[[ApiToken], bool]
) -> str | None:
    """The first reason (a key of STATE_LABELS) the token may not be used now, or None.
    `locked` answers whether the token's owner is locked out; asked last (it may be a query)."""
    user = token.user
    if not user.is_active:
        return "inactive"
    if token.membership is not None and not token.membership.active:
        return "ended"
    # A person without a PasswordState row: the reverse accessor's error is an AttributeError.
    state = getattr(user, "password_state", None)
    if state is not None and state.reset_at is not None and token.created_at < state.reset_at:
        return "reset"
    if token.expires_at <= now:
        return "expired"
    if locked(token):
        return "locked"
    return None


def token_rows(tokens: QuerySet[ApiToken]) -> list[dict[str, Any]]:
    """The tokens (from tokens_for_list, in the caller's order) as the page and `api_token list`
    show them: each with its access, modules and state (有效, 已吊销 or why it no longer works);
    the lockouts read in one query."""
    shown = list(tokens)
    locked = locked_usernames(t.user.get_username() for t in shown)
    now = timezone.now()
    rows = []
    for token in shown:
        refusal = token_refusal(token, now=now, locked=lambda t: t.user.get_username() in locked)
        if token.revoked_at is not None:
            state = "已吊销"
        else:
            state = STATE_LABELS[refusal] if refusal else "有效"
        rows.append(
            {
                "token": token,
                "access": token.get_access_display(),
                "scopes": scopes_text(token.scopes),
                "state": state,
                "can_revoke": token.revoked_at is None,
            }
        )
    return rows


def tokens_for_list(tokens: QuerySet[ApiToken]) -> QuerySet[ApiToken]:
    return tokens.select_related(
        "user", "user__password_state", "membership__unit__mechanism"
    ).order_by("-created_at", "-id")
