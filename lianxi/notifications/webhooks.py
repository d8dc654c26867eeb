"""Where a webhook may point: a guard against the platform being used to reach its own network.

A webhook address is typed in by a user. Without a guard, a user could make the worker POST to
the cloud metadata service, the database host or anything else only the server can reach. Under
production settings (``LIANXI_WEBHOOK_BLOCK_PRIVATE``) the worker refuses loopback, link-local,
private, reserved and multicast addresses, except networks the operator lists in
``LIANXI_WEBHOOK_ALLOWED_NETWORKS`` (a government intranet's chat gateway, say).

The check runs on the address actually connected to, after DNS and before a byte is sent, so a
name that resolves to an inner address (or changes its answer between check and use) is caught
too; redirects are not followed. Saving settings checks literal addresses early, for a clear
message.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.request
from typing import Any

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(OSError):
    """The webhook address is on a network the platform may not post to."""


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(n, strict=False)
        for n in getattr(settings, "LIANXI_WEBHOOK_ALLOWED_NETWORKS", [])
    ]


def refusal(address: IPAddress) -> str | None:
    """Why posting to `address` is refused, in Chinese, or None when it may be posted to."""
    if not settings.LIANXI_WEBHOOK_BLOCK_PRIVATE:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in network for network in _allowed_networks()):
        return None
    # Not global covers loopback, private, link-local, shared (100.64/10: Alibaba Cloud's
    # metadata service is 100.100.100.200) and the rest; reserved and multicast catch the few
    # ranges Python calls global that no webhook lives on.
    inner = not address.is_global or address.is_reserved or address.is_multicast
    if inner:
        return (
            f"Webhook 地址 {address} 属于内部网络，平台不向其推送（可由管理员在允许的网段中登记）。"
        )
    return None


def literal_refusal(hostname: str) -> str | None:
    """At save time: a literal address or localhost that would be refused."""
    if hostname.lower().rstrip(".") in {"localhost", "localhost.localdomain"}:
        return refusal(ipaddress.ip_address("127.0.0.1"))
    try:
        address = ipaddress.ip_address(hostname.strip("[]"))
    except ValueError:
        return None
    return refusal(address)


def _guarded_create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
    """socket.create_connection, then the peer checked before anything is sent (before TLS)."""
    sock = socket.create_connection(address, *args, **kwargs)
    peer = ipaddress.ip_address(sock.getpeername()[0].split("%")[0])
    reason = refusal(peer)
    if reason:
        sock.close()
        raise AddressRefused(reason)
    return sock


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _guarded_create_connection


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _guarded_create_connection


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: Any) -> Any:
        return self.do_open(_GuardedHTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: Any) -> Any:
        return self.do_open(_GuardedHTTPSConnection, req)


def opener() -> urllib.request.OpenerDirector:
    """http and https only, every connection checked, and no redirects: a webhook answers where
    it was registered, and a 3xx is a failure (a redirect could lead inside, or to ftp:)."""
    director = urllib.request.OpenerDirector()
    handlers: list[Any] = [
        _HTTPHandler(),
        _HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ]
    # Through a proxy the address checked would be the proxy's: with the guard on, none.
    handlers.insert(
        0,
        urllib.request.ProxyHandler({} if settings.LIANXI_WEBHOOK_BLOCK_PRIVATE else None),
    )
    for handler in handlers:
        director.add_handler(handler)
    return director
