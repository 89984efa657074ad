from __future__ import annotations

import gzip

import pytest

from monitoring.exceptions import FetchError
from monitoring.feeds.fetch import feed_fetch
from tests.conftest import sample
from tests.feedserver import Reply


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
