"""A fast path for plain, well-formed RSS 2.0 and Atom 1.0 feeds: ElementTree instead of feedparser.

``feed_raw`` reads such a document into the values feedparser would give ``parse.py`` for the keys it
reads (feed: ``title``, ``link``, ``id``, ``author``, ``generator``; entry: ``id``, ``link``, ``title``,
``summary`` and its type, ``content``, ``author``, ``published``, ``updated`` and their parsed dates),
following feedparser's rules step by step (see ``feedparser/mixin.py``, ``_FeedParserMixin.pop``) and
calling feedparser's own helpers where the rules are intricate: joining URLs, its HTML sanitizer for
markup beyond a few plain tags, and its date parser. ``parse.feed_parse`` turns either result into
the same ``ParsedFeed``; ``tests/monitoring/test_fastparse.py`` holds the two paths to that.

``None`` means "let feedparser read it", and that is the answer for anything unusual: a DOCTYPE or an
entity declaration (never expanded here: feedparser's path drops them safely), a document that is
not well-formed, not declared UTF-8 (or, undeclared, not plain ASCII), RDF, Atom 0.3 and other
formats, ``xml:base``, an element or attribute outside the short list below, a field given twice,
XHTML or base64 content, markup inside a field.

Known elements: Atom ``feed`` (``id``, ``title``, ``subtitle``, ``link``, ``updated``, ``author``,
``generator``, ``icon``, ``logo``, ``rights``, ``category``) and ``entry`` (``id``, ``title``,
``link``, ``published``, ``updated``, ``summary``, ``content``, ``author``, ``category``); RSS 2.0
``channel`` (its usual fields, ``image``, ``atom:link`` and ``sy:*``) and ``item`` (``title``,
``link``, ``description``, ``guid``, ``pubDate``, ``author``, ``dc:creator``, ``content:encoded``,
``category``, ``comments``, ``wfw:commentRss``, ``slash:comments``, ``enclosure``). That covers
Google Alerts and most blog and forum feeds; platform feeds with Media RSS or YouTube elements go to
feedparser.

It borrows feedparser's private helpers (dates, sanitizing, URL joining) to give exactly its values,
so pyproject.toml holds feedparser to the minor version this was written against (6.0).
"""

from __future__ import annotations

import contextlib
import functools
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html.entities import name2codepoint
from typing import Any

import defusedxml.ElementTree as defused
from defusedxml import DefusedXmlException
from feedparser.datetimes import _parse_date
from feedparser.encodings import RE_XML_PI_ENCODING
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.sanitizer import _sanitize_html
from feedparser.urls import _urljoin, make_safe_absolute_uri, resolve_relative_uris


@dataclass(frozen=True)
class RawFeed:
    """A feed as feedparser structures it: ``feed`` and ``entries`` answer ``.get(key)`` alike."""

    feed: Mapping[str, Any]
    entries: Sequence[Mapping[str, Any]]


class _Unusual(Exception):
    """Something this module does not read exactly as feedparser does: feedparser reads the feed."""


def feed_raw(content: bytes, *, url: str) -> RawFeed | None:
    """``content`` (fetched from ``url``) read as feedparser would read it, or ``None`` to use feedparser."""
    if not _is_plain_document(content):
        return None
    base = _base_uri(url)
    if base is None:
        return None
    try:
        # _is_plain_document already refused any DTD; defusedxml refuses one again, should it slip by.
        root = defused.fromstring(content, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException):
        return None
    try:
        if root.tag == _ATOM + "feed":
            return _atom(root, base)
        if root.tag == "rss":
            return _rss(root, base)
    except (_Unusual, ValueError):
        # ValueError: feedparser's sanitizer refuses a character code Python cannot read; its own
        # path then fails the same way, and parse.feed_parse reports that.
        return None
    return None


# The document as a whole

