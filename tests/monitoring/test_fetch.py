from __future__ import annotations

import contextlib
import gzip
import ipaddress
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from datetime import timedelta

import brotli
import httpcore
import pytest
from django.utils import translation

from monitoring.exceptions import FetchError, RefusedAddress, RefusedURL
from monitoring.feeds import fetch
from monitoring.feeds.fetch import AddressRefused, FetchRequest, FetchResult, GuardedBackend, feed_fetch, feeds_fetch
from monitoring.feeds.fetch import resolve as system_resolve
from monitoring.feeds.guard import IPAddress
from tests.conftest import sample
from tests.feedserver import TLS_CERTIFICATE, FeedServer, RawServer, Reply


def test_it_fetches_a_feed_and_keeps_its_validators(feed_server):
    url = feed_server.serve(
        "/alerts.xml",
        Reply(sample("google_alerts.xml"), headers={"ETag": '"v1"', "Last-Modified": "Fri, 20 Nov 2026 09:14:03 GMT"}),
    )
    result = feed_fetch(url)
    assert result.status == 200
    assert result.content == sample("google_alerts.xml")
    assert (result.etag, result.last_modified) == ('"v1"', "Fri, 20 Nov 2026 09:14:03 GMT")
    assert feed_server.requests[0].headers["User-Agent"].startswith("WebcareInbox/")


