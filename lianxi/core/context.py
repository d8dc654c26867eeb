"""Where the current request came from, for the audit trail and the lockout, without passing
it everywhere.

``request_client_ip`` is the one answer to "which address is this person at": the audit trail
(through ``client_ip``, set per request by RequestContextMiddleware) and django-axes
(AXES_CLIENT_IP_CALLABLE) both use it, so a lockout and the audit entry name the same address.
"""

import ipaddress
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

client_ip: ContextVar[str] = ContextVar("client_ip", default="")

type Network = ipaddress.IPv4Network | ipaddress.IPv6Network
type Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"环境变量 LIANXI_TRUSTED_PROXIES 中有无法识别的地址或网段：{exc}。"
            "请写成逗号分隔的地址或网段，例如 127.0.0.1,10.0.0.0/24。"
        ) from exc


def trusted_proxies() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "LIANXI_TRUSTED_PROXIES", ())))


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def request_client_ip(request: Any) -> str:
    """The client's address: the connecting address, unless that is a trusted proxy
    (LIANXI_TRUSTED_PROXIES); then X-Forwarded-For is read from the right, each trusted proxy's
    entry skipped, and the first address that is not one of ours is the client.

    The client writes whatever it likes into the header; only what our proxies appended is true,
    and they append on the right, so the right-most untrusted entry is the last one a proxy of
    ours saw connecting. A malformed entry stops the walk: what lies left of it cannot be
    believed, and the last proxy that handed it on is named instead. Every entry trusted (a
    request from inside): the left-most.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = trusted_proxies()
    peer = _address(remote)
    if peer is None or not networks or not _trusted(peer, networks):
        return str(peer) if peer is not None else remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    closest: Address = peer
    for entry in reversed(forwarded.split(",") if forwarded else []):
        address = _address(entry)
        if address is None:
            break
        if not _trusted(address, networks):
            return str(address)
        closest = address
    return str(closest)
