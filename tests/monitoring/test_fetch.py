"""Fetching feeds: validators, redirects, HTTP errors, and fetching many feeds at once."""

from __future__ import annotations

import gzip
import threading
import time
from datetime import timedelta

import pytest

from monitoring.exceptions import FetchError
from monitoring.feeds import fetch
from monitoring.feeds.fetch import FetchRequest, FetchResult, feed_fetch, feeds_fetch
from tests.conftest import sample
from tests.feedserver import Reply

pytestmark = pytest.mark.usefixtures("dns", "connections")


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


def test_an_unreachable_site_is_a_transient_error():
    with pytest.raises(FetchError) as caught:
        feed_fetch("http://127.0.0.1:9/feed")
    assert not caught.value.permanent
    assert caught.value.reason.startswith("De site is niet bereikbaar (")


def test_only_web_addresses_are_fetched():
    with pytest.raises(FetchError) as caught:
        feed_fetch("file:///etc/passwd")
    assert caught.value.permanent


# Fetching many feeds, pacing and politeness ------------------------------------------------------------


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