def test_304_sends_the_validators_and_returns_no_body(feed_server):
    def conditional(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Reply(status=304, headers={"ETag": '"v1"'})
        return Reply(b"changed")

    url = feed_server.serve("/feed", conditional)
    result = feed_fetch(url, etag='"v1"', last_modified="Fri, 20 Nov 2026 09:14:03 GMT")
    assert result.is_not_modified
    assert result.content == b""
    assert result.etag == '"v1"'
    assert feed_server.requests[0].headers["If-Modified-Since"] == "Fri, 20 Nov 2026 09:14:03 GMT"


def test_gzip_bodies_are_decoded(feed_server):
    url = feed_server.serve("/gz", Reply(gzip.compress(b"<rss/>"), headers={"Content-Encoding": "gzip"}))
    assert feed_fetch(url).content == b"<rss/>"


def test_redirects_are_followed(feed_server):
    feed_server.serve("/new", Reply(b"<rss/>"))
    url = feed_server.serve("/old", Reply(status=301, headers={"Location": "/new"}))
    result = feed_fetch(url)
    assert result.url == feed_server.url("/new")


@pytest.mark.parametrize(("status", "permanent"), [(404, True), (410, True), (403, True), (429, False), (503, False)])
def test_http_errors_say_whether_to_try_again(feed_server, status, permanent):
    url = feed_server.serve("/feed", Reply(b"no", status=status))
    with pytest.raises(FetchError) as caught:
        feed_fetch(url)
    assert caught.value.permanent is permanent
    assert caught.value.status == status
    assert str(status) in caught.value.reason


def test_an_oversized_feed_is_refused(feed_server, settings):
    settings.WEBCARE_FETCH_MAX_BYTES = 2048
    url = feed_server.serve("/huge", Reply(b"x" * 10_000))
    with pytest.raises(FetchError, match=r"groter dan 2,0\sKB") as caught:
        feed_fetch(url)
    assert caught.value.permanent


def test_an_unreachable_site_is_a_transient_error():
    with pytest.raises(FetchError) as caught:
        feed_fetch("http://127.0.0.1:9/feed")
    assert not caught.value.permanent
    assert caught.value.reason.startswith("De site is niet bereikbaar (")


def test_only_web_addresses_are_fetched():
    with pytest.raises(FetchError) as caught:
        feed_fetch("file:///etc/passwd")
    assert caught.value.permanent


# The address guard ------------------------------------------------------------------------------------
# Nothing here leaves this machine: names resolve through a stub, and `connections` refuses any
# connection that is not to loopback, recording every attempt the socket layer is asked to make.


class StubResolver:
    """Answers from ``names`` (a name → one list of addresses, or a list of answers in turn)."""

    def __init__(self) -> None:
        self.names: dict[str, list[str] | list[list[str]]] = {}
        self.calls: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> list[IPAddress]:
        self.calls.append((host, port))
        answers = self.names.get(host)
        if not answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answer = answers.pop(0) if isinstance(answers[0], list) else answers
        return [ipaddress.ip_address(address) for address in answer]


@pytest.fixture(autouse=True)
def dns(monkeypatch) -> StubResolver:
    resolver = StubResolver()
    monkeypatch.setattr(fetch, "resolve", resolver)
    return resolver


@pytest.fixture(autouse=True)
def connections(monkeypatch) -> list[tuple[str, int]]:
    """Every (host, port) httpcore's socket layer was asked to connect to; only loopback is let through."""
    attempts: list[tuple[str, int]] = []
    connect = httpcore.SyncBackend.connect_tcp

    def recording_connect(self, host, port, *args, **kwargs):
        attempts.append((host, port))
        if host not in ("127.0.0.1", "::1"):
            raise httpcore.ConnectError(f"the tests never connect to {host}")
        return connect(self, host, port, *args, **kwargs)

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", recording_connect)
    return attempts


def numeric_only(host: str, port: int) -> list[IPAddress]:
    """The real resolver, for hosts the system reads as numbers (so no DNS query is ever sent)."""
    socket.getaddrinfo(host, port, flags=socket.AI_NUMERICHOST)
    return system_resolve(host, port)


def port_of(feed_server) -> int:
    return int(feed_server.base_url.rsplit(":", 1)[1])


def test_a_name_on_the_allow_list_is_fetched_from_the_address_that_was_checked(feed_server, settings, dns, connections):
    settings.WEBCARE_FETCH_ALLOW_PRIVATE = ["feeds.example"]
    dns.names["feeds.example"] = ["127.0.0.1"]
    port = port_of(feed_server)
    feed_server.serve("/feed", Reply(b"<rss/>"))

    result = feed_fetch(f"http://feeds.example:{port}/feed")

    assert result.content == b"<rss/>"
    assert result.url == f"http://feeds.example:{port}/feed"
    assert dns.calls == [("feeds.example", port)]
    assert connections == [("127.0.0.1", port)]
    assert feed_server.requests[0].headers["Host"] == f"feeds.example:{port}"


def test_a_name_on_a_private_address_is_refused_before_connecting(dns, connections):
    dns.names["evil.example"] = ["169.254.169.254"]
    with translation.override("en"), pytest.raises(RefusedAddress) as caught:
        feed_fetch("http://evil.example/latest/meta-data/")
    with translation.override("en"):  # the error is put into words when it is shown
        assert str(caught.value) == (
            "The feed address leads into a private network (169.254.169.254) and is not fetched."
        )
    assert caught.value.permanent
    assert (caught.value.url, caught.value.address) == ("http://evil.example/latest/meta-data/", "169.254.169.254")
    assert connections == []


def test_loopback_is_refused_when_the_allow_list_is_empty(feed_server, settings, connections):
    settings.WEBCARE_FETCH_ALLOW_PRIVATE = []
    url = feed_server.serve("/feed", Reply(b"<rss/>"))
    with pytest.raises(RefusedAddress) as caught:
        feed_fetch(url)
    assert caught.value.address == "127.0.0.1"
    assert connections == []
    assert feed_server.requests == []


@pytest.mark.parametrize(("entry", "is_allowed"), [("127.0.0.1:{port}", True), ("127.0.0.1:{other}", False)])
def test_an_allow_list_entry_with_a_port_allows_only_that_port(feed_server, settings, entry, is_allowed):
    port = port_of(feed_server)
    settings.WEBCARE_FETCH_ALLOW_PRIVATE = [entry.format(port=port, other=port + 1)]
    url = feed_server.serve("/feed", Reply(b"<rss/>"))
    if is_allowed:
        assert feed_fetch(url).content == b"<rss/>"
    else:
        with pytest.raises(RefusedAddress):
            feed_fetch(url)
        assert feed_server.requests == []


@pytest.mark.parametrize(
    "host",
    [
        "169.254.169.254", "10.0.0.1", "172.16.0.1", "192.168.0.1", "100.64.0.1", "0.0.0.0", "224.0.0.1",  # noqa: S104
        "255.255.255.255", "198.18.0.1", "[::1]", "[::]", "[fe80::1]", "[fd00::1]", "[::ffff:127.0.0.1]",
        "[::ffff:7f00:1]", "[::ffff:169.254.169.254]", "[2002:7f00:1::]", "[64:ff9b::a00:1]",
    ],
)  # fmt: skip
def test_private_ip_literals_are_refused_before_connecting(host, feed_server, dns, connections):
    port = port_of(feed_server)
    with pytest.raises(RefusedAddress) as caught:
        feed_fetch(f"http://{host}:{port}/feed")
    assert caught.value.address == str(ipaddress.ip_address(host.strip("[]")))
    assert dns.calls == []
    assert connections == []


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "127.1", "0x7f000001", "017700000001", "0177.0.0.1"])
def test_odd_spellings_of_loopback_are_refused_although_127_0_0_1_is_allowed(
    host, feed_server, monkeypatch, connections
):
    monkeypatch.setattr(fetch, "resolve", numeric_only)
    port = port_of(feed_server)

    with pytest.raises(AddressRefused) as caught:
        GuardedBackend().connect_tcp(host, port)

    assert str(caught.value.address) == "127.0.0.1"
    assert connections == []


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "127.1", "0177.0.0.1"])
def test_odd_spellings_of_loopback_in_a_feed_address_are_refused(host, feed_server, monkeypatch, connections):
    monkeypatch.setattr(fetch, "resolve", numeric_only)
    feed_server.serve("/feed", Reply(b"<rss/>"))
    with pytest.raises(FetchError) as caught:
        feed_fetch(f"http://{host}:{port_of(feed_server)}/feed")
    assert isinstance(caught.value, RefusedAddress | RefusedURL)
    assert caught.value.permanent
    assert connections == []
    assert feed_server.requests == []


