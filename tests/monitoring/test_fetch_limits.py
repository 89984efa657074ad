"""Caps on a fetch: size limits, compression bombs, content codings and time limits."""

from __future__ import annotations

import contextlib
import gzip
import time
import tracemalloc
import zlib

import brotli
import pytest
from django.utils import translation

from monitoring.exceptions import FetchError
from monitoring.feeds import fetch
from monitoring.feeds.fetch import feed_fetch
from tests.conftest import sample
from tests.feedserver import RawServer, Reply

pytestmark = pytest.mark.usefixtures("dns", "connections")


def test_an_oversized_feed_is_refused(feed_server, settings):
    settings.WEBCARE_FETCH_MAX_BYTES = 2048
    url = feed_server.serve("/huge", Reply(b"x" * 10_000))
    with pytest.raises(FetchError, match=r"groter dan 2,0\sKB") as caught:
        feed_fetch(url)
    assert caught.value.permanent


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
