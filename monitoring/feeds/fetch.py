"""Fetching feeds over HTTP: one shared client, conditional GET, size and time caps."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from monitoring.exceptions import FetchError

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
TOTAL_TIMEOUT = 30.0
MAX_REDIRECTS = 5

_client: httpx.Client | None = None
_client_lock = threading.Lock()


@dataclass(frozen=True)
class FetchResult:
    url: str
    status: int
    content: bytes
    etag: str
    last_modified: str

    @property
    def is_not_modified(self) -> bool:
        return self.status == 304


def http_client() -> httpx.Client:
    """The worker's one HTTP client, made on first use (connections are pooled across polls)."""
    global _client
    with _client_lock:
        if _client is None:
            _client = httpx.Client(
                timeout=httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT),
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                headers={
                    "User-Agent": settings.WEBCARE_FETCH_USER_AGENT,
                    "Accept": "application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.5",
                },
            )
        return _client


def feed_fetch(url: str, *, etag: str = "", last_modified: str = "") -> FetchResult:
    """GET ``url`` with the validators from the last poll.

    Returns the body (empty on 304). Raises ``FetchError``: transient for time-outs, network
    errors, 429 and 5xx; permanent for other 4xx, too many redirects and oversized responses.
    """
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    limit = settings.WEBCARE_FETCH_MAX_BYTES
    started = time.monotonic()
    try:
        with http_client().stream("GET", url, headers=headers) as response:
            if response.status_code == 304:
                return FetchResult(str(response.url), 304, b"", etag, last_modified)
            if response.status_code >= 400:
                raise _status_error(url, response.status_code)
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise FetchError(
                        url,
                        _("The feed is larger than %(size)s; it was not read.") % {"size": filesizeformat(limit)},
                        permanent=True,
                        status=response.status_code,
                    )
                if time.monotonic() - started > TOTAL_TIMEOUT:
                    raise FetchError(
                        url,
                        _("The site sent the feed too slowly (over %(s)d seconds).") % {"s": TOTAL_TIMEOUT},
                        permanent=False,
                        status=response.status_code,
                    )
                chunks.append(chunk)
            return FetchResult(
                url=str(response.url),
                status=response.status_code,
                content=b"".join(chunks),
                etag=response.headers.get("ETag", ""),
                last_modified=response.headers.get("Last-Modified", ""),
            )
    except httpx.TooManyRedirects as exc:
        raise FetchError(url, _("The feed address redirects too often."), permanent=True) from exc
    except httpx.TimeoutException as exc:
        raise FetchError(url, _("The site did not answer in time."), permanent=False) from exc
    except httpx.UnsupportedProtocol as exc:
        raise FetchError(url, _("Only http and https addresses can be fetched."), permanent=True) from exc
    except httpx.HTTPError as exc:
        raise FetchError(
            url, _("The site could not be reached (%(reason)s).") % {"reason": exc}, permanent=False
        ) from exc


def _status_error(url: str, status: int) -> FetchError:
    if status in (404, 410):
        return FetchError(
            url, _("The feed no longer exists (HTTP %(status)d).") % {"status": status}, permanent=True, status=status
        )
    if status == 429 or status >= 500:
        return FetchError(
            url,
            _("The site is busy or failing (HTTP %(status)d); we will try again.") % {"status": status},
            permanent=False,
            status=status,
        )
    return FetchError(
        url, _("The site refused the request (HTTP %(status)d).") % {"status": status}, permanent=True, status=status
    )
