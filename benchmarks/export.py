"""Benchmark: streaming the report's CSV export of 100,000 cases: time and the process's peak memory.

Run by hand, not in the test suite (see benchmarks/README.md):

    .venv/bin/python benchmarks/export.py                  # 100,000 cases
    .venv/bin/python benchmarks/export.py --cases 20000    # a quick look

It migrates the database of DATABASE_URL (default ``bench_export``, created when missing) and seeds it on the
server (``generate_series``): one organisation, a manager, two sources, the cases of the last 60 days, each with
a mention, a history row, and some with a removal request or an improvement. Then it asks the export's view for
the CSV of those days as the manager (Django's test client, in this process) and reads the streamed answer chunk
by chunk, counting its bytes and rows without keeping them; then the same for the XLSX. It reads the process's
peak resident memory (ru_maxrss) before and after each. At the end it empties the database unless --keep.
"""

from __future__ import annotations

import argparse
import importlib
import os
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_export"


def database_ensure(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


def seed(cases: int) -> object:
    """The organisation, its manager, sources, cases with a mention each; returns the manager."""
    from django.contrib.auth.models import Group
    from django.db import connection

    from accounts.models import Organisation, User
    from monitoring.models import Source

    organisation = Organisation.objects.create(name="Bench club")
    manager = User.objects.create(username="bench-manager", organisation=organisation, password="!")  # noqa: S106
    manager.groups.add(Group.objects.get(name="manager"))
    sources = [
        Source.objects.create(organisation=organisation, name=f"Feed {n}", url=f"https://feeds.example.org/{n}.xml")
        for n in range(2)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO monitoring_mention (organisation_id, source_id, canonical_url, url, platform, title, snippet,
                content_html, author, publisher, language, suggested_category, signal_reasons, flags, matched_terms,
                entry_key, published_at, fetched_at, status, category, ignore_reason, version)
            SELECT %(organisation)s, (%(sources)s::bigint[])[1 + i %% 2],
                'https://forum.example.org/t/' || i, 'https://forum.example.org/t/' || i,
                (ARRAY['facebook', 'forum', 'google_reviews', 'news'])[1 + i %% 4],
                'Klacht ' || i || ' over de zwemles', 'Het zwembad was weer dicht', '', 'auteur' || i, 'Forum', 'nl',
                'complaint', '[]'::jsonb, '[]'::jsonb, '[]'::jsonb, '',
                now() - interval '60 days' + i * (interval '59 days' / %(cases)s),
                now() - interval '60 days' + i * (interval '59 days' / %(cases)s) + interval '9 minutes',
                'in_case', 'complaint', '', 0
            FROM generate_series(1, %(cases)s) AS i
            """,
            {"organisation": organisation.id, "sources": [s.id for s in sources], "cases": cases},
        )
        cursor.execute(
            """
            INSERT INTO inbox_case (organisation_id, title, status, complainant_name, complainant_platform,
                contact_email, contact_phone, complainer_type, assessment, priority, tags, assignee_id, created_by_id,
                created_at, reported_at, first_seen_at, first_response_due_at, resolution_due_at, waited,
                first_response_took, resolution_took, first_response_at, resolved_at, closed_at, resolution_kind,
                resolution_agreed, satisfaction_asked, satisfaction, public_followup_url,
                public_followup_skipped_because, version)
            SELECT %(organisation)s, m.title, 'closed', m.author, m.platform, 'someone@example.org', '', 'angry', '',
                'normal', 'zwemles, rooster', %(manager)s, %(manager)s, m.fetched_at + interval '2 minutes',
                m.published_at, m.fetched_at, m.published_at + interval '1 hour', m.published_at + interval '3 days',
                interval '0', (m.id %% 90) * interval '1 minute', interval '5 hours',
                m.published_at + (m.id %% 90) * interval '1 minute', m.published_at + interval '1 day',
                m.published_at + interval '2 days', 'apology', 'Excuses gemaakt', true, 'satisfied',
                'https://forum.example.org/reply', '', 1
            FROM monitoring_mention m WHERE m.organisation_id = %(organisation)s
            """,
            {"organisation": organisation.id, "manager": manager.id},
        )
        cursor.execute(
            "INSERT INTO inbox_casemention (case_id, mention_id, added_by_id, added_at) "
            "SELECT c.id, m.id, c.created_by_id, c.created_at FROM inbox_case c "
            "JOIN monitoring_mention m ON m.published_at = c.reported_at AND m.title = c.title"
        )
        # What the links keep of their mentions, as the migration that added it fills it in.
        links = importlib.import_module("inbox.cases.migrations.0009_case_mention_keys")
        cursor.execute(links.FILL)
        cursor.execute(links.FIRSTS)
        cursor.execute(
            "INSERT INTO inbox_caseevent (case_id, actor_id, action, from_value, to_value, note, created_at) "
            "SELECT id, created_by_id, 'opened', '', title, '', created_at FROM inbox_case"
        )
        cursor.execute(
            "INSERT INTO inbox_removalrequest (case_id, reason, platform, requested_at, requested_by_id, outcome, "
            "note) SELECT id, 'abuse', 'Forum', created_at, created_by_id, 'pending', '' FROM inbox_case "
            "WHERE id % 50 = 0"
        )
        cursor.execute(
            "INSERT INTO inbox_improvementaction (case_id, description, owner_id, state, announced_url, created_at) "
            "SELECT id, 'Rooster online', created_by_id, 'open', '', created_at FROM inbox_case WHERE id % 40 = 0"
        )
        cursor.execute("ANALYZE")
    return manager


def read(client: object, url: str, params: dict[str, str]) -> tuple[float, int, int, int]:
    """Ask for ``url`` and read the answer chunk by chunk: seconds, bytes, lines, and ru_maxrss (kB) after."""
    started = time.perf_counter()
    response = client.get(url, params)  # type: ignore[attr-defined]
    assert response.status_code == 200, response.status_code
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    return time.perf_counter() - started, size, lines, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
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
    from django.test import Client
    from django.urls import reverse

    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark needs PostgreSQL (DATABASE_URL).")
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    try:
        started = time.perf_counter()
        manager = seed(args.cases)
        print(f"seeded {args.cases:,} cases in {time.perf_counter() - started:.1f} s")
        client = Client()
        client.force_login(manager)  # type: ignore[arg-type]
        today = date.today()
        params = {"period": "custom", "from": (today - timedelta(days=61)).isoformat(), "to": today.isoformat()}
        client.get(reverse("inbox:report-export", args=["cases", "csv"]), {**params, "from": today.isoformat()})
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        seconds, size, lines, after = read(client, reverse("inbox:report-export", args=["cases", "csv"]), params)
        print(
            f"CSV: {lines - 1:,} cases, {size / 1e6:.1f} MB in {seconds:.1f} s ({(lines - 1) / seconds:,.0f} rows a "
            f"second); peak resident memory {before / 1024:.0f} MB before, {after / 1024:.0f} MB after"
        )
        seconds, size, _lines, after_xlsx = read(client, reverse("inbox:report-export", args=["cases", "xlsx"]), params)
        print(f"XLSX: {size / 1e6:.1f} MB in {seconds:.1f} s; peak resident memory after {after_xlsx / 1024:.0f} MB")
    finally:
        if not args.keep:
            call_command("flush", interactive=False, verbosity=0)


if __name__ == "__main__":
    main()
