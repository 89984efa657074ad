"""Benchmark: our polling of N feeds through a real Celery worker, against the `reader` library.

Run by hand, not in the test suite (see benchmarks/README.md):

    .venv/bin/python benchmarks/poll_feeds.py --feeds 400 --entries 50

A loopback server (tests/feedserver.py, threaded, ETag/If-None-Match → 304) serves N feeds of M
entries: half Google-Alerts-shaped Atom, half RSS 2.0. Then, in one run:

1. Our first poll: a `celery worker` subprocess (prefork, --concurrency 2) on a private queue with
   the Redis broker runs `monitoring.tasks.sources_poll(source_ids, force=True)` for every batch of
   POLL_BATCH_SIZE sources (as the beat tick queues them); the clock stops when every source has
   been polled (read from the database). Every entry is new, so it is fetched, parsed, cleaned,
   enriched and stored in PostgreSQL.
2. Our second poll: the same, every answer a 304.
3. The worker's memory peak (VmHWM of its main process and each pool child).
4. `reader` (make_reader on a temporary SQLite file) updating the same N feeds twice with
   `update_feeds(scheduled=False)`: all new, then all 304 (reader sends the ETag too).

It prints the commands it ran and a table with the ratios and the targets. It uses a throw-away
PostgreSQL database (test_<name> of DATABASE_URL, default test_bench_webcare) and Redis database
(REDIS_URL, default redis://127.0.0.1:6379/13), and stops the worker and drops the database even
when something fails.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_webcare"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"

# Targets from the issue, relative to reader in the same run.
FIRST_POLL_SPEEDUP = 3.0  # our entries/s at least 3 times reader's
NOT_MODIFIED_TIME_RATIO = 0.3  # our 304 re-poll at most 0.3 times reader's time
MEMORY_LIMIT_MB = 250


# The feeds ------------------------------------------------------------------------------------------

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ORGANISATION = "De Dolfijnen"
NEWS_SITES = {
    "nos.nl": "NOS",
    "www.ad.nl": "AD",
    "www.telegraaf.nl": "De Telegraaf",
    "www.nu.nl": "NU.nl",
    "www.rtvutrecht.nl": "RTV Utrecht",
}
OTHER_SITES = ["www.buurtnieuws.example", "forum.zwemmen.example", "www.ouders.example", "blog.badmeester.example"]
DUTCH = [
    "Ouders zijn boos: de zwemles van {org} is weer afgelast zonder bericht.",
    "Ik ben echt teleurgesteld in {org}, al drie keer geen reactie op mijn mail.",
    "Weet iemand hoe laat het diplomazwemmen bij {org} zaterdag begint?",
    "Geweldig toernooi van {org} met drie clubrecords en een volle tribune.",
    "Mijn klacht over de contributie bij {org} is nog steeds niet behandeld.",
    "Bedankt {org} voor de fijne les vandaag, de kinderen hebben genoten!",
    "Het water was weer veel te koud bij {org}, nooit meer zo'n ochtend.",
    "{org} zoekt vrijwilligers voor de zomerkampen, aanmelden kan via de site.",
    "Kan iemand uitleggen waarom {org} de tijden op vrijdag heeft veranderd?",
    "De nieuwe badmeester van {org} is echt een aanrader voor beginners.",
    "Geld terug gevraagd bij {org} maar nog niets gehoord, schandalig.",
    "Wanneer opent het buitenbad van {org} weer na de verbouwing?",
]
ENGLISH = [
    "Really disappointed with {org}, the lesson was cancelled again.",
    "Does anyone know when {org} opens registration for the summer camp?",
    "Great competition by {org} this weekend, well done to all swimmers!",
    "Still waiting for a refund from {org}, no response after two weeks.",
    "{org} announced new opening hours for the indoor pool.",
    "Thank you {org} for the patient instructors, highly recommend.",
]
DUTCH_TAILS = [
    "Lees verder op de site.",
    "Het bestuur reageert morgen.",
    "Meer nieuws volgt.",
    "Zie ook de agenda.",
    "",
]
ENGLISH_TAILS = ["More details on the website.", "The board will respond tomorrow.", ""]
AUTHORS = [
    f"{first} {last}"
    for first in ("Marieke", "Jan", "Sanne", "Pieter", "Fatima", "Tom", "Lotte", "Ahmed")
    for last in ("de Vries", "Jansen", "Bakker", "Visser")
]


def _sentence(rng: random.Random, org: str) -> str:
    """A Dutch (70%) or English post about the organisation, some of them complaints."""
    if rng.random() < 0.7:
        return f"{rng.choice(DUTCH).format(org=org)} {rng.choice(DUTCH_TAILS)}".strip()
    return f"{rng.choice(ENGLISH).format(org=org)} {rng.choice(ENGLISH_TAILS)}".strip()


def atom_feed(feed: int, entries: int, now: datetime = NOW) -> bytes:
    """A Google Alerts feed: Atom, titles and snippets as escaped HTML with <b>, links through google.com/url."""
    rng = random.Random(feed)
    user, alert = 10**19 + feed * 7919, 10**18 + feed * 104729
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:idx="urn:atom-extension:indexing">'
        f"<id>tag:google.com,2005:reader/user/{user}/state/com.google/alerts/{alert}</id>"
        f"<title>Google Alert - &quot;{ORGANISATION}&quot;</title>"
        f'<link href="https://www.google.com/alerts/feeds/{user}/{alert}" rel="self"></link>'
        f"<updated>{now:%Y-%m-%dT%H:%M:%SZ}</updated>"
    ]
    bold = f"<b>{ORGANISATION}</b>"
    for i in range(entries):
        site = rng.choice([*NEWS_SITES, *OTHER_SITES])
        target = f"https://{site}/{rng.choice(['nieuws', 'sport', 'regio', 't'])}/{feed}-{i}-dolfijnen"
        when = f"{now - timedelta(minutes=17 * i + feed % 13):%Y-%m-%dT%H:%M:%SZ}"
        title = rng.choice(DUTCH + ENGLISH).format(org=bold).rstrip(".!?")
        if site in NEWS_SITES and rng.random() < 0.6:
            title += f" - {NEWS_SITES[site]}"
        token = f"{rng.getrandbits(64):016x}"
        parts.append(
            f"<entry><id>tag:google.com,2013:googlealerts/feed:{rng.getrandbits(63)}</id>"
            f'<title type="html">{escape(title)}</title>'
            f'<link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url={target}&amp;ct=ga&amp;cd=CAEYA{token}'
            f'&amp;usg=AOvVaw{token[:12]}"></link>'
            f"<published>{when}</published><updated>{when}</updated>"
            f'<content type="html">{escape(_sentence(rng, bold) + "&nbsp;...")}</content>'
            "<author><name></name></author></entry>"
        )
    parts.append("</feed>")
    return "".join(parts).encode()


def rss_feed(feed: int, entries: int, now: datetime = NOW) -> bytes:
    """A forum's RSS 2.0 feed: guid, pubDate, dc:creator and an HTML description (<p>, <b>, links)."""
    rng = random.Random(-feed - 1)
    host = f"forum{feed}.zwemmen.example"
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        f"<title>Zwemforum {feed}</title>"
        f'<atom:link href="https://{host}/feed/" rel="self" type="application/rss+xml" />'
        f"<link>https://{host}/</link><description>Berichten over zwemmen in de regio</description>"
        f"<language>nl-NL</language><lastBuildDate>{format_datetime(now)}</lastBuildDate>"
        "<generator>https://wordpress.org/?v=6.7.1</generator>"
    ]
    dutch_time = timezone(timedelta(hours=1))
    for i in range(entries):
        when = format_datetime((now - timedelta(minutes=23 * i + feed % 11)).astimezone(dutch_time))
        text = _sentence(rng, ORGANISATION)
        paragraph = escape(text, quote=False)
        if rng.random() < 0.4:
            paragraph = paragraph.replace(ORGANISATION, f"<b>{ORGANISATION}</b>", 1)
        if rng.random() < 0.3:
            paragraph += f' Zie <a href="https://{host}/t/{i}">dit topic</a>.'
        title = rng.choice(["Re: ", "", "Vraag: ", ""]) + text.split(",")[0].split(":")[0][:70]
        parts.append(
            f"<item><title>{escape(title)}</title><link>https://{host}/t/{i}-dolfijnen</link>"
            f"<dc:creator><![CDATA[{rng.choice(AUTHORS)}]]></dc:creator><pubDate>{when}</pubDate>"
            f'<guid isPermaLink="false">https://{host}/?p={1000 + i}</guid>'
            f"<description>{escape(f'<p>{paragraph}</p>')}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def feed_body(feed: int, entries: int, now: datetime = NOW) -> bytes:
    """Feed number ``feed``: the even ones Google Alerts (Atom), the odd ones a forum's RSS."""
    return atom_feed(feed, entries, now) if feed % 2 == 0 else rss_feed(feed, entries, now)


def sources_create(organisation: Any, urls: list[str], *, name: str = "Feed") -> list[int]:
    """A source for each feed of ``feed_body``'s numbering (``urls[n]`` serves feed n); returns their ids."""
    from monitoring.models import Source

    sources = [
        Source(
            organisation=organisation,
            name=f"{name} {n}",
            kind=Source.Kind.GOOGLE_ALERTS if n % 2 == 0 else Source.Kind.FEED,
            url=url,
        )
        for n, url in enumerate(urls)
    ]
    return [source.id for source in Source.objects.bulk_create(sources)]


# The loopback server -----------------------------------------------------------------------------------


@dataclass
class Served:
    """Answers per status, counted by the server threads."""

    counts: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int) -> None:
        with self.lock:
            self.counts[status] = self.counts.get(status, 0) + 1

    def take(self) -> dict[int, int]:
        with self.lock:
            counts, self.counts = self.counts, {}
        return counts


