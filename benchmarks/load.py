"""Benchmark: 50 staff working in the inbox at once, on a million mentions, while the worker polls 400 feeds.

Run by hand, not in the test suite (see benchmarks/README.md):

    .venv/bin/python benchmarks/load.py                  # 1,000,000 mentions, 50,000 cases, 50 people, 3 minutes
    .venv/bin/python benchmarks/load.py --mentions 20000 --cases 1000 --users 10 --seconds 30   # a quick look

It creates a throw-away PostgreSQL database (test_<name> of DATABASE_URL, default test_bench_load), migrates
it and seeds it with SQL as benchmarks/inbox_list.py does (mentions, and cases linked to them). Then it
starts, as in production (DEBUG off, a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1), gunicorn with 4 workers
on 127.0.0.1 and a Celery worker polling 400 feeds from a loopback server (benchmarks/poll_feeds.py), forced
again every 30 seconds with a few new entries per feed each time, and runs Locust headless with the
simulated staff of benchmarks/locustfile.py. At the end it prints p50/p95/p99 per action, the errors, and
compares the writes the simulated staff saw succeed with the rows in the database. It stops every process
and drops the database, failed or not (unless --keep).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import inbox_list
import poll_feeds

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_load"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/11"

P95_MS = 300  # target from the issue, for every action
USER_PREFIX = "load-"
FEED_SOURCE_NAME = "Load feed"
NEW_PER_ROUND = 2  # entries each feed gains between two polls
log = poll_feeds.log


# The staff ----------------------------------------------------------------------------------------------


def staff_ensure(count: int, path: Path) -> list[int]:
    """``count`` staff members (load-01, load-02, …) who may sign in with one known password, written to
    ``path`` for the locustfile; returns their ids. The password is hashed once for all of them: hashing
    it fifty times would take the runner half a minute."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from accounts.models import Organisation, User
    from accounts.roles import Role

    organisation = Organisation.objects.get(name=f"Zwemvereniging {inbox_list.ORGANISATION}")
    password = secrets.token_urlsafe(16)
    hashed = make_password(password)
    staff = Group.objects.get(name=Role.STAFF)
    ids = []
    for n in range(1, count + 1):
        user, _ = User.objects.update_or_create(
            username=f"{USER_PREFIX}{n:02d}",
            defaults={
                "first_name": f"Medewerker {n}",
                "last_name": "Load",
                "password": hashed,
                "is_active": True,
                "organisation": organisation,
            },
        )
        user.groups.add(staff)
        ids.append(user.id)
    path.write_text(
        json.dumps([{"username": f"{USER_PREFIX}{n:02d}", "password": password} for n in range(1, count + 1)])
    )
    return ids


@dataclass(frozen=True)
class Written:
    """Rows the simulated staff wrote, counted in the database."""

    note: int
    categorise: int
    assign: int
    reply: int
    # Each reply writes one row in its case's history: "reply_draft" for a draft for the platform, "reply_posted"
    # for one recorded as said already (e-mail, phone, in person).
    reply_events: int

    @classmethod
    def count(cls) -> Written:
        from inbox.cases.models import CaseEvent, Reply
        from inbox.triage.models import MentionEvent

        events = MentionEvent.objects.filter(actor__username__startswith=USER_PREFIX)
        return cls(
            note=events.filter(action=MentionEvent.Action.NOTE).count(),
            categorise=events.filter(action=MentionEvent.Action.CATEGORISE).count(),
            assign=events.filter(action=MentionEvent.Action.ASSIGN).count(),
            reply=Reply.objects.filter(author__username__startswith=USER_PREFIX).count(),
            reply_events=CaseEvent.objects.filter(
                actor__username__startswith=USER_PREFIX, action__in=("reply_draft", "reply_posted")
            ).count(),
        )


# The feeds ----------------------------------------------------------------------------------------------


