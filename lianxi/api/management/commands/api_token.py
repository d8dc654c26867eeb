"""lianxi api_token create --user NAME [--name NAME] [--read-only] [--apps a,b] [--days N]
| revoke PREFIX | list [--all]

The administrator's door on the server: every create and revoke is audited (actor 系统, via cli).
"""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lianxi.api.models import ApiToken
from lianxi.api.scopes import ACCESS_LABELS, READ, WRITE, scope_names, scopes_text
from lianxi.api.selectors import token_rows, tokens_for_list
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
        create.add_argument("--read-only", action="store_true", help="只读令牌（默认可读写）")
        create.add_argument(
            "--apps",
            default="",
            help=f"可访问的模块，逗号分隔（默认全部：{','.join(scope_names())}）",
        )
        create.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"有效期天数（默认且最长 {settings.LIANXI_API_TOKEN_DAYS} 天）",
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

    def _create(
        self,
        *,
        user: str,
        name: str,
        mechanism: str = "",
        read_only: bool = False,
        apps: str = "",
        days: int | None = None,
        **_: Any,
    ) -> None:
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"账号 {user} 不存在，请先创建该账号。")
        chosen = [a.strip() for a in apps.split(",") if a.strip()] or None
        row, token = api_token_create(
            user=account,
            name=name,
            mechanism_name=mechanism,
            access=READ if read_only else WRITE,
            scopes=chosen,
            days=days,
        )
        self.stdout.write(
            f"已为账号 {user} 签发令牌（前缀 {row.prefix}，{ACCESS_LABELS[row.access]}，"
            f"模块 {scopes_text(row.scopes)}，有效期至 {_when(row.expires_at)}）。"
        )
        self.stdout.write("令牌只显示这一次，请妥善保存：")
        self.stdout.write(token)

    def _revoke(self, *, prefix: str, **_: Any) -> None:
        row = ApiToken.objects.select_related("user").filter(prefix=prefix.strip()).first()
        if row is None:
            raise CommandError(f"没有前缀为 {prefix} 的令牌（可用 list 查看）。")
        api_token_revoke(token=row)
        self.stdout.write(f"已吊销令牌 {row.prefix}（账号 {row.user.get_username()}）。")

    def _list(self, *, include_revoked: bool = False, **_: Any) -> None:
        rows = tokens_for_list(ApiToken.objects.all()).order_by("created_at", "id")
        if not include_revoked:
            rows = rows.filter(revoked_at__isnull=True)
        if not rows:
            self.stdout.write("没有令牌。")
            return
        self.stdout.write("前缀\t账号\t单位\t用途\t权限\t模块\t创建时间\t有效期至\t最近使用\t状态")
        for shown in token_rows(rows):
            row = shown["token"]
            unit = row.membership.unit.name if row.membership else "—"
            self.stdout.write(
                "\t".join(
                    [
                        row.prefix,
                        row.user.get_username(),
                        unit,
                        row.name or "—",
                        shown["access"],
                        shown["scopes"],
                        _when(row.created_at),
                        _when(row.expires_at),
                        _when(row.last_used_at),
                        shown["state"],
                    ]
                )
            )
