"""What the product works on during a fault run: feeds to poll, and staff loading pages.

``Feeds`` serves RSS feeds from a loopback server (tests/feedserver.py) and counts what it answered;
``Load`` runs threads signed in as a staff member that load inbox pages and record every status.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx

from faults.servers import Failure
from tests.feedserver import FeedServer, Reply

LOAD_THREADS = 3
STAFF_USER = "fault-staff"


# Feeds -------------------------------------------------------------------------------------------------


class Feeds:
    """``count`` RSS feeds on a loopback server, each with its own entries, answering ``If-None-Match``
    with 304 and waiting ``delay`` seconds before each answer (so that a poll takes a while)."""

    def __init__(self, count: int, entries: int, *, delay: float = 0.0) -> None:
        self.server = FeedServer().start()
        self.delay = delay
        self.entries = dict.fromkeys(range(count), entries)
        self.lock = threading.Lock()
        self.answered: Counter[int] = Counter()  # 200s per feed
        for feed in range(count):
            self.server.serve(f"/feed/{feed}.xml", self._route(feed))

    def _route(self, feed: int) -> Callable[[Any], Reply]:
        def route(request: Any) -> Reply:
            time.sleep(self.delay)
            with self.lock:
                entries = self.entries[feed]
            etag = f'"{feed}-{entries}"'
            if request.headers.get("If-None-Match") == etag:
                return Reply(status=304, headers={"ETag": etag})
            with self.lock:
                self.answered[feed] += 1
            return Reply(rss(feed, entries), headers={"ETag": etag, "Content-Type": "application/rss+xml"})

        return route

    def add_entries(self, per_feed: int) -> None:
        with self.lock:
            for feed in self.entries:
                self.entries[feed] += per_feed

    @property
    def expected(self) -> int:
        with self.lock:
            return sum(self.entries.values())

    def opml(self) -> bytes:
        outlines = "".join(
            f'<outline type="rss" text="Forum {feed}" xmlUrl="{self.server.url(f"/feed/{feed}.xml")}"/>'
            for feed in self.entries
        )
        return f'<?xml version="1.0"?><opml version="2.0"><head/><body>{outlines}</body></opml>'.encode()

    def stop(self) -> None:
        self.server.stop()


NOW = datetime.now(UTC).replace(microsecond=0)


def rss(feed: int, entries: int) -> bytes:
    """A forum's feed: entry ``i`` has its own guid and link, and never changes."""
    items = "".join(
        f"<item><title>Bericht {i} over De Dolfijnen in forum {feed}</title>"
        f"<link>https://forum{feed}.zwemmen.example/t/{i}</link>"
        f'<guid isPermaLink="false">forum-{feed}-post-{i}</guid>'
        f"<pubDate>{format_datetime(NOW - timedelta(minutes=i + 1))}</pubDate>"
        f"<description>Het water was weer koud bij De Dolfijnen, bericht {i}.</description></item>"
        for i in range(entries)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Forum {feed}</title>'
        f"<link>https://forum{feed}.zwemmen.example/</link><description>Zwemmen</description>{items}</channel></rss>"
    ).encode()


# Page load ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    at: float  # time.monotonic()
    status: int  # 0: no answer at all (connection refused, timeout)
    is_clean_503: bool = False


PAGES = ["/inbox/", "/inbox/?view=all", "/inbox/?q=water", "/inbox/cases/", "/inbox/notifications/badge/"]


class Load:
    """Threads that sign in as a staff member through the sign-in form, then load pages one after another."""

    def __init__(self, base_url: str, password: str, *, threads: int = LOAD_THREADS) -> None:
        self.base_url = base_url
        self.password = password
        self.answers: list[Answer] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.errors: list[str] = []
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)]
        self.mention_id: int | None = None

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def _sign_in(self, client: httpx.Client) -> None:
        page = client.get("/account/login/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if page.status_code != 200 or not match:
            raise Failure(f"the sign-in page answered {page.status_code} without a CSRF token")
        data = {"username": STAFF_USER, "password": self.password, "csrfmiddlewaretoken": match[1]}
        signed_in = client.post("/account/login/", data=data)
        if signed_in.status_code != 302:
            raise Failure(f"signing in answered {signed_in.status_code}, not a redirect")

    def _run(self, number: int) -> None:
        with httpx.Client(base_url=self.base_url, timeout=15, follow_redirects=False) as client:
            try:
                self._sign_in(client)
            except (Failure, httpx.HTTPError) as exc:
                self.errors.append(f"load thread {number}: {exc}")
                return
            turn = number
            while not self.stopping.is_set():
                page = PAGES[turn % len(PAGES)]
                if turn % (len(PAGES) + 1) == 0 and self.mention_id:
                    page = f"/inbox/m/{self.mention_id}/"
                turn += 1
                try:
                    response = client.get(page)
                except httpx.HTTPError:
                    self._add(Answer(time.monotonic(), 0))
                    time.sleep(0.2)
                    continue
                clean = (
                    response.status_code == 503
                    and response.headers.get("Retry-After", "").isdigit()
                    and 'class="status-code">503<' in response.text
                )
                self._add(Answer(time.monotonic(), response.status_code, clean))
                time.sleep(0.1)

    def _add(self, answer: Answer) -> None:
        with self.lock:
            self.answers.append(answer)

    def taken(self, start: float = 0.0, end: float = float("inf")) -> list[Answer]:
        with self.lock:
            return [answer for answer in self.answers if start <= answer.at < end]


def statuses(answers: list[Answer]) -> str:
    counts = Counter(answer.status for answer in answers)
    return ", ".join(f"{status or 'no answer'}: {counts[status]}" for status in sorted(counts)) or "none"
