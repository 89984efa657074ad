"""Fetching feeds over HTTP: one shared client, conditional GET, size and time caps, and no way inside.

Every connection is opened by ``GuardedBackend``: it resolves the host once, has ``guard`` vet every
address and connects to a vetted address, never to the name again, so DNS rebinding finds no gap.
``feed_fetch`` follows redirects itself and checks every hop the same way.

One fetch, redirects included, has ``TOTAL_TIMEOUT`` from start to end: every connect, TLS handshake
and socket read waits at most for the time that is left, so a site that sends a byte now and then
holds a worker no longer. Bodies are unpacked here (``unpack``), a bounded step at a time, never by httpx.
"""

from __future__ import annotations

import contextlib
import contextvars
import ipaddress
import logging
import queue
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from http.cookiejar import Cookie, CookieJar
from typing import Any, Generic, TypeVar

import brotli
import httpcore
import httpx
from django.conf import settings
from django.utils import translation

from monitoring.exceptions import FetchError, RefusedAddress
from monitoring.feeds import guard
from monitoring.feeds.guard import IPAddress
from monitoring.feeds.headers import max_age, retry_after
from monitoring.feeds.unpack import ACCEPT_ENCODING, content_codings, unpack
from monitoring.texts import Text

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
TOTAL_TIMEOUT = 30.0
MAX_REDIRECTS = 5
# "Moved for good" (RFC 9110 15.4.2 and 15.4.9): the source's stored address may follow these.
PERMANENT_REDIRECTS = frozenset({301, 308})

logger = logging.getLogger(__name__)

Prepared = TypeVar("Prepared")

_client: httpx.Client | None = None
_client_lock = threading.Lock()

# When the fetch under way in this thread must be over (a time.monotonic() value); None outside a fetch.
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("fetch_deadline", default=None)


@dataclass(frozen=True)
class FetchResult:
    url: str
    status: int
    content: bytes
    etag: str
    last_modified: str
    # Where the feed has moved for good: the end of the unbroken run of 301/308 redirects from the
    # requested address ("" when the first answer was not one). ``url`` is where the body came from.
    permanent_url: str = ""
    # How long the site says its answer stays fresh (Cache-Control max-age), or None.
    max_age: timedelta | None = None

    @property
    def is_not_modified(self) -> bool:
        return self.status == 304

    @property
    def is_permanent_redirect(self) -> bool:
        """Whether the feed has moved for good; then ``permanent_url`` is its new address to store."""
        return bool(self.permanent_url)


