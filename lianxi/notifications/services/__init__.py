"""Messages: writing them (with their outbox) and delivering them, at least once, never lost.

`notify` (writing) is the one entry point for every other app. The inbox and settings, and the
worker's side (claim under a lease, send through the channel, mark), are their own modules; the
channels themselves (inbox, e-mail, webhook, and whatever another app registers) live in
`notifications.channels`.
"""

from ..channels import DeliveryFailed, DeliveryRefused
from ..channels.email import attachment_part, message_id_header
from ..channels.webhook import validate_webhook_url, webhook_payload
from .delivering import (
    CLAIM_BATCH,
    MAX_BACKOFF_SECONDS,
    DispatchResult,
    _mark_sent,
    backoff_seconds,
    default_worker_id,
    deliveries_claim,
    deliveries_dispatch,
    dispatch_due,
)
from .inbox import (
    delivery_retry,
    inbox_mark_all_read,
    inbox_mark_read,
    inbox_mark_read_about,
    notification_settings_of,
    notification_settings_update,
)
from .writing import (
    MAX_ATTACHMENT_BYTES,
    UNIT_RECIPIENT_ROLES,
    Attachment,
    Channel,
    Status,
    idempotency_key,
    notify,
)

__all__ = [
    "CLAIM_BATCH",
    "MAX_ATTACHMENT_BYTES",
    "MAX_BACKOFF_SECONDS",
    "UNIT_RECIPIENT_ROLES",
    "Attachment",
    "Channel",
    "DeliveryFailed",
    "DeliveryRefused",
    "DispatchResult",
    "Status",
    "_mark_sent",
    "attachment_part",
    "backoff_seconds",
    "default_worker_id",
    "deliveries_claim",
    "deliveries_dispatch",
    "delivery_retry",
    "dispatch_due",
    "idempotency_key",
    "inbox_mark_all_read",
    "inbox_mark_read",
    "inbox_mark_read_about",
    "message_id_header",
    "notification_settings_of",
    "notification_settings_update",
    "notify",
    "validate_webhook_url",
    "webhook_payload",
]
