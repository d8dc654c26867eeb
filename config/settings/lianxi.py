"""The platform's own knobs."""

from .env import BASE_DIR, env_int, env_str

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
LIANXI_TICK_SECONDS = env_int("LIANXI_TICK_SECONDS", 60)

# 督办 lights (四(二)), in working days: yellow this close to the deadline, or after this long
# without progress reported.
LIANXI_LIGHT_YELLOW_WORKDAYS = env_int("LIANXI_LIGHT_YELLOW_WORKDAYS", 3)
LIANXI_LIGHT_STALE_WORKDAYS = env_int("LIANXI_LIGHT_STALE_WORKDAYS", 15)
