"""Who is on the other end of a request: the one place that reads the client's address.

Behind a reverse proxy every request comes from the proxy, so the proxy's header
(``client_address_header``, ``X-Forwarded-For`` by default) names the client; but anybody can
send that header, so it is believed only from the configured ``trusted_proxies``, and only as
far as the chain of trusted proxies reaches.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from aiohttp import web

from hearing_server.keys import SETTINGS

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_address(request: web.Request) -> str | None:
    """The client's IP address (None when the transport has none, e.g. a Unix socket)."""
    settings = request.app[SETTINGS]
    return forwarded_client(
        request.remote,
        request.headers.getall(settings.client_address_header, []),
        settings.trusted_proxies,
    )


def forwarded_client(
    peer: str | None, header_values: Iterable[str], trusted: Sequence[Network]
) -> str | None:
    """Walk the forwarding chain from the right while each hop is a trusted proxy.

    Each proxy appends the address it was connected from, so the rightmost entries are
    the ones our own proxies wrote; entries left of the first untrusted one are the
    client's to invent. A malformed entry ends the walk at the proxy that passed it on.
    """
    if peer is None or not trusted:
        return peer
    hops = [hop.strip() for value in header_values for hop in value.split(",")]
    client = peer
    while hops and _within(client, trusted):
        try:
            client = str(ipaddress.ip_address(hops.pop()))
        except ValueError:
            break
    return client


def throttle_key(address: str | None) -> str:
    """The unit a login throttle counts: an IPv4 address, or an IPv6 /64 (one subscriber's
    network: its owner picks any of 2**64 addresses in it at will)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _within(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)
