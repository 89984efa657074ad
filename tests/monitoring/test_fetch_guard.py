"""The address guard: private networks, odd spellings, redirects, rebinding names and TLS, checked before connecting."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
from collections.abc import Iterator

import pytest
from django.utils import translation

from monitoring.exceptions import FetchError, RefusedAddress, RefusedURL
from monitoring.feeds import fetch
from monitoring.feeds.fetch import AddressRefused, FetchResult, GuardedBackend, feed_fetch
from monitoring.feeds.fetch import resolve as system_resolve
from monitoring.feeds.guard import IPAddress
from tests.feedserver import TLS_CERTIFICATE, FeedServer, Reply

pytestmark = pytest.mark.usefixtures("dns", "connections")


# Nothing here leaves this machine: names resolve through a stub (`dns`), and `connections` refuses any
# connection that is not to loopback, recording every attempt the socket layer is asked to make.


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
