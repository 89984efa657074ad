"""The fast paths give exactly what the slow ones give.

``fastparse.feed_raw`` reads plain RSS 2.0 and Atom with ElementTree; ``parse.feed_parse`` must turn its
result into the very same ``ParsedFeed`` as feedparser's, field by field (``problem`` included), and
anything unusual must go to feedparser; random feeds are held to that in test_fastparse_random.py. The
shortcuts in ``parse._text`` (no HTML parser for plain markup), ``fastparse._html`` (no sanitizer for
markup it leaves unchanged), ``parse.link_unwrap`` and ``enrich``'s cache of compiled phrases are held
to their slow versions the same way in test_fastparse_shortcuts.py (the store's single server-side
insert is held to Django's ``bulk_create`` in test_store.py).
"""

from __future__ import annotations

import random

import pytest

from benchmarks.poll_feeds import atom_feed, rss_feed
from monitoring.feeds import fastparse, parse
from monitoring.feeds.parse import ParsedFeed, feed_parse
from tests.conftest import DATA, sample

KINDS = ["feed", "google_alerts", "mastodon", "reddit", "youtube", "bluesky"]
URLS = [
    "https://www.google.com/alerts/feeds/06331219864226342925/13116384366339738263",
    "https://www.dedolfijnen.example/feed/",
    "http://127.0.0.1:8000/feeds/1.xml",
    "",
]


def seeded(seed: int) -> random.Random:
    """A reproducible stream of choices (not for secrets)."""
    return random.Random(seed)  # noqa: S311


def slow_parse(content: bytes, *, url: str, kind: str = "feed") -> ParsedFeed:
    """``feed_parse`` with the fast path switched off: feedparser reads everything."""
    fast = parse.feed_raw
    parse.feed_raw = lambda content, *, url: None  # type: ignore[assignment]
    try:
        return feed_parse(content, url=url, kind=kind)
    finally:
        parse.feed_raw = fast


def assert_same_both_ways(content: bytes, *, url: str, kind: str = "feed") -> bool:
    """Parse ``content`` both ways and compare every field; returns whether the fast path read it."""
    is_fast = fastparse.feed_raw(content, url=url) is not None
    fast, slow = feed_parse(content, url=url, kind=kind), slow_parse(content, url=url, kind=kind)
    assert (fast.title, fast.query, fast.problem, len(fast.entries)) == (
        slow.title,
        slow.query,
        slow.problem,
        len(slow.entries),
    )
    for fast_entry, slow_entry in zip(fast.entries, slow.entries, strict=True):
        assert fast_entry == slow_entry
    return is_fast


# The captured feeds in tests/data


DATA_FILES = sorted(path.name for path in DATA.glob("*.xml"))
# These must keep taking the fast path: Google Alerts and plain RSS/Atom are what most sources are.
FAST_FILES = {
    "bluesky_profile.xml",
    "bluesky_profile_wyman.xml",
    "google_alerts.xml",
    "google_alerts_entities.xml",
    "google_alerts_inauguracion.xml",
    "google_alerts_philip_dick.xml",
    "hostile.xml",
    "hostile_corpus.xml",
    "reddit_subreddit.xml",
    "rss_missing_titles.xml",
    "rss_relative_links.xml",
    "wordpress_comments.xml",
    "wordpress_posts.xml",
}


@pytest.mark.parametrize("name", DATA_FILES)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("url", URLS)
def test_every_sample_reads_the_same_both_ways(name, kind, url):
    assert_same_both_ways(sample(name), url=url, kind=kind)


@pytest.mark.parametrize("name", DATA_FILES)
def test_the_fast_path_takes_the_plain_samples_and_only_those(name):
    assert (fastparse.feed_raw(sample(name), url=URLS[1]) is not None) == (name in FAST_FILES)


