"""Benchmark: the nightly anonymisation of 1,000,000 expired mentions: time, the longest lock held, memory.

Run by hand, not in the test suite (see benchmarks/README.md):

    .venv/bin/python benchmarks/anonymise.py                    # 1,000,000 mentions
    .venv/bin/python benchmarks/anonymise.py --mentions 100000  # a quick look

It migrates the database of DATABASE_URL (default ``bench_anonymise``, created when missing) and seeds it on the
server (``generate_series``): one organisation, four sources, the expired mentions (13 to 25 months old, from
50,000 authors, each with a sighting, one in a hundred with a note) and 10,000 recent ones that must stay.
Then it runs what beat runs each night, ``inbox.privacy.anonymise.retention_apply``, again and again as the
task queues itself, until nothing is left; it times each batch's transaction (the time its rows stay locked)
and reads the process's peak resident memory. At the end it empties the database (``flush``) unless --keep.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_anonymise"
RECENT = 10_000


def database_ensure(url: str) -> None:
    """Create the database of ``url`` when it does not exist yet."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


def seed(expired: int) -> int:
    """The organisation, a board member, sources, mentions, sightings and notes; returns the organisation id."""
    from django.db import connection

    from accounts.models import Organisation, User
    from monitoring.models import Source

    organisation = Organisation.objects.create(name="Bench club")
    board = User.objects.create(username="bench-board", organisation=organisation, password="!")  # noqa: S106
    sources = [
        Source.objects.create(organisation=organisation, name=f"Feed {n}", url=f"https://feeds.example.org/{n}.xml")
        for n in range(4)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO monitoring_mention (organisation_id, source_id, canonical_url, url, platform, title, snippet,
                content_html, author, publisher, language, suggested_category, signal_reasons, flags, matched_terms,
                entry_key, published_at, fetched_at, status, category, ignore_reason, version)
            SELECT %(organisation)s, (%(sources)s::bigint[])[1 + i %% 4],
                'https://forum.example.org/t/' || i, 'https://forum.example.org/t/' || i, 'web',
                'Bericht ' || i || ' over de zwemles', 'Het zwembad was weer dicht, schrijft auteur ' || (i %% 50000),
                '<p>Het zwembad was weer dicht, schrijft auteur ' || (i %% 50000) || '.</p>',
                'auteur' || (i %% 50000), 'Forum', 'nl', 'complaint', '[]'::jsonb, '[]'::jsonb, '[]'::jsonb, '',
                now() - interval '13 months' - (i %% 365) * interval '1 day',
                now() - interval '13 months' - (i %% 365) * interval '1 day',
                'new', '', '', 0
            FROM generate_series(1, %(expired)s) AS i
            UNION ALL
            SELECT %(organisation)s, (%(sources)s::bigint[])[1], 'https://forum.example.org/new/' || i,
                'https://forum.example.org/new/' || i, 'web', 'Recent ' || i, 'Nieuw', '', 'auteur' || i, 'Forum',
                'nl', '', '[]'::jsonb, '[]'::jsonb, '[]'::jsonb, '',
                now() - interval '1 day', now() - interval '1 day', 'new', '', '', 0
            FROM generate_series(1, %(recent)s) AS i
            """,
            {"organisation": organisation.id, "sources": [s.id for s in sources], "expired": expired, "recent": RECENT},
        )
        cursor.execute(
            "INSERT INTO monitoring_sighting (mention_id, source_id, external_id, url, seen_at) "
            "SELECT id, source_id, canonical_url, url, fetched_at FROM monitoring_mention"
        )
        cursor.execute(
            "INSERT INTO inbox_mentionevent (mention_id, actor_id, action, from_value, to_value, note, before, "
            "created_at, batch, version) SELECT id, %s, 'note', '', '', 'Gebeld met ' || author, '{}'::jsonb, now(), "
            "gen_random_uuid(), 0 "
            "FROM monitoring_mention WHERE id %% 100 = 0",
            [board.id],
        )
        cursor.execute("ANALYZE")
    return organisation.id


@contextlib.contextmanager
def timed_transactions(module: object, seconds: list[float]) -> Iterator[None]:
    """Time every ``transaction.atomic()`` block ``module`` enters: each is one batch holding its row locks."""
    from django.db import transaction

    original = transaction.atomic

    @contextlib.contextmanager
    def atomic() -> Iterator[None]:
        began = time.perf_counter()
        with original():
            yield
        seconds.append(time.perf_counter() - began)

    class Transactions:
        def __getattr__(self, name: str) -> object:
            return getattr(transaction, name)

    shim = Transactions()
    shim.atomic = atomic  # type: ignore[attr-defined]
    setattr(module, "transaction", shim)  # noqa: B010
    try:
        yield
    finally:
        setattr(module, "transaction", transaction)  # noqa: B010


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the seeded rows (the next run flushes first)")
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webcare.settings")
    sys.path.insert(0, str(ROOT))
    database_ensure(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from inbox.privacy import anonymise
    from inbox.privacy.models import PrivacyEvent
    from monitoring.models import Mention

    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark needs PostgreSQL (DATABASE_URL).")
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    try:
        started = time.perf_counter()
        organisation_id = seed(args.mentions)
        print(
            f"seeded {args.mentions:,} expired and {RECENT:,} recent mentions in {time.perf_counter() - started:.1f} s"
        )
        memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        batches: list[float] = []
        runs = 0
        started = time.perf_counter()
        with timed_transactions(anonymise, batches):
            while True:
                runs += 1
                if not anonymise.retention_apply():
                    break
        total = time.perf_counter() - started
        memory_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        left = Mention.objects.filter(organisation_id=organisation_id, anonymised_at__isnull=True).count()
        counted = sum(
            row.counts.get("mentions", 0) for row in PrivacyEvent.objects.filter(action=PrivacyEvent.Action.RETENTION)
        )
        work = [seconds for seconds in batches[:-1]] or batches  # the last transaction finds nothing left
        print(f"anonymised {counted:,} mentions in {total:.1f} s ({counted / total:,.0f} a second), {runs} run(s)")
        print(f"left with their person: {left:,} (the {RECENT:,} recent ones)")
        print(
            f"batches of {anonymise.MENTION_BATCH:,}: {len(work)}; rows locked per batch: median "
            f"{statistics.median(work) * 1000:.0f} ms, p95 {sorted(work)[int(len(work) * 0.95)] * 1000:.0f} ms, "
            f"longest {max(work) * 1000:.0f} ms"
        )
        print(f"peak resident memory: {memory_before / 1024:.0f} MB before, {memory_after / 1024:.0f} MB after")
        again = time.perf_counter()
        anonymise.retention_apply()
        print(f"a second night with nothing to do: {(time.perf_counter() - again) * 1000:.0f} ms")
    finally:
        if not args.keep:
            call_command("flush", interactive=False, verbosity=0)


if __name__ == "__main__":
    main()
