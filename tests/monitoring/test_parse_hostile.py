"""Broken, hostile and oversized input: recoverable XML faults, entity bombs, external entities and unsafe markup."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.utils import translation

from monitoring.feeds.clean import ALLOWED_TAGS
from monitoring.feeds.parse import ParsedFeed, feed_parse
from tests.conftest import sample
from tests.monitoring.test_parse import parse


def everything_said(feed: ParsedFeed) -> str:
    """Every text the parser hands on, to check what must never be in any of it."""
    return repr(feed)


def test_hostile_markup_is_removed_before_it_is_stored():
    feed = feed_parse(sample("hostile.xml"), url="https://forum.example/feed")
    entry = feed.entries[0]

    assert "<" not in entry.title
    assert "onerror" not in entry.title
    assert "<script" not in entry.content_html
    assert "onclick" not in entry.content_html
    assert "javascript:" not in entry.content_html
    assert "<iframe" not in entry.content_html
    assert '<a href="https://ok.example/x" rel="noopener noreferrer nofollow">that</a>' in entry.content_html
    assert "alert" not in entry.snippet


@pytest.mark.parametrize(
    ("name", "problems", "feed_title", "entry_title"),
    [
        (
            "broken_unescaped_ampersand.xml",
            ["Line 4 has an “&” that is not written as “&amp;”"],
            "Bakker & Zn nieuws",
            "Brood & banket: nieuwe openingstijden",
        ),
        (
            "broken_undeclared_entity.xml",
            ["Line 4 uses the HTML name “&eacute;”, unknown to XML"],
            "Café De Hoek",
            "Live muziek op vrijdag \u2013 gratis entree",
        ),
        (
            "broken_bad_charref.xml",
            ["Line 8 has a broken character code (“&#xZZ;”)", "Line 12 refers to a character that XML does not allow"],
            "Buurtvereniging Oost",
            "Opruimdag zaterdag &#xZZ; doe mee",
        ),
    ],
)
def test_ill_formed_but_recoverable_xml_is_read_and_the_fault_named(name, problems, feed_title, entry_title):
    with translation.override("en"):
        feed = parse(name, "https://feeds.example/" + name)

    for problem in problems:
        assert problem in feed.problem
    assert feed.title == feed_title
    assert len(feed.entries) >= 1
    assert feed.entries[0].title == entry_title
    assert "\x00" not in everything_said(feed)


def test_a_bare_ampersand_in_a_link_is_not_read_as_an_entity():
    entry = parse("broken_unescaped_ampersand.xml", "https://bakkerzn.example/feed").entries[0]
    assert entry.url == "https://bakkerzn.example/nieuws?id=7&lang=nl"
    assert entry.snippet == "Vanaf maandag zijn we open van 7 tot 18 uur. Koffie & gebak blijven hetzelfde."


def test_a_well_formed_feed_has_no_problem():
    for name in ("google_alerts.xml", "reddit_subreddit.xml", "mastodon_hashtag.xml", "atom_xmlbase.xml"):
        assert parse(name, "https://feeds.example/" + name).problem == ""


def test_control_characters_never_reach_the_text():
    feed = feed_parse(
        b"<rss><channel><title>A\x01B</title><item><title>C\x00D</title><link>https://a.example/1</link>"
        b"<description>E\x07F</description></item></channel></rss>",
        url="https://a.example/feed",
    )
    assert feed.title == "AB"
    assert feed.entries[0].title == "CD"
    assert feed.entries[0].snippet == "EF"


def test_an_entity_bomb_parses_quickly_into_short_harmless_text():
    started = time.perf_counter()
    with translation.override("en"):
        feed = parse("entity_bomb.xml", "https://bomb.example/feed")
    elapsed = time.perf_counter() - started

    assert elapsed < 1
    assert "declares its own XML entities" in feed.problem
    assert feed.title == "Billion laughs &lol9;"
    assert len(feed.entries) == 1
    assert len(everything_said(feed)) < 2000
    assert "lollol" not in everything_said(feed)


def test_an_entity_bomb_on_one_line_or_in_utf16_is_just_as_harmless():
    one_line = re.sub(rb">\s*<!ENTITY", b"><!ENTITY", sample("entity_bomb.xml")).replace(b"\n]>", b"]>")
    utf16 = sample("entity_bomb.xml").replace(b'encoding="utf-8"', b'encoding="utf-16"').decode().encode("utf-16")
    for content in (one_line, utf16):
        started = time.perf_counter()
        feed = feed_parse(content, url="https://bomb.example/feed")
        assert time.perf_counter() - started < 1
        assert len(everything_said(feed)) < 2000
        assert feed.entries[0].url == "https://bomb.example/1"


@pytest.mark.parametrize("name", ["xxe.xml", "xxe_parameter.xml"])
def test_an_external_entity_reads_no_local_file(name):
    with translation.override("en"):
        feed = parse(name, "https://xxe.example/feed")

    said = everything_said(feed)
    assert "root:" not in said
    assert "/bin/" not in said
    assert "declares its own XML entities" in feed.problem
    assert len(feed.entries) == 1


def test_an_external_entity_in_utf16_reads_no_local_file():
    utf16 = sample("xxe.xml").replace(b'encoding="utf-8"', b'encoding="utf-16"').decode().encode("utf-16")
    feed = feed_parse(utf16, url="https://xxe.example/feed")
    assert "root:" not in everything_said(feed)
    assert feed.entries[0].title == "Read this &xxe;"


def test_hostile_atom_markup_and_links_never_reach_the_text_or_the_links():
    feed = parse("hostile_atom.xml", "https://evil.example/feed.atom")

    first, second = feed.entries
    assert feed.title == "Evil feed"
    assert first.title == "Gewone titel"
    assert first.author == "Eve"
    assert first.snippet == "Samenvatting"
    assert first.url == ""
    assert second.url == ""
    for entry in feed.entries:
        for text in (entry.title, entry.snippet, entry.author):
            assert "<" not in text
            assert "alert" not in text
        for bad in (
            "<script",
            "<style",
            "<iframe",
            "onclick",
            "onerror",
            "onmouseover",
            "javascript:",
            "vbscript:",
            "data:",
        ):
            assert bad not in entry.content_html
    assert '<a href="https://ok.example/y" rel="noopener noreferrer nofollow">veilig</a>' in first.content_html


class _Markup(HTMLParser):
    """Every tag and attribute of an HTML fragment, as a browser's tokenizer meets them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[tuple[str, str]] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            self.attributes.add((tag, name))
            if name == "href":
                self.links.append(value or "")