def test_the_real_resolver_reads_numeric_spellings_as_the_address_they_mean():
    assert system_resolve("2130706433", 80) == [ipaddress.ip_address("127.0.0.1")]
    assert system_resolve("0x7f.1", 80) == [ipaddress.ip_address("127.0.0.1")]


def test_addresses_with_credentials_are_not_fetched(feed_server):
    feed_server.serve("/feed", Reply(b"<rss/>"))
    with pytest.raises(RefusedURL) as caught:
        feed_fetch(feed_server.url("/feed").replace("http://", "http://user:secret@"))
    assert caught.value.permanent
    assert feed_server.requests == []


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_into_the_metadata_service_is_refused_before_connecting(feed_server, connections, status):
    url = feed_server.serve("/feed", Reply(status=status, headers={"Location": "http://169.254.169.254/latest/"}))
    with pytest.raises(RefusedAddress) as caught:
        feed_fetch(url)
    assert (caught.value.url, caught.value.address) == ("http://169.254.169.254/latest/", "169.254.169.254")
    assert connections == [("127.0.0.1", port_of(feed_server))]
    assert [request.path for request in feed_server.requests] == ["/feed"]


def test_a_redirect_to_a_name_on_a_private_address_is_refused(feed_server, dns, connections):
    dns.names["evil.example"] = ["fd00::1"]
    url = feed_server.serve("/feed", Reply(status=302, headers={"Location": "https://evil.example/x"}))
    with pytest.raises(RefusedAddress) as caught:
        feed_fetch(url)
    assert caught.value.address == "fd00::1"
    assert dns.calls == [("evil.example", 443)]
    assert connections == [("127.0.0.1", port_of(feed_server))]


@pytest.mark.parametrize("location", ["file:///etc/passwd", "gopher://127.0.0.1:6379/_", "http://u:p@127.0.0.1/"])
def test_a_redirect_to_an_address_we_do_not_fetch_is_refused(feed_server, location):
    url = feed_server.serve("/feed", Reply(status=302, headers={"Location": location}))
    with pytest.raises(RefusedURL) as caught:
        feed_fetch(url)
    assert caught.value.url == location
    assert len(feed_server.requests) == 1


