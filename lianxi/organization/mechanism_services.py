"""Opening a joint meeting on the platform: the platform operator's write (DESIGN.md: tenancy).

A county under the city or a province's working group gets its own `Mechanism` from its own
rules document, with a first secretariat account; nothing of any other joint meeting is read or
changed. All or nothing: a failed check leaves no mechanism, unit or account behind.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError
from lianxi.core.models import PasswordState
from lianxi.core.password_services import password_require_change

from .importer import ParsedRules
from .models import Mechanism, Membership, Unit
from .people_services import generate_password
from .services import rules_import_apply

FIRST_ACCOUNT_TITLE = "联席会议办公室"

DEFAULT_USERNAME = "mishu"


def free_username(base: str = DEFAULT_USERNAME) -> str:
    """`mishu`, else `mishu2`, `mishu3`…: a new account, never an existing person by accident."""
    taken = set(
        get_user_model()
        .objects.filter(username__istartswith=base)
        .values_list("username", flat=True)
    )
    taken = {name.lower() for name in taken}
    if base not in taken:
        return base
    number = 2
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"


@dataclass(frozen=True)
class MechanismCreated:
    mechanism: Mechanism
    membership: Membership
    # None when the account existed already (it keeps its password and gains this meeting).
    password: str | None


def secretariat_unit_of(mechanism: Mechanism) -> Unit:
    unit = Unit.objects.filter(mechanism=mechanism, is_secretariat=True).order_by("id").first()
    if unit is None:
        unit = (
            Unit.objects.filter(mechanism=mechanism, kind=Unit.Kind.MEMBER)
            .order_by("order", "id")
            .first()
        )
    if unit is None:
        raise ApplicationError("工作规则中没有成员单位，无法设立联席会议办公室账号。")
    return unit


def secretariat_account_create(
    *, mechanism: Mechanism, username: str, password: str | None = None, actor: Any = None
) -> MechanismCreated:
    """The first secretariat account of `mechanism`: a new account, or an existing person
    (another meeting's clerk) who gains a membership here."""
    username = username.strip()
    if not username:
        raise ApplicationError("请填写第一个联席会议办公室账号的用户名。", field="username")
    unit = secretariat_unit_of(mechanism)
    user = get_user_model().objects.filter(username__iexact=username).first()
    initial: str | None = None
    if user is None:
        initial = password or generate_password()
        user = get_user_model().objects.create_user(
            username=username, password=initial, first_name="联席办"
        )
        # Printed by `lianxi setup` / `lianxi mechanism` or shown once: changed at first login.
        password_require_change(user=user, reason=PasswordState.Reason.FIRST)
    elif Membership.objects.filter(user=user, unit__mechanism=mechanism).exists():
        raise ApplicationError(f"账号“{username}”已在本联席会议任职。", field="username")
    membership = Membership.objects.create(
        user=user, unit=unit, role=Membership.Role.SECRETARIAT, title=FIRST_ACCOUNT_TITLE
    )
    audit_record(
        actor=actor,
        action="person.create_first",
        target=membership,
        data={"mechanism": mechanism.name, "username": user.get_username()},
    )
    return MechanismCreated(mechanism=mechanism, membership=membership, password=initial)


@transaction.atomic
def mechanism_create(
    *, parsed: ParsedRules, username: str, actor: Any = None, source_name: str = ""
) -> MechanismCreated:
    """Opens the joint meeting `parsed` founds, with its units, duties and first clerk."""
    if Mechanism.objects.filter(name=parsed.mechanism_name).exists():
        raise ApplicationError(
            f"联席会议“{parsed.mechanism_name}”已在平台上；修订其工作规则请由该联席会议办公室导入。"
        )
    rules_import_apply(parsed=parsed, actor=actor, source_name=source_name, create=True)
    mechanism = Mechanism.objects.get(name=parsed.mechanism_name)
    created = secretariat_account_create(mechanism=mechanism, username=username, actor=actor)
    audit_record(
        actor=actor,
        action="mechanism.create",
        target=mechanism,
        data={"name": mechanism.name, "source_name": source_name, "username": username},
    )
    return created
