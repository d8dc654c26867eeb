"""lianxi api_token create --user NAME [--name NAME] | revoke PREFIX | list"""

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lianxi.api.models import ApiToken
from lianxi.api.services import api_token_create, api_token_revoke
from lianxi.core.exceptions import ApplicationError


def _when(value: Any) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "—"


class Command(BaseCommand):
    help = "管理接口令牌：签发（create）、吊销（revoke）、列出（list）。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{create,revoke,list}"
        )
        create = actions.add_parser("create", help="为账号签发新令牌（只显示一次）")
        create.add_argument("--user", required=True, help="账号（用户名）")
        create.add_argument("--name", default="", help="用途说明，例如对接的系统名称")
        create.add_argument(
            "--mechanism", default="", help="账号属于多个联席会议时，令牌用于哪一个（名称）"
        )
        revoke = actions.add_parser("revoke", help="按前缀吊销令牌")
        revoke.add_argument("prefix", help="令牌前缀（见 list）")
        listing = actions.add_parser("list", help="列出令牌（不含令牌本身）")
        listing.add_argument(
            "--all", dest="include_revoked", action="store_true", help="包括已吊销的令牌"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(**options)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def _create(self, *, user: str, name: str, mechanism: str = "", **_: Any) -> None:
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"账号 {user} 不存在，请先创建该账号。")
        row, token = api_token_create(user=account, name=name, mechanism_name=mechanism)
        self.stdout.write(f"已为账号 {user} 签发令牌（前缀 {row.prefix}）。")
        self.stdout.write("令牌只显示这一次，请妥善保存：")
        self.stdout.write(token)

    def _revoke(self, *, prefix: str, **_: Any) -> None:
        row = ApiToken.objects.select_related("user").filter(prefix=prefix.strip()).first()
        if row is None:
            raise CommandError(f"没有前缀为 {prefix} 的令牌（可用 list 查看）。")
        api_token_revoke(token=row)
        self.stdout.write(f"已吊销令牌 {row.prefix}（账号 {row.user.get_username()}）。")

    def _list(self, *, include_revoked: bool = False, **_: Any) -> None:
        rows = ApiToken.objects.select_related("user").order_by("created_at", "id")
        if not include_revoked:
            rows = rows.filter(revoked_at__isnull=True)
        if not rows:
            self.stdout.write("没有令牌。")
            return
        self.stdout.write("前缀\t账号\t用途\t创建时间\t最近使用\t吊销时间")
        for row in rows:
            self.stdout.write(
                "\t".join(
                    [
                        row.prefix,
                        row.user.get_username(),
                        row.name or "—",
                        _when(row.created_at),
                        _when(row.last_used_at),
                        _when(row.revoked_at),
                    ]
                )
            )