_ATOM = "{http://www.w3.org/2005/Atom}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Namespaces read here, with the prefix feedparser gives their elements ("dc:creator" is "dc_creator").
_PREFIXES = {
    "http://www.w3.org/2005/Atom": "",
    "http://purl.org/dc/elements/1.1/": "dc_",
    "http://purl.org/rss/1.0/modules/content/": "content_",
    "http://purl.org/rss/1.0/modules/syndication/": "sy_",
    "http://purl.org/rss/1.0/modules/slash/": "slash_",
    "http://wellformedweb.org/CommentAPI/": "wfw_",
}
# A DTD is where entity bombs and external entities live; feedparser's path strips it safely.
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_DECLARATION = re.compile(rb"""<\?xml version=(["'])1\.0\1 encoding=(["'])utf-8\2""", re.IGNORECASE)
_XMLNS = re.compile(rb"""xmlns(?::[^\s=/>]*)?\s*=\s*(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)')""")
# Declaring one of these makes feedparser read a feed as RSS 1.0 or 0.90 (``track_namespace``).
_VERSION_NAMESPACES = frozenset({b"http://purl.org/rss/1.0/", b"http://my.netscape.com/rdf/simple/0.9/"})


def _is_plain_document(content: bytes) -> bool:
    """Whether feedparser reads ``content`` as UTF-8 without complaint and as RSS 2.0 or Atom 1.0.

    Without a Content-Type, feedparser takes the encoding its own pattern finds on the first line,
    or ISO-8859-1 when there is none (``encodings.convert_to_utf8``): so a declaration of UTF-8 that
    both it and expat read, or plain ASCII.
    """
    if _DTD.search(content):
        return False
    if content.startswith(b"<?"):
        declared = RE_XML_PI_ENCODING.match(content)
        if not _DECLARATION.match(content) or declared is None or declared[1].lower() != b"utf-8":
            return False
    elif not content.startswith(b"<") or not content.isascii():
        return False
    for declaration in _XMLNS.finditer(content):
        uri = declaration["double"] if declaration["double"] is not None else declaration["single"]
        if b"&" in uri or uri.lower() in _VERSION_NAMESPACES:
            return False
    return True


# An absolute http(s) address that joining against any base gives back as written (``urljoin`` takes
# it apart and puts it together again): printable ASCII without spaces, brackets (IPv6 hosts, which
# are checked), ";" (path parameters) or backslashes, a host, and no "?" or "#" with nothing after it.
_ABSOLUTE_AS_IS = re.compile(
    r"https?://[^\x00-\x20\x7f-\U0010ffff;\[\]\\/?#]++(?:/[^\x00-\x20\x7f-\U0010ffff;\[\]\\?#]*+)?+"
    r"(?:\?[^\x00-\x20\x7f-\U0010ffff;\[\]\\#]++)?+(?:#[^\x00-\x20\x7f-\U0010ffff;\[\]\\]++)?+"
)


def is_absolute_as_is(url: str) -> bool:
    """Whether ``urljoin(base, url)`` (urllib's or feedparser's) is ``url`` itself, whatever ``base``.

    Most links in feeds are such addresses; taking them as they are saves parsing each twice.
    """
    return _ABSOLUTE_AS_IS.fullmatch(url) is not None


# A scheme as urlsplit reads it: a letter, then letters, digits, "+", "-" or ".", up to the first ":".
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*+:")


def url_join(base: str, url: str) -> str:
    """feedparser's ``_urljoin(base, url)``.

    Besides absolute http(s) addresses (``is_absolute_as_is``), an id of a scheme other than the
    base's ("tag:…", "urn:…") comes back as written too: ``urljoin`` gives back any address whose
    scheme differs from the base's, when urlsplit takes it (ASCII, no brackets) and feedparser's fix
    for "scheme:///" leaves it alone (no "://").
    """
    if _ABSOLUTE_AS_IS.fullmatch(url):
        return url
    scheme = _SCHEME.match(url)
    if scheme and url.isascii() and "://" not in url and "[" not in url and "]" not in url:
        base_scheme = _SCHEME.match(base.lstrip(_SPACE_AND_CONTROLS).translate(_TAB_AND_NEWLINES))
        if base_scheme is None or base_scheme[0].lower() != scheme[0].lower():
            return url
    return _urljoin(base, url)  # type: ignore[no-any-return]


