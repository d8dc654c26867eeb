from datetime import timedelta

from .env import PRODUCTION, env_bool, env_int, env_list
from .passwords import *  # noqa: F403
from .passwords import LIANXI_PASSWORD_HISTORY, LIANXI_PASSWORD_MIN_CLASSES

# Idle timeout: the session and its cookie expire this many idle minutes after they were last
# renewed; lianxi.core.middleware.IdleSessionMiddleware renews them at most once a minute.
SESSION_COOKIE_AGE = env_int("LIANXI_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("LIANXI_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # GB/T 22239 8.1.4.1 a): complexity (three of the four classes) and no reuse of the last
    # few; the history validator also records each new password's hash (password_changed).
    {
        "NAME": "lianxi.core.passwords.CharacterClassesValidator",
        "OPTIONS": {"min_classes": LIANXI_PASSWORD_MIN_CLASSES},
    },
    {
        "NAME": "lianxi.core.passwords.PasswordHistoryValidator",
        "OPTIONS": {"count": LIANXI_PASSWORD_HISTORY},
    },
]

# Lockout after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = env_int("LIANXI_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LIANXI_LOCKOUT_MINUTES", 30))
# Keyed by the account and, separately, by the client's real address (issue 17):
# - the account (django-axes): AXES_FAILURE_LIMIT failures in the cool-off, from anywhere, lock
#   it (8.1.4.1 b, 登录失败处理: 限制非法登录次数), so guessing one person's password from many
#   addresses gets no more tries. The price is that anyone may lock an account for the
#   cool-off; the security administrator sees it and lifts it (人员 → 登录锁定).
# - the address (the login view, lianxi.core.lockout.address_locked): this many failures from
#   one address, whatever the accounts, refuse every login from it for the cool-off, so one
#   machine cannot try passwords across all accounts. Higher than the account's limit because
#   a government office's whole network often leaves through one address.
# The address is the real client's (lianxi.core.context.request_client_ip: X-Forwarded-For only
# from LIANXI_TRUSTED_PROXIES), never the proxy's (keyed by it, a few failures from anyone would
# lock everybody out) nor one a client wrote into the header to have somebody else locked.
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns (axes.W006) when the address is not among its lockout parameters: keyed by the
# username alone through axes' own counters, rotating the User-Agent would spread failures over
# records. Ours sum every record of the account (core.lockout.account_locked and axes' own
# get_failures), and the address is keyed above, in the login view, with its own limit.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
LIANXI_LOCKOUT_ADDRESS_FAILURES = env_int("LIANXI_LOCKOUT_ADDRESS_FAILURES", 4 * AXES_FAILURE_LIMIT)
AXES_CLIENT_IP_CALLABLE = "lianxi.core.context.request_client_ip"
# A successful login clears the account's failures (the login view does it, by account only):
# axes' own reset would also clear every failure from the address, so an attacker holding any
# account could log into it between guesses and never reach the limit.
AXES_RESET_ON_SUCCESS = False
# The Chinese locked-out page (status 429), stating the configured cool-off.
AXES_LOCKOUT_CALLABLE = "lianxi.core.account_views.locked_out"
AXES_ENABLED = env_bool("LIANXI_LOCKOUT_ENABLED", True)
AXES_VERBOSE = False

# TOTP second factor for the privileged roles: required in production, optional locally.
LIANXI_REQUIRE_OTP = env_bool("LIANXI_REQUIRE_OTP", PRODUCTION)
OTP_TOTP_ISSUER = "联席"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy with Django's own middleware: everything is served from this origin.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("LIANXI_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("LIANXI_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
