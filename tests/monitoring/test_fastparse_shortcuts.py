"""The shortcuts inside the paths give what their slow versions give: plain text, kept markup, links, enrich."""

from __future__ import annotations

import random
from urllib.parse import parse_qs, urljoin

from feedparser.sanitizer import _sanitize_html
from feedparser.urls import _urljoin as feedparser_urljoin
from feedparser.urls import resolve_relative_uris

from monitoring.feeds import fastparse, parse
from monitoring.feeds.clean import text_from_html
from monitoring.feeds.enrich import DEFAULT_SIGNALS, Signal, enrich
from tests.monitoring.test_fastparse import seeded

FRAGMENT_PIECES = [
    *"ab .-'\"><&",
    "Zwemles",
    "  ",
    "\n",
    "\t",
    "\xa0",
    "é",
    "\u2019",
    "\u00ad",
    "\x01",
    "\x0b",
    "\x1f",
    "\x7f",
    "\x85",
    "\r",
    "\x00",
    "&amp;",
    "&lt;",
    "&gt;",
    "&quot;",
    "&nbsp;",
    "&middot;",
    "&eacute;",
    "&foo;",
    "&amp",
    "&notit;",
    "&#39;",
    "&#34;",
    "&#8220;",
    "&#x27;",
    "&#X41;",
    "&#0;",
    "&#11;",
    "&#128;",
    "&#150;",
    "&#x9F;",
    "&#65534;",
    "&#xD800;",
    "&#1114111;",
    "&#1114112;",
    "&#9;",
    "&#10;",
    "&#13;",
    "<b>",
    "</b>",
    "<i>",
    "</i>",
    "<p>",
    "</p>",
    "<br>",
    "<br/>",
    "<br />",
    "<div>",
    "</div>",
    "<li>",
    "</li>",
    "<ul>",
    "</ul>",
    "<ol>",
    "<pre>",
    "</pre>",
    "<blockquote>",
    "<h1>",
    "</h2>",
    "<span>",
    "</span>",
    '<a href="https://x.example/a?b=1">',
    '<a href="/rel">',
    '<a href="">',
    "</a>",
    "<q>",
    "</q>",
    "<code>",
    "<em>",
    "<strong>",
    "<sub>",
    "<sup>",
    "</u>",
    "<s>",
    "<small>",
    "<abbr>",
    "<B>",
    "<script>",
    "</script>",
    "<style>",
    "<table>",
    "<td>",
    '<img src="x">',
    "<!--",
    "-->",
    "<![CDATA[",
]


def random_fragment(rng: random.Random) -> str:
    return "".join(rng.choice(FRAGMENT_PIECES) for _ in range(rng.randint(0, 14)))


def test_plain_text_shortcut_matches_the_html_parser():
    rng = seeded(7)
    shortcuts = 0
    for _ in range(20_000):
        fragment = random_fragment(rng)
        slow = text_from_html(parse._BLOCK_END.sub(lambda match: match[0] + " ", fragment))
        assert parse._text(fragment) == slow, fragment
        shortcuts += parse._is_plain_markup(fragment)
    assert shortcuts > 4000


def test_markup_left_alone_is_what_feedparser_would_give_back():
    rng = seeded(11)
    kept = 0
    for _ in range(20_000):
        fragment = random_fragment(rng).strip()
        for base in ("https://a.example/feed", ""):
            if fastparse._PLAIN_HTML.fullmatch(fragment) and fastparse._is_unchanged(fragment, base):
                resolved = resolve_relative_uris(fragment, base, "utf-8", "text/html")
                assert _sanitize_html(resolved, "utf-8", "text/html") == fragment
                kept += 1
    assert kept > 2000


URL_PIECES = [
    "http://", "https://", "HTTP://", "ftp://", "//", "http:/", "http:", "a.example", "b.example:80", "u@c.example",
    "[::1]", "[", "]", "/", "//", "/a", "b", "/a;b", ";", "/../", "./", "%20", "é", "\\", " ", "\t", "\n", "\x00",
    "?", "?a=1", "&b=2", "#", "#x", "@", ":", "",
]  # fmt: skip


def test_absolute_links_taken_as_they_are_join_to_themselves():
    rng = seeded(5)
    taken = 0
    for _ in range(20_000):
        url = "".join(rng.choice(URL_PIECES) for _ in range(rng.randint(1, 7)))
        if rng.random() < 0.5:
            url = rng.choice(["http://", "https://"]) + url
        if fastparse.is_absolute_as_is(url):
            taken += 1
            for base in ("http://a.example/feed", "https://a.example/", "http://127.0.0.1:1/f.xml", ""):
                assert urljoin(base, url) == url, (base, url)
                assert feedparser_urljoin(base, url) == url, (base, url)
    assert taken > 1500


def test_links_and_ids_join_as_feedparser_joins_them():
    rng = seeded(6)
    pieces = [*URL_PIECES, "tag:", "urn:", "TAG:", "g.com,2013:", "x:", "mailto:", "http:", "HTTP:", "\u00e9:", "a b"]
    bases = ["http://a.example/feed", "https://a.example/", "", "tag:x", "ht\ttp://a.example/", " http://a/", "x"]
    for _ in range(20_000):
        url = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 6)))
        for base in bases:
            assert fastparse.url_join(base, url) == feedparser_urljoin(base, url), (base, url)


def test_google_redirects_unwrap_as_parse_qs_reads_them():
    rng = seeded(3)
    pieces = [
        "url=",
        "q=",
        "url",
        "=",
        "&",
        "+",
        "%20",
        "%75rl=",
        "https://a.example/x",
        "http://b.example/",
        "a=1",
        "",
        ";",
    ]
    for _ in range(5_000):
        query = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        for name in ("url", "q"):
            assert parse._query_first(query, name) == (parse_qs(query).get(name) or [""])[0], query


def test_enrich_gives_the_same_for_a_tuple_a_list_and_a_list_changed_between_calls():
    texts = ["Ik ben boos en teleurgesteld", "Weet iemand hoe laat?", "Top, bedankt!", "Niet tevreden", ""]
    signals = list(DEFAULT_SIGNALS)
    expected = [enrich(title="", text=text, signals=DEFAULT_SIGNALS) for text in texts]
    assert [enrich(title="", text=text, signals=signals) for text in texts] == expected
    signals.append(Signal(phrase="afgelast", category="complaint", weight=3))
    assert enrich(title="", text="Weer afgelast", signals=signals).category == "complaint"
    assert enrich(title="", text="Weer afgelast", signals=DEFAULT_SIGNALS).category == "other"