class LiveFeeds:
    """The feeds of benchmarks/poll_feeds.py served at /feed/<n>.xml, each gaining NEW_PER_ROUND entries
    with every round (a new ETag, so the poll reads it again). ``first``: the number of the first feed's
    entries (another than 0 serves entries a kept database has not stored yet)."""

    def __init__(self, server: Any, *, count: int, entries: int, first: int = 0) -> None:
        self.count = count
        self.first = first
        self.entries = entries
        self.served = poll_feeds.Served()
        self.round = -1
        self.run = uuid.uuid4().hex[:8]  # a kept database's sources hold the ETags of an earlier run
        self.routes: list[Callable[[Any], Any]] = []
        self.next_round()
        self.urls = [server.serve(f"/feed/{n}.xml", self._route(n)) for n in range(count)]

    def _route(self, n: int) -> Callable[[Any], Any]:
        return lambda request: self.routes[n](request)

    def next_round(self) -> None:
        self.round += 1
        entries = self.entries + NEW_PER_ROUND * self.round
        self.routes = [
            poll_feeds.etag_route(
                poll_feeds.feed_body(self.first + n, entries), f'"load-{self.run}-{n}-{self.round}"', self.served
            )
            for n in range(self.count)
        ]


def feed_sources_ensure(organisation: Any, urls: list[str]) -> list[int]:
    """The organisation's sources for the feeds: made once, pointed at this run's server when kept."""
    from monitoring.models import Source, WatchTerms

    WatchTerms.objects.get_or_create(organisation=organisation, defaults={"include": f'"{poll_feeds.ORGANISATION}"'})
    existing = list(Source.objects.filter(name__startswith=FEED_SOURCE_NAME).order_by("id"))
    if len(existing) != len(urls):
        return poll_feeds.sources_create(organisation, urls, name=FEED_SOURCE_NAME)
    for source, url in zip(existing, urls, strict=True):
        source.url = url
    Source.objects.bulk_update(existing, ["url"])
    return [source.id for source in existing]


class Poller(threading.Thread):
    """Forces a poll of every feed source every ``every`` seconds (as the beat tick would if they were due),
    each round after the one before has finished and with NEW_PER_ROUND new entries in every feed. Runs in
    a thread beside Locust, with a database connection of its own."""

    def __init__(self, feeds: LiveFeeds, source_ids: list[int], *, queue: str, every: float) -> None:
        super().__init__(name="poller", daemon=True)
        self.feeds = feeds
        self.source_ids = source_ids
        self.queue = queue
        self.every = every
        self.rounds: list[float] = []  # seconds each finished round took
        self.finished_at: list[float] = []  # and when it finished, seconds from the first round's start
        self.stopping = threading.Event()

    def run(self) -> None:
        from django.db import connection
        from django.utils import timezone

        from monitoring.models import Source

        begun = time.perf_counter()
        try:
            for number in itertools.count():
                if self.stopping.is_set():
                    break
                started_at, started = timezone.now(), time.perf_counter()
                if number:
                    self.feeds.next_round()
                poll_feeds.poll_queue(source_ids=self.source_ids, queue=self.queue)
                while not self.stopping.is_set():
                    done = Source.objects.filter(id__in=self.source_ids, last_polled_at__gte=started_at).count()
                    if done == len(self.source_ids):
                        self.rounds.append(time.perf_counter() - started)
                        self.finished_at.append(time.perf_counter() - begun)
                        break
                    self.stopping.wait(0.5)
                self.stopping.wait(max(0.0, self.every - (time.perf_counter() - started)))
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join()


# The web server -------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


ACCESS_LOG = "access.log"
ACCESS_FORMAT = "%(t)s %(m)s %(U)s?%(q)s %(s)s %(M)s"


def server_slowest(work_dir: Path, count: int = 10) -> list[tuple[int, str, str]]:
    """The requests the server itself took longest for (ms, when they ended, method and path), from gunicorn's
    access log."""
    found = []
    path = work_dir / ACCESS_LOG
    for line in path.read_text(errors="replace").splitlines() if path.exists() else []:
        stamp, _, rest = line.partition("] ")
        method, target, _status, took = [*rest.split(" "), "", "", "", ""][:4]
        if took.isdigit():
            found.append((int(took), stamp.lstrip("[").split(" ")[0].split(":", 1)[-1], f"{method} {target}"))
    return sorted(found, reverse=True)[:count]


