"""API tokens (issue 17: tokens obey the same rules as people) and the cache their rate limit uses.

- LIANXI_API_TOKEN_DAYS: a new token's lifetime in days, and the longest one a person may choose
  on 接口令牌 (default 90).
- LIANXI_API_TOKEN_RATE: requests per minute one token may make (default 600; 0 turns the limit
  off, e.g. for a contract run that hammers the API on purpose).
- LIANXI_CACHE_URL: ``redis://host:6379/0`` puts Django's cache (and so the rate counters) in
  Redis, shared by every web worker; unset, each worker counts in its own memory (locmem), which
  is right for one worker and lets N workers allow up to N times the rate.
"""

from .env import env_int, env_str

LIANXI_API_TOKEN_DAYS = max(1, env_int("LIANXI_API_TOKEN_DAYS", 90))
LIANXI_API_TOKEN_RATE = max(0, env_int("LIANXI_API_TOKEN_RATE", 600))
LIANXI_API_TOKEN_CACHE = "default"  # noqa: S105 - a cache alias, not a secret

_CACHE_URL = env_str("LIANXI_CACHE_URL", "").strip()
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
        if _CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "lianxi"}
    )
}