def resolve(host: str, port: int) -> list[IPAddress]:
    """The addresses of ``host`` from the system resolver, in its order of preference. Tests swap this.

    Numeric spellings such as "2130706433", "0x7f.1" and "127.1" come back as 127.0.0.1, so the guard
    judges where a connection would really go. Raises ``OSError`` when the name does not resolve.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(
        dict.fromkeys(
            ipaddress.ip_address(str(info[4][0])) for info in infos if info[0] in (socket.AF_INET, socket.AF_INET6)
        )
    )


class AddressRefused(Exception):
    """Raised by the transport when ``host`` resolved to ``address``; ``feed_fetch`` adds the URL."""

    def __init__(self, host: str, address: IPAddress) -> None:
        self.host = host
        self.address = address
        super().__init__(f"{host} resolved to {address}, which is not fetched")


class GuardedBackend(httpcore.NetworkBackend):
    """Opens TCP connections only to addresses the guard allowed for this host and port.

    TLS is unchanged: httpcore sends the URL's host name as SNI and verifies the certificate for it.
    The allow-list is read per connection; a kept-alive connection was checked when it was opened.
    """

    def __init__(self, network_backend: httpcore.NetworkBackend | None = None) -> None:
        self._network = network_backend if network_backend is not None else httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = _addresses(host, port)
        refused = guard.refused_address(host, port, addresses, allow=settings.WEBCARE_FETCH_ALLOW_PRIVATE)
        if refused is not None:
            raise AddressRefused(host, refused)
        failure = httpcore.ConnectError(f"{host} has no address")
        for address in addresses:
            try:
                stream = self._network.connect_tcp(
                    str(address),
                    port,
                    timeout=_time_left(timeout, httpcore.ConnectTimeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:
                failure = exc
            else:
                return _DeadlineStream(stream)
        raise failure


def _time_left(timeout: float | None, timed_out: type[httpcore.TimeoutException]) -> float | None:
    """``timeout``, or less when the fetch under way must be over sooner (None: no time-out).

    Raises ``timed_out`` when that time has come: a socket time-out of 0 would not wait at all.
    """
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise timed_out("The fetch ran out of time.")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake waits no longer than the fetch using it
    has left. The deadline is looked up per call: a kept-alive connection serves later fetches too."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, timeout=_time_left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, timeout=_time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        stream = self._stream.start_tls(
            ssl_context, server_hostname=server_hostname, timeout=_time_left(timeout, httpcore.ConnectTimeout)
        )
        return _DeadlineStream(stream)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


def _addresses(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        return resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise httpcore.ConnectError(str(exc)) from exc


class GuardedTransport(httpx.BaseTransport):
    """httpx's plain transport (no proxies), with every connection opened by ``GuardedBackend``."""

    def __init__(self, network_backend: httpcore.NetworkBackend | None = None) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=GuardedBackend(network_backend),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors():
            core_response = self._pool.handle_request(core_request)
        if not isinstance(core_response.stream, Iterable):
            raise TypeError("A synchronous connection pool returned an asynchronous body.")
        return httpx.Response(
            status_code=core_response.status,
            headers=core_response.headers,
            stream=_ResponseStream(core_response.stream),
            extensions=core_response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _httpx_errors():
            yield from self._stream

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


# httpcore's errors as httpx's, the most specific first (as httpx's own transport maps them).
_HTTPX_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
)


@contextlib.contextmanager
def _httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        for core_error, httpx_error in _HTTPX_ERRORS:
            if isinstance(exc, core_error):
                raise httpx_error(str(exc)) from exc
        raise


class _NoCookies(CookieJar):
    """A cookie jar that keeps nothing. Feeds need no cookies, and one shared client must not carry a
    cookie one feed set to another feed on the same host (another organisation's, say)."""

    def extract_cookies(self, response: Any, request: Any) -> None:
        return None

    def set_cookie(self, cookie: Cookie) -> None:
        return None


def http_client() -> httpx.Client:
    """The worker's one HTTP client, made on first use (connections are pooled across polls)."""
    global _client
    with _client_lock:
        if _client is None:
            _client = httpx.Client(
                transport=GuardedTransport(),
                cookies=_NoCookies(),
                timeout=httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT),
                follow_redirects=False,  # feed_fetch follows them, checking every hop
                trust_env=False,  # proxies and .netrc from the environment would go around the guard
                headers={
                    "User-Agent": settings.WEBCARE_FETCH_USER_AGENT,
                    "Accept-Encoding": ACCEPT_ENCODING,
                    "Accept": "application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.5",
                },
            )
        return _client


def feed_fetch(url: str, *, etag: str = "", last_modified: str = "") -> FetchResult:
    """GET ``url`` with the validators from the last poll, following at most ``MAX_REDIRECTS`` redirects.

    Returns the body (empty on 304) and, after 301/308 redirects, ``permanent_url``. Every hop is
    checked before anything is sent to it, and all of it together takes at most ``TOTAL_TIMEOUT``.
    Raises ``FetchError``: transient for time-outs, network errors, bodies that do not unpack, 429 and
    5xx; permanent for other 4xx, too many redirects, oversized responses and content codings we did
    not offer; its permanent subclasses ``RefusedURL`` (not http(s), credentials, invalid, a redirect
    from https to http) and ``RefusedAddress`` (the host is on a private network and not in
    ``settings.WEBCARE_FETCH_ALLOW_PRIVATE``).
    """
    deadline = time.monotonic() + TOTAL_TIMEOUT
    token = _deadline.set(deadline)
    try:
        return _follow(url, etag=etag, last_modified=last_modified, deadline=deadline)
    finally:
        _deadline.reset(token)


