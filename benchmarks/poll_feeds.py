"""Benchmark: poll N feeds of M entries from a loopback server, then poll them again (all 304).

Run by hand, not in the test suite:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/webcare .venv/bin/python benchmarks/poll_feeds.py --feeds 100

It creates a throw-away test database (test_<name>) and drops it afterwards.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webcare.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from tests.feedserver import FeedServer, Reply  # noqa: E402


def atom_feed(feed: int, entries: int) -> bytes:
    now = datetime(2026, 11, 20, tzinfo=UTC)
    items = "".join(
        f"<entry><id>tag:google.com,2013:googlealerts/feed:{feed:04d}{i:05d}</id>"
        f'<title type="html">Nieuws over &lt;b&gt;De Dolfijnen&lt;/b&gt; nummer {i}</title>'
        f'<link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://news{feed}.example/{i}&amp;ct=ga"/>'
        f"<published>{(now - timedelta(minutes=i)).isoformat()}</published>"
        f'<content type="html">Een bericht over &lt;b&gt;De Dolfijnen&lt;/b&gt; en de zwemles, nummer {i}.</content>'
        f"<author><name></name></author></entry>"
        for i in range(entries)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Google Alert - feed {feed}</title>{items}</feed>"
    ).encode()


def rss_feed(feed: int, entries: int) -> bytes:
    now = datetime(2026, 11, 20, tzinfo=UTC)
    items = "".join(
        f"<item><title>Forumbericht {i}</title><link>https://forum{feed}.example/t/{i}</link>"
        f"<guid>forum-{feed}-{i}</guid><pubDate>{format_datetime(now - timedelta(minutes=i))}</pubDate>"
        f"<description>&lt;p&gt;Wat vinden jullie van De Dolfijnen? Bericht {i}.&lt;/p&gt;</description></item>"
        for i in range(entries)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Forum {feed}</title>{items}</channel></rss>'.encode()
    )


def serve_with_etag(body: bytes, etag: str):
    def route(request):
        if request.headers.get("If-None-Match") == etag:
            return Reply(status=304, headers={"ETag": etag})
        return Reply(body, headers={"ETag": etag, "Content-Type": "application/xml"})

    return route


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--entries", type=int, default=50)
    args = parser.parse_args()

    from accounts.models import Organisation
    from monitoring.models import Mention, Source
    from monitoring.services import source_poll

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    server = FeedServer().start()
    try:
        organisation = Organisation.objects.create(name="Benchmark")
        ids = []
        for n in range(args.feeds):
            body = atom_feed(n, args.entries) if n % 2 == 0 else rss_feed(n, args.entries)
            url = server.serve(f"/feed/{n}.xml", serve_with_etag(body, f'"{n}"'))
            ids.append(Source.objects.create(organisation=organisation, name=f"Feed {n}", url=url).id)

        started = time.perf_counter()
        for source_id in ids:
            source_poll(source_id=source_id, force=True)
        first = time.perf_counter() - started
        stored = Mention.objects.count()

        started = time.perf_counter()
        for source_id in ids:
            outcome = source_poll(source_id=source_id, force=True)
            if outcome is None or not outcome.is_not_modified:
                raise SystemExit(f"source {source_id} was not answered with 304")
        second = time.perf_counter() - started

        print(f"database: {connection.vendor}; feeds: {args.feeds} x {args.entries} entries; one process")
        print(f"first poll:  {first:6.2f} s, {stored} mentions stored, {stored / first:7.0f} entries/s")
        print(f"second poll: {second:6.2f} s, all 304, {args.feeds / second:7.0f} feeds/s")
        print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    finally:
        server.stop()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