# What urlsplit takes away before it reads an address: spaces and controls at its start, and any tab or newline.
_SPACE_AND_CONTROLS = "".join(map(chr, range(33)))
_TAB_AND_NEWLINES = str.maketrans("", "", "\t\r\n")


def _base_uri(url: str) -> str | None:
    """The base feedparser resolves links against: ``url`` as it settles at the first element."""
    base = make_safe_absolute_uri("", url) or make_safe_absolute_uri(url) or ""

    def settled(uri: str) -> str:
        return (make_safe_absolute_uri(uri, uri) or uri) if uri else _urljoin(uri, uri)

    first = settled(base)
    return first if settled(first) == first else None


@functools.lru_cache(maxsize=256)
def _key(tag: str) -> str:
    """feedparser's name for an element ("title", "dc_creator"); raises ``_Unusual`` for other namespaces."""
    if tag[0] != "{":
        return tag.lower()
    uri, _, local = tag[1:].partition("}")
    prefix = _PREFIXES.get(uri)
    if prefix is None:
        raise _Unusual(tag)
    return prefix + local.lower()


def _attributes(element: ET.Element) -> dict[str, str]:
    """The attributes as feedparser sees them: names lower-cased, ``rel`` and ``type`` values too."""
    attributes: dict[str, str] = {}
    if not element.attrib:
        return attributes
    for name, value in element.attrib.items():
        if name == _XML_LANG:
            continue
        if name[0] == "{" or name.lower() in attributes or name.lower() == "base":
            raise _Unusual(name)
        lowered = name.lower()
        attributes[lowered] = value.lower() if lowered in ("rel", "type") else value
    return attributes


def _bare(element: ET.Element) -> None:
    """Raises ``_Unusual`` unless the element has no attributes (``xml:lang`` aside)."""
    if _attributes(element):
        raise _Unusual(element.tag)


def _leaf(element: ET.Element, *, allowed: frozenset[str] = frozenset()) -> dict[str, str]:
    """The attributes of an element that must hold only text, and only ``allowed`` attributes."""
    if len(element):
        raise _Unusual(element.tag)
    attributes = _attributes(element)
    if not attributes.keys() <= allowed:
        raise _Unusual(element.tag)
    return attributes


# Atom 1.0

_ATOM_FEED_IGNORED = {  # elements that change nothing parse.py reads, with the attributes they may have
    "subtitle": frozenset({"type"}),
    "rights": frozenset({"type"}),
    "updated": frozenset(),
    "icon": frozenset(),
    "logo": frozenset(),
    "category": frozenset({"term", "scheme", "label"}),
}


def _atom(root: ET.Element, base: str) -> RawFeed:
    _attributes(root)
    feed: dict[str, Any] = {}
    entries: list[dict[str, Any]] = []
    once: set[str] = set()
    for child in root:
        key = _key(child.tag)
        if key == "entry":
            entries.append(_atom_entry(child, base))
        elif key == "link":
            _link_element(child, feed, base)
        elif key in _ATOM_FEED_IGNORED:
            _leaf(child, allowed=_ATOM_FEED_IGNORED[key])
        elif key in once:
            raise _Unusual(key)
        elif key == "id":
            _id(child, feed, base)
        elif key == "title":
            feed["title"] = _construct(child, "title", "text/plain", base=base, is_atom=True)[0]
        elif key == "author":
            _author(child, feed)
        elif key == "generator":
            feed["generator"] = _plain(child, allowed=frozenset({"uri", "version"}))
        else:
            raise _Unusual(key)
        once.add(key)
    return RawFeed(feed=feed, entries=entries)