def _follow(url: str, *, etag: str, last_modified: str, deadline: float) -> FetchResult:
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    hop_url, permanent_url, is_moved = url, "", True
    for _hop in range(MAX_REDIRECTS + 1):
        guard.url_check(hop_url)
        try:
            with http_client().stream("GET", hop_url, headers=headers) as response:
                if not response.has_redirect_location:
                    return _read(url, response, etag=etag, last_modified=last_modified, permanent_url=permanent_url)
                target = guard.redirect_target(str(response.url), response.headers["Location"])
        except AddressRefused as exc:
            raise RefusedAddress(hop_url, str(exc.address)) from exc
        except httpx.TimeoutException as exc:
            if time.monotonic() >= deadline:
                raise _too_slow(url) from exc
            raise FetchError(url, Text("timeout"), permanent=False) from exc
        except httpx.HTTPError as exc:
            raise FetchError(url, Text("unreachable", {"reason": str(exc)}), permanent=False) from exc
        is_moved = is_moved and response.status_code in PERMANENT_REDIRECTS
        if is_moved:
            permanent_url = target
        hop_url = target
    raise FetchError(url, Text("too_many_redirects"), permanent=True)


@dataclass(frozen=True)
class FetchRequest:
    key: int  # the caller's name for it (a source id)
    url: str
    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True)
class Fetched(Generic[Prepared]):
    key: int
    result: FetchResult | FetchError
    started: float  # time.monotonic() when its fetch began
    prepared: Prepared | None = None  # what ``prepare`` made of the result (None for a FetchError)


# Storing an answer takes longer than fetching it, so a few threads keep the caller busy; each holds
# at most one body while the queue is full. Bodies in memory at once: at most these two added up, plus
# the one the caller works on (each capped by WEBCARE_FETCH_MAX_BYTES).
MAX_FETCH_THREADS = 4
FETCH_AHEAD = 2  # fetched bodies that may wait for the caller


def feeds_fetch(
    groups: Sequence[Sequence[FetchRequest]],
    *,
    prepare: Callable[[FetchRequest, FetchResult], Prepared] | None = None,
) -> Generator[Fetched[Prepared], None, None]:
    """``feed_fetch`` every request, yielding each as it completes (a ``FetchError`` as its result).

    The groups run at once, each in a thread (at most ``MAX_FETCH_THREADS``) that fetches its
    requests one after another: callers group by host, so a host never gets more than one of these
    requests at a time. Threads wait while ``FETCH_AHEAD`` results are not taken yet. Stopping the
    iteration early stops the threads after the fetch each is in.

    ``prepare`` (parsing, say) runs on each result in the thread that fetched it, so that it overlaps
    with what the caller does meanwhile (waiting for its database, say); what it returns is the
    item's ``prepared``, and what it raises is raised here, to the caller.
    """
    total = sum(len(group) for group in groups)
    if not total:
        return
    done: queue.Queue[Fetched[Prepared] | BaseException] = queue.Queue(maxsize=FETCH_AHEAD)
    stop = threading.Event()
    language = translation.get_language()  # errors in the caller's language, as from feed_fetch itself

    def run(group: Sequence[FetchRequest]) -> None:
        with translation.override(language):
            for request in group:
                if stop.is_set():
                    return
                started = time.monotonic()
                result = _fetch_or_error(request)
                item: Fetched[Prepared] | BaseException
                try:
                    prepared = prepare(request, result) if prepare and isinstance(result, FetchResult) else None
                    item = Fetched(key=request.key, result=result, started=started, prepared=prepared)
                except Exception as exc:  # a thread's boundary: raised again in the caller
                    item = exc
                while not stop.is_set():
                    try:
                        done.put(item, timeout=0.5)
                        break
                    except queue.Full:
                        continue

    with ThreadPoolExecutor(max_workers=min(MAX_FETCH_THREADS, len(groups)), thread_name_prefix="fetch") as pool:
        try:
            for group in groups:
                pool.submit(run, group)
            for _number in range(total):
                item = done.get()
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()