@pytest.mark.parametrize("feed", range(6))
def test_the_benchmark_feeds_take_the_fast_path_and_read_the_same(feed):
    for content, kind in ((atom_feed(feed, 30), "google_alerts"), (rss_feed(feed, 30), "feed")):
        assert assert_same_both_ways(content, url=f"http://127.0.0.1:8000/feed/{feed}.xml", kind=kind)


# Hand-written feeds that probe feedparser's rules one by one

ATOM = '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">{}</feed>'
RSS = '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" {ns}><channel>{}</channel></rss>'
NAMESPACES = (
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:atom="http://www.w3.org/2005/Atom" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"'
)


def atom(body: str) -> bytes:
    return ATOM.format(body).encode()


def rss(body: str) -> bytes:
    return RSS.format(body, ns=NAMESPACES).encode()


FAST_CASES = {
    "atom id stands in for a missing link": atom(
        "<title>T</title><entry><id>https://a.example/1</id><title>x</title></entry>"
    ),
    "atom alternate link wins over the id, in either order": atom(
        '<entry><link href="/b"/><id>https://a.example/1</id></entry>'
        '<entry><id>https://a.example/2</id><link href="/c"/></entry>'
    ),
    "atom links: self, enclosure and non-HTML types are not the link; the last alternate is": atom(
        '<link rel="self" href="/self"/><link href="https://a.example/home" type="text/html"/>'
        '<entry><id>tag:x,2026:1</id><link rel="enclosure" href="/e.mp3"/><link href="/pdf" type="application/pdf"/>'
        '<link rel="ALTERNATE" href="/first"/><link href="/second" type="HTML"/></entry>'
    ),
    "atom text constructs: text, html, missing and upper-case types": atom(
        '<title type="html">&lt;b&gt;Vet&lt;/b&gt; &amp;amp; zo</title><entry><id>1</id>'
        '<title type="text">a &lt;b&gt; c</title>'
        '<summary type="HTML">&lt;p&gt;Een &lt;i&gt;b&lt;/i&gt;&lt;/p&gt;</summary>'
        "<content>plain &lt;b&gt;text&lt;/b&gt;</content></entry>"
    ),
    "atom content before or after the summary": atom(
        '<entry><id>1</id><content type="html">&lt;p&gt;Body&lt;/p&gt;</content><summary>Samenvatting</summary></entry>'
        '<entry><id>2</id><summary>Samenvatting</summary><content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry>'
        '<entry><id>3</id><content type="html">&lt;p&gt;Only content&lt;/p&gt;</content></entry>'
    ),
    "atom authors: name, e-mail, both, neither, and the feed's own": atom(
        "<author><name>Redactie</name><uri>https://a.example/</uri></author>"
        "<entry><id>1</id><author><name>Jan</name><email>jan@a.example</email></author></entry>"
        "<entry><id>2</id><author><email>piet@a.example</email></author></entry>"
        "<entry><id>3</id><author><name></name></author></entry>"
        "<entry><id>4</id><author>  los  </author></entry>"
    ),
    "atom dates: published, updated only, both, none and nonsense": atom(
        "<entry><id>1</id><published>2026-11-20T09:14:03+01:00</published></entry>"
        "<entry><id>2</id><updated>2026-11-20T09:14:03.123Z</updated></entry>"
        "<entry><id>3</id><published>Fri, 20 Nov 2026 10:00:00 GMT</published>"
        "<updated>2027-01-01T00:00:00Z</updated></entry>"
        "<entry><id>4</id><published>gisteren</published><updated>2026-11-20T09:14:03Z</updated></entry>"
        "<entry><id>5</id></entry>"
    ),
    "atom dates no one could have written, read as unknown": atom(
        "<entry><id>1</id><published>0001-01-01T00:10:00+01:00</published></entry>"
        "<entry><id>2</id><updated>9999-12-31T23:59:59-14:00</updated></entry>"
        "<entry><id>3</id><published>1969-12-31T23:59:59Z</published></entry>"
    ),
    "atom with xml:lang, categories, a generator and ignored feed fields": atom(
        '<generator uri="https://g.example/" version="1">Mastodon 4.2</generator>'
        '<subtitle type="html">&lt;b&gt;s&lt;/b&gt;</subtitle>'
        "<icon>/i.png</icon><logo>/l.png</logo><rights>(c)</rights><updated>2026-11-20T09:14:03Z</updated>"
        '<category term="zwemmen"/><entry xml:lang="nl"><id>1</id><category term="a" label="A"/><category term="b"/>'
        '<title xml:lang="en">Titel</title></entry>'
    ),
    "google alerts entry with a redirect link and entities escaped twice": atom(
        "<title>Google Alert - dolfijnen</title><entry><id>tag:google.com,2013:googlealerts/feed:1</id>"
        '<title type="html">&lt;b&gt;Dolfijnen&lt;/b&gt; &amp;amp;#8220;zat&amp;amp;#8221; - NOS</title>'
        '<link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://nos.nl/artikel/1%3Fa%3Db&amp;ct=ga"/>'
        '<content type="html">Zwemles &lt;b&gt;Dolfijnen&lt;/b&gt; &amp;amp;nbsp;...&amp;nbsp;&amp;middot;</content>'
        "<published>2026-11-20T09:14:03Z</published></entry>"
    ),
    "rss basics with relative links and an html description": rss(
        "<title>Club</title><link>/</link><description>Nieuws</description>"
        "<managingEditor>red@a.example (Redactie)</managingEditor>"
        "<item><title>Open dag</title><link>nieuws/open-dag?a=1&amp;b=2</link>"
        '<description>&lt;p&gt;Kom &lt;a href="/agenda"&gt;langs&lt;/a&gt;!&lt;/p&gt;</description>'
        "<pubDate>Thu, 26 Nov 2026 10:00:00 +0100</pubDate></item>"
    ),
    "rss guid: permalink by default, not with isPermaLink false, not with True": rss(
        "<item><guid>forum-1</guid></item>"
        '<item><guid isPermaLink="false">forum-2</guid></item>'
        '<item><guid isPermaLink="True">forum-3</guid></item>'
        "<item><guid>https://a.example/4</guid><link>https://a.example/4-link</link></item>"
        "<item><link>https://a.example/5-link</link><guid>https://a.example/5</guid></item>"
        "<item><link></link><guid>https://a.example/6</guid></item>"
    ),
    "rss description and content:encoded in either order": rss(
        "<item><description>Kort</description>"
        "<content:encoded><![CDATA[<p>Lang <b>en</b> vet</p>]]></content:encoded></item>"
        "<item><content:encoded><![CDATA[<p>Lang</p>]]></content:encoded><description>Kort</description></item>"
        "<item><content:encoded><![CDATA[<p>Alleen lang</p>]]></content:encoded></item>"
    ),
    "rss titles that look like html or not": rss(
        "<title>Bakker &amp; Zn</title>"
        "<item><title>&lt;b&gt;Vet&lt;/b&gt; nieuws</title></item>"
        "<item><title>1 &lt; 2 &amp; 3 &gt; 2</title></item>"
        "<item><title>Caf&amp;eacute; &amp;amp; zo</title></item>"
        "<item><title>&lt;script&gt;alert(1)&lt;/script&gt;Gewoon</title></item>"
        "<item><title>a &lt;unknown&gt;tag&lt;/unknown&gt;</title></item>"
    ),
    "rss authors: author, dc:creator and none": rss(
        "<item><author>jan@a.example (Jan)</author></item>"
        "<item><dc:creator><![CDATA[Marieke]]></dc:creator></item>"
        "<item><dc:creator></dc:creator></item>"
        "<item><title>x</title></item>"
    ),
    "rss channel extras that change nothing": rss(
        '<title>Club</title><atom:link href="https://a.example/feed" rel="self" type="application/rss+xml"/>'
        "<link>https://a.example/</link><language>nl</language>"
        "<lastBuildDate>Fri, 20 Nov 2026 19:02:11 +0000</lastBuildDate>"
        "<pubDate>Fri, 20 Nov 2026 19:02:11 +0000</pubDate><generator>https://wordpress.org/?v=6.7.1</generator>"
        "<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>1</sy:updateFrequency><ttl>60</ttl>"
        "<docs>https://www.rssboard.org/rss-specification</docs><copyright>(c)</copyright><webMaster>w@a.example</webMaster>"
        '<category domain="x">Sport</category><image><url>/logo.png</url><title>Logo</title><link>/</link>'
        "<width>88</width><height>31</height><description>Het logo</description></image>"
        '<item><title>x</title><category domain="d">a</category><category>b</category><comments>/c</comments>'
        '<enclosure url="https://a.example/a.mp3" length="1" type="audio/mpeg"/></item>'
    ),
    "rss channel with an alternate atom link after its own link": rss(
        '<link>https://a.example/</link><atom:link href="https://b.example/" rel="alternate"/>'
        "<item><title>x</title></item>"
    ),
    "text needing feedparser's fixes: UTF-8 read as Latin-1, Windows-1252 codes, odd spaces": rss(
        "<title>  Caf\u00c3\u00a9 \u00c3\u00a9\u00c3\u00a8  </title>"
        "<item><title>\u0096 streepje \u0093quote\u0094 &#150;</title><description>  \u00a0regel\n\n"
        "twee\u00a0 </description><author>\u00c3\u00a9mile</author></item>"
        "<item><title>Gewoon \u00e9\u00e8 en \U0001f600</title><link>https://a.example/\u00e9</link></item>"
    ),
    "links with entities, spaces and other schemes": rss(
        "<item><link>https://a.example/?a=1&amp;amp;b=2&amp;c;=3</link></item>"
        "<item><link>  https://a.example/spaced  </link></item>"
        "<item><link>javascript:alert(1)</link></item>"
        "<item><link>mailto:x@a.example</link></item>"
        "<item><link>//cdn.a.example/x</link></item>"
        "<item><link>https:///a.example/extra-slash</link></item>"
    ),
    "comments and processing instructions inside text": rss(
        "<item><title>Half<!-- weg -->vol<?pi x?>gas</title><description>a<!-- b -->c</description></item>"
    ),
    "element names in any case": rss(
        "<Title>Club</Title><item><TITLE>x</TITLE><Link>https://a.example/1</Link>"
        "<pubdate>Fri, 20 Nov 2026 10:00:00 GMT</pubdate>"
        '<Description>&lt;b&gt;d&lt;/b&gt;</Description><GUID>g-1</GUID><DC:creator xmlns:DC="http://purl.org/dc/elements/1.1/">'
        "Jan</DC:creator></item>"
    ),
    "wordpress comment and trackback fields": rss(
        '<item xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:slash="http://purl.org/rss/1.0/modules/slash/">'
        "<title>x</title><comments>https://a.example/1#respond</comments><wfw:commentRss>https://a.example/1/feed</wfw:commentRss>"
        "<slash:comments>3</slash:comments></item>"
    ),
    "empty feed and entries": atom(""),
    "ascii without a declaration": (
        b'<rss version="2.0"><channel><title>Club</title><item><title>x</title>'
        b"<link>https://a.example/1</link></item></channel></rss>"
    ),
    "markup the sanitizer must clean": rss(
        '<item><description>&lt;p onclick="x()"&gt;Lees &lt;a href="javascript:alert(1)"&gt;dit&lt;/a&gt;'
        '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src="/x.png"&gt;&lt;/p&gt;</description>'
        '<content:encoded><![CDATA[<div style="color:red">Rood <a href="/rel" rel="nofollow ugc">link</a>'
        "<br/>&#39;quote&#39; &#150; &foo; &amp;</div>]]></content:encoded></item>"
    ),
}


