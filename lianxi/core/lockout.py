"""Whether an account or an address is locked out after repeated failed logins (django-axes'
records), in the keying of config/settings/security.py: by the account (AXES_FAILURE_LIMIT,
enforced by axes), and separately by the client's real address (LIANXI_LOCKOUT_ADDRESS_FAILURES,
enforced by the login view; the address is lianxi.core.context.request_client_ip's).

One answer for every door: the login page (through axes itself), API tokens and anything else that
acts for a person must refuse while the person's account is locked; the security administrator's
page lists what is locked from here.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone


def _enabled() -> bool:
    return bool(getattr(settings, "AXES_ENABLED", True))


def _recent() -> QuerySet[Any]:
    """Failed-login records still inside the cool-off."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(attempt_time__gte=since)


def _username(user: Any) -> str:
    return user.get_username() if hasattr(user, "get_username") else str(user)


def _failures(**where: Any) -> int:
    total = _recent().filter(**where).aggregate(n=Sum("failures_since_start"))
    return int(total["n"] or 0)


def account_failures(user: Any) -> int:
    """Failures against this account inside the cool-off, from every address."""
    return _failures(username=_username(user))


def account_locked(user: Any) -> bool:
    """True while the account has reached the failure limit within the cool-off period, counted
    over every address (the account keying)."""
    if not _enabled():
        return False
    return account_failures(user) >= settings.AXES_FAILURE_LIMIT


def address_limit() -> int:
    return int(getattr(settings, "LIANXI_LOCKOUT_ADDRESS_FAILURES", 0) or 0)


def address_locked(ip: str) -> bool:
    """True while this address has reached LIANXI_LOCKOUT_ADDRESS_FAILURES failures within the
    cool-off, whatever the accounts tried (the login view refuses it; 0 turns it off)."""
    if not _enabled() or not ip or address_limit() <= 0:
        return False
    return _failures(ip_address=ip) >= address_limit()


def locked_usernames(usernames: Iterable[str]) -> set[str]:
    """Which of these accounts are locked now (one query)."""
    names = list(usernames)
    if not names or not _enabled():
        return set()
    rows = (
        _recent()
        .filter(username__in=names)
        .values("username")
        .annotate(n=Sum("failures_since_start"))
        .filter(n__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {row["username"] for row in rows}


@dataclass(frozen=True)
class Lock:
    """One locked account or address: how many failures, from how many addresses (or against
    how many accounts), the last one, and when the lock lifts by itself."""

    key: str
    failures: int
    spread: int
    last: datetime

    @property
    def until(self) -> datetime:
        return self.last + settings.AXES_COOLOFF_TIME


def _locks(field: str, other: str, limit: int, *, among: Iterable[str] | None = None) -> list[Lock]:
    if not _enabled() or limit <= 0:
        return []
    records = _recent().exclude(**{f"{field}__isnull": True})
    if among is not None:
        records = records.filter(**{f"{field}__in": list(among)})
    rows = (
        records.values(field)
        .annotate(n=Sum("failures_since_start"), spread=Count(other, distinct=True))
        .annotate(last=Max("attempt_time"))
        .filter(n__gte=limit)
        .order_by("-last")
    )
    return [Lock(row[field], int(row["n"]), int(row["spread"]), row["last"]) for row in rows]


def locked_accounts(usernames: Iterable[str]) -> list[Lock]:
    """The locked accounts among `usernames`, newest lock first."""
    return _locks("username", "ip_address", settings.AXES_FAILURE_LIMIT, among=usernames)


def locked_addresses() -> list[Lock]:
    """Every locked address, newest lock first (an address belongs to no joint meeting)."""
    return _locks("ip_address", "username", address_limit())


def address_unlock_records(ip: str) -> int:
    """Removes the failures recorded from `ip` (lifting the address lock) except those against an
    account that is itself locked: lifting an address never lifts an account's lock as a side
    effect — that is its own administrator's decision. Returns the records removed. The caller
    audits."""
    locked = {lock.key for lock in _locks("username", "ip_address", settings.AXES_FAILURE_LIMIT)}
    removed, _ = _recent().filter(ip_address=ip).exclude(username__in=locked).delete()
    return int(removed)