def _fetch_or_error(request: FetchRequest) -> FetchResult | FetchError:
    try:
        return feed_fetch(request.url, etag=request.etag, last_modified=request.last_modified)
    except FetchError as exc:
        return exc
    except Exception as exc:  # a thread's boundary: the caller records it on the source instead
        logger.exception("Fetching %s failed unexpectedly.", request.url)
        return FetchError(request.url, Text("unreachable", {"reason": str(exc)}), permanent=False)


def _read(url: str, response: httpx.Response, *, etag: str, last_modified: str, permanent_url: str) -> FetchResult:
    """The body of the last ``response`` (not a redirect), unpacked, within the size caps; raises ``FetchError``.

    Time-outs (the fetch's deadline included) come out of the response's stream as ``httpx.TimeoutException``.
    """
    if response.status_code == 304:
        # A 304 has no body (RFC 9110 15.4.5); reading its end lets the connection serve the next poll,
        # where closing the response unread would close the connection too.
        response.read()
        return FetchResult(
            url=str(response.url),
            status=304,
            content=b"",
            etag=response.headers.get("ETag", etag),
            last_modified=response.headers.get("Last-Modified", last_modified),
            permanent_url=permanent_url,
            max_age=max_age(response.headers.get("Cache-Control", "")),
        )
    if response.status_code >= 400:
        raise _status_error(url, response.status_code, retry_after(response.headers.get("Retry-After", "")))
    codings = content_codings(response.headers.get_list("Content-Encoding", split_commas=True))
    if codings is None:
        coding = response.headers.get("Content-Encoding", "")[:40]  # the site's words, shown to people
        raise FetchError(
            url,
            Text("unknown_coding", {"coding": coding}),
            permanent=True,
            status=response.status_code,
        )
    # Two caps: what travels over the wire, and what it unpacks to (a small gzip can hold gigabytes).
    # Unpacking goes a step at a time, so no more than a step beyond the cap is ever in memory.
    raw_limit = settings.WEBCARE_FETCH_MAX_BYTES
    decoded_limit = 2 * raw_limit
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in unpack(_raw_body(url, response, raw_limit), codings):
            size += len(chunk)
            if size > decoded_limit:
                raise _too_large(url, decoded_limit, response.status_code)
            chunks.append(chunk)
    except (zlib.error, brotli.error) as exc:
        raise FetchError(
            url,
            Text("unpack_failed", {"reason": str(exc)}),
            permanent=False,
            status=response.status_code,
        ) from exc
    return FetchResult(
        url=str(response.url),
        status=response.status_code,
        content=b"".join(chunks),
        etag=response.headers.get("ETag", ""),
        last_modified=response.headers.get("Last-Modified", ""),
        permanent_url=permanent_url,
        max_age=max_age(response.headers.get("Cache-Control", "")),
    )


def _raw_body(url: str, response: httpx.Response, limit: int) -> Iterator[bytes]:
    """The body as it came over the wire; raises ``FetchError`` once it is over ``limit`` bytes."""
    size = 0
    for chunk in response.iter_raw():
        size += len(chunk)
        if size > limit:
            raise _too_large(url, limit, response.status_code)
        yield chunk


def _too_large(url: str, limit: int, status: int) -> FetchError:
    return FetchError(
        url,
        Text("too_large", {"bytes": limit}),
        permanent=True,
        status=status,
    )


def _too_slow(url: str) -> FetchError:
    return FetchError(url, Text("too_slow", {"s": int(TOTAL_TIMEOUT)}), permanent=False)


def _status_error(url: str, status: int, wait: timedelta | None = None) -> FetchError:
    if status in (404, 410):
        return FetchError(url, Text("gone", {"status": status}), permanent=True, status=status)
    if status == 429 or status >= 500:
        return FetchError(
            url,
            Text("server_failing", {"status": status}),
            permanent=False,
            status=status,
            retry_after=wait,
        )
    return FetchError(url, Text("refused", {"status": status}), permanent=True, status=status)
