"""Benchmark: a quarter's report over 100,000 cases and 1,000,000 mentions: the server time of its figures.

Run by hand, not in the test suite (see benchmarks/README.md):

    .venv/bin/python benchmarks/report.py                                  # 100,000 cases, 1,000,000 mentions
    .venv/bin/python benchmarks/report.py --cases 10000 --mentions 100000  # a quick look

It migrates the database of DATABASE_URL (default ``bench_report``, created when missing) and seeds it on the
server (``generate_series``): one organisation with ten people and eight sources, the mentions published over
the last 91 days (a quarter), a tenth of them in a case, and the cases (answered, resolved, closed, late or in
time, some with a removal request or an improvement). Then it times, several times over, what the report page
computes (``inbox.reports.selectors.report``: the headline figures of the period and the one before, the
breakdowns and the weeks), with all filters off and with one filter (a source), and a page of the drill-down
list, and prints the median and the slowest run. At the end it empties the database (``flush``) unless --keep.
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_report"
RUNS = 7


def database_ensure(url: str) -> None:
    """Create the database of ``url`` when it does not exist yet."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


def seed(cases: int, mentions: int) -> tuple[int, list[int]]:
    """The organisation, its people and sources, the mentions and the cases; returns the manager's id and the
    sources' ids."""
    from django.contrib.auth.models import Group
    from django.db import connection

    from accounts.models import Organisation, User
    from accounts.roles import Role
    from monitoring.models import Source

    organisation = Organisation.objects.create(name="Bench club")
    people = [
        User.objects.create(username=f"bench{n}", first_name=f"Lid {n}", organisation=organisation, password="!")  # noqa: S106
        for n in range(10)
    ]
    manager = people[0]
    manager.groups.add(Group.objects.get(name=Role.MANAGER))
    sources = [
        Source.objects.create(organisation=organisation, name=f"Feed {n}", url=f"https://feeds.example.org/{n}.xml")
        for n in range(8)
    ]
    platforms = ["web", "x", "facebook", "forum", "news", "google_reviews", "reddit", "blog"]
    params = {
        "organisation": organisation.id,
        "sources": [s.id for s in sources],
        "people": [p.id for p in people],
        "platforms": platforms,
        "mentions": mentions,
        "cases": cases,
        "every": max(mentions // cases, 1),
    }
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO monitoring_mention (organisation_id, source_id, canonical_url, url, platform, title, snippet,
                content_html, author, publisher, language, suggested_category, signal_reasons, flags, matched_terms,
                entry_key, published_at, fetched_at, status, category, ignore_reason, version)
            SELECT %(organisation)s, (%(sources)s::bigint[])[1 + i %% 8],
                'https://forum.example.org/t/' || i, 'https://forum.example.org/t/' || i,
                (%(platforms)s::text[])[1 + i %% 8], 'Bericht ' || i, 'Het zwembad was weer dicht', '',
                'auteur' || (i %% 50000), 'Forum', 'nl',
                (ARRAY['complaint', 'question', 'praise', 'other'])[1 + i %% 4], '[]'::jsonb, '[]'::jsonb,
                '[]'::jsonb, '', now() - (i %% 91) * interval '1 day' - (i %% 1440) * interval '1 minute',
                now() - (i %% 91) * interval '1 day' - (i %% 1440) * interval '1 minute'
                    + (i %% 180) * interval '1 minute',
                'new', CASE WHEN i %% 3 = 0 THEN 'complaint' ELSE '' END, '', 0
            FROM generate_series(1, %(mentions)s) AS i
            """,
            params,
        )
        # The triggers rebuild each new case's lines, looking up its old lines and its links. Their plans are kept for
        # the session, and one made while those tables were empty scans them whole for every new row: adding 100,000
        # links to an empty table took more than 25 minutes in one statement. Planned afresh each time: seconds.
        cursor.execute("SET plan_cache_mode = force_custom_plan")
        cursor.execute(
            """
            INSERT INTO inbox_case (organisation_id, title, status, complainant_name, complainant_platform,
                contact_email, contact_phone, complainer_type, assessment, priority, tags, assignee_id,
                created_by_id, created_at, reported_at, first_seen_at, first_response_due_at, resolution_due_at,
                waited, first_response_took, resolution_took, first_response_at, resolved_at, closed_at,
                resolution_kind, resolution_agreed, satisfaction_asked, satisfaction, public_followup_url,
                public_followup_skipped_because, version)
            SELECT %(organisation)s, 'Klacht ' || m.id,
                (ARRAY['open', 'acknowledged', 'private', 'resolved', 'closed', 'closed'])[1 + m.n %% 6],
                'Karin', m.platform, '', '', (ARRAY['', 'question', 'disappointed', 'angry'])[1 + m.n %% 4], '',
                'normal', CASE WHEN m.n %% 5 = 0 THEN 'rooster, zwemles' ELSE '' END,
                (%(people)s::bigint[])[1 + m.n %% 10], (%(people)s::bigint[])[1],
                m.fetched_at, m.published_at, m.fetched_at, m.published_at + interval '4 hours',
                m.published_at + interval '3 days', interval '0',
                CASE WHEN m.n %% 6 > 0 THEN (m.n %% 600) * interval '1 minute' END,
                CASE WHEN m.n %% 6 > 2 THEN (m.n %% 4000) * interval '1 minute' END,
                CASE WHEN m.n %% 6 > 0 THEN m.published_at + (m.n %% 600) * interval '1 minute' END,
                CASE WHEN m.n %% 6 > 2 THEN m.published_at + (m.n %% 4000) * interval '1 minute' END,
                CASE WHEN m.n %% 6 > 3 THEN m.published_at + (m.n %% 4000) * interval '1 minute'
                    + interval '1 hour' END,
                '', '', m.n %% 2 = 0, CASE WHEN m.n %% 6 > 2 AND m.n %% 2 = 0 THEN 'satisfied' ELSE '' END,
                CASE WHEN m.n %% 12 > 7 THEN 'https://x.example/' || m.id ELSE '' END, '', 0
            FROM (
                SELECT id, platform, published_at, fetched_at, row_number() OVER (ORDER BY id) AS n
                FROM monitoring_mention WHERE id %% %(every)s = 0 ORDER BY id LIMIT %(cases)s
            ) AS m
            """,
            params,
        )
        cursor.execute(
            "INSERT INTO inbox_casemention (case_id, mention_id, added_by_id, added_at) "
            "SELECT c.id, m.id, c.created_by_id, c.created_at FROM inbox_case c "
            "JOIN monitoring_mention m ON m.id = substr(c.title, 8)::bigint"
        )
        # What the links keep of their mentions, as the migration that added it fills it in.
        links = importlib.import_module("inbox.cases.migrations.0009_case_mention_keys")
        cursor.execute(links.FILL)
        cursor.execute(links.FIRSTS)
        cursor.execute(
            "INSERT INTO inbox_removalrequest (case_id, reason, platform, requested_at, requested_by_id, outcome, "
            "note) SELECT id, 'abuse', 'X', created_at, created_by_id, "
            "(ARRAY['pending', 'removed', 'refused'])[1 + id % 3], '' FROM inbox_case WHERE id % 50 = 0"
        )
        cursor.execute(
            "INSERT INTO inbox_improvementaction (case_id, description, owner_id, state, announced_url, created_at) "
            "SELECT id, 'Rooster online', created_by_id, (ARRAY['open', 'in_progress', 'done'])[1 + id % 3], '', "
            "created_at FROM inbox_case WHERE id % 40 = 0"
        )
        cursor.execute("RESET plan_cache_mode")
        cursor.execute("ANALYZE")
    return manager.id, [s.id for s in sources]


def seeded_before(cases: int, mentions: int) -> tuple[int, list[int]] | None:
    """The manager's and the sources' ids of an earlier run's rows, when they are as many as asked; else None."""
    from accounts.models import User
    from inbox.cases.models import Case
    from monitoring.models import Mention, Source

    manager = User.objects.filter(username="bench0").first()
    if manager is None or Case.objects.count() != cases or Mention.objects.count() != mentions:
        return None
    return manager.id, list(Source.objects.order_by("id").values_list("id", flat=True))


def timed(run: Callable[[], object]) -> tuple[float, float, int]:
    """The median and the slowest of ``RUNS`` runs (after one to warm up), in ms, and the queries of one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run()
    seconds = []
    for _ in range(RUNS):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        run()
    return statistics.median(seconds) * 1000, max(seconds) * 1000, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the seeded rows (the next run flushes first)")
    parser.add_argument(
        "--reuse", action="store_true", help="use the rows a run with --keep left, when they are as many as asked"
    )
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webcare.settings")
    sys.path.insert(0, str(ROOT))
    database_ensure(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from dataclasses import replace
    from datetime import timedelta

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from inbox.reports import selectors
    from inbox.reports.query import CUSTOM, ReportQuery

    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark needs PostgreSQL (DATABASE_URL).")
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    try:
        seeded = seeded_before(args.cases, args.mentions) if args.reuse else None
        if seeded is None:
            call_command("flush", interactive=False, verbosity=0)
            call_command("migrate", verbosity=0)  # the flush emptied the seeded groups too
            started = time.perf_counter()
            seeded = seed(args.cases, args.mentions)
            print(f"seeded {args.mentions} mentions, {args.cases} cases in {time.perf_counter() - started:.1f} s")
        else:
            print("using the rows seeded before")
        manager_id, sources = seeded
        manager = User.objects.get(id=manager_id)
        now = timezone.now()
        today = timezone.localdate()
        quarter = ReportQuery(period=CUSTOM, start=today - timedelta(days=90), end=today, zone=settings.TIME_ZONE)
        one_filter = replace(quarter, source=sources[0])
        print(f"cases in the report: {selectors.cases_in_report(manager, quarter).count()}")
        rows = [
            ("headline figures, no filter", lambda: selectors.headline(manager, quarter, now)),
            ("whole page's figures, no filter", lambda: selectors.report(manager, quarter, now)),
            ("headline figures, one filter (source)", lambda: selectors.headline(manager, one_filter, now)),
            ("whole page's figures, one filter", lambda: selectors.report(manager, one_filter, now)),
            (
                "drill-down list (late first responses, 1st page)",
                lambda: list(
                    selectors.figure_rows(manager, quarter, "first_response_breached", now)  # type: ignore[union-attr]
                    .select_related("assignee")
                    .order_by("-reported_at", "-id")[:101]
                ),
            ),
            (
                "drill-down count",
                lambda: selectors.figure_rows(manager, quarter, "first_response_breached", now).count(),  # type: ignore[union-attr]
            ),
        ]
        print(f"{'what':52} {'median ms':>10} {'slowest ms':>11} {'queries':>8}")
        for label, run in rows:
            median, slowest, queries = timed(run)
            print(f"{label:52} {median:10.1f} {slowest:11.1f} {queries:8d}")
    finally:
        if not args.keep:
            call_command("flush", interactive=False, verbosity=0)


if __name__ == "__main__":
    main()