def gunicorn_start(
    *, port: int, workers: int, database_url: str, queue: str, log_path: Path
) -> subprocess.Popen[bytes]:
    """gunicorn as the Dockerfile runs it, on 127.0.0.1, sending its tasks (such as counting the inbox again) to the
    worker's ``queue``; waits until /healthz answers. Beside its log, an access log of every request with the time
    the server took for it (``access.log``: when it ended, method, path, status, ms), which tells a slow answer
    from one that waited for a free worker."""
    argv = [
        sys.executable, "-m", "gunicorn", "webcare.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--timeout", "60", "--worker-tmp-dir", "/dev/shm", "--error-logfile", "-",  # noqa: S108
        "--access-logfile", str(log_path.with_name(ACCESS_LOG)), "--access-logformat", ACCESS_FORMAT,
    ]  # fmt: skip
    env = {"DATABASE_URL": database_url, "CELERY_QUEUE": queue}
    log(f"$ {poll_feeds.command_line(argv, env)}")
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(argv, cwd=ROOT, env={**os.environ, **env}, stdout=log_file, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response,
        ):
            if response.status == 200:
                return process
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"gunicorn did not start:\n{log_path.read_text(errors='replace')}")
        time.sleep(0.2)


def warm_up(base_url: str, person: dict[str, str], *, workers: int) -> None:
    """The pages the staff use, a few times from as many threads as gunicorn has workers, outside the clock:
    a worker's first requests load templates, translations and the caches in its memory, which a server
    that has been up a while has long done. Signs in as ``person`` once, through the form."""
    import requests

    session = requests.Session()
    form = session.get(f"{base_url}/account/login/", timeout=60)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    data = {"csrfmiddlewaretoken": token.group(1) if token else "", **person, "next": ""}
    signed_in = session.post(f"{base_url}/account/login/", data=data, allow_redirects=False, timeout=60)
    if signed_in.status_code != 302:
        raise SystemExit(f"{person['username']} could not sign in (HTTP {signed_in.status_code})")
    inbox = session.get(f"{base_url}/inbox/", timeout=60).text
    cases = session.get(f"{base_url}/inbox/cases/", timeout=60).text
    mention = re.search(r'data-mention-row data-id="(\d+)"', inbox)
    case = re.search(r'href="/inbox/cases/(\d+)/"', cases)
    paths = ["/inbox/", "/inbox/?view=new", "/inbox/?q=zwemles", "/inbox/?status=triaged&platform=forum"]
    paths += [f"/inbox/m/{mention.group(1)}/"] if mention else []
    paths += ["/inbox/cases/", *([f"/inbox/cases/{case.group(1)}/"] if case else [])]
    cookies = session.cookies.get_dict()

    def get(path: str) -> None:
        requests.get(f"{base_url}{path}", cookies=cookies, timeout=60)

    started, requests_made = time.perf_counter(), paths * 2 * workers
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(get, requests_made))
    log(f"warmed up: {len(requests_made)} requests from {workers} threads in {time.perf_counter() - started:.0f} s")


def process_stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def cpu_of(pid: int) -> float:
    """CPU seconds of a process and its children, the finished ones included."""
    return sum(poll_feeds.cpu_seconds(child, reaped_children=child == pid) for child in poll_feeds.process_tree(pid))


def cpu_snapshot(gunicorn_pid: int, worker_pid: int, postmaster_pid: int) -> dict[str, float]:
    """CPU seconds so far of each part (PostgreSQL: the whole server) and the machine's busy seconds."""
    return {
        "gunicorn": cpu_of(gunicorn_pid),
        "worker": cpu_of(worker_pid),
        "PostgreSQL": cpu_of(postmaster_pid),
        "this process (feed server)": poll_feeds.cpu_seconds(os.getpid()),
        "machine": poll_feeds.machine_busy_seconds(),
    }


