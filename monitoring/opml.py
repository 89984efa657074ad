"""Reading and writing OPML, the file format feed readers exchange subscriptions in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException

from monitoring.exceptions import MonitoringError
from monitoring.feeds.platforms import feed_kind_for_url

KINDS = {"google_alerts", "feed", "mastodon", "reddit", "youtube", "bluesky"}


class OPMLError(MonitoringError):
    """An OPML file we do not read; ``reason`` says why (in English: it is for the command line)."""


@dataclass(frozen=True)
class Outline:
    url: str
    title: str
    kind: str


def opml_read(content: bytes) -> list[Outline]:
    """Every feed in an OPML document, nested folders included, in document order.

    A ``kind`` attribute (as ``opml_write`` writes it) is kept when valid; otherwise the kind follows
    from the address. Raises ``OPMLError`` when the document is not OPML or tries entity tricks.
    """
    try:
        root = SafeElementTree.fromstring(content)
    except DefusedXmlException as exc:
        raise OPMLError("The file declares XML entities; it was not read.") from exc
    except SafeElementTree.ParseError as exc:
        raise OPMLError(f"The file is not valid XML ({exc}).") from exc
    if root.tag != "opml":
        raise OPMLError("The file is not an OPML document.")
    outlines = []
    for node in root.iter("outline"):
        url = (node.get("xmlUrl") or "").strip()
        if not url:
            continue
        kind = node.get("kind", "")
        outlines.append(
            Outline(
                url=url,
                title=(node.get("title") or node.get("text") or "").strip(),
                kind=kind if kind in KINDS else feed_kind_for_url(url),
            )
        )
    return outlines


def opml_write(outlines: Iterable[Outline], *, title: str, now: datetime | None = None) -> bytes:
    """An OPML 2.0 document listing ``outlines``."""
    root = Element("opml", version="2.0")
    head = SubElement(root, "head")
    SubElement(head, "title").text = title
    SubElement(head, "dateCreated").text = format_datetime(now or datetime.now(UTC), usegmt=True)
    body = SubElement(root, "body")
    for outline in outlines:
        SubElement(
            body, "outline", type="rss", text=outline.title, title=outline.title, xmlUrl=outline.url, kind=outline.kind
        )
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(root, encoding="unicode").encode()
