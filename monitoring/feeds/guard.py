"""Which feed addresses may be fetched: pure checks of URLs, IP addresses and the allow-list (no network).

People type in the addresses we fetch, so a careless or hostile one could make the worker read the
cloud metadata service or the office network (server-side request forgery; OWASP's SSRF Prevention
Cheat Sheet). ``fetch.py`` resolves each host once, asks ``refused_address`` about every address and
connects only to addresses that passed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import TypeAlias
from urllib.parse import urljoin, urlsplit

import httpx

from monitoring.exceptions import RefusedURL
from monitoring.texts import Text

IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address

# Never reachable on the public internet (IANA's special-purpose address registries, RFC 6890 and
# later). Listed here because ``is_global`` in Python 3.11 misses some, e.g. multicast and 192.0.0.0/24.
_NOT_PUBLIC = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",  # "this network"; Linux connects 0.0.0.0 to itself
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT (RFC 6598)
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, incl. the cloud metadata service 169.254.169.254
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # retired 6to4 relay anycast (RFC 7526)
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, incl. broadcast 255.255.255.255
        "::/96",  # unspecified, loopback and the retired IPv4-compatible form ::a.b.c.d (RFC 4291 2.5.5.1)
        "64:ff9b:1::/48",  # local-use NAT64 (RFC 8215)
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments, incl. Teredo 2001::/32
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation (RFC 9637)
        "5f00::/16",  # segment routing (RFC 9602)
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # retired site-local
        "ff00::/8",  # multicast
    )
)
# Well-known NAT64 prefix (RFC 6052): 64:ff9b::a.b.c.d is the IPv4 host a.b.c.d.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NOT_IN_HOST = frozenset("/?#@\\ \t")


def url_check(url: str) -> None:
    """Check that ``url`` is an http or https address with a host and no user name or password.

    Parses with httpx, the parser the fetch itself uses. Raises ``RefusedURL`` otherwise.
    """
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise RefusedURL(url, Text("invalid_url")) from exc
    if parsed.scheme not in ("http", "https"):
        raise RefusedURL(url, Text("not_http"))
    if parsed.userinfo:
        raise RefusedURL(url, Text("credentials"))
    if not parsed.host or (parsed.port is not None and not 0 < parsed.port < 65536):
        raise RefusedURL(url, Text("invalid_url"))


def redirect_target(url: str, location: str) -> str:
    """The absolute address that a redirect from ``url`` with this ``Location`` leads to (RFC 9110 10.2.2).

    Raises ``RefusedURL`` when ``location`` cannot be read, or when it leads from https to plain http:
    anyone on the way could then read and change the feed, and a permanent redirect would store the
    insecure address on the source for good. Check the result with ``url_check``.
    """
    try:
        target = urljoin(url, location)
        is_downgrade = urlsplit(url).scheme.lower() == "https" and urlsplit(target).scheme.lower() == "http"
    except ValueError as exc:
        raise RefusedURL(location, Text("invalid_url")) from exc
    if is_downgrade:
        raise RefusedURL(
            target,
            Text("https_downgrade"),
        )
    return target


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 host that ``address`` leads to (IPv4-mapped, NAT64, 6to4 or Teredo); ``None`` for plain IPv6."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


def is_public_address(address: IPAddress) -> bool:
    """Whether ``address`` is a unicast address on the public internet, also when it wraps an IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = embedded_ipv4(address)
        if embedded is not None and not is_public_address(embedded):
            return False
        if address.ipv4_mapped is not None or address in _NAT64:
            # Only another spelling of the IPv4 address (and inside ::/8, which Python calls reserved).
            return True
    if any(address in network for network in _NOT_PUBLIC):
        return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def is_allowed_private(host: str, port: int, allow: Iterable[str]) -> bool:
    """Whether ``allow`` names ``host`` ("host": any port) or ``host:port`` ("host:port", "[::1]:8000").

    ``allow`` is ``settings.WEBCARE_FETCH_ALLOW_PRIVATE``. Hosts are compared as written in the URL
    (after IDNA and case folding), so allowing "127.0.0.1" does not allow "127.1" or "localhost".
    Entries that cannot be read allow nothing.
    """
    name = _host_key(host)
    if name is None:
        return False
    for entry in allow:
        allowed = _allow_entry(entry)
        if allowed is not None and allowed[0] == name and allowed[1] in (None, port):
            return True
    return False


def refused_address(host: str, port: int, addresses: Iterable[IPAddress], *, allow: Iterable[str]) -> IPAddress | None:
    """The first of the addresses ``host`` resolved to that may not be connected to; ``None`` when all may.

    One non-public address refuses the host, even next to public ones: a host that points both
    ways is an attack, not a feed.
    """
    if is_allowed_private(host, port, allow):
        return None
    return next((address for address in addresses if not is_public_address(address)), None)


def _allow_entry(entry: str) -> tuple[str, int | None] | None:
    entry = entry.strip()
    port_text: str | None = None
    if entry.startswith("["):
        host, bracket, rest = entry[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return None
        port_text = rest[1:] if rest else None
    elif entry.count(":") == 1:
        host, port_text = entry.split(":")
    else:  # a name, or an IPv6 address without brackets
        host = entry
    port = None
    if port_text is not None:
        if not (port_text.isascii() and port_text.isdigit() and 0 < int(port_text) < 65536):
            return None
        port = int(port_text)
    name = _host_key(host)
    return None if name is None else (name, port)


def _host_key(host: str) -> str | None:
    """``host`` as httpx writes it in a request (lower case, IDNA), IP addresses in their short form."""
    host = host.strip().strip("[]").rstrip(".")
    if not host or _NOT_IN_HOST.intersection(host):
        return None
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        return httpx.URL(scheme="http", host=host).raw_host.decode("ascii").rstrip(".")
    except (httpx.InvalidURL, UnicodeError):
        return None