def _atom_entry(element: ET.Element, base: str) -> dict[str, Any]:
    _bare(element)
    entry: dict[str, Any] = {}
    once: set[str] = set()
    for child in element:
        key = _key(child.tag)
        if key == "link":
            _link_element(child, entry, base)
        elif key == "category":
            _leaf(child, allowed=frozenset({"term", "scheme", "label"}))
        elif key in once:
            raise _Unusual(key)
        elif key == "id":
            _id(child, entry, base)
        elif key == "title":
            entry["title"] = _construct(child, "title", "text/plain", base=base, is_atom=True)[0]
        elif key == "summary":
            _summary(child, entry, "summary", "text/plain", base=base, is_atom=True)
        elif key == "content":
            _content(child, entry, "text/plain", base=base, is_atom=True)
        elif key in ("published", "updated"):
            entry[key] = _plain(child)
        elif key == "author":
            _author(child, entry)
        else:
            raise _Unusual(key)
        once.add(key)
    return _dated(entry)


# RSS 2.0

_CHANNEL_IGNORED = {  # elements that change nothing parse.py reads, with the attributes they may have
    "description": frozenset(),
    "language": frozenset(),
    "copyright": frozenset(),
    "webmaster": frozenset(),
    "pubdate": frozenset(),
    "lastbuilddate": frozenset(),
    "category": frozenset({"domain"}),
    "docs": frozenset(),
    "ttl": frozenset(),
    "sy_updateperiod": frozenset(),
    "sy_updatefrequency": frozenset(),
    "sy_updatebase": frozenset(),
}
_IMAGE_CHILDREN = frozenset({"url", "title", "link", "width", "height", "description"})


def _rss(root: ET.Element, base: str) -> RawFeed:
    if not _attributes(root).keys() <= {"version"} or len(root) != 1 or root[0].tag != "channel":
        raise _Unusual("rss")
    channel = root[0]
    _bare(channel)
    feed: dict[str, Any] = {}
    entries: list[dict[str, Any]] = []
    once: set[str] = set()
    for child in channel:
        tag = child.tag
        if tag == "item":
            entries.append(_rss_item(child, base))
            continue
        if tag == _ATOM + "link":  # feedparser reads Atom's elements in RSS as its own
            _link_element(child, feed, base)
            continue
        key = _key(tag)
        if key in _CHANNEL_IGNORED:
            _leaf(child, allowed=_CHANNEL_IGNORED[key])
            continue
        if key in once:
            raise _Unusual(key)
        once.add(key)
        if key == "title":
            feed["title"] = _construct(child, "title", "text/plain", base=base, is_atom=False)[0]
        elif key == "link":
            feed["link"] = _REFERENCE_LEFT.sub(r"&\g<1>", _link_text(child, base))
        elif key == "managingeditor":  # read as the feed's author
            feed["author"] = _plain(child)
        elif key == "generator":
            feed["generator"] = _plain(child)
        elif key == "image":
            _image(child)
        else:
            raise _Unusual(key)
    return RawFeed(feed=feed, entries=entries)


def _image(element: ET.Element) -> None:
    """An image changes nothing parse.py reads, as long as it holds only its own fields once each."""
    _bare(element)
    keys = [_key(child.tag) for child in element]
    if not set(keys) <= _IMAGE_CHILDREN or len(set(keys)) != len(keys):
        raise _Unusual("image")
    for child in element:
        _leaf(child)


def _rss_item(element: ET.Element, base: str) -> dict[str, Any]:
    _bare(element)
    entry: dict[str, Any] = {}
    once: set[str] = set()
    for child in element:
        key = _key(child.tag)
        if key == "category":
            _leaf(child, allowed=frozenset({"domain"}))
            continue
        if key in ("author", "dc_creator"):
            key = "author"
        if key in once:
            raise _Unusual(key)
        once.add(key)
        if key == "title":
            entry["title"] = _construct(child, "title", "text/plain", base=base, is_atom=False)[0]
        elif key == "link":
            entry["link"] = _REFERENCE_LEFT.sub(r"&\g<1>", _link_text(child, base).replace("&amp;", "&"))
        elif key == "guid":
            _id(child, entry, base)
        elif key == "description":
            _summary(child, entry, "description", "text/html", base=base, is_atom=False)
        elif key == "content_encoded":
            _content(child, entry, "text/html", base=base, is_atom=False)
        elif key == "pubdate":
            entry["published"] = _plain(child)
        elif key == "author":
            _author(child, entry)
        elif key in ("comments", "slash_comments", "wfw_comment", "wfw_commentrss"):
            _leaf(child)
        elif key == "enclosure":
            _leaf(child, allowed=frozenset({"url", "length", "type"}))
        else:
            raise _Unusual(key)
    return _dated(entry)


