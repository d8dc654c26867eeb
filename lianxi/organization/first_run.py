"""What a fresh installation needs before its first page: the rules and one account."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Mechanism


def rules_needed() -> bool:
    return not Mechanism.objects.exists()


def import_default_rules(path: Path) -> str:
    from .importer import parse_rules
    from .services import rules_import_apply

    parsed = parse_rules(path.read_bytes(), filename=path.name)
    rules_import_apply(parsed=parsed, actor=None, source_name=path.name)
    duties = sum(len(unit.duties) for unit in parsed.units)
    units = len(parsed.units)
    return f"{parsed.title}（{parsed.document_number}）：{units} 个成员单位，{duties} 项职责"


def first_account_needed() -> bool:
    return not get_user_model().objects.exists()


@transaction.atomic
def create_first_account(*, username: str, password: str) -> Any:
    from .mechanism_services import secretariat_account_create

    mechanism = Mechanism.objects.order_by("id").first()
    if mechanism is None:
        raise RuntimeError("尚无成员单位，无法创建联席会议办公室账号")
    return secretariat_account_create(
        mechanism=mechanism, username=username, password=password
    ).membership.user
