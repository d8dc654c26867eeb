"""Notification channels: each is one registration — how a person's address is found, how a
delivery is sent, what the person sets on 消息设置, and its label.

The inbox, e-mail and webhook are registered by this app's `ready()`; another app adds SMS or a
government messaging app the same way, in its own `ready()`:

    register_channel("sms", ChannelSpec(label="短信", address=phone_of, send=send_sms), order=40)

The outbox, the worker's lease and retries, dead letters and their retry are the same for every
channel. A channel's settings with no column of their own are kept in `NotificationSettings.extra`
under the field's name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings

from lianxi.core.registry import Registry

if TYPE_CHECKING:
    from django import forms

    from ..models import Delivery, NotificationSettings


class DeliveryFailed(Exception):
    pass


class DeliveryRefused(DeliveryFailed):
    """Trying again cannot help (the address is one the platform may not post to): dead at once."""


def _no_address(user: Any, prefs: NotificationSettings | None) -> str:
    return ""


def _no_fields() -> dict[str, forms.Field]:
    return {}


def _from_extra(prefs: NotificationSettings, names: list[str]) -> dict[str, Any]:
    return {name: (prefs.extra or {}).get(name) for name in names}


def _into_extra(prefs: NotificationSettings, values: Mapping[str, Any]) -> dict[str, Any]:
    prefs.extra = {**(prefs.extra or {}), **values}
    return {name: bool(value) for name, value in values.items()}


@dataclass(frozen=True)
class ChannelSpec:
    label: str
    # The person's address on this channel, "" when they are not reached through it. Messages
    # written while they have none never reach them there.
    address: Callable[[Any, NotificationSettings | None], str] = _no_address
    # Sends one delivery, raising DeliveryFailed (retried) or DeliveryRefused (dead at once).
    # None: the delivery is done when the message is written (the inbox is this database).
    send: Callable[[Delivery], None] | None = None
    # What the person sets on 消息设置: form fields by name, their current values, and how a
    # saved value is checked and kept (raising ApplicationError; returns what the audit records).
    settings_fields: Callable[[], dict[str, forms.Field]] = _no_fields
    settings_initial: Callable[[NotificationSettings, list[str]], dict[str, Any]] = _from_extra
    settings_apply: Callable[[NotificationSettings, Mapping[str, Any]], dict[str, Any]] = (
        _into_extra
    )
    # A line under the fields on 消息设置 (e.g. where mail goes).
    settings_help: Callable[[Any], str] = field(default=lambda user: "")

    @property
    def external(self) -> bool:
        return self.send is not None


channels: Registry[ChannelSpec] = Registry("notification channel")


def register_channel(name: str, spec: ChannelSpec, *, order: int = 100) -> ChannelSpec:
    if len(name) > 20:
        raise ValueError(f"channel name {name!r} is longer than 20 characters")
    return channels.register(name, spec, order=order)


def label_of(name: str) -> str:
    spec = channels.get(name)
    return spec.label if spec is not None else name


def external_addresses(user: Any, prefs: NotificationSettings | None) -> dict[str, str]:
    """The channels a person is reached through besides the inbox, with their address."""
    found: dict[str, str] = {}
    for name, spec in channels.items():
        if spec.external:
            address = spec.address(user, prefs)
            if address:
                found[name] = address
    return found


def absolute_url(url: str) -> str:
    import urllib.parse

    if not url or urllib.parse.urlsplit(url).scheme:
        return url
    return settings.LIANXI_SITE_URL.rstrip("/") + "/" + url.lstrip("/")
