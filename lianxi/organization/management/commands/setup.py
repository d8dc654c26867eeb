"""First-run setup: migrate, import the default rules, create the first secretariat account."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from lianxi.organization.first_run import (
    create_first_account,
    first_account_needed,
    import_default_rules,
    rules_needed,
)
from lianxi.organization.people_services import generate_password


class Command(BaseCommand):
    help = "首次运行：迁移数据库、导入默认工作规则、创建第一个联席会议办公室账号"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", default="mishu", help="第一个账号的用户名")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if rules_needed():
            path = Path(settings.LIANXI_DEFAULT_RULES)
            if not path.exists():
                raise CommandError(f"找不到默认工作规则文件：{path}")
            summary = import_default_rules(path)
            self.stdout.write(f"已导入默认工作规则：{summary}")
        if first_account_needed():
            password = generate_password()
            user = create_first_account(username=options["username"], password=password)
            bar = "=" * 60
            self.stdout.write(
                f"\n{bar}\n第一个账号（联席会议办公室）已创建，密码只显示这一次：\n"
                f"  用户名：{user.username}\n  密  码：{password}\n"
                "首次登录时须先修改这个密码（设置只有您知道的新密码）。\n"
                f"登录后请在“人员”页面为各成员单位添加成员和联络员。\n{bar}\n"
            )