def redirect_chain(feed_server, hops: int) -> str:
    for hop in range(hops):
        feed_server.serve(f"/hop{hop}", Reply(status=302, headers={"Location": f"/hop{hop + 1}"}))
    feed_server.serve(f"/hop{hops}", Reply(b"<rss/>"))
    return feed_server.url("/hop0")


def test_five_redirects_are_followed(feed_server):
    result = feed_fetch(redirect_chain(feed_server, 5))
    assert result.url == feed_server.url("/hop5")
    assert result.content == b"<rss/>"


def test_a_sixth_redirect_is_refused_without_following_it(feed_server):
    with pytest.raises(FetchError) as caught:
        feed_fetch(redirect_chain(feed_server, 6))
    assert caught.value.permanent
    assert [request.path for request in feed_server.requests] == [f"/hop{hop}" for hop in range(6)]


@pytest.mark.parametrize(
    ("status", "is_permanent"), [(301, True), (308, True), (302, False), (303, False), (307, False)]
)
def test_301_and_308_say_the_feed_moved_for_good(feed_server, status, is_permanent):
    feed_server.serve("/new", Reply(b"<rss/>"))
    url = feed_server.serve("/old", Reply(status=status, headers={"Location": "/new"}))
    result = feed_fetch(url)
    assert result.url == feed_server.url("/new")
    assert result.is_permanent_redirect is is_permanent
    assert result.permanent_url == (feed_server.url("/new") if is_permanent else "")


def test_a_fetch_without_redirects_did_not_move():
    result = FetchResult("http://feeds.example/", 200, b"", "", "")
    assert not result.is_permanent_redirect


@pytest.mark.parametrize(
    ("statuses", "moved_to"), [((301, 308), "/b"), ((301, 302), "/a"), ((302, 301), None), ((308, 301), "/b")]
)
def test_the_permanent_address_ends_where_the_first_temporary_redirect_starts(feed_server, statuses, moved_to):
    first, second = statuses
    feed_server.serve("/start", Reply(status=first, headers={"Location": "/a"}))
    feed_server.serve("/a", Reply(status=second, headers={"Location": "/b"}))
    feed_server.serve("/b", Reply(b"<rss/>"))
    result = feed_fetch(feed_server.url("/start"))
    assert result.url == feed_server.url("/b")
    assert result.permanent_url == (feed_server.url(moved_to) if moved_to else "")


def test_a_304_after_a_permanent_redirect_still_reports_the_move(feed_server):
    feed_server.serve("/new", Reply(status=304, headers={"ETag": '"v1"'}))
    url = feed_server.serve("/old", Reply(status=308, headers={"Location": "/new"}))
    result = feed_fetch(url, etag='"v1"')
    assert result.is_not_modified
    assert result.permanent_url == feed_server.url("/new")


def test_a_relative_redirect_is_resolved_against_the_current_address(feed_server):
    feed_server.serve("/dir/new.xml", Reply(b"<rss/>"))
    url = feed_server.serve("/dir/old.xml", Reply(status=302, headers={"Location": "new.xml"}))
    assert feed_fetch(url).url == feed_server.url("/dir/new.xml")


def test_a_rebinding_name_is_connected_to_at_the_address_that_was_checked(feed_server, settings, dns, connections):
    # A rebinding name answers a public address to the check and loopback to a second lookup.
    settings.WEBCARE_FETCH_ALLOW_PRIVATE = []
    dns.names["rebind.example"] = [["93.184.216.34"], ["127.0.0.1"], ["127.0.0.1"]]
    port = port_of(feed_server)
    feed_server.serve("/feed", Reply(b"secret"))

    with pytest.raises(FetchError) as caught:
        feed_fetch(f"http://rebind.example:{port}/feed")

    assert not caught.value.permanent  # the test's socket layer refused the public address
    assert dns.calls == [("rebind.example", port)]
    assert connections == [("93.184.216.34", port)]
    assert feed_server.requests == []