def etag_route(body: bytes, etag: str, served: Served) -> Callable[[Any], Any]:
    from tests.feedserver import Reply

    def route(request: Any) -> Reply:
        if request.headers.get("If-None-Match") == etag:
            served.add(304)
            return Reply(status=304, headers={"ETag": etag})
        served.add(200)
        return Reply(body, headers={"ETag": etag, "Content-Type": "application/xml; charset=utf-8"})

    return route


# Measuring ---------------------------------------------------------------------------------------------


def log(message: str = "") -> None:
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


def command_line(argv: list[str], env: dict[str, str] | None = None) -> str:
    prefix = " ".join(f"{name}={value}" for name, value in (env or {}).items())
    return f"{prefix} {' '.join(argv)}".strip()


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")


def worker_start(*, queue: str, database_url: str, redis_url: str, concurrency: int, log_path: Path) -> Worker:
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        "WEBCARE_FETCH_ALLOW_PRIVATE": "127.0.0.1",
    }
    argv = [
        sys.executable, "-m", "celery", "--app", "webcare", "worker", "--pool", "prefork",
        "--concurrency", str(concurrency), "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--loglevel", "INFO", "--hostname", f"{queue}@%h",
    ]  # fmt: skip
    log(f"$ {command_line(argv, env)}")
    full_env = {**os.environ, **env}
    full_env.pop("CELERY_BROKER_URL", None)  # the broker is REDIS_URL, as in the settings
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(argv, cwd=ROOT, env=full_env, stdout=log_file, stderr=subprocess.STDOUT)
    worker = Worker(process=process, log_path=log_path)
    deadline = time.monotonic() + 60
    while "ready." not in worker.log_text():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"The Celery worker did not start:\n{worker.log_text()}")
        time.sleep(0.1)
    return worker