def test_the_hostile_corpus_keeps_only_plain_formatting_and_web_links():
    feed = parse("hostile_corpus.xml", "https://forum.example/feed.atom")

    assert len(feed.entries) == 15
    for entry in feed.entries:
        markup = _Markup()
        markup.feed(entry.content_html)
        markup.close()
        assert markup.tags <= ALLOWED_TAGS, entry.key
        assert markup.attributes <= {("a", "href"), ("a", "title"), ("a", "rel"), ("abbr", "title")}, entry.key
        for link in markup.links:
            assert link == "" or urlsplit(link).scheme in ("http", "https"), (entry.key, link)
        assert entry.url == "" or entry.url.startswith("https://forum.example/"), entry.key
    by_key = {entry.key.rpartition(":")[2]: entry for entry in feed.entries}
    assert by_key["entry-link-javascript"].url == by_key["entry-link-data"].url == ""
    # Markup written as text (escaped twice in the feed) is what was said, and stays readable as text.
    literal = by_key["literal"]
    assert literal.title == "<img src=x onerror=window.__pwned=130;alert(130)> Iemand schreef dit letterlijk"
    assert literal.author == "<img src=x onerror=window.__pwned=131;alert(131)> Eve"
    assert literal.content_html == (
        "<p>Hoe schrijf je &lt;script&gt;window.__pwned=133&lt;/script&gt; in een forum?</p>"
    )


def test_a_character_code_too_long_for_python_never_breaks_parsing():
    digits = b"9" * 5000
    broken = b"<rss><channel><title>Club</title><item><title>&#" + digits + b";</title>"
    broken += b"<link>https://a.example/1</link></item></channel></rss>"
    escaped = broken.replace(b"&#", b"&amp;#")

    with translation.override("en"):
        repaired = feed_parse(broken, url="https://a.example/feed")
        refused = feed_parse(escaped, url="https://a.example/feed")

    assert repaired.entries[0].url == "https://a.example/1"
    assert "broken character code" in repaired.problem
    assert not refused.is_feed
    assert refused.problem == "The feed holds text that cannot be read."


@pytest.mark.parametrize(
    "content",
    [
        b"<rss><channel><title>x</title>" + b"<?" * 50_000 + b"</channel></rss>",
        b"<rss><channel><title>x</title>" + b"<!--" * 50_000,
        b"<rss><channel><title>x</title>" + b"<![CDATA[" * 50_000,
        b'<?xml version="1.0"?><!DOCTYPE rss [' + b'"' * 50_000 + b"]><rss/>",
        b'<?xml version="1.0"?><!DOCTYPE rss [' + b"<!--" * 50_000,
        b"<rss><channel><item><title>" + b"&a" * 50_000 + b"</title></item></channel></rss>",
    ],
    ids=["processing-instructions", "comments", "cdata", "doctype-quotes", "doctype-comments", "ampersands"],
)
def test_sections_that_never_end_are_parsed_in_linear_time(content):
    started = time.perf_counter()
    feed_parse(content, url="https://a.example/feed")
    assert time.perf_counter() - started < 2