def test_a_name_with_a_public_and_a_private_address_is_refused(feed_server, dns, connections):
    dns.names["both.example"] = ["93.184.216.34", "127.0.0.1"]
    with pytest.raises(RefusedAddress) as caught:
        feed_fetch(f"http://both.example:{port_of(feed_server)}/feed")
    assert caught.value.address == "127.0.0.1"
    assert connections == []


def test_the_next_checked_address_is_tried_when_one_does_not_answer(feed_server, settings, dns, connections):
    settings.WEBCARE_FETCH_ALLOW_PRIVATE = ["feeds.example"]
    port = port_of(feed_server)
    dns.names["feeds.example"] = ["::1", "127.0.0.1"]  # the feed server listens on IPv4 only
    feed_server.serve("/feed", Reply(b"<rss/>"))
    assert feed_fetch(f"http://feeds.example:{port}/feed").content == b"<rss/>"
    assert connections == [("::1", port), ("127.0.0.1", port)]


def test_a_name_that_does_not_resolve_is_a_transient_error(dns, connections):
    with pytest.raises(FetchError) as caught:
        feed_fetch("http://unknown.example/feed")
    assert not caught.value.permanent
    assert connections == []


def test_tls_is_spoken_to_the_host_name_at_the_checked_address(settings, dns, connections):
    settings.WEBCARE_FETCH_ALLOW_PRIVATE = ["feeds.example"]
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(5)
        port = listener.getsockname()[1]
        dns.names["feeds.example"] = ["127.0.0.1"]
        hello = bytearray()

        def read_client_hello() -> None:
            with contextlib.suppress(OSError), listener.accept()[0] as connection:
                connection.settimeout(5)
                hello.extend(connection.recv(65536))

        reader = threading.Thread(target=read_client_hello, daemon=True)
        reader.start()
        with pytest.raises(FetchError):
            feed_fetch(f"https://feeds.example:{port}/feed")
        reader.join(timeout=10)

    assert connections == [("127.0.0.1", port)]
    assert b"feeds.example" in hello  # the server name (SNI) in the TLS ClientHello


@pytest.fixture
def fresh_client(monkeypatch) -> Iterator[None]:
    """A shared client made inside the test, so it sees the test's environment."""
    monkeypatch.setattr(fetch, "_client", None)
    yield
    if fetch._client is not None:
        fetch._client.close()


@pytest.fixture
def tls_server(monkeypatch, fresh_client) -> Iterator[FeedServer]:
    """An https feed server whose certificate the (fresh) shared client trusts."""
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS_CERTIFICATE))
    server = FeedServer(tls=True).start()
    yield server
    server.stop()


def test_an_https_feed_is_fetched_over_tls(tls_server):
    url = tls_server.serve("/feed", Reply(b"<rss/>"))
    assert url.startswith("https://127.0.0.1:")
    assert feed_fetch(url).content == b"<rss/>"


@pytest.mark.parametrize("status", [301, 302, 308])
def test_a_redirect_from_https_to_plain_http_is_refused_before_following_it(tls_server, feed_server, status):
    plain = feed_server.serve("/feed", Reply(b"<rss/>"))
    url = tls_server.serve("/feed", Reply(status=status, headers={"Location": plain}))
    with pytest.raises(RefusedURL) as caught:
        feed_fetch(url)
    assert caught.value.permanent
    assert caught.value.url == plain
    assert [request.path for request in tls_server.requests] == ["/feed"]
    assert feed_server.requests == []


def test_a_proxy_from_the_environment_does_not_go_around_the_guard(feed_server, monkeypatch, dns, fresh_client):
    proxy = feed_server.serve("/", Reply(b"proxied"))
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, proxy)
    dns.names["evil.example"] = ["169.254.169.254"]
    with pytest.raises(RefusedAddress):
        feed_fetch("http://evil.example/latest/meta-data/")
    assert feed_server.requests == []


# Caps, pacing and politeness -------------------------------------------------------------------------