# Fields, as feedparser's ``pop`` turns an element's text into a value

# feedparser un-escapes "&name;" left in links as "&name" (its fix for "?a=1&b;=2").
_REFERENCE_LEFT = re.compile("&([A-Za-z0-9_]+);")
_CONTENT_TYPES = {"text": "text/plain", "plain": "text/plain", "html": "text/html", "xhtml": "application/xhtml+xml"}
_looks_like_html = _FeedParserMixin.looks_like_html


def _text(element: ET.Element) -> str:
    return (element.text or "").strip()


def _fixed(text: str) -> str:
    """feedparser's last steps for every value: undo UTF-8 read as Latin-1, map Windows-1252's extras."""
    if text.isascii():
        return text
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        text = text.encode("iso-8859-1").decode("utf-8")
    return text.translate(_cp1252)


def _plain(element: ET.Element, *, allowed: frozenset[str] = frozenset()) -> str:
    """A field that is plain text (a date, a name, a generator)."""
    _leaf(element, allowed=allowed)
    return _fixed(_text(element))


def _link_text(element: ET.Element, base: str) -> str:
    """An RSS link: its text resolved against the base, then fixed like every value."""
    _leaf(element)
    text = _text(element)
    return _fixed(url_join(base, text) if text else text)


def _id(element: ET.Element, context: dict[str, Any], base: str) -> None:
    """An Atom id or RSS guid; a guid that is a permalink is resolved and stands in for a missing link."""
    attributes = _leaf(element, allowed=frozenset({"ispermalink"}))
    is_link = attributes.get("ispermalink", "true") == "true"
    text = _text(element)
    value = _fixed(url_join(base, text) if is_link and text else text)
    context["id"] = value
    if is_link:
        context.setdefault("link", value)


def _link_element(element: ET.Element, context: dict[str, Any], base: str) -> None:
    """An Atom link: an alternate HTML link is the link (the last one wins, as in feedparser)."""
    attributes = _leaf(element, allowed=frozenset({"href", "rel", "type", "hreflang", "title", "length"}))
    if "href" not in attributes or _text(element):
        raise _Unusual("link")
    kind = _CONTENT_TYPES.get(attributes.get("type", "text/html"), attributes.get("type", "text/html"))
    if attributes.get("rel", "alternate") == "alternate" and kind in ("text/html", "application/xhtml+xml"):
        context["link"] = url_join(base, attributes["href"])


def _author(element: ET.Element, context: dict[str, Any]) -> None:
    """An author: "name (email)", the name or the e-mail address when given, else the element's text."""
    _bare(element)
    detail: dict[str, str] = {}
    for child in element:
        key = _key(child.tag)
        if key not in ("name", "email", "uri") or key in detail:
            raise _Unusual(key)
        _leaf(child)
        detail[key] = _text(child)  # feedparser keeps name and e-mail as written, stripped
    own_text = (element.text or "") + "".join(child.tail or "" for child in element)
    name, email = detail.get("name"), detail.get("email")
    if name and email:
        context["author"] = f"{name} ({email})"
    else:
        context["author"] = name or email or _fixed(own_text.strip())


def _construct(element: ET.Element, name: str, default_type: str, *, base: str, is_atom: bool) -> tuple[str, str]:
    """The value and content type of a text field (title, summary, description, content)."""
    attributes = _leaf(element, allowed=frozenset({"type"}))
    given = attributes.get("type", default_type)
    content_type = _CONTENT_TYPES.get(given, given)
    if content_type not in ("text/plain", "text/html"):
        raise _Unusual(name)
    value = _text(element)
    if not is_atom and content_type == "text/plain" and _looks_like_html(value):
        content_type = "text/html"
    if content_type == "text/html":
        value = _html(value, base, content_type)
    return _fixed(value), content_type


