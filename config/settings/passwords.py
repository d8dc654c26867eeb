"""Passwords and where a request comes from (issue 17; GB/T 22239-2019 8.1.4.1 身份鉴别).

Imported by ``security.py``, which owns AUTH_PASSWORD_VALIDATORS and the AXES_* lines.
"""

from .env import env_int, env_list

# 身份鉴别信息具有复杂度要求并定期更换 (8.1.4.1 a): a password older than this many days must be
# changed at the next page; 0 turns expiry off. The default is 90 because the level-3 clause asks
# for periodic change in so many words and an assessor checks for it; a deployment that follows
# NIST SP 800-63B instead (no forced expiry, complexity and history kept) sets 0.
LIANXI_PASSWORD_MAX_DAYS = env_int("LIANXI_PASSWORD_MAX_DAYS", 90)

# A new password may not be any of the last this many (the current one included).
LIANXI_PASSWORD_HISTORY = env_int("LIANXI_PASSWORD_HISTORY", 5)

# Characters from at least this many of the four classes: upper case, lower case, digits, symbols.
LIANXI_PASSWORD_MIN_CLASSES = env_int("LIANXI_PASSWORD_MIN_CLASSES", 3)

# The reverse proxies in front of the platform (addresses or networks, comma-separated, e.g.
# "127.0.0.1,10.0.0.0/24"). Only a request whose connecting address is one of them has its
# X-Forwarded-For read, and then its right-most address that is not a trusted proxy is the client.
# Empty (the default): nobody's header is believed; the connecting address is the client.
LIANXI_TRUSTED_PROXIES = env_list("LIANXI_TRUSTED_PROXIES")
