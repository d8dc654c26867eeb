"""`lianxi mechanism create --rules FILE [--username U] [--format json]`, `list`, `operator`.

The platform operator's command line: opens a joint meeting from its rules document (all or
nothing, with the importer's checks and Chinese errors) and prints its first secretariat
account; lists the joint meetings; names a platform operator.
"""

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from lianxi.core.exceptions import ApplicationError
from lianxi.organization.importer import parse_rules
from lianxi.organization.mechanism_services import free_username, mechanism_create
from lianxi.organization.models import Mechanism, PlatformOperator


class Command(BaseCommand):
    help = "平台管理：设立联席会议（create）、列出联席会议（list）、指定平台管理员（operator）。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{create,list,operator}"
        )
        create = actions.add_parser("create", help="按工作规则文件设立新的联席会议")
        create.add_argument("--rules", required=True, help="工作规则文件（.txt 或 .docx）")
        create.add_argument(
            "--username",
            default="",
            help="第一个联席会议办公室账号；已有账号则加入新联席会议（默认新建 mishu、mishu2…）",
        )
        create.add_argument("--format", choices=["text", "json"], default="text")
        actions.add_parser("list", help="列出平台上的联席会议")
        operator = actions.add_parser("operator", help="指定平台管理员（账号须已存在）")
        operator.add_argument("username", help="账号（用户名）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(**options)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def _create(self, *, rules: str, username: str, format: str, **_: Any) -> None:
        path = Path(rules)
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from exc
        parsed = parse_rules(data, filename=path.name)
        created = mechanism_create(
            parsed=parsed, username=username or free_username(), source_name=path.name
        )
        account = created.membership.user.get_username()
        if format == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "mechanism": created.mechanism.name,
                        "username": account,
                        "password": created.password,
                    },
                    ensure_ascii=False,
                )
            )
            return
        self.stdout.write(f"已设立联席会议：{created.mechanism.name}")
        self.stdout.write(f"联席会议办公室账号：{account}（{created.membership.unit.name}）")
        if created.password is None:
            self.stdout.write("该账号原已存在，沿用原密码；登录后可在页首切换联席会议。")
        else:
            self.stdout.write(f"密码（只显示这一次，首次登录时须修改）：{created.password}")
        if not PlatformOperator.objects.exists():
            # With two joint meetings the shared working-day calendar is no secretariat's.
            self.stderr.write(
                "提示：平台上已有多个联席会议，节假日安排改由平台管理员维护；"
                "平台尚未指定平台管理员，请运行 `lianxi mechanism operator 用户名`。"
            )

    def _list(self, **_: Any) -> None:
        rows = Mechanism.objects.annotate(
            member_units=Count("units", filter=Q(units__kind="member", units__active=True))
        ).order_by("id")
        if not rows:
            self.stdout.write("平台上还没有联席会议。")
            return
        for row in rows:
            self.stdout.write(f"{row.pk}\t{row.name}\t{row.member_units} 个成员单位")

    def _operator(self, *, username: str, **_: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"账号 {username} 不存在。")
        _operator, created = PlatformOperator.objects.get_or_create(user=user)
        self.stdout.write(f"{'已指定' if created else '已是'}平台管理员：{username}")