def _summary(
    element: ET.Element, entry: dict[str, Any], name: str, default_type: str, *, base: str, is_atom: bool
) -> None:
    value, content_type = _construct(element, name, default_type, base=base, is_atom=is_atom)
    entry["summary"] = value
    entry["summary_detail"] = {"type": content_type, "value": value}


def _content(element: ET.Element, entry: dict[str, Any], default_type: str, *, base: str, is_atom: bool) -> None:
    """Content, which also stands in for a summary the entry does not have (before or after it)."""
    value, content_type = _construct(element, "content", default_type, base=base, is_atom=is_atom)
    entry.setdefault("content", []).append({"type": content_type, "value": value})
    entry.setdefault("summary", value)


def _dated(entry: dict[str, Any]) -> dict[str, Any]:
    """``entry`` with its parsed dates; the updated one only when parse.py will look at it."""
    if "published" in entry:
        entry["published_parsed"] = _date(entry["published"])
    if "updated" in entry and not entry.get("published_parsed"):
        entry["updated_parsed"] = _date(entry["updated"])
    return entry


@functools.lru_cache(maxsize=4096)
def _date(value: str) -> time.struct_time | None:
    """feedparser's reading of a date, ``None`` when it finds none. Never raises: feedparser's own
    path reads a date it cannot make sense of as no date, and so does this one."""
    try:
        return _parse_date(value)  # type: ignore[no-any-return]
    except (ValueError, OverflowError, TypeError):
        return None


# HTML in a field

_PLAIN_TAGS = "b|i|em|strong|u|s|q|p|small|sub|sup|code|pre|blockquote|ul|ol|li|abbr|span|div|h[1-6]"
# Markup that feedparser's resolver and sanitizer give back unchanged (tests/monitoring/test_fastparse_shortcuts.py
# checks that claim on thousands of samples): text, HTML's named references and character codes, a few
# plain tags without attributes, <br /> and links to absolute http(s) addresses.
_PLAIN_HTML = re.compile(
    rf"""(?:[^<&\r\x00]++|&[A-Za-z][A-Za-z0-9]*+;|&#(?:[0-9]{{1,7}}+|x[0-9a-f]{{1,6}}+);|</?(?:{_PLAIN_TAGS})>"""
    r"""|<br />|</a>"""
    r"""|<a href="https?://[^"<>&\s]++">)*+"""
)
_REFERENCE = re.compile(r"&(?:(?P<name>[A-Za-z][A-Za-z0-9]*)|#(?P<code>[0-9]+)|#x(?P<hex>[0-9a-f]+));")
_HREF = re.compile(r'<a href="([^"]+)">')


def _html(value: str, base: str, content_type: str) -> str:
    """HTML as feedparser gives it: links made absolute, then sanitized (skipped where both change nothing)."""
    if _PLAIN_HTML.fullmatch(value) and _is_unchanged(value, base):
        return value
    value = resolve_relative_uris(value, base, "utf-8", content_type)
    return _sanitize_html(value, "utf-8", content_type)  # type: ignore[no-any-return]


def _is_unchanged(value: str, base: str) -> bool:
    """Whether the references and links in ``value`` (plain markup) come through feedparser as written."""
    if "&" in value:
        for reference in _REFERENCE.finditer(value):
            name, code, hexadecimal = reference.group("name", "code", "hex")
            if name is not None:
                is_kept = name in name2codepoint
            elif code is not None:  # feedparser turns &#34; and &#39; into quotes
                is_kept = int(code) not in _cp1252 and int(code) not in (34, 39)
            else:
                is_kept = int(hexadecimal, 16) not in _cp1252
            if not is_kept:
                return False
    if "<a " in value:
        for href in _HREF.findall(value):
            if base and make_safe_absolute_uri(base, href) != href:
                return False
    return True
