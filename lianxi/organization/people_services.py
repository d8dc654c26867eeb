"""Writes for people and their memberships (DESIGN.md: the secretariat manages people; the
auditor and the security administrator are separate and cannot do each other's work).

Separation of duties, enforced here as well as on the pages:

- accounts in the separated administrator roles (``auditor``, ``security_admin``) are created and
  changed only by the security administrator;
- the secretariat manages everyone else; the security administrator may too (accounts are its
  job);
- the auditor manages nobody; nobody changes their own account or role here.

A person is never deleted, only deactivated, so that the record of what they did stays whole.
"""

import ipaddress
import secrets
import string
from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianxi.core import lockout
from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError
from lianxi.core.models import PasswordState
from lianxi.core.password_services import password_require_change
from lianxi.core.passwords import remember_current_password

from .access import (
    acts_elsewhere,
    can_manage,
    manages_lockouts,
    require_account_manage,
    require_manage,
    require_role_grant,
    roles_manageable_by,
)
from .models import Membership, Unit

Role = Membership.Role

__all__ = ["can_manage", "require_manage", "roles_manageable_by"]

# No look-alike characters (0/O, 1/l/I) in a password read off a screen and typed by hand.
_PASSWORD_ALPHABET = (
    "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI") + "-_!@#%"
)


def generate_password() -> str:
    """A random initial password that satisfies the configured password rules."""
    length = max(14, _min_length() + 4)
    while True:
        candidate = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))
        has_all = (
            any(c.islower() for c in candidate)
            and any(c.isupper() for c in candidate)
            and any(c.isdigit() for c in candidate)
        )
        if has_all:
            return candidate


def _min_length() -> int:
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, password_validation.MinimumLengthValidator):
            return validator.min_length
    return 8


def _check_password(password: str, user: Any) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), field="password") from exc


def _check_unit(unit: Unit, actor: Membership) -> None:
    if unit.mechanism_id != actor.unit.mechanism_id:
        raise ApplicationError("所选单位不属于本联席会议。", field="unit")
    if not unit.active:
        raise ApplicationError(f"“{unit.name}”已不在册，不能再为其登记人员。", field="unit")


@transaction.atomic
def person_create(
    *,
    actor: Membership,
    username: str,
    name: str,
    unit: Unit,
    role: str,
    email: str = "",
    phone: str = "",
    title: str = "",
    password: str | None = None,
) -> tuple[Membership, str]:
    """Creates an account and its membership; returns them with the initial password.

    Without a typed password one is generated; it is returned once and never stored in clear.
    """
    require_role_grant(actor, role)
    _check_unit(unit, actor)
    username = username.strip()
    name = name.strip()
    if not username:
        raise ApplicationError("请填写用户名。", field="username")
    if not name:
        raise ApplicationError("请填写姓名。", field="name")
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise ApplicationError(f"用户名“{username}”已被使用，请换一个。", field="username")
    user = user_model(username=username, first_name=name, email=email.strip())
    if password:
        _check_password(password, user)
        initial = password
    else:
        initial = generate_password()
    user.set_password(initial)
    user.save()
    # The secretariat typed or saw it: the person chooses their own at the first login.
    password_require_change(user=user, reason=PasswordState.Reason.FIRST)
    membership = Membership.objects.create(
        user=user, unit=unit, role=role, title=title.strip(), phone=phone.strip()
    )
    audit_record(
        actor=actor,
        action="person.create",
        target=membership,
        data={
            "username": username,
            "name": name,
            "unit": unit.name,
            "role": role,
            "password": "typed" if password else "generated",
        },
    )
    return membership, initial


@transaction.atomic
def membership_change(
    *,
    actor: Membership,
    membership: Membership,
    unit: Unit,
    role: str,
    title: str = "",
    phone: str = "",
    name: str | None = None,
    email: str | None = None,
) -> Membership:
    """Changes a person's unit, role, title, phone (and name, e-mail); records what changed."""
    membership = (
        Membership.objects.select_for_update().select_related("user", "unit").get(pk=membership.pk)
    )
    require_manage(actor, membership)
    require_role_grant(actor, role)
    if unit.pk != membership.unit_id:
        _check_unit(unit, actor)
    user = membership.user
    before = {
        "unit": membership.unit.name,
        "role": membership.role,
        "title": membership.title,
        "phone": membership.phone,
        "name": user.first_name,
        "email": user.email,
    }
    membership.unit = unit
    membership.role = role
    membership.title = title.strip()
    membership.phone = phone.strip()
    if name is not None:
        if not name.strip():
            raise ApplicationError("请填写姓名。", field="name")
        user.first_name = name.strip()
    if email is not None:
        user.email = email.strip()
    account_changed = (user.first_name, user.email) != (before["name"], before["email"])
    if account_changed and acts_elsewhere(membership):
        # The name and the address mail goes to are the account's, in every joint meeting it
        # acts in: one meeting's secretariat may not change them for the others.
        field = "name" if user.first_name != before["name"] else "email"
        raise ApplicationError(
            "该账号同时在其他联席会议任职，不能在这里修改姓名和电子邮箱：它们在各联席会议中是同一份。",
            field=field,
        )
    after = {
        "unit": unit.name,
        "role": role,
        "title": membership.title,
        "phone": membership.phone,
        "name": user.first_name,
        "email": user.email,
    }
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if not changes:
        return membership
    membership.save()
    user.save(update_fields=["first_name", "email"])
    audit_record(
        actor=actor, action="membership.change", target=membership, data={"changes": changes}
    )
    return membership