def worker_stop(worker: Worker) -> None:
    if worker.process.poll() is None:
        worker.process.send_signal(signal.SIGTERM)
        try:
            worker.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait()


def process_tree(pid: int) -> list[int]:
    """``pid`` and its child processes (the prefork pool), from /proc."""
    pids = [pid]
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(child) for child in (task / "children").read_text().split()]
    return pids


def memory_peaks(pids: list[int]) -> dict[int, int]:
    """VmHWM (peak resident set) in kB per process."""
    peaks: dict[int, int] = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks[pid] = int(line.split()[1])
    return peaks


class PssSampler:
    """The proportional set size (PSS) of a process and its children added up, sampled every 0.2 s in a
    thread; keeps the highest sum. Unlike adding up each process's resident size, PSS counts a page the
    pool processes share with the main process (the language model, loaded before the fork) once."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pss-sampler", daemon=True)

    def __enter__(self) -> PssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, sum(pss_kb(pid) for pid in process_tree(self.pid)))
            self._stop.wait(0.2)


def pss_kb(pid: int) -> int:
    """A process's proportional set size in kB (0 when it is gone)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid: int, *, reaped_children: bool = False) -> float:
    """User and system CPU time of a process (and of its finished children), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if reaped_children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time all cores spent busy since boot (not idle, not waiting for the disk)."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


@dataclass
class CpuUse:
    """CPU seconds used during a polling round, by whom."""

    worker: float
    database: float
    benchmark: float
    machine: float

    def __str__(self) -> str:
        other = self.machine - self.worker - self.database - self.benchmark
        return (
            f"CPU s: worker {self.worker:.1f}, PostgreSQL {self.database:.1f}, this process (feed server) "
            f"{self.benchmark:.1f}, anything else {max(other, 0.0):.1f}; machine {self.machine:.1f}"
        )


def cpu_snapshot(worker_pid: int, postmaster_pid: int) -> CpuUse:
    worker = sum(cpu_seconds(pid, reaped_children=pid == worker_pid) for pid in process_tree(worker_pid))
    database = sum(cpu_seconds(pid, reaped_children=pid == postmaster_pid) for pid in process_tree(postmaster_pid))
    return CpuUse(worker, database, cpu_seconds(os.getpid()), machine_busy_seconds())


def cpu_used(before: CpuUse, after: CpuUse) -> CpuUse:
    return CpuUse(
        after.worker - before.worker,
        after.database - before.database,
        after.benchmark - before.benchmark,
        after.machine - before.machine,
    )


def postmaster_pid() -> int:
    """The PostgreSQL server's main process: the parent of this connection's backend (0 if not local)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        return int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0


