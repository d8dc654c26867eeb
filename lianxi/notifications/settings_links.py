"""Other ways to be reached that another app offers, shown on 消息设置 (e.g. meetings' calendar
feed): one registration each, with the rule from that app's access module that shows it."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from lianxi.core.registry import Registry


@dataclass(frozen=True)
class SettingsLink:
    before: str
    link_text: str
    after: str
    url_name: str
    visible: Callable[[Any], bool]


settings_links: Registry[SettingsLink] = Registry("消息设置 link")


def register_settings_link(
    name: str,
    *,
    before: str,
    link_text: str,
    url_name: str,
    visible: Callable[[Any], bool],
    after: str = "。",
    order: int = 100,
) -> SettingsLink:
    link = SettingsLink(before, link_text, after, url_name, visible)
    return settings_links.register(name, link, order=order, origin=visible)


def settings_links_for(user: Any) -> list[dict[str, str]]:
    return [
        {
            "before": link.before,
            "text": link.link_text,
            "after": link.after,
            "url": reverse(link.url_name),
        }
        for link in settings_links
        if link.visible(user)
    ]