def test_a_gzip_bomb_is_stopped_at_the_unpacked_cap(feed_server, settings):
    settings.WEBCARE_FETCH_MAX_BYTES = 64 * 1024
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024))
    assert len(bomb) < settings.WEBCARE_FETCH_MAX_BYTES
    url = feed_server.serve("/bomb", Reply(bomb, headers={"Content-Encoding": "gzip"}))
    with pytest.raises(FetchError, match=r"groter dan 128,0\sKB") as caught:
        feed_fetch(url)
    assert caught.value.permanent


def packed(body: bytes, codings: str) -> bytes:
    """``body`` with the content codings of a Content-Encoding header applied, in the order listed."""
    for coding in codings.split(", "):
        if coding in ("gzip", "x-gzip"):
            body = gzip.compress(body)
        elif coding == "deflate":
            body = zlib.compress(body)
        elif coding == "raw-deflate":
            packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
            body = packer.compress(body) + packer.flush()
        elif coding == "br":
            body = brotli.compress(body, quality=5)  # as small as at 11 for zeros, and much faster
    return body


@pytest.mark.parametrize("codings", ["br", "gzip", "deflate", "gzip, br"])
def test_a_compression_bomb_is_stopped_without_unpacking_it_in_memory(feed_server, settings, codings):
    settings.WEBCARE_FETCH_MAX_BYTES = 256 * 1024
    unpacked_cap = 2 * settings.WEBCARE_FETCH_MAX_BYTES
    bomb = packed(b"\0" * (32 * 1024 * 1024), codings)
    assert len(bomb) < 40_000
    url = feed_server.serve("/bomb", Reply(bomb, headers={"Content-Encoding": codings}))

    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match=r"groter dan 512,0\sKB") as caught:
            feed_fetch(url)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert caught.value.permanent
    # What was read so far and its copy while it is refused, never the 32 MB the bomb holds.
    assert peak < 2 * unpacked_cap


@pytest.mark.parametrize("codings", ["gzip", "x-gzip", "deflate", "raw-deflate", "br", "gzip, br", "identity"])
def test_every_offered_coding_is_decoded(feed_server, codings):
    body = sample("google_alerts.xml")
    header = codings.replace("raw-deflate", "deflate")
    url = feed_server.serve("/feed", Reply(packed(body, codings), headers={"Content-Encoding": header}))
    assert feed_fetch(url).content == body


def test_a_coding_we_did_not_offer_is_refused_in_plain_words(feed_server):
    url = feed_server.serve("/feed", Reply(b"(\xb5/\xfd...", headers={"Content-Encoding": "zstd"}))
    with translation.override("en"), pytest.raises(FetchError) as caught:
        feed_fetch(url)
    with translation.override("en"):  # the error is put into words when it is shown
        assert str(caught.value) == "The site sent the feed packed in a way we cannot read (zstd)."
    assert caught.value.permanent
    assert feed_server.requests[0].headers["Accept-Encoding"] == "gzip, deflate, br"


def test_a_body_that_does_not_unpack_is_a_transient_error(feed_server):
    url = feed_server.serve("/feed", Reply(b"not gzip at all", headers={"Content-Encoding": "gzip"}))
    with translation.override("en"), pytest.raises(FetchError) as caught:
        feed_fetch(url)
    with translation.override("en"):  # the error is put into words when it is shown
        assert str(caught.value).startswith("The site sent a feed that could not be unpacked (")
    assert not caught.value.permanent


def test_brotli_bodies_are_decoded(feed_server):
    url = feed_server.serve("/br", Reply(brotli.compress(b"<rss/>"), headers={"Content-Encoding": "br"}))
    assert feed_fetch(url).content == b"<rss/>"
    assert "br" in feed_server.requests[-1].headers["Accept-Encoding"]


