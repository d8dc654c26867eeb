"""Writes about a person's own password (GB/T 22239-2019 8.1.4.1 a).

- ``password_change``: the person changes it themselves (the old one proved by the form); it
  clears a forced change and is audited as voluntary or as the forced change it completes.
- ``password_require_change``: whoever sets a password for somebody else (the secretariat or the
  security administrator creating an account or resetting a password, the first account printed
  by ``lianxi setup``) calls this in the same transaction, so the person chooses their own at the
  next page and no administrator knows it afterwards.
"""

from typing import Any

from django.contrib.auth import password_validation
from django.db import transaction
from django.utils import timezone

from .audit import audit_record
from .models import PasswordState
from .passwords import change_required, remember_current_password


@transaction.atomic
def password_require_change(*, user: Any, reason: str = PasswordState.Reason.RESET) -> None:
    """The next page `user` opens is the password change, until they have changed it. The
    password set for them joins their history: they may not choose it as their own."""
    remember_current_password(user)
    defaults: dict[str, Any] = {"must_change": True, "reason": reason}
    if reason == PasswordState.Reason.RESET:
        defaults["reset_at"] = timezone.now()
    PasswordState.objects.update_or_create(user_id=user.pk, defaults=defaults)


@transaction.atomic
def password_change(*, actor: Any, new_password: str) -> str:
    """`actor` (a user, the old password already checked) sets `new_password`; returns why the
    change was forced ("first", "reset", "legacy", "expired") or "" for a voluntary one."""
    forced = change_required(actor)
    remember_current_password(actor)  # the one being replaced, if no path recorded it yet
    password_validation.validate_password(new_password, actor)
    actor.set_password(new_password)
    actor.save(update_fields=["password"])  # the history validator records it (password_changed)
    PasswordState.objects.filter(user_id=actor.pk).update(must_change=False, reason="")
    audit_record(
        actor=actor,
        action="password.change_forced" if forced else "password.change",
        target=actor,
        data={"reason": forced} if forced else {},
    )
    return forced
