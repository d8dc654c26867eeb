"""The inbox, 消息设置, and the secretariat's retry of a dead letter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError

from ..access import visible_inbox
from ..channels import channels, external_addresses
from ..models import Delivery, NotificationSettings
from .writing import Channel, Status, _enqueue_dispatch


@transaction.atomic
def inbox_mark_read(*, user: Any, delivery: Delivery) -> Delivery:
    """Mark one inbox item read; only its own recipient may."""
    if delivery.user_id != user.pk or delivery.channel != Channel.INBOX:
        raise ApplicationError("只能标记自己的消息。")
    if delivery.read_at is None:
        delivery.read_at = timezone.now()
        Delivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(
            read_at=delivery.read_at
        )
        audit_record(actor=user, action="message.read", target=delivery.message)
    return delivery


@transaction.atomic
def inbox_mark_read_about(*, user: Any, kinds: Sequence[str], url: str) -> int:
    """The user has done what a message asked of them (e.g. signed for the minutes it brought):
    its inbox copy need not wait as unread any more."""
    count = Delivery.objects.filter(
        user=user,
        channel=Channel.INBOX,
        read_at__isnull=True,
        message__kind__in=kinds,
        message__url=url,
    ).update(read_at=timezone.now())
    if count:
        audit_record(actor=user, action="message.read_about", data={"url": url, "count": count})
    return count


@transaction.atomic
def inbox_mark_all_read(*, user: Any) -> int:
    # Only what the inbox shows: the other joint meeting's items stay unread until it is chosen.
    count = visible_inbox(user).filter(read_at__isnull=True).update(read_at=timezone.now())
    if count:
        audit_record(actor=user, action="message.read_all", data={"count": count})
    return count


@transaction.atomic
def notification_settings_update(*, user: Any, **values: Any) -> NotificationSettings:
    """消息设置: what each channel asks (e-mail on or off, a webhook for a chat robot, …), by
    field name; a channel none of whose fields are given keeps its settings. Applies to messages
    from now on."""
    prefs, _ = NotificationSettings.objects.select_for_update().get_or_create(user=user)
    recorded: dict[str, Any] = {}
    for _, spec in channels.items():
        names = list(spec.settings_fields())
        if names and any(name in values for name in names):
            given = {name: values.get(name) for name in names}
            recorded.update(spec.settings_apply(prefs, given))
    unknown = set(values) - {n for spec in channels for n in spec.settings_fields()}
    if unknown:
        raise ApplicationError(f"没有这些消息设置项：{'、'.join(sorted(unknown))}。")
    prefs.save()
    audit_record(actor=user, action="notification_settings.update", target=prefs, data=recorded)
    return prefs


def notification_settings_of(user: Any) -> NotificationSettings:
    """A person's settings, or the defaults (not saved) if they never changed them."""
    prefs = NotificationSettings.objects.filter(user=user).first()
    return prefs if prefs is not None else NotificationSettings(user=user)


@transaction.atomic
def delivery_retry(*, delivery: Delivery, actor: Any) -> Delivery:
    """重新投递: the secretariat puts a dead letter back in the outbox, with fresh attempts.

    The address is taken again from the person's current settings, so a corrected e-mail or
    webhook address is used.
    """
    delivery = Delivery.objects.select_for_update().select_related("user").get(pk=delivery.pk)
    if delivery.status != Status.DEAD:
        raise ApplicationError("只有投递失败的消息可以重新投递。")
    current = external_addresses(
        delivery.user, NotificationSettings.objects.filter(user=delivery.user).first()
    )
    address = current.get(delivery.channel, delivery.address)
    delivery.status = Status.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.claimed_by = ""
    delivery.lease_until = None
    delivery.address = address
    delivery.save()
    audit_record(
        actor=actor,
        action="delivery.retry",
        target=delivery.message,
        data={"delivery": delivery.pk, "channel": delivery.channel, "user": delivery.user_id},
    )
    message_id = delivery.message_id
    transaction.on_commit(lambda: _enqueue_dispatch(message_id))
    return delivery
