"""Passwords as GB/T 22239-2019 8.1.4.1 a) expects: complexity, no reuse of the last few,
periodic change, and a change forced after an administrator has set one.

- ``CharacterClassesValidator`` and ``PasswordHistoryValidator`` sit in AUTH_PASSWORD_VALIDATORS
  (config/settings/security.py), so every form and service that calls ``validate_password``
  applies them.
- ``PasswordHistoryValidator.password_changed`` is Django's hook for "a password was just set"
  (``User.save()`` calls it for each validator, whichever path set it: our services, the admin,
  ``createsuperuser``, ``changepassword``): it records the new hash and the time, so the history
  and the expiry cannot be bypassed by a path that forgot to call us.
- Whether a change is forced (``change_required``) is read here; the writes that set or clear the
  flag are in ``password_services``.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import PasswordState

CLASSES = ("大写字母", "小写字母", "数字", "符号")


def character_classes(password: str) -> set[str]:
    """Which of the four classes a password uses. Letters outside A–Z (汉字, accented) count as
    symbols: they are neither upper nor lower case in the sense a keyboard rule means."""
    found: set[str] = set()
    for char in password:
        if "A" <= char <= "Z":
            found.add("大写字母")
        elif "a" <= char <= "z":
            found.add("小写字母")
        elif char.isdigit():
            found.add("数字")
        elif not char.isspace():
            found.add("符号")
    return found


class CharacterClassesValidator:
    """At least `min_classes` of upper case, lower case, digits and symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = max(1, min(4, min_classes))

    def validate(self, password: str, user: Any = None) -> None:
        found = character_classes(password)
        if len(found) >= self.min_classes:
            return
        used = "、".join(c for c in CLASSES if c in found) or "无"
        missing = "、".join(c for c in CLASSES if c not in found)
        raise ValidationError(
            f"密码须包含大写字母、小写字母、数字、符号这四类字符中的至少 {self.min_classes} 类；"
            f"这个密码只有 {len(found)} 类（{used}）。请加入{missing}中的 "
            f"{self.min_classes - len(found)} 类后重试。",
            code="password_too_simple",
        )

    def get_help_text(self) -> str:
        return f"须包含大写字母、小写字母、数字、符号这四类字符中的至少 {self.min_classes} 类。"


def _stored_hash(user: Any) -> str | None:
    """The hash in the database now (not the instance's, which may already hold a new one)."""
    return get_user_model().objects.filter(pk=user.pk).values_list("password", flat=True).first()


def _state(user: Any) -> PasswordState | None:
    if user is None or getattr(user, "pk", None) is None:
        return None
    return PasswordState.objects.filter(user_id=user.pk).first()


class PasswordHistoryValidator:
    """Not one of the last `count` passwords (the current one included); records each new one."""

    def __init__(self, count: int = 5) -> None:
        self.count = max(0, count)

    def validate(self, password: str, user: Any = None) -> None:
        if self.count == 0 or user is None or getattr(user, "pk", None) is None:
            return
        state = _state(user)
        hashes = list(state.history[-self.count :]) if state else []
        # The password in the database now is the current one even if the history began later.
        current = _stored_hash(user)
        if current and current not in hashes:
            hashes.append(current)
        if any(check_password(password, encoded) for encoded in hashes if encoded):
            raise ValidationError(
                f"新密码不能与最近使用过的 {self.count} 个密码（含当前密码）相同，"
                "请换一个从未用过的密码。",
                code="password_reused",
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None:
            return
        remember_password(user.pk, user.password, keep=self.count, changed=True)

    def get_help_text(self) -> str:
        return f"不能与最近使用过的 {self.count} 个密码相同。"


def min_length() -> int:
    from django.contrib.auth.password_validation import (
        MinimumLengthValidator,
        get_default_password_validators,
    )

    for validator in get_default_password_validators():
        if isinstance(validator, MinimumLengthValidator):
            return validator.min_length
    return 0


def remember_password(user_id: int, encoded: str, *, keep: int = 0, changed: bool = False) -> None:
    """Adds a password hash to the person's history (once, newest last, the last `keep`).

    ``changed``: it has just been set, so the age starts now. Django's ``create_user`` stores the
    hash without telling the validators; the services that hand an account to a person call
    ``remember_current_password`` so that an administrator's password is never chosen again."""
    keep = keep or int(getattr(settings, "LIANXI_PASSWORD_HISTORY", 5) or 1)
    state, _ = PasswordState.objects.get_or_create(user_id=user_id)
    history = [entry for entry in state.history if entry != encoded]
    state.history = [*history, encoded][-max(keep, 1) :]
    if changed or state.changed_at is None:
        state.changed_at = timezone.now()
    state.save(update_fields=["history", "changed_at"])


def remember_current_password(user: Any) -> None:
    """The password in the database now goes into the history (a no-op if it is there)."""
    encoded = _stored_hash(user)
    if encoded:
        remember_password(user.pk, encoded)


def expired(state: PasswordState | None, *, now: Any = None) -> bool:
    days = int(getattr(settings, "LIANXI_PASSWORD_MAX_DAYS", 0) or 0)
    if days <= 0 or state is None or state.changed_at is None:
        return False
    return (now or timezone.now()) - state.changed_at > timedelta(days=days)


def change_required(user: Any) -> str:
    """Why `user` must change their password before anything else: "first", "reset", "legacy"
    (PasswordState.Reason), "expired", or "" when nothing is forced."""
    state = _state(user)
    if state is None:
        return ""
    if state.must_change:
        return state.reason or PasswordState.Reason.RESET
    return "expired" if expired(state) else ""


REASON_TEXT = {
    PasswordState.Reason.FIRST: "这是您第一次登录，账号的初始密码由管理人员设置。",
    PasswordState.Reason.RESET: "您的密码刚由管理人员重置。",
    PasswordState.Reason.LEGACY: "您现在的密码是管理人员设置的。",
    "expired": "您的密码已使用超过规定期限。",
}
