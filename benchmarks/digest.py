"""Benchmark: the daily digest for 1,000 people and 10,000 open cases: time and SQL queries.

Run by hand, not in the test suite (see benchmarks/README.md):

    .venv/bin/python benchmarks/digest.py                      # 1,000 people, 10,000 open cases
    .venv/bin/python benchmarks/digest.py --smtp               # and send them to a mail server on loopback
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_mail .venv/bin/python benchmarks/digest.py --keep

It migrates the database of DATABASE_URL (default ``bench_digest``, created when missing), seeds it: ten
organisations of 100 people with a role each, 10,000 open cases spread over them (some past their target,
some due today, a tenth opened since yesterday) and two unread notifications per person left for the
digest. Then it runs what beat and the workers run: ``digest_readers_due`` once, and ``digests_send`` for
every batch of ``DIGEST_BATCH_SIZE`` people, in this one process, counting the SQL queries. E-mail goes to
Django's in-memory backend (building and rendering every message, no network), or with ``--smtp`` over
SMTP to an aiosmtpd server on 127.0.0.1. At the end it empties the database again (``flush``) unless --keep.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_digest"
ORGANISATIONS = 10


def database_ensure(url: str) -> None:
    """Create the database of ``url`` when it does not exist yet."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


def seed(people: int, cases: int) -> list[int]:
    """The organisations, people, cases and notifications; returns the people's ids."""
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.models import Organisation, User
    from accounts.roles import Role
    from inbox.cases.models import Case
    from inbox.notifications.models import MailPreference, Notification

    now = timezone.now()
    organisations = [Organisation.objects.create(name=f"Bench club {n}") for n in range(ORGANISATIONS)]
    users = User.objects.bulk_create(
        User(
            username=f"bench{n}",
            first_name=f"Lid {n}",
            email=f"bench{n}@bench.example",
            organisation=organisations[n % ORGANISATIONS],
            password="!",  # noqa: S106  # unusable: nobody signs in as them
            language="en" if n % 5 == 0 else "",
        )
        for n in range(people)
    )
    staff = Group.objects.get(name=Role.STAFF)
    User.groups.through.objects.bulk_create(User.groups.through(user_id=u.id, group_id=staff.id) for u in users)
    MailPreference.objects.bulk_create(MailPreference(user=u, digest_hour=0) for u in users)  # all due now
    rows = []
    for n in range(cases):
        person = users[n % people]
        kind = n % 10
        rows.append(
            Case(
                organisation_id=person.organisation_id,
                title=f"Klacht {n} over het rooster",
                assignee=person,
                created_by=users[(n + 1) % people] if kind == 0 else person,
                created_at=now - (timedelta(hours=3) if kind == 0 else timedelta(days=3)),
                first_response_due_at=now - timedelta(hours=1) if kind == 1 else now + timedelta(days=1),
                resolution_due_at=now + timedelta(hours=2) if kind == 2 else now + timedelta(days=2),
            )
        )
    Case.objects.bulk_create(rows, batch_size=2000)
    Notification.objects.bulk_create(
        (
            Notification(recipient=u, kind=kind, url="/inbox/cases/1/", text="Een collega vraagt je iets")
            for u in users
            for kind in (Notification.Kind.APPROVED, Notification.Kind.NAMED)
        ),
        batch_size=2000,
    )
    return [u.id for u in users]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--smtp", action="store_true", help="send over SMTP to a mail server on 127.0.0.1")
    parser.add_argument("--keep", action="store_true", help="keep the seeded rows (the next run flushes first)")
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webcare.settings")
    sys.path.insert(0, str(ROOT))
    database_ensure(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from inbox.notifications.digest import digests_send
    from inbox.notifications.models import Digest
    from inbox.notifications.selectors import digest_readers_due
    from inbox.notifications.tasks import DIGEST_BATCH_SIZE

    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark needs PostgreSQL (DATABASE_URL).")
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)  # the flush emptied the seeded groups and playbook too
    controller = None
    if args.smtp:
        import logging

        from aiosmtpd.controller import Controller

        from tests.inbox.notifications.conftest import Mailbox, free_port

        mailbox = Mailbox(host="127.0.0.1", port=free_port())
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
        controller = Controller(mailbox, hostname=mailbox.host, port=mailbox.port)
        controller.start()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = mailbox.host, mailbox.port, False
    else:
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        mail.outbox = []
    try:
        started = time.perf_counter()
        seed(args.people, args.cases)
        print(f"seeded {args.people} people, {args.cases} open cases in {time.perf_counter() - started:.1f} s")

        now = timezone.now()
        day = timezone.localdate(now)
        batch_seconds: list[float] = []
        batch_queries: list[int] = []
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as fan_out:
            due = digest_readers_due(now=now)
        fan_out_seconds = time.perf_counter() - started
        for start in range(0, len(due), DIGEST_BATCH_SIZE):
            batch = due[start : start + DIGEST_BATCH_SIZE]
            began = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                failed = digests_send(user_ids=batch, day=day, now=now)
            batch_seconds.append(time.perf_counter() - began)
            batch_queries.append(len(captured))
            assert not failed, f"refused: {failed}"
        total = time.perf_counter() - started
        sent = Digest.objects.filter(day=day, state=Digest.State.SENT).count()
        received = len(mailbox.messages) if args.smtp else len(mail.outbox)
        print(f"backend: {'SMTP on 127.0.0.1 (aiosmtpd)' if args.smtp else 'in-memory (locmem)'}")
        print(f"due: {len(due)} people, found with {len(fan_out)} query in {fan_out_seconds * 1000:.0f} ms")
        print(f"digests: {sent} sent, {received} received, in {len(batch_seconds)} batches of {DIGEST_BATCH_SIZE}")
        print(
            f"time: {total:.2f} s in all ({total / max(sent, 1) * 1000:.1f} ms a person); a batch: "
            f"median {statistics.median(batch_seconds):.2f} s, max {max(batch_seconds):.2f} s"
        )
        print(
            f"queries: {len(fan_out) + sum(batch_queries)} in all; a batch: "
            f"{min(batch_queries)} to {max(batch_queries)}"
        )
        again = digests_send(user_ids=due[:DIGEST_BATCH_SIZE], day=day, now=now)
        received_again = len(mailbox.messages) if args.smtp else len(mail.outbox)
        print(f"a second run of a batch that day sends {received_again - received} (refused: {len(again)})")
    finally:
        if controller is not None:
            controller.stop()
        if not args.keep:
            call_command("flush", interactive=False, verbosity=0)


if __name__ == "__main__":
    main()