@transaction.atomic
def person_deactivate(*, actor: Membership, membership: Membership) -> Membership:
    """Stops a person from logging in and acting for the unit; their history stays."""
    membership = (
        Membership.objects.select_for_update().select_related("user", "unit").get(pk=membership.pk)
    )
    require_manage(actor, membership)
    if not membership.active and not membership.user.is_active:
        raise ApplicationError("该人员已停用。")
    membership.active = False
    membership.save(update_fields=["active", "updated_at"])
    # The login itself stops only when no other joint meeting still has the person.
    if not acts_elsewhere(membership):
        membership.user.is_active = False
        membership.user.save(update_fields=["is_active"])
    audit_record(actor=actor, action="person.deactivate", target=membership)
    return membership


@transaction.atomic
def person_reactivate(*, actor: Membership, membership: Membership) -> Membership:
    membership = (
        Membership.objects.select_for_update().select_related("user", "unit").get(pk=membership.pk)
    )
    require_manage(actor, membership)
    if membership.active and membership.user.is_active:
        raise ApplicationError("该人员已在用。")
    _check_unit(membership.unit, actor)
    membership.active = True
    membership.save(update_fields=["active", "updated_at"])
    membership.user.is_active = True
    membership.user.save(update_fields=["is_active"])
    audit_record(actor=actor, action="person.reactivate", target=membership)
    return membership


@transaction.atomic
def person_password_reset(
    *, actor: Membership, membership: Membership, password: str | None = None
) -> str:
    """Sets a new password (typed, or generated and returned once). The person's open sessions
    end, because Django ties a session to the password hash, and the next login must change it
    (GB/T 22239 8.1.4.1 a: only the person knows their password)."""
    membership = Membership.objects.select_related("user", "unit").get(pk=membership.pk)
    require_account_manage(actor, membership)
    user = membership.user
    if password:
        _check_password(password, user)
        new = password
    else:
        new = generate_password()
    remember_current_password(user)  # the person's own may not come back after the reset
    user.set_password(new)
    user.save(update_fields=["password"])
    password_require_change(user=user, reason=PasswordState.Reason.RESET)
    audit_record(
        actor=actor,
        action="person.password_reset",
        target=membership,
        data={"password": "typed" if password else "generated"},
    )
    return new


@transaction.atomic
def person_unlock(*, actor: Membership, membership: Membership) -> int:
    """Lifts a lockout after repeated failed logins (django-axes); returns the records removed."""
    membership = Membership.objects.select_related("user", "unit").get(pk=membership.pk)
    require_account_manage(actor, membership)
    removed = axes_reset(username=membership.user.get_username())
    audit_record(
        actor=actor, action="person.unlock", target=membership, data={"attempts_removed": removed}
    )
    return removed


@transaction.atomic
def person_otp_reset(*, actor: Membership, membership: Membership) -> int:
    """Removes a person's authenticators (a lost or changed phone); at the next login a
    privileged role sets one up again. Returns how many were removed."""
    membership = Membership.objects.select_related("user", "unit").get(pk=membership.pk)
    require_account_manage(actor, membership)
    removed, _ = TOTPDevice.objects.filter(user=membership.user).delete()
    audit_record(
        actor=actor, action="person.otp_reset", target=membership, data={"devices_removed": removed}
    )
    return removed


@transaction.atomic
def address_unlock(*, actor: Membership, ip: str) -> int:
    """The security administrator lifts the lock on an address (too many failed logins from it,
    whatever the accounts). Failures against an account that is itself locked stay: that lock is
    lifted per person. Returns the failure records removed."""
    if not manages_lockouts(actor):
        raise PermissionDenied("只有安全管理员可以解除地址的登录锁定。")
    text = ip.strip()
    try:
        text = str(ipaddress.ip_address(text))
    except ValueError as exc:
        raise ApplicationError(
            f"“{text[:60]}”不是有效的 IP 地址，请从锁定列表中选择要解除的地址。", field="ip"
        ) from exc
    removed = lockout.address_unlock_records(text)
    audit_record(
        actor=actor,
        action="lockout.address_unlock",
        data={
            "ip": text,
            "attempts_removed": removed,
            "still_locked": lockout.address_locked(text),
        },
    )
    return removed