def test_a_site_that_drips_its_feed_is_given_up_on(feed_server, monkeypatch):
    monkeypatch.setattr(fetch, "TOTAL_TIMEOUT", 1.0)

    def drip(request):
        request.send_response(200)
        request.send_header("Content-Length", "100")
        request.end_headers()
        with contextlib.suppress(OSError):  # the client hangs up part-way
            for _ in range(100):
                request.wfile.write(b"x")
                request.wfile.flush()
                time.sleep(0.05)

    url = feed_server.serve("/drip", drip)
    with pytest.raises(FetchError, match="te traag") as caught:
        feed_fetch(url)
    assert not caught.value.permanent


def test_a_site_that_drips_its_headers_is_given_up_on_in_time(monkeypatch):
    monkeypatch.setattr(fetch, "TOTAL_TIMEOUT", 1.5)

    def drip(connection, stopping):
        connection.recv(65536)
        for byte in b"HTTP/1.1 200 OK\r\nX-Padding: " + b"x" * 40:  # one byte every 0.2 s, 10 s in all
            if stopping.is_set():
                return
            connection.sendall(bytes([byte]))
            time.sleep(0.2)

    server = RawServer(drip).start()
    try:
        started = time.monotonic()
        with pytest.raises(FetchError, match="te traag") as caught:
            feed_fetch(server.url("/feed"))
        took = time.monotonic() - started
    finally:
        server.stop()
    assert not caught.value.permanent
    assert took < 1.5 + 0.5


def test_a_site_that_stalls_the_tls_handshake_is_given_up_on_in_time(monkeypatch):
    monkeypatch.setattr(fetch, "TOTAL_TIMEOUT", 1.5)

    def stall(connection, stopping):
        connection.recv(65536)  # the ClientHello, never answered
        stopping.wait(10)

    server = RawServer(stall).start()
    try:
        started = time.monotonic()
        with pytest.raises(FetchError, match="te traag") as caught:
            feed_fetch(server.url("/feed").replace("http://", "https://"))
        took = time.monotonic() - started
    finally:
        server.stop()
    assert not caught.value.permanent
    assert took < 1.5 + 0.5


def test_the_time_limit_covers_the_whole_redirect_chain(feed_server, monkeypatch):
    monkeypatch.setattr(fetch, "TOTAL_TIMEOUT", 1.5)

    def slowly(reply):
        def route(request):
            time.sleep(1.2)  # each answer well within the read timeout, the two together not
            return reply

        return route

    feed_server.serve("/new", slowly(Reply(b"<rss/>")))
    url = feed_server.serve("/old", slowly(Reply(status=302, headers={"Location": "/new"})))
    started = time.monotonic()
    with pytest.raises(FetchError, match="te traag") as caught:
        feed_fetch(url)
    assert time.monotonic() - started < 1.5 + 0.4
    assert not caught.value.permanent


@pytest.mark.parametrize(("header", "seconds"), [("120", 120), ("", None), ("soon", None)])
def test_429_says_how_long_the_site_asked_us_to_wait(feed_server, header, seconds):
    url = feed_server.serve("/busy", Reply(b"", status=429, headers={"Retry-After": header} if header else {}))
    with pytest.raises(FetchError) as caught:
        feed_fetch(url)
    expected = None if seconds is None else timedelta(seconds=seconds)
    assert caught.value.retry_after == expected


def test_feeds_fetch_gives_every_answer_once_and_errors_as_results(feed_server):
    ok = feed_server.serve("/ok.xml", Reply(sample("google_alerts.xml"), headers={"ETag": '"1"'}))
    same = feed_server.serve("/same.xml", Reply(status=304, headers={"ETag": '"2"'}))
    gone = feed_server.serve("/gone.xml", Reply(b"gone", status=404))

    fetched = list(
        feeds_fetch([[FetchRequest(key=1, url=ok), FetchRequest(key=2, url=same, etag='"2"')], [FetchRequest(3, gone)]])
    )

    results = {item.key: item.result for item in fetched}
    assert sorted(results) == [1, 2, 3]
    assert isinstance(results[1], FetchResult)
    assert results[1].etag == '"1"'
    assert isinstance(results[2], FetchResult)
    assert results[2].is_not_modified
    assert isinstance(results[3], FetchError)
    assert results[3].permanent
    assert feed_server.requests[-1].headers.get("If-None-Match") in (None, '"2"')