@pytest.mark.parametrize("case", FAST_CASES)
@pytest.mark.parametrize("kind", ["feed", "google_alerts", "mastodon", "youtube"])
def test_feedparser_rules_hold_on_the_fast_path(case, kind):
    for url in URLS:
        assert assert_same_both_ways(FAST_CASES[case], url=url, kind=kind), f"{case} took feedparser's path"


# What goes to feedparser

FALLBACK_CASES = {
    "a doctype": b'<?xml version="1.0" encoding="utf-8"?><!DOCTYPE rss><rss version="2.0"><channel/></rss>',
    "an entity declaration": (
        b'<?xml version="1.0" encoding="utf-8"?><!DOCTYPE rss [<!ENTITY e "x">]><rss><channel>'
        b"<title>&e;</title></channel></rss>"
    ),
    "an undeclared entity": rss("<title>Caf&eacute;</title>"),
    "a bare ampersand": rss("<title>Bakker & Zn</title>"),
    "a tag that is not closed": rss("<title>x</title><item><title>y</item>"),
    "latin-1 declared": (
        '<?xml version="1.0" encoding="iso-8859-1"?><rss><channel><title>Café</title></channel></rss>'
    ).encode("latin-1"),
    "non-ascii without a declaration": "<rss><channel><title>Café</title></channel></rss>".encode(),
    "a byte order mark": b"\xef\xbb\xbf" + rss("<title>x</title>"),
    "blank space before the declaration": b"\n  " + rss("<title>x</title>"),
    "utf-16": '<?xml version="1.0" encoding="utf-16"?><rss><channel/></rss>'.encode("utf-16"),
    "xml:base": atom('<entry xml:base="https://b.example/"><id>1</id><link href="x"/></entry>'),
    "a base attribute": atom('<entry><id base="https://b.example/">1</id></entry>'),
    "rdf": sample("rdf_pecl.xml"),
    "the rss 1.0 namespace declared": (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns:r="http://purl.org/rss/1.0/" '
        b'xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>'
    ),
    "an element in an unknown namespace": rss('<item><x:foo xmlns:x="urn:x">y</x:foo></item>'),
    "media rss": sample("mastodon_hashtag.xml"),
    "an unknown element": rss("<item><source url='https://b.example/'>B</source></item>"),
    "a title given twice": rss("<item><title>a</title><title>b</title></item>"),
    "two authors": rss("<item><author>a@a.example</author><dc:creator>B</dc:creator></item>"),
    "markup inside a title": atom(
        '<entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">x</div></title></entry>'
    ),
    "base64 content": atom('<entry><content type="application/octet-stream">eA==</content></entry>'),
    "content by reference": atom('<entry><content src="https://a.example/x"/></entry>'),
    "an atom link without href": atom("<entry><link>https://a.example/</link></entry>"),
    "an item with attributes": rss('<item rdf:about="x" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'),
    "atom 0.3": b'<?xml version="1.0" encoding="utf-8"?><feed version="0.3" xmlns="http://purl.org/atom/ns#"/>',
    "not xml at all": b"<html><body>Hallo</body></html>",
    "a character code python cannot read": rss("<item><title>&amp;#" + "9" * 5000 + ";</title></item>"),
}


@pytest.mark.parametrize("case", FALLBACK_CASES)
def test_unusual_documents_go_to_feedparser_and_read_the_same(case):
    content = FALLBACK_CASES[case]
    assert fastparse.feed_raw(content, url=URLS[1]) is None
    assert_same_both_ways(content, url=URLS[1])


@pytest.mark.parametrize("name", ["entity_bomb.xml", "xxe.xml", "xxe_parameter.xml"])
def test_hostile_samples_never_take_the_fast_path(name):
    assert fastparse.feed_raw(sample(name), url=URLS[1]) is None


def test_the_fast_path_never_expands_entities_even_if_asked_directly():
    bomb = sample("entity_bomb.xml")
    assert not fastparse._is_plain_document(bomb)
    assert fastparse.feed_raw(bomb.replace(b"<!DOCTYPE", b"<!doctype"), url="") is None
