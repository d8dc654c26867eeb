"""Where a webhook may point: a guard against the platform being used to reach its own network.

A webhook address is typed in by a user. Without a guard, a user could make the worker POST to
the cloud metadata service, the database host or anything else only the server can reach. Under
production settings (``LIANXI_WEBHOOK_BLOCK_PRIVATE``) the worker refuses loopback, link-local,
private, reserved and multicast addresses, except networks the operator lists in
``LIANXI_WEBHOOK_ALLOWED_NETWORKS`` (a government intranet's chat gateway, say).

The check runs on the address actually connected to, after DNS, on every connection including
redirects, so a name that resolves to an inner address (or changes its answer between check and
use) is caught too. Saving settings checks literal addresses early, for a clear message.
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
    inner = (
        address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )
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


def _check_peer(sock: socket.socket) -> None:
    peer = ipaddress.ip_address(sock.getpeername()[0].split("%")[0])
    reason = refusal(peer)
    if reason:
        sock.close()
        raise AddressRefused(reason)


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _check_peer(self.sock)


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        # The peer is checked before any byte of the request is sent (after the TLS handshake).
        super().connect()
        _check_peer(self.sock)


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: Any) -> Any:
        return self.do_open(_GuardedHTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: Any) -> Any:
        return self.do_open(_GuardedHTTPSConnection, req)


def opener() -> urllib.request.OpenerDirector:
    """An opener whose every connection (redirects included) is checked; no proxy from the
    environment, so the address checked is the address posted to."""
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}), _HTTPHandler(), _HTTPSHandler()
    )
