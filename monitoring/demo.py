"""The demo's sample feeds, served by the app itself so a fresh install polls a real HTTP feed.

Sample files hold ``@AGO_<minutes>@`` markers that become times relative to when this process
started, so the demo looks recent and each file keeps one ETag for as long as the server runs.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from django.utils import timezone

DEMO_FEEDS_DIR = Path(__file__).resolve().parent / "demo_feeds"
_MARKER = re.compile(rb"@AGO_(\d+)@")
_STARTED_AT = timezone.now().replace(second=0, microsecond=0)


@dataclass(frozen=True)
class DemoFeed:
    content: bytes
    content_type: str
    etag: str


def demo_feed_names() -> list[str]:
    return sorted(path.stem for path in DEMO_FEEDS_DIR.glob("*.xml"))


def demo_feed_render(name: str, *, anchor: datetime = _STARTED_AT) -> DemoFeed | None:
    """The sample feed ``name`` with its times filled in, or ``None`` if there is no such sample."""
    if name not in demo_feed_names():
        return None
    raw = (DEMO_FEEDS_DIR / f"{name}.xml").read_bytes()
    is_rss = b"<rss" in raw[:500]

    def when(match: re.Match[bytes]) -> bytes:
        moment = anchor - timedelta(minutes=int(match.group(1)))
        return (format_datetime(moment, usegmt=True) if is_rss else moment.isoformat()).encode()

    content = _MARKER.sub(when, raw)
    return DemoFeed(
        content=content,
        content_type="application/rss+xml" if is_rss else "application/atom+xml",
        etag='"' + hashlib.sha256(content).hexdigest()[:32] + '"',
    )