def poll_round(*, source_ids: list[int], queue: str, timeout: float) -> float:
    """Queue a forced poll of every source and wait until each was polled; returns the seconds taken."""
    from django.utils import timezone as django_timezone

    from monitoring.models import Source

    started_at = django_timezone.now()
    started = time.perf_counter()
    poll_queue(source_ids=source_ids, queue=queue)
    deadline = started + timeout
    while True:
        done = Source.objects.filter(id__in=source_ids, last_polled_at__gte=started_at).count()
        if done == len(source_ids):
            return time.perf_counter() - started
        if time.perf_counter() > deadline:
            raise SystemExit(f"Only {done} of {len(source_ids)} sources were polled within {timeout:.0f} s.")
        time.sleep(0.05)  # the clock is 50 ms coarse; polling more often takes CPU from the worker


def poll_queue(*, source_ids: list[int], queue: str) -> None:
    """Queue a forced poll of ``source_ids`` on ``queue``, in batches of POLL_BATCH_SIZE as the beat tick
    (``sources_poll_due``) queues due sources."""
    from monitoring.tasks import POLL_BATCH_SIZE, sources_poll

    for start in range(0, len(source_ids), POLL_BATCH_SIZE):
        sources_poll.apply_async(
            args=(source_ids[start : start + POLL_BATCH_SIZE],), kwargs={"force": True}, queue=queue
        )


