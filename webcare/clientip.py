"""The address a request came from, as sign-in throttling counts it."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address: from ``settings.CLIENT_IP_HEADER`` when set, else the connection's.

    A proxy appends the address it saw to X-Forwarded-For, so the last entry is the one our own proxy
    wrote; entries before it are whatever the client sent and are never trusted. A header that is
    missing or holds no address falls back to the connection's address.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    header = settings.CLIENT_IP_HEADER
    if not header:
        return remote
    value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
    last = value.rsplit(",", 1)[-1].strip()
    try:
        return str(ipaddress.ip_address(last))
    except ValueError:
        return remote
