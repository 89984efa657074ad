"""What the fetch thread makes of an answer: the feed parsed and its entries enriched, or why not."""

from __future__ import annotations

from monitoring.exceptions import ParseError
from monitoring.feeds import read
from monitoring.feeds.enrich import DEFAULT_SIGNALS, enrich
from monitoring.feeds.fetch import FetchResult
from monitoring.feeds.read import ReadFeed, feed_read
from monitoring.feeds.terms import watch_terms_parse
from tests.conftest import sample

URL = "https://www.google.com/alerts/feeds/1/2"


def answer(content: bytes, status: int = 200) -> FetchResult:
    return FetchResult(url=URL, status=status, content=content, etag="", last_modified="")


def test_it_parses_and_enriches_every_entry():
    got = feed_read(answer(sample("google_alerts.xml")), source_url=URL, kind="google_alerts", signals=DEFAULT_SIGNALS)

    assert isinstance(got, ReadFeed)
    assert len(got.feed.entries) == 3
    for entry in got.feed.entries:
        assert got.enrichments[entry.key] == enrich(title=entry.title, text=entry.snippet, signals=DEFAULT_SIGNALS)
    assert "repeated_author" not in {flag for e in got.enrichments.values() for flag in e.flags}


def test_a_304_holds_nothing_to_read():
    assert feed_read(answer(b"", status=304), source_url=URL, kind="feed", signals=DEFAULT_SIGNALS) is None


def test_a_page_that_is_no_feed_is_an_error_naming_the_source():
    got = feed_read(answer(b"<html><body>Welkom</body></html>"), source_url=URL, kind="feed", signals=())
    assert isinstance(got, ParseError)
    assert got.text.code == "not_a_feed"


def test_an_entry_repeated_in_a_feed_is_enriched_as_its_first_copy():
    item = "<item><guid>same</guid><title>{}</title><description>{}</description></item>"
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Forum</title>'
        + item.format("Ik ben boos", "Weer afgelast, nooit meer!")
        + item.format("Bedankt", "Wat een goede les, een aanrader.")
        + "</channel></rss>"
    ).encode()

    got = feed_read(answer(rss), source_url=URL, kind="feed", signals=DEFAULT_SIGNALS)

    assert isinstance(got, ReadFeed)
    first, second = got.feed.entries
    assert first.key == second.key
    assert list(got.enrichments) == [first.key]
    assert got.enrichments[first.key].category == "complaint"


def test_an_enrichment_that_fails_fails_this_feed_alone(monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("the language model is gone")

    monkeypatch.setattr(read, "enrich", broken)

    got = feed_read(answer(sample("google_alerts.xml")), source_url=URL, kind="google_alerts", signals=())

    assert isinstance(got, ParseError)
    assert got.text.code == "unreadable"
    assert "the language model is gone" in str(got)
    assert any(record.exc_info for record in caplog.records)


def test_only_entries_the_watch_terms_keep_are_enriched():
    terms = watch_terms_parse("zwemles", "")
    content = sample("google_alerts.xml")

    general = feed_read(answer(content), source_url=URL, kind="feed", signals=DEFAULT_SIGNALS, terms=terms)
    search = feed_read(
        answer(content), source_url=URL, kind="feed", signals=DEFAULT_SIGNALS, terms=terms, is_query=True
    )

    assert isinstance(general, ReadFeed)
    assert isinstance(search, ReadFeed)
    kept = [entry.key for entry in general.feed.entries if "zwemles" in (entry.title + entry.snippet).lower()]
    assert 0 < len(kept) < 3
    assert list(general.enrichments) == kept
    assert list(search.enrichments) == [entry.key for entry in search.feed.entries]
