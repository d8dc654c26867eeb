"""Webhook: a JSON POST of each message to the address the person set (a chat robot of 企业微信,
钉钉 and the like), with an Idempotency-Key header; addresses the platform may not post to are
refused when saved and again when sent."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings

from lianxi.core.exceptions import ApplicationError

from .. import webhooks
from . import ChannelSpec, DeliveryFailed, DeliveryRefused, absolute_url

if TYPE_CHECKING:
    from ..models import Delivery, NotificationSettings


def validate_webhook_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ApplicationError(
            "Webhook 地址应以 http:// 或 https:// 开头，例如 https://qyapi.weixin.qq.com/…",
            field="webhook_url",
        )
    if len(url) > 500:
        raise ApplicationError("Webhook 地址不能超过 500 个字符。", field="webhook_url")
    reason = webhooks.literal_refusal(parts.hostname)
    if reason:
        raise ApplicationError(reason, field="webhook_url")
    return url


def webhook_payload(delivery: Delivery) -> dict[str, Any]:
    message = delivery.message
    url = absolute_url(message.url)
    text = "\n".join(part for part in (message.subject, message.body.strip(), url) if part)
    return {
        "id": delivery.idempotency_key,
        "message": str(message.uuid),
        "kind": message.kind,
        "subject": message.subject,
        "body": message.body,
        "url": url,
        "from": message.actor_name or "系统",
        "to": {"username": delivery.user.get_username(), "name": delivery.user.first_name},
        "created_at": message.created_at.isoformat(),
        # The shape chat robots (企业微信, 钉钉 and the like) accept as a plain text message.
        "msgtype": "text",
        "text": {"content": text},
    }


def _send_webhook(delivery: Delivery) -> None:
    try:
        # Saved before the guard was switched on, or the allowed networks changed since.
        url = validate_webhook_url(delivery.address)
    except ApplicationError as exc:
        raise DeliveryRefused(exc.message) from exc
    data = json.dumps(webhook_payload(delivery), ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 - scheme checked above (http/https only)
        url,
        data=data,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": delivery.idempotency_key,
            "User-Agent": "Lianxi-Webhook/1",
        },
    )
    try:
        with webhooks.opener().open(
            request, timeout=settings.LIANXI_WEBHOOK_TIMEOUT_SECONDS
        ) as response:
            status = response.status
            response.read(4096)
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"Webhook 返回 HTTP {exc.code}") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, webhooks.AddressRefused):
            raise DeliveryRefused(str(exc.reason)) from exc
        raise DeliveryFailed(f"Webhook 无法送达：{exc}") from exc
    except webhooks.AddressRefused as exc:
        raise DeliveryRefused(str(exc)) from exc
    except (OSError, ValueError) as exc:
        raise DeliveryFailed(f"Webhook 无法送达：{exc}") from exc
    if not 200 <= status < 300:
        raise DeliveryFailed(f"Webhook 返回 HTTP {status}")


def _address(user: Any, prefs: NotificationSettings | None) -> str:
    return prefs.webhook_url if prefs is not None and prefs.webhook_url else ""


def _fields() -> dict[str, forms.Field]:
    return {
        "webhook_url": forms.CharField(
            label="Webhook 地址（可选，如企业微信、钉钉群机器人）",
            required=False,
            max_length=500,
            widget=forms.URLInput(attrs={"placeholder": "https://…"}),
        )
    }


def _initial(prefs: NotificationSettings, names: list[str]) -> dict[str, Any]:
    return {"webhook_url": prefs.webhook_url}


def _apply(prefs: NotificationSettings, values: Mapping[str, Any]) -> dict[str, Any]:
    prefs.webhook_url = validate_webhook_url(values.get("webhook_url") or "")
    return {"webhook": bool(prefs.webhook_url)}


def _help(user: Any) -> str:
    return (
        "平台会向该地址以 JSON 格式 POST 每条消息（含 msgtype/text 字段，可直接用于群机器人），"
        "并带有 Idempotency-Key 请求头，接收方可据此去重。"
    )


CHANNEL = ChannelSpec(
    label="Webhook",
    address=_address,
    send=_send_webhook,
    settings_fields=_fields,
    settings_initial=_initial,
    settings_apply=_apply,
    settings_help=_help,
)