def queue_delete(queue: str) -> None:
    """Remove a private Celery queue from the broker (REDIS_URL), with what kombu keeps about it."""
    import redis
    from django.conf import settings

    from webcare.celery import app

    with contextlib.suppress(Exception), app.connection_for_write() as broker:
        broker.default_channel.queue_delete(queue)
    with contextlib.suppress(Exception):
        redis.Redis.from_url(settings.REDIS_URL).delete(
            queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
        )


def worker_errors(worker: Worker) -> list[str]:
    """The lines of the worker's log that report an error or start a traceback."""
    return [line for line in worker.log_text().splitlines() if "ERROR" in line or "Traceback" in line]


def reader_run(urls: list[str], served: Served) -> tuple[float, float, int]:
    """reader's two updates of ``urls``: (seconds all new, seconds all 304, entries stored)."""
    try:
        import sgmllib  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        # reader's vendored feedparser imports `sgmllib` (the sgmllib3k package), which is not installed
        # here; feedparser-sgmllib is the same module under another name.
        import feedparser_sgmllib

        sys.modules["sgmllib"] = feedparser_sgmllib
        log("(sgmllib3k is not installed: feedparser_sgmllib stands in as `sgmllib` for reader's feedparser)")
    from reader import make_reader

    # reader logs every feed it updates; the worker's log goes to a file, so reader's goes nowhere.
    logging.getLogger("reader").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="bench-reader-") as folder:
        path = os.path.join(folder, "reader.sqlite")
        log(f"$ reader = make_reader({path!r}); reader.add_feed(url) for {len(urls)} URLs")
        reader = make_reader(path)
        try:
            for url in urls:
                reader.add_feed(url)
            log("$ reader.update_feeds(scheduled=False)  # all new")
            started, cpu = time.perf_counter(), time.process_time()
            reader.update_feeds(scheduled=False)
            first = time.perf_counter() - started
            entries = reader.get_entry_counts().total
            log(f"  {first:.2f} s, {entries} entries, answers {served.take()}")
            log(f"  CPU s: reader and the feed server (this process) {time.process_time() - cpu:.1f}")
            log("$ reader.update_feeds(scheduled=False)  # all 304")
            started, cpu = time.perf_counter(), time.process_time()
            reader.update_feeds(scheduled=False)
            second = time.perf_counter() - started
            log(f"  {second:.2f} s, answers {served.take()}")
            log(f"  CPU s: reader and the feed server (this process) {time.process_time() - cpu:.1f}")
        finally:
            reader.close()
    return first, second, entries


