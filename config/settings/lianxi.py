"""The platform's own knobs."""

import ipaddress

from django.core.exceptions import ImproperlyConfigured

from .env import BASE_DIR, ENV, env_bool, env_int, env_list, env_str

LIANXI_PLATFORM_NAME = "联席"
# The rules document imported on first run: the project's own copy of the founding rules.
LIANXI_DEFAULT_RULES = env_str(
    "LIANXI_DEFAULT_RULES", str(BASE_DIR / "lianxi" / "organization" / "rules" / "xinyang-2023.txt")
)
LIANXI_SITE_URL = env_str("LIANXI_SITE_URL", "http://127.0.0.1:8000")

# Message delivery: a claimed delivery is leased; a worker that dies loses its lease and another
# worker takes the delivery over when it expires.
LIANXI_DELIVERY_LEASE_SECONDS = env_int("LIANXI_DELIVERY_LEASE_SECONDS", 120)
LIANXI_DELIVERY_MAX_ATTEMPTS = env_int("LIANXI_DELIVERY_MAX_ATTEMPTS", 8)
LIANXI_DELIVERY_BACKOFF_SECONDS = env_int("LIANXI_DELIVERY_BACKOFF_SECONDS", 30)
LIANXI_WEBHOOK_TIMEOUT_SECONDS = env_int("LIANXI_WEBHOOK_TIMEOUT_SECONDS", 10)
# Webhooks are typed in by users: in production the worker does not post to loopback, private,
# link-local or reserved addresses, except the networks listed (e.g. "10.20.0.0/16").
LIANXI_WEBHOOK_BLOCK_PRIVATE = env_bool("LIANXI_WEBHOOK_BLOCK_PRIVATE", ENV == "production")
LIANXI_WEBHOOK_ALLOWED_NETWORKS = env_list("LIANXI_WEBHOOK_ALLOWED_NETWORKS")
for _network in LIANXI_WEBHOOK_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(
            f"LIANXI_WEBHOOK_ALLOWED_NETWORKS: {_network!r} is not a network (e.g. 10.20.0.0/16)"
        ) from _exc
LIANXI_TICK_SECONDS = env_int("LIANXI_TICK_SECONDS", 60)

# 督办 lights (四(二)), in working days: yellow this close to the deadline, or after this long
# without progress reported.
LIANXI_LIGHT_YELLOW_WORKDAYS = env_int("LIANXI_LIGHT_YELLOW_WORKDAYS", 3)
LIANXI_LIGHT_STALE_WORKDAYS = env_int("LIANXI_LIGHT_STALE_WORKDAYS", 15)
