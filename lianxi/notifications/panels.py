"""The home page's "我的消息" panel."""

from typing import Any

from django.urls import reverse

from lianxi.core.dates import cn_datetime

from .selectors import newest_unread


def my_messages_panel(user: Any) -> dict[str, Any] | None:
    if not getattr(user, "is_authenticated", False):
        return None
    items = []
    for item in newest_unread(user=user, limit=5):
        sender = item.message.actor_name or "系统"
        items.append(
            {
                "text": item.message.subject,
                "url": reverse("notifications:item", args=[item.pk]),
                "meta": f"{sender} · {cn_datetime(item.message.created_at)}",
                "level": "info",
            }
        )
    return {
        "title": "我的消息",
        "items": items,
        "empty": "没有未读消息。会议通知、督办提醒和各单位的反馈会出现在这里。",
        "more_url": reverse("notifications:inbox"),
        "more_text": "进入收件箱",
    }