@contextlib.contextmanager
def test_database() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database named test_<NAME>; dropped afterwards."""
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    log(f"$ create database test_{old_name} and migrate (django create_test_db)")
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield name
    finally:
        connection.close()
        # A worker stopped a moment ago may still hold a session on it; it is ours and throw-away.
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
        log(f"$ drop database {name} (django destroy_test_db)")
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def database_url(name: str) -> str:
    from django.db import connection

    settings = connection.settings_dict
    user = settings["USER"] or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{name}"


def verdict(is_met: bool) -> str:
    return "PASS" if is_met else "MISS"


def django_start(*, database_url: str, redis_url: str) -> None:
    """Django set up for a benchmark, with DATABASE_URL and REDIS_URL from the environment or else these;
    a SIGTERM then still runs the caller's clean-up. Exits unless they are PostgreSQL and Redis."""
    os.environ.setdefault("DATABASE_URL", database_url)
    os.environ.setdefault("REDIS_URL", redis_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webcare.settings")
    sys.path.insert(0, str(ROOT))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        raise SystemExit("This benchmark needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL).")
    log(f"$ {command_line([Path(sys.executable).name, *sys.argv])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=400)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=2, help="prefork pool size of the worker")
    parser.add_argument("--timeout", type=float, default=600, help="seconds a polling round may take")
    parser.add_argument("--skip-reader", action="store_true", help="measure only our polling")
    args = parser.parse_args()

    django_start(database_url=DEFAULT_DATABASE_URL, redis_url=DEFAULT_REDIS_URL)
    from django.conf import settings

    from accounts.models import Organisation
    from monitoring.models import FetchLog, Mention, Sighting, Source, WatchTerms
    from tests.feedserver import FeedServer
    from webcare.celery import app

    log(
        f"machine: {os.cpu_count()} cores, load average {' '.join(f'{n:.2f}' for n in os.getloadavg())}; "
        f"Python {sys.version.split()[0]}; feeds: {args.feeds} x {args.entries} entries "
        f"(half Google Alerts Atom, half RSS 2.0)"
    )
    log(
        f"All feeds are on 127.0.0.1, so WEBCARE_FETCH_PER_HOST={settings.WEBCARE_FETCH_PER_HOST} "
        f"(cache: Redis) allows that many fetches at once across the worker's {args.concurrency} processes."
    )
    queue = f"bench-{uuid.uuid4().hex[:12]}"
    served = Served()
    server = FeedServer().start()
    worker: Worker | None = None
    work_dir = Path(tempfile.mkdtemp(prefix="bench-poll-"))
    try:
        with test_database() as name:
            try:
                organisation = Organisation.objects.create(name="Benchmark")
                WatchTerms.objects.create(organisation=organisation, include=f'"{ORGANISATION}"')
                urls = [
                    server.serve(f"/feed/{n}.xml", etag_route(feed_body(n, args.entries), f'"feed-{n}-v1"', served))
                    for n in range(args.feeds)
                ]
                source_ids = sources_create(organisation, urls)
                log(f"serving {len(urls)} feeds at {server.base_url}/feed/<n>.xml with ETags")

                worker = worker_start(
                    queue=queue,
                    database_url=database_url(name),
                    redis_url=settings.REDIS_URL,
                    concurrency=args.concurrency,
                    log_path=work_dir / "worker.log",
                )
                log(f"$ monitoring.tasks.sources_poll.apply_async((source_ids,), {{'force': True}}, queue={queue!r})")
                log(
                    "  for each batch of POLL_BATCH_SIZE sources, then wait until every source's last_polled_at "
                    "is past the start"
                )
                postmaster = postmaster_pid()
                before = cpu_snapshot(worker.process.pid, postmaster)
                with PssSampler(worker.process.pid) as pss:
                    first = poll_round(source_ids=source_ids, queue=queue, timeout=args.timeout)
                first_cpu = cpu_used(before, cpu_snapshot(worker.process.pid, postmaster))
                first_answers = served.take()
                found = sum(FetchLog.objects.filter(source_id__in=source_ids).values_list("found", flat=True))
                mentions, sightings = Mention.objects.count(), Sighting.objects.count()
                log(f"  stored {mentions} mentions and {sightings} sightings")
                failed = [(s.url, s.last_error) for s in Source.objects.exclude(last_error_code="")[:3]]
                log(f"  first poll: {first:.2f} s, {found} entries, {mentions} mentions, answers {first_answers}")
                log(f"  {first_cpu}")
                if failed or found != args.feeds * args.entries:
                    raise SystemExit(f"The first poll did not read every entry ({found}); failures: {failed}")

                before = cpu_snapshot(worker.process.pid, postmaster)
                second = poll_round(source_ids=source_ids, queue=queue, timeout=args.timeout)
                second_cpu = cpu_used(before, cpu_snapshot(worker.process.pid, postmaster))
                second_answers = served.take()
                not_modified = FetchLog.objects.filter(is_not_modified=True).count()
                log(f"  second poll: {second:.2f} s, answers {second_answers}")
                log(f"  {second_cpu}")
                if not_modified != args.feeds:
                    raise SystemExit(f"Only {not_modified} of {args.feeds} sources were answered with 304.")

                peaks = memory_peaks(process_tree(worker.process.pid))
                pss_peak_kb = pss.peak_kb
            finally:
                if worker is not None:  # before the database goes
                    log("$ stop the worker (SIGTERM)")
                    worker_stop(worker)
        if not args.skip_reader:
            reader_first, reader_second, reader_entries = reader_run(urls, served)
    finally:
        if worker is not None:
            worker_stop(worker)
            errors = worker_errors(worker)
            if errors:
                log("worker log errors:\n  " + "\n  ".join(errors[:10]))
        server.stop()
        queue_delete(queue)
        if os.environ.get("BENCH_KEEP_LOG"):
            log(f"worker log kept in {work_dir}")
        else:
            for path in work_dir.iterdir():
                path.unlink()
            work_dir.rmdir()

    ours = found / first
    peak_mb = max(peaks.values()) / 1024
    total_mb = sum(peaks.values()) / 1024
    pss_peak_mb = pss_peak_kb / 1024
    log("")
    log(f"worker memory peak (VmHWM, MB): {', '.join(f'{kb / 1024:.0f}' for kb in peaks.values())} (main first)")
    reuse = app.conf.get("CELERY_DB_REUSE_MAX")
    log(
        "worker database connections: "
        + (f"reused for {reuse} tasks (CELERY_DB_REUSE_MAX)" if reuse else "closed and reopened around every task")
    )
    log("")
    rows = [("measure", "ours", "reader", "ours/reader", "target", "result")]
    if args.skip_reader:
        rows.append(("first poll (entries/s)", f"{ours:,.0f} ({first:.2f} s)", "-", "-", "-", "-"))
        rows.append((f"304 re-poll of {args.feeds} feeds (s)", f"{second:.2f}", "-", "-", "-", "-"))
    else:
        theirs = reader_entries / reader_first
        rows.append(
            (
                "first poll (entries/s)",
                f"{ours:,.0f} ({first:.2f} s)",
                f"{theirs:,.0f} ({reader_first:.2f} s)",
                f"{ours / theirs:.2f}x",
                f">= {FIRST_POLL_SPEEDUP:g}x",
                verdict(ours >= FIRST_POLL_SPEEDUP * theirs),
            )
        )
        rows.append(
            (
                f"304 re-poll of {args.feeds} feeds (s)",
                f"{second:.2f}",
                f"{reader_second:.2f}",
                f"{second / reader_second:.2f}x",
                f"<= {NOT_MODIFIED_TIME_RATIO:g}x",
                verdict(second <= NOT_MODIFIED_TIME_RATIO * reader_second),
            )
        )
    rows.append(
        (
            "worker memory peak, largest process (MB)",
            f"{peak_mb:.0f}",
            "-",
            "-",
            f"<= {MEMORY_LIMIT_MB}",
            verdict(peak_mb <= MEMORY_LIMIT_MB),
        )
    )
    rows.append(
        (
            f"  the same, {len(peaks)} processes' peaks added up (MB)",
            f"{total_mb:.0f}",
            "-",
            "-",
            f"<= {MEMORY_LIMIT_MB} if for all",
            verdict(total_mb <= MEMORY_LIMIT_MB),
        )
    )
    rows.append(
        (
            "  the whole worker, shared pages once (PSS, MB)",
            f"{pss_peak_mb:.0f}",
            "-",
            "-",
            f"<= {MEMORY_LIMIT_MB} if for all",
            verdict(pss_peak_mb <= MEMORY_LIMIT_MB),
        )
    )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for number, row in enumerate(rows):
        log("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if number == 0:
            log("  ".join("-" * width for width in widths))


if __name__ == "__main__":
    main()
