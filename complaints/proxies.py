"""Client addresses from a reverse proxy, believed only when the proxy is the peer.

Werkzeug's ProxyFix believes the last ``X-Forwarded-For`` hop of any request, so anyone who
can reach gunicorn directly could choose the address the rate limits and the metrics
allow-list see. Here the forwarded headers count only when the TCP peer is one of the
configured proxy addresses (COMPLAINTS_PROXY_ADDRESSES); from anyone else they are removed.
"""
from __future__ import annotations

import ipaddress
from typing import Any, Callable, Iterable

from werkzeug.middleware.proxy_fix import ProxyFix

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                     "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX", "HTTP_FORWARDED")


def parse_networks(text: str) -> tuple[Network, ...]:
    """``"127.0.0.1, 10.0.0.0/8"`` -> networks; raises ValueError naming a bad entry."""
    networks = []
    for entry in (part.strip() for part in text.split(",")):
        if entry:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                raise ValueError(f"{entry!r} is not an address or network") from None
    return tuple(networks)


def address_in(address: str | None, networks: Iterable[Network]) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    return any(ip in network for network in networks)


class TrustedProxyFix:
    """ProxyFix for requests whose peer is a trusted proxy; forwarded headers dropped otherwise."""

    def __init__(self, app: Callable[..., Any], hops: int, proxies: tuple[Network, ...]):
        self.proxied = ProxyFix(app, x_for=hops, x_proto=hops, x_host=hops)
        self.direct = app
        self.proxies = proxies

    def __call__(self, environ: dict, start_response: Callable[..., Any]) -> Any:
        if address_in(environ.get("REMOTE_ADDR"), self.proxies):
            return self.proxied(environ, start_response)
        for header in FORWARDED_HEADERS:
            environ.pop(header, None)
        return self.direct(environ, start_response)