# Locust and the report ------------------------------------------------------------------------------------


def locust_run(*, host: str, users: int, spawn_rate: float, seconds: int, work_dir: Path) -> subprocess.Popen[bytes]:
    argv = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "-u", str(users), "-r", str(spawn_rate),
        "-t", f"{seconds}s", "--stop-timeout", "90", "--host", host, "--csv", str(work_dir / "locust"),
        "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {"LOAD_USERS_FILE": str(work_dir / "users.json"), "LOAD_RESULTS_FILE": str(work_dir / "results.json")}
    log(f"$ {poll_feeds.command_line(argv, env)}")
    with (work_dir / "locust.log").open("wb") as log_file:
        return subprocess.Popen(argv, cwd=ROOT, env={**os.environ, **env}, stdout=log_file, stderr=subprocess.STDOUT)


def stats_table(stats: list[dict[str, Any]], errors: list[dict[str, Any]]) -> tuple[int, int, bool]:
    """Print the numbers per action; returns (requests, failures, whether every action met the target)."""
    rows = [("action", "requests", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms", f"p95 <= {P95_MS}")]
    is_met = True
    total = failures = 0
    for entry in stats:
        if entry["name"]:
            is_met = is_met and entry["p95"] <= P95_MS
        else:
            total, failures = entry["requests"], entry["failures"]
        rows.append(
            (
                f"{entry['method']} {entry['name']}" if entry["name"] else "all requests",
                str(entry["requests"]),
                str(entry["failures"]),
                f"{entry['p50']:.0f}",
                f"{entry['p95']:.0f}",
                f"{entry['p99']:.0f}",
                f"{entry['max']:.0f}",
                inbox_list.verdict(entry["p95"] <= P95_MS),
            )
        )
    inbox_list.table(rows)
    for error in errors[:10]:
        log(f"  error: {error['method']} {error['name']}: {error['error']} ({error['occurrences']}x)")
    return total, failures, is_met


def writes_table(before: Written, after: Written, results: dict[str, Any]) -> int:
    """Print the writes the simulated staff saw succeed beside the rows that appeared; returns the lost ones
    (seen to succeed, no row). A row nobody saw confirmed is a write whose answer came after Locust stopped."""
    writes, refused = results["writes"], results["refused"]
    header = ("write", "seen to succeed", "rows added", "lost", "written, answer not seen", "refused (changed since)")
    rows = [header]
    lost = 0
    for kind, label in (
        ("note", "internal note"),
        ("categorise", "category"),
        ("assign", "assignee"),
        ("reply", "reply"),
        ("reply_events", "  its line in the case history"),
    ):
        seen = writes.get(kind if kind != "reply_events" else "reply", 0)
        added = getattr(after, kind) - getattr(before, kind)
        lost += max(0, seen - added)
        rows.append(
            (
                label,
                str(seen),
                str(added),
                str(max(0, seen - added)),
                str(max(0, added - seen)),
                str(refused.get(kind, "")),
            )
        )
    inbox_list.table(rows)
    return lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--users", type=int, default=50, help="simulated staff working at once")
    parser.add_argument("--spawn-rate", type=float, default=10, help="simulated staff starting per second")
    parser.add_argument("--seconds", type=int, default=180, help="how long they work")
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--feeds", type=int, default=400)
    parser.add_argument("--entries", type=int, default=50, help="entries per feed at the first poll")
    parser.add_argument("--repoll", type=float, default=30, help="seconds between forced polls of every feed")
    parser.add_argument("--keep", action="store_true", help="keep the seeded database for the next run")
    args = parser.parse_args()

    work_dir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    # Production settings for every process this starts (gunicorn, the worker, collectstatic). The cookies
    # are not Secure-only: loopback has no TLS, and a Secure cookie would never come back over plain HTTP.
    os.environ.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_COOKIES="false",
        WEBCARE_DATA_DIR=str(work_dir / "data"),
    )
    poll_feeds.django_start(database_url=DEFAULT_DATABASE_URL, redis_url=DEFAULT_REDIS_URL)
    from django.conf import settings
    from django.db import connection

    from accounts.models import Organisation
    from monitoring.models import Mention, Source
    from tests.feedserver import FeedServer

    log(
        f"machine: {os.cpu_count()} cores, load average {' '.join(f'{n:.2f}' for n in os.getloadavg())}; "
        f"Python {sys.version.split()[0]}; Redis {settings.REDIS_URL}"
    )
    log("$ manage.py collectstatic --noinput  # DEBUG off serves the hashed, compressed files (WhiteNoise)")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, check=True)
    queue = f"bench-load-{uuid.uuid4().hex[:12]}"
    server = FeedServer().start()
    processes: list[subprocess.Popen[bytes]] = []
    worker: poll_feeds.Worker | None = None
    poller: Poller | None = None
    try:
        with inbox_list.bench_database(keep=args.keep) as name:
            try:
                started = time.perf_counter()
                inbox_list.world_ensure(args.mentions, cases=args.cases)
                log(f"the seeded world is ready after {time.perf_counter() - started:.0f} s")
                staff_ensure(args.users, work_dir / "users.json")
                # A kept database holds the entries of the run before: this run's feeds are other ones (an even
                # offset keeps each feed's kind), so the worker has as much new to store.
                kept = Source.objects.filter(name__startswith=FEED_SOURCE_NAME).exists()
                first = 2 * random.randrange(1, 10**6) if kept else 0
                feeds = LiveFeeds(server, count=args.feeds, entries=args.entries, first=first)
                organisation = Organisation.objects.get(name=f"Zwemvereniging {inbox_list.ORGANISATION}")
                source_ids = feed_sources_ensure(organisation, feeds.urls)
                log(
                    f"serving {args.feeds} feeds at {server.base_url}/feed/<n>.xml, {NEW_PER_ROUND} new entries a round"
                )
                url = poll_feeds.database_url(name)
                worker = poll_feeds.worker_start(
                    queue=queue,
                    database_url=url,
                    redis_url=settings.REDIS_URL,
                    concurrency=2,
                    log_path=work_dir / "worker.log",
                )
                port = free_port()
                processes.append(
                    gunicorn_start(
                        port=port,
                        workers=args.web_workers,
                        database_url=url,
                        queue=queue,
                        log_path=work_dir / "gunicorn.log",
                    )
                )
                base_url = f"http://127.0.0.1:{port}"
                warm_up(base_url, json.loads((work_dir / "users.json").read_text())[0], workers=args.web_workers)
                mentions_before = Mention.objects.count()
                before = Written.count()
                connection.close()  # the poller thread has its own; this one would idle for the whole run
                postmaster = poll_feeds.postmaster_pid()
                cpu_before = cpu_snapshot(processes[0].pid, worker.process.pid, postmaster)
                log(f"$ force a poll of the {args.feeds} feeds every {args.repoll:g} s (each round after the last)")
                poller = Poller(feeds, source_ids, queue=queue, every=args.repoll)
                poller.start()
                clock = time.perf_counter()
                locust = locust_run(
                    host=base_url,
                    users=args.users,
                    spawn_rate=args.spawn_rate,
                    seconds=args.seconds,
                    work_dir=work_dir,
                )
                processes.append(locust)
                locust_cpu = 0.0
                while locust.poll() is None:
                    locust_cpu = max(locust_cpu, cpu_of(locust.pid))
                    time.sleep(1)
                wall = time.perf_counter() - clock
                poller.stop()
                cpu_after = cpu_snapshot(processes[0].pid, worker.process.pid, postmaster)
                after = Written.count()
                polled = Mention.objects.count() - mentions_before
            finally:
                if poller is not None and poller.is_alive():
                    poller.stop()
                for process in processes:
                    process_stop(process)
                if worker is not None:
                    poll_feeds.worker_stop(worker)
                connection.close()
    finally:
        server.stop()
        poll_feeds.queue_delete(queue)
        report_logs(work_dir, worker)

    log("")
    log(f"Locust: {args.users} simulated staff for {args.seconds} s ({wall:.0f} s with start and stop)")
    results = json.loads((work_dir / "results.json").read_text())
    log("the whole run, the fifty sign-ins at the start included:")
    total, failures, is_met_whole = stats_table(results["stats"], results["errors"])
    log("")
    log("at work: requests started 10 s or more after the last person signed in:")
    _working_total, _working_failures, is_met = stats_table(results["working"], [])
    log("")
    log(
        "all requests over the run, per step of 20 s from the first (polling rounds finished at: "
        + ", ".join(f"{at:.0f} s" for at in (poller.finished_at if poller else []))
        + "):"
    )
    for step in results.get("timeline", []):
        log(
            f"  {step['from']:>4} s  {step['requests']:>5} requests  "
            f"p50 {step['p50']:>6.0f} ms  p95 {step['p95']:>6.0f} ms"
        )
    log("")
    log("the slowest requests at work as Locust saw them (from the first request), and as the server took them:")
    for slow in results.get("slowest", []):
        log(f"  {slow['at']:>6.1f} s  {slow['took']:>6.0f} ms  {slow['action']}")
    for took, ended, request in server_slowest(work_dir):
        log(f"  server: {took:>6} ms, ended {ended}  {request}")
    log("")
    lost = writes_table(before, after, results)
    log("")
    rounds = ", ".join(f"{seconds:.1f}" for seconds in poller.rounds) if poller else ""
    log(
        f"feeds: {len(poller.rounds) if poller else 0} finished polling rounds of {args.feeds} feeds (seconds: "
        f"{rounds}); {polled:,} new mentions stored; answers {feeds.served.take()}"
    )
    spent = {name: cpu_after[name] - cpu_before[name] for name in cpu_before}
    log(
        "CPU s during the run: "
        + ", ".join(f"{name} {seconds:.0f}" for name, seconds in spent.items() if name != "machine")
        + f", Locust {locust_cpu:.0f}; the whole machine {spent['machine']:.0f} of {wall * (os.cpu_count() or 1):.0f}"
    )
    log("")
    log(f"target: p95 <= {P95_MS} ms for every action, 0 errors, 0 lost writes")
    log(
        f"result: p95 at work {inbox_list.verdict(is_met)} (whole run {inbox_list.verdict(is_met_whole)}); "
        f"errors {failures} of {total} requests "
        f"{inbox_list.verdict(failures == 0)}; lost writes {lost} {inbox_list.verdict(lost == 0)}"
    )
    if os.environ.get("BENCH_KEEP_LOG"):
        log(f"logs and Locust's CSV files kept in {work_dir}")
    else:
        shutil.rmtree(work_dir)


def report_logs(work_dir: Path, worker: poll_feeds.Worker | None) -> None:
    """Print the errors the worker and gunicorn logged, and what Locust said when it reported nothing."""
    if worker is not None:
        errors = poll_feeds.worker_errors(worker)
        if errors:
            log("worker log errors:\n  " + "\n  ".join(errors[:10]))
    gunicorn_log = work_dir / "gunicorn.log"
    if gunicorn_log.exists():
        errors = [
            line
            for line in gunicorn_log.read_text(errors="replace").splitlines()
            if "Traceback" in line or "ERROR" in line
        ]
        if errors:
            log("gunicorn log errors:\n  " + "\n  ".join(errors[:10]))
    locust_log = work_dir / "locust.log"
    if locust_log.exists() and not (work_dir / "results.json").exists():
        log("Locust said:\n  " + "\n  ".join(locust_log.read_text(errors="replace").splitlines()[-40:]))


if __name__ == "__main__":
    main()
