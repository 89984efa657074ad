"""Random feeds: the fast path and feedparser agree on whatever the fast path accepts."""

from __future__ import annotations

import random

import pytest

from tests.monitoring.test_fastparse import KINDS, URLS, assert_same_both_ways, atom, rss, seeded

TEXTS = [
    "Zwemles",
    "De Dolfijnen",
    " ",
    "\n",
    "\t",
    "café",
    "Ã©",
    "\u0096",
    "\u2019",
    "\U0001f600",
    "&amp;",
    "&lt;b&gt;",
    "&lt;/b&gt;",
    "&lt;p&gt;",
    "&lt;br /&gt;",
    "&amp;nbsp;",
    "&amp;amp;#39;",
    "&#150;",
    "&#8220;",
    "&quot;",
    "'",
    "&gt;",
    "&lt;a href=&quot;https://x.example/a&quot;&gt;x&lt;/a&gt;",
    "&lt;a href=&quot;/rel&quot;&gt;r&lt;/a&gt;",
    "<![CDATA[<i>cdata</i> & more]]>",
    "&lt;script&gt;x()&lt;/script&gt;",
    "&amp;foo;",
    "1 &lt; 2",
]
LINKS = [
    "https://a.example/x",
    "http://a.example/y?a=1&amp;b=2",
    "/relative",
    "relative/path",
    "javascript:alert(1)",
    "https://www.google.com/url?rct=j&amp;url=https://nos.nl/a&amp;ct=ga",
    "",
]
DATES = ["2026-11-20T09:14:03Z", "Fri, 20 Nov 2026 10:00:00 +0100", "2026-11-20", "nonsense", ""]
TYPES = ["", ' type="html"', ' type="text"', ' type="HTML"']


def random_text(rng: random.Random) -> str:
    return "".join(rng.choice(TEXTS) for _ in range(rng.randint(0, 5)))


def random_atom(rng: random.Random) -> bytes:
    parts = [f"<title{rng.choice(TYPES)}>{random_text(rng)}</title>"] if rng.random() < 0.8 else []
    if rng.random() < 0.5:
        parts.append(f"<id>{rng.choice(['tag:google.com,2005:reader/user/1/state/com.google/alerts/2', 'urn:x'])}</id>")
    if rng.random() < 0.3:
        parts.append("<generator>Mastodon</generator>")
    for n in range(rng.randint(0, 3)):
        children = [f"<id>{rng.choice(['tag:google.com,2013:googlealerts/feed:', 'https://a.example/', 'x'])}{n}</id>"]
        children.append(f"<title{rng.choice(TYPES)}>{random_text(rng)}</title>")
        for _ in range(rng.randint(0, 2)):
            rel = rng.choice(["", ' rel="alternate"', ' rel="self"'])
            children.append(f'<link{rel} href="{rng.choice(LINKS)}"/>')
        if rng.random() < 0.6:
            children.append(f"<summary{rng.choice(TYPES)}>{random_text(rng)}</summary>")
        if rng.random() < 0.6:
            children.append(f"<content{rng.choice(TYPES)}>{random_text(rng)}</content>")
        for tag in rng.sample(["published", "updated"], rng.randint(0, 2)):
            children.append(f"<{tag}>{rng.choice(DATES)}</{tag}>")
        if rng.random() < 0.5:
            children.append(f"<author><name>{random_text(rng)}</name></author>")
        rng.shuffle(children)
        parts.append(f"<entry>{''.join(children)}</entry>")
    rng.shuffle(parts)
    return atom("".join(parts))


def random_rss(rng: random.Random) -> bytes:
    parts = [f"<title>{random_text(rng)}</title>"] if rng.random() < 0.8 else []
    if rng.random() < 0.5:
        parts.append(f"<link>{rng.choice(LINKS)}</link>")
    for _ in range(rng.randint(0, 3)):
        children = [f"<title>{random_text(rng)}</title>"] if rng.random() < 0.8 else []
        if rng.random() < 0.8:
            children.append(f"<link>{rng.choice(LINKS)}</link>")
        if rng.random() < 0.7:
            permalink = rng.choice(["", ' isPermaLink="false"', ' isPermaLink="true"'])
            children.append(f"<guid{permalink}>{rng.choice(LINKS) or 'guid-1'}</guid>")
        if rng.random() < 0.7:
            children.append(f"<description>{random_text(rng)}</description>")
        if rng.random() < 0.3:
            children.append(f"<content:encoded>{random_text(rng)}</content:encoded>")
        if rng.random() < 0.7:
            children.append(f"<pubDate>{rng.choice(DATES)}</pubDate>")
        if rng.random() < 0.4:
            tag = rng.choice(["author", "dc:creator"])
            children.append(f"<{tag}>{random_text(rng)}</{tag}>")
        rng.shuffle(children)
        parts.append(f"<item>{''.join(children)}</item>")
    rng.shuffle(parts)
    return rss("".join(parts))


@pytest.mark.parametrize("seed", range(8))
def test_random_feeds_read_the_same_both_ways(seed):
    rng = seeded(seed)
    fast = 0
    for _ in range(40):
        content = random_atom(rng) if rng.random() < 0.5 else random_rss(rng)
        fast += assert_same_both_ways(content, url=rng.choice(URLS), kind=rng.choice(KINDS))
    assert fast >= 30  # the generator makes plain feeds; nearly all take the fast path