def test_feeds_fetch_runs_groups_at_once_and_a_group_one_request_at_a_time(feed_server):
    lock = threading.Lock()
    active: list[str] = []
    most: dict[str, int] = {}

    def slow(request):
        group = request.path.split("/")[1]
        with lock:
            most[group] = max(most.get(group, 0), sum(1 for path in active if path.startswith(f"/{group}/")) + 1)
            active.append(request.path)
        time.sleep(0.2)
        with lock:
            active.remove(request.path)
        return Reply(sample("google_alerts.xml"))

    groups = [
        [FetchRequest(key=10 * g + n, url=feed_server.serve(f"/{g}/{n}.xml", slow)) for n in range(3)] for g in range(2)
    ]

    started = time.monotonic()
    keys = [item.key for item in feeds_fetch(groups)]

    assert sorted(keys) == [0, 1, 2, 10, 11, 12]
    assert most == {"0": 1, "1": 1}  # never two requests of one group at once
    assert time.monotonic() - started < 1.1  # the two groups ran side by side (6 x 0.2 s one by one)


def test_a_304_leaves_its_connection_open_for_the_next_poll(feed_server, connections, fresh_client):
    first = feed_server.serve("/a.xml", Reply(status=304, headers={"ETag": '"a"'}))
    second = feed_server.serve("/b.xml", Reply(status=304, headers={"ETag": '"b"'}))

    assert feed_fetch(first, etag='"a"').is_not_modified
    assert feed_fetch(second, etag='"b"').is_not_modified

    assert len(connections) == 1


def test_feeds_fetch_turns_an_unexpected_failure_into_a_fetch_error(monkeypatch):
    def broken(url, **kwargs):
        raise RuntimeError("a bug in the network stack")

    monkeypatch.setattr(fetch, "feed_fetch", broken)

    [item] = feeds_fetch([[FetchRequest(key=1, url="https://feeds.example.org/a.xml")]])

    assert isinstance(item.result, FetchError)
    assert not item.result.permanent
    assert "a bug in the network stack" in str(item.result)


def test_feeds_fetch_prepares_each_answer_in_the_thread_that_fetched_it(feed_server):
    ok = feed_server.serve("/ok.xml", Reply(sample("google_alerts.xml")))
    gone = feed_server.serve("/gone.xml", Reply(b"gone", status=404))
    threads: list[str] = []

    def prepare(request, result):
        threads.append(threading.current_thread().name)
        return (request.key, len(result.content))

    items = {item.key: item for item in feeds_fetch([[FetchRequest(1, ok), FetchRequest(2, gone)]], prepare=prepare)}

    assert items[1].prepared == (1, len(sample("google_alerts.xml")))
    assert items[2].prepared is None  # a failed fetch is not prepared
    assert isinstance(items[2].result, FetchError)
    assert len(threads) == 1
    assert threads[0] != threading.current_thread().name


def test_feeds_fetch_raises_what_preparing_raised_and_stops(feed_server):
    urls = [feed_server.serve(f"/{n}.xml", Reply(sample("google_alerts.xml"))) for n in range(10)]

    def prepare(request, result):
        raise RuntimeError("a bug in the parser")

    with pytest.raises(RuntimeError, match="a bug in the parser"):
        list(feeds_fetch([[FetchRequest(n, url) for n, url in enumerate(urls)]], prepare=prepare))

    time.sleep(0.2)
    assert len(feed_server.requests) < 10  # the fetches stopped early


def test_a_cookie_one_feed_sets_never_goes_to_another(feed_server):
    first = feed_server.serve("/club-a.xml", Reply(b"<rss/>", headers={"Set-Cookie": "session=club-a; Path=/"}))
    second = feed_server.serve("/club-b.xml", Reply(b"<rss/>"))
    feed_fetch(first)
    feed_fetch(second)
    feed_fetch(first)
    assert [request.headers.get("Cookie") for request in feed_server.requests] == [None, None, None]
