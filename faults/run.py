"""Fault runs: the product's promises when a worker, Redis or PostgreSQL goes away, with real processes.

    .venv/bin/python faults/run.py                  # all three (make faults; CI runs it after make test)
    .venv/bin/python faults/run.py kill redis       # some of them: kill, redis, postgres

Nothing is simulated. The run starts a private PostgreSQL cluster (initdb, pg_ctl) and, per scenario, a
private redis-server, each on a free port of 127.0.0.1, and then the product as it runs in production:
gunicorn (DEBUG=false, 2 workers), `celery worker --pool prefork --concurrency 2` and `celery beat` (a
tick of 5 s), polling feeds from a loopback feed server (tests/feedserver.py). The faults are real: the
worker's process group gets SIGKILL, redis-server is stopped and started again, PostgreSQL is stopped
with `pg_ctl stop -m fast` and started again. Page load comes from threads signed in as a staff member
through the sign-in form, counting every status.

1. kill: SIGKILL of the worker while it polls 50 feeds; a new worker starts (as a supervisor would start
   one) and beat queues the sources again once their claim's lease has run out. Expected: every entry
   stored once (0 lost, 0 duplicated), every source polled within the lease, a beat tick and the poll.
2. redis: Redis stopped for 60 s while staff load pages; the feeds get new entries meanwhile. Expected:
   no response >= 500, and polling resumes by itself once Redis is back (the new entries are stored).
3. postgres: PostgreSQL restarted while a poll is in flight and pages are loaded. Expected: during the
   outage only clean 503 pages (the 503 page, with Retry-After), afterwards 200s again with neither web
   nor worker restarted, and nothing half-written (every mention has its sighting, every feed's entries
   are all stored, none twice).

kill and redis run side by side (each with its own Redis and database), then postgres, whose restart
would disturb the others. Each scenario prints a table of its figures; the run exits with status 1 and
names every expectation that failed. Every process and the temporary folder are removed at the end,
failed or not (FAULTS_KEEP=1 keeps the folder with the logs).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
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
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.feedserver import FeedServer, Reply  # noqa: E402

PYTHON = sys.executable
# The claim of a poll is a lease of two minutes (monitoring.services): the sources of a worker that died
# mid-poll are due again after it, and beat queues them at its next tick.
CLAIM_LEASE_SECONDS = 120
TICK_SECONDS = 5  # WEBCARE_POLL_TICK_SECONDS for beat; its minimum
# The time a poll of a scenario's feeds takes once it runs, on a busy machine.
POLL_ALLOWANCE_SECONDS = 30
REDIS_OUTAGE_SECONDS = 60
POSTGRES_OUTAGE_SECONDS = 15
LOAD_THREADS = 3
STAFF_USER = "fault-staff"
ORGANISATION = "Zwemvereniging De Dolfijnen"


def say(scenario: str, message: str) -> None:
    sys.stdout.write(f"[{time.strftime('%H:%M:%S')}] {scenario}: {message}\n")
    sys.stdout.flush()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], bool], *, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return check()


# Processes ---------------------------------------------------------------------------------------------


@dataclass(eq=False)
class Process:
    """A child in a process group of its own, so a signal reaches it and everything it forked."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> Process:
        with self.log_path.open("ab") as log_file:
            self.popen = subprocess.Popen(
                self.argv, cwd=ROOT, env=self.env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
            )
        RUNNING.add(self)
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def is_running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(f"    {line}" for line in self.log().splitlines()[-lines:])

    def kill(self) -> None:
        """SIGKILL to the whole group at once, as a crash or the OOM killer would."""
        if self.popen is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()
        RUNNING.discard(self)

    def stop(self, timeout: float = 20) -> None:
        if self.popen is None:
            return
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=timeout)
        # Whatever of the group is left (a pool process, a gunicorn worker) goes too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()
        RUNNING.discard(self)


RUNNING: set[Process] = set()


def run(argv: list[str], *, env: dict[str, str] | None = None, what: str) -> str:
    """Run a command to its end; raise ``Failure`` with its output when it fails."""
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise Failure(f"{what} failed ({' '.join(argv)}):\n{done.stdout}{done.stderr}")
    return done.stdout


class Failure(Exception):
    """The run cannot go on: a server did not start, a command failed."""


# PostgreSQL --------------------------------------------------------------------------------------------


def postgres_tool(name: str) -> str | None:
    """Where PostgreSQL's ``name`` (initdb, pg_ctl) is: on PATH, else in Debian's versioned folder; None: nowhere."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda path: int(path.parts[-3]))
    return str(versions[-1]) if versions else None


class Cluster:
    """A private PostgreSQL cluster on its own port, owned by the ``postgres`` user when we are root."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.log_path = folder / "postgres.log"
        self.is_started = False

    @staticmethod
    def _tool(name: str) -> str:
        found = postgres_tool(name)
        if found is None:
            raise Failure(f"PostgreSQL's {name} was found neither on PATH nor in /usr/lib/postgresql/*/bin")
        return found

    def _as_owner(self, argv: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv

    def init(self) -> None:
        self.folder.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        run(
            self._as_owner(
                [self._tool("initdb"), "-D", str(self.data), "--auth=trust", "--username=postgres", "-E", "UTF8"]
            ),
            what="initdb",
        )

    def start(self) -> None:
        # fsync=off: the runs restart PostgreSQL, never the machine, and a restart loses nothing the operating
        # system was given; what a commit waits for (synchronous_commit) is as in production.
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off"
        run(
            self._as_owner(
                [self._tool("pg_ctl"), "-D", str(self.data), "-l", str(self.log_path), "-o", options, "-w", "start"]
            ),
            what="pg_ctl start",
        )
        self.is_started = True

    def stop(self, mode: str = "fast") -> None:
        run(self._as_owner([self._tool("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"]), what="pg_ctl stop")
        self.is_started = False

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, database: str, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Run one statement on a connection of its own (it survives a restart in between)."""
        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(statement, params)  # type: ignore[arg-type]
            return list(cursor.fetchall()) if cursor.description else []

    def is_up(self) -> bool:
        try:
            self.sql("postgres", "SELECT 1")
        except psycopg.OperationalError:
            return False
        return True


# Redis -------------------------------------------------------------------------------------------------


class Redis:
    """A private redis-server without persistence: stopping it loses what it held, as a crash would."""

    def __init__(self, folder: Path, name: str) -> None:
        self.folder = folder
        self.port = free_port()
        self.name = name
        self.process: Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        argv += ["--dir", str(self.folder)]
        self.process = Process(f"redis-{self.name}", argv, dict(os.environ), self.folder / "redis.log").start()
        if not wait_until(self.is_up, timeout=15):
            raise Failure(f"redis-server did not start:\n{self.process.log_tail()}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()

    def is_up(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(7).startswith(b"+PONG")
        except OSError:
            return False


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


# The product -------------------------------------------------------------------------------------------


@dataclass
class Product:
    """Web, worker and beat of one scenario, on its database and Redis."""

    name: str
    folder: Path
    env: dict[str, str]
    web_port: int = 0
    web: Process | None = None
    worker: Process | None = None
    beat: Process | None = None
    workers_started: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def manage(self, *args: str) -> str:
        return run([PYTHON, "manage.py", *args], env=self.env, what=f"manage.py {args[0]}")

    def start(self, *, web: bool) -> None:
        """Start the worker, beat and (with ``web``) gunicorn side by side, then wait until each is ready.

        Raises ``Failure`` when one of them does not come up.
        """
        waits = [self._worker_spawn(), self._beat_spawn()]
        if web:
            waits.append(self._web_spawn())
        for wait in waits:
            wait()

    def start_worker(self) -> Process:
        """Start another worker, as a supervisor would after the last one died; raises ``Failure``."""
        self._worker_spawn()()
        assert self.worker is not None
        return self.worker

    def _worker_spawn(self) -> Callable[[], None]:
        self.workers_started += 1
        argv = [
            PYTHON, "-m", "celery", "--app", "webcare", "worker", "--pool", "prefork", "--concurrency", "2",
            "--without-gossip", "--without-mingle", "--loglevel", "INFO",
            "--hostname", f"faults-{self.name}-{self.workers_started}@%h",
        ]  # fmt: skip
        log_path = self.folder / f"worker-{self.workers_started}.log"
        worker = self.worker = Process(f"worker-{self.name}", argv, self.env, log_path).start()

        def wait() -> None:
            if not wait_until(lambda: "ready." in worker.log(), timeout=90):
                raise Failure(f"the Celery worker did not start:\n{worker.log_tail()}")

        return wait

    def _beat_spawn(self) -> Callable[[], None]:
        argv = [PYTHON, "-m", "celery", "--app", "webcare", "beat", "--loglevel", "INFO"]
        beat = self.beat = Process(f"beat-{self.name}", argv, self.env, self.folder / "beat.log").start()

        def wait() -> None:
            if not wait_until(lambda: "beat: Starting" in beat.log(), timeout=90):
                raise Failure(f"Celery beat did not start:\n{beat.log_tail()}")

        return wait

    def _web_spawn(self) -> Callable[[], None]:
        self.web_port = free_port()
        argv = [
            PYTHON, "-m", "gunicorn", "webcare.wsgi:application", "--bind", f"127.0.0.1:{self.web_port}",
            "--workers", "2", "--timeout", "60", "--access-logfile", "-", "--error-logfile", "-",
        ]  # fmt: skip
        web = self.web = Process(f"web-{self.name}", argv, self.env, self.folder / "web.log").start()

        def answers() -> bool:
            try:
                return httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        def wait() -> None:
            if not wait_until(answers, timeout=90, interval=0.5):
                raise Failure(f"gunicorn did not answer:\n{web.log_tail()}")

        return wait

    def stop(self) -> None:
        for process in (self.beat, self.web, self.worker):
            if process is not None:
                process.stop()

    def logs(self) -> str:
        parts = [f"  {p.name} ({p.log_path.name}):\n{p.log_tail()}" for p in (self.worker, self.beat, self.web) if p]
        return "\n".join(parts)


def product_env(*, database_url: str, redis_url: str, folder: Path, queue: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "false",  # plain HTTP on the loopback: the browser must send its cookies back
        "WEBCARE_DATA_DIR": str(folder),
        "WEBCARE_POLL_TICK_SECONDS": str(TICK_SECONDS),
        "WEBCARE_FETCH_ALLOW_PRIVATE": "127.0.0.1",
        "LANGUAGE_CODE": "nl",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CELERY_BROKER_URL", None)  # the broker is REDIS_URL, as in production
    return env


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


# Figures -----------------------------------------------------------------------------------------------


@dataclass
class Report:
    scenario: str
    rows: list[tuple[str, str, str, bool | None]] = field(default_factory=list)  # figure, value, expected, met
    problems: list[str] = field(default_factory=list)  # what went wrong beyond a figure, with the logs

    def figure(self, name: str, value: object, expected: str = "", is_met: bool | None = None) -> None:
        self.rows.append((name, str(value), expected, is_met))

    def fail(self, message: str) -> None:
        self.problems.append(message)

    @property
    def failures(self) -> list[str]:
        """One line per unmet expectation, then the other problems."""
        unmet = [
            f"{name}: {value} (expected {expected})" for name, value, expected, is_met in self.rows if is_met is False
        ]
        return unmet + self.problems

    def table(self) -> str:
        width = max([len(row[0]) for row in self.rows] + [6])
        value_width = max([len(row[1]) for row in self.rows] + [5])
        lines = [f"== {self.scenario}: {'FAILED' if self.failures else 'passed'}"]
        for name, value, expected, is_met in self.rows:
            mark = {True: "ok", False: "FAIL", None: ""}[is_met]
            expectation = f"(expected {expected})" if expected else ""
            lines.append(f"  {name:<{width}}  {value:<{value_width}}  {mark:<4} {expectation}".rstrip())
        lines += [f"  FAILED: {problem}" for problem in self.problems]
        return "\n".join(lines)


@dataclass(frozen=True)
class Stored:
    """What the database holds after a scenario, read with SQL of our own."""

    mentions: int
    distinct_links: int
    sightings: int
    mentions_without_sighting: int
    sources_polled: int
    sources_succeeded: int
    sightings_per_source: dict[str, int]


def stored(cluster: Cluster, database: str) -> Stored:
    (mentions, links), *_ = cluster.sql(
        database, "SELECT count(*), count(DISTINCT canonical_url) FROM monitoring_mention"
    )
    ((sightings,),) = cluster.sql(database, "SELECT count(*) FROM monitoring_sighting")
    ((orphans,),) = cluster.sql(
        database,
        "SELECT count(*) FROM monitoring_mention m "
        "WHERE NOT EXISTS (SELECT 1 FROM monitoring_sighting s WHERE s.mention_id = m.id)",
    )
    ((polled, succeeded),) = cluster.sql(
        database,
        "SELECT count(last_polled_at), count(*) FILTER (WHERE last_success_at IS NOT NULL AND last_error_code = '') "
        "FROM monitoring_source WHERE kind <> 'manual'",
    )
    per_source = cluster.sql(
        database,
        "SELECT s.url, count(g.id) FROM monitoring_source s LEFT JOIN monitoring_sighting g ON g.source_id = s.id "
        "WHERE s.kind <> 'manual' GROUP BY s.url",
    )
    return Stored(mentions, links, sightings, orphans, polled, succeeded, {url: count for url, count in per_source})


def feeds_short(feeds: Feeds, found: Stored) -> int:
    """Feeds whose stored entries differ from what they serve (missing some, or holding some twice)."""
    return sum(
        1
        for feed, entries in feeds.entries.items()
        if found.sightings_per_source.get(feeds.server.url(f"/feed/{feed}.xml"), 0) != entries
    )


def stored_figures(report: Report, feeds: Feeds, found: Stored) -> None:
    expected = feeds.expected
    report.figure("mentions expected / stored", f"{expected} / {found.mentions}", "equal", found.mentions == expected)
    duplicates = found.mentions - found.distinct_links + max(found.sightings - found.mentions, 0)
    report.figure("duplicates", duplicates, "0", duplicates == 0)
    report.figure(
        "mentions without sighting", found.mentions_without_sighting, "0", found.mentions_without_sighting == 0
    )
    short = feeds_short(feeds, found)
    report.figure("feeds whose entries differ", short, "0", short == 0)


def due_again_in(cluster: Cluster, database: str) -> float:
    """Seconds until the last of the sources that have no successful poll yet is due again (0: all are due)."""
    ((seconds,),) = cluster.sql(
        database,
        "SELECT extract(epoch FROM max(next_poll_at) - now()) FROM monitoring_source "
        "WHERE kind <> 'manual' AND last_success_at IS NULL",
    )
    return max(float(seconds or 0), 0.0)


def all_stored(cluster: Cluster, database: str, feeds: Feeds) -> Callable[[], bool]:
    def check() -> bool:
        try:
            found = stored(cluster, database)
        except psycopg.OperationalError:
            return False
        return found.sources_succeeded == len(feeds.entries) and found.sightings == feeds.expected

    return check


# Scenarios ---------------------------------------------------------------------------------------------


@dataclass
class World:
    """What the scenarios share: the folder, the cluster with a migrated template database, the password."""

    folder: Path
    cluster: Cluster
    password: str
    template: str = "faults_template"

    def scenario(self, name: str, stack: contextlib.ExitStack) -> tuple[Product, Redis, str]:
        """A database copied from the template, a Redis and the product's environment for scenario ``name``."""
        database = f"faults_{name}"
        folder = self.folder / name
        folder.mkdir(parents=True)
        self.cluster.sql("postgres", f'CREATE DATABASE "{database}" TEMPLATE "{self.template}"')
        redis = Redis(self.folder / name / "redis", name)
        redis.start()
        stack.callback(redis.stop)
        env = product_env(
            database_url=self.cluster.url(database), redis_url=redis.url, folder=folder, queue=f"faults-{name}"
        )
        product = Product(name=name, folder=folder, env=env)
        stack.callback(product.stop)
        return product, redis, database


def world_prepare(folder: Path) -> World:
    # DEBUG=false serves static files through WhiteNoise's manifest, which collectstatic writes; it takes
    # half a minute (compressing every file), so it runs while the database is made ready.
    static_env = product_env(database_url="", redis_url="", folder=folder / "setup", queue="faults-setup")
    for name in ("DATABASE_URL", "REDIS_URL"):
        static_env.pop(name)
    (folder / "setup").mkdir()
    collectstatic = Process(
        "collectstatic", [PYTHON, "manage.py", "collectstatic", "--noinput"], static_env, folder / "collectstatic.log"
    ).start()
    cluster = Cluster(folder / "cluster")
    cluster.init()
    cluster.start()
    password = secrets.token_urlsafe(16)
    world = World(folder=folder, cluster=cluster, password=password)
    cluster.sql("postgres", f'CREATE DATABASE "{world.template}"')
    env = product_env(
        database_url=cluster.url(world.template), redis_url="", folder=folder / "setup", queue="faults-setup"
    )
    env.pop("REDIS_URL")
    setup = Product(name="setup", folder=folder / "setup", env=env)
    say("setup", f"PostgreSQL on port {cluster.port}: migrate, organisation, staff member; collectstatic")
    setup.manage("migrate", "--noinput")
    setup.manage("set_organisation", ORGANISATION)
    setup.manage("create_user", STAFF_USER, "--role", "staff", "--password", password)
    assert collectstatic.popen is not None
    if collectstatic.popen.wait() != 0:
        raise Failure(f"collectstatic failed:\n{collectstatic.log_tail()}")
    RUNNING.discard(collectstatic)
    say("setup", "ready")
    return world


def sources_import(product: Product, feeds: Feeds) -> None:
    opml = product.folder / "feeds.opml"
    opml.parent.mkdir(parents=True, exist_ok=True)
    opml.write_bytes(feeds.opml())
    product.manage("import_opml", str(opml))


def scenario_kill(world: World) -> Report:
    """SIGKILL of the worker mid-poll of 50 feeds."""
    report = Report("kill -9 of the worker mid-poll")
    name, cluster = "kill", world.cluster
    with contextlib.ExitStack() as stack:
        feeds = Feeds(50, 20, delay=0.3)
        stack.callback(feeds.stop)
        product, _redis, database = world.scenario(name, stack)
        sources_import(product, feeds)
        product.start(web=False)
        started = time.monotonic()
        say(name, "50 feeds due; waiting for beat's poll to be under way")

        def polled() -> int:
            return stored(cluster, database).sources_polled

        if not wait_until(lambda: polled() >= 10, timeout=60, interval=0.1):
            report.fail(f"the poll did not start within 60 s\n{product.logs()}")
            return report
        worker = product.worker
        assert worker is not None
        worker.kill()
        killed = time.monotonic()
        at_kill = polled()
        say(name, f"killed the worker's process group (SIGKILL) with {at_kill} of 50 sources polled")
        report.figure("sources polled when killed", f"{at_kill} of 50", "between 1 and 49", 0 < at_kill < 50)
        held = due_again_in(cluster, database)
        is_leased = held <= CLAIM_LEASE_SECONDS
        report.figure(
            "the unpolled sources are due again in",
            f"{held:.0f} s",
            f"<= {CLAIM_LEASE_SECONDS} s: the claim is a lease",
            is_leased,
        )
        if not is_leased:
            report.fail("the killed worker's claim holds its sources past the lease; not waiting for them")
            return report
        product.start_worker()
        say(name, "a new worker runs; waiting for every source to be polled")
        limit = CLAIM_LEASE_SECONDS + 2 * TICK_SECONDS + POLL_ALLOWANCE_SECONDS
        is_done = wait_until(all_stored(cluster, database, feeds), timeout=limit + 30, interval=0.5)
        done = time.monotonic()
        # Let a poll that might still come (a second copy of a batch) show itself before counting.
        time.sleep(2 * TICK_SECONDS)
        found = stored(cluster, database)
        stored_figures(report, feeds, found)
        report.figure("sources polled", f"{found.sources_succeeded} of 50", "50", found.sources_succeeded == 50)
        report.figure(
            "time from kill until all polled",
            f"{done - killed:.0f} s" if is_done else f"> {done - killed:.0f} s",
            f"<= {limit} s: lease {CLAIM_LEASE_SECONDS} s + 2 ticks + {POLL_ALLOWANCE_SECONDS} s to poll",
            is_done and done - killed <= limit,
        )
        report.figure("time from first claim until all polled", f"{done - started:.0f} s")
        fetched = sum(feeds.answered.values())
        report.figure("feed answers with entries (200)", f"{fetched} for 50 feeds")
        if report.failures:
            report.fail(f"logs:\n{product.logs()}")
    return report


def scenario_redis(world: World) -> Report:
    """Redis stopped for 60 s under page load; polling must resume by itself."""
    report = Report(f"Redis stopped {REDIS_OUTAGE_SECONDS} s under page load")
    name, cluster = "redis", world.cluster
    with contextlib.ExitStack() as stack:
        feeds = Feeds(10, 10)
        stack.callback(feeds.stop)
        product, redis, database = world.scenario(name, stack)
        sources_import(product, feeds)
        # Due again a minute after each poll, so that a poll falls due while Redis is away.
        cluster.sql(database, "UPDATE monitoring_source SET poll_interval_minutes = 1")
        product.start(web=True)
        if not wait_until(all_stored(cluster, database, feeds), timeout=90, interval=0.5):
            report.fail(f"the first poll did not finish within 90 s\n{product.logs()}")
            return report
        say(name, f"first poll stored {feeds.expected} mentions; page load starts")
        load = stack.enter_context(Load(product.base_url, world.password))
        load.mention_id = cluster.sql(database, "SELECT max(id) FROM monitoring_mention")[0][0]
        time.sleep(5)
        redis.stop()
        down = time.monotonic()
        feeds.add_entries(5)
        say(name, f"Redis stopped; the feeds have 5 new entries each; waiting {REDIS_OUTAGE_SECONDS} s")
        time.sleep(REDIS_OUTAGE_SECONDS)
        redis.start()
        back = time.monotonic()
        say(name, "Redis is back; waiting for the new entries")
        limit = 2 * 60 + 2 * TICK_SECONDS  # a poll falls due every minute; the worker reconnects meanwhile
        is_done = wait_until(all_stored(cluster, database, feeds), timeout=limit + 30, interval=0.5)
        done = time.monotonic()
        time.sleep(2)
        load.__exit__()
        answers = load.taken()
        during = load.taken(down, back)
        report.figure("requests made (during the outage)", f"{len(answers)} ({len(during)})")
        report.figure("status counts", statuses(answers))
        report.figure("status counts during the outage", statuses(during))
        worst = max((answer.status for answer in answers), default=0)
        failed = sum(1 for answer in answers if answer.status >= 500 or answer.status == 0)
        report.figure("max status", worst, "< 500", 0 < worst < 500)
        report.figure("responses >= 500 or none", failed, "0", failed == 0)
        report.figure("requests during the outage", len(during), "> 0", len(during) > 0)
        for error in load.errors:
            report.fail(error)
        report.figure("outage duration", f"{back - down:.0f} s")
        report.figure(
            "time from Redis back until the new entries were stored",
            f"{done - back:.0f} s" if is_done else f"> {done - back:.0f} s",
            f"<= {limit} s",
            is_done and done - back <= limit,
        )
        stored_figures(report, feeds, stored(cluster, database))
        if report.failures:
            report.fail(f"logs:\n{product.logs()}")
    return report


def scenario_postgres(world: World) -> Report:
    """PostgreSQL restarted mid-poll and mid-page-load."""
    report = Report("PostgreSQL restarted mid-poll and mid-page-load")
    name, cluster = "postgres", world.cluster
    with contextlib.ExitStack() as stack:
        feeds = Feeds(20, 20, delay=0.4)
        stack.callback(feeds.stop)
        product, _redis, database = world.scenario(name, stack)
        sources_import(product, feeds)
        product.start(web=True)
        web, worker = product.web, product.worker
        assert web is not None
        assert worker is not None
        load = stack.enter_context(Load(product.base_url, world.password))
        say(name, "20 feeds due, page load running; waiting for the poll to be under way")
        if not wait_until(lambda: len(load.taken()) >= 2 * LOAD_THREADS, timeout=30):
            report.fail(f"the page load did not start: {load.errors}\n{product.logs()}")
            return report
        if not wait_until(lambda: stored(cluster, database).sources_polled >= 5, timeout=60, interval=0.1):
            report.fail(f"the poll did not start within 60 s\n{product.logs()}")
            return report
        at_stop = stored(cluster, database).sources_polled
        load.mention_id = cluster.sql(database, "SELECT max(id) FROM monitoring_mention")[0][0]
        down = time.monotonic()
        cluster.stop("fast")
        say(name, f"PostgreSQL stopped (pg_ctl stop -m fast) with {at_stop} of 20 sources polled")
        time.sleep(POSTGRES_OUTAGE_SECONDS)
        cluster.start()
        back = time.monotonic()
        say(name, "PostgreSQL is back; waiting for pages and polls to recover")
        wait_until(lambda: any(a.status == 200 for a in load.taken(back)), timeout=60)
        report.figure("sources polled when stopped", f"{at_stop} of 20", "between 1 and 19", 0 < at_stop < 20)
        held = due_again_in(cluster, database)
        is_leased = held <= CLAIM_LEASE_SECONDS
        report.figure(
            "the sources the restart cut off are due again in",
            f"{held:.0f} s",
            f"<= {CLAIM_LEASE_SECONDS} s: the claim is a lease",
            is_leased,
        )
        limit = CLAIM_LEASE_SECONDS + 2 * TICK_SECONDS + POLL_ALLOWANCE_SECONDS
        # Past the lease there is nothing to wait for: they would not be polled in time.
        is_done = is_leased and wait_until(all_stored(cluster, database, feeds), timeout=limit + 30, interval=0.5)
        done = time.monotonic()
        time.sleep(5)  # pages after the recovery
        load.__exit__()

        answers = load.taken()
        before, during, after = load.taken(0, down), load.taken(down, back), load.taken(back)
        first_200 = next((answer.at for answer in after if answer.status == 200), None)
        recovered = load.taken(first_200) if first_200 else []
        report.figure("requests made (during the outage)", f"{len(answers)} ({len(during)})")
        report.figure("status counts", statuses(answers))
        report.figure("status counts during the outage", statuses(during))
        worst = max((answer.status for answer in answers), default=0)
        report.figure("max status", worst, "503", worst == 503)
        unexpected = [a for a in answers if a.status not in (200, 503)]
        report.figure("statuses other than 200 and 503", len(unexpected), "0", not unexpected)
        unclean = sum(1 for answer in answers if answer.status == 503 and not answer.is_clean_503)
        report.figure("503s without the 503 page or Retry-After", unclean, "0", unclean == 0)
        not_ok_before = sum(1 for answer in before if answer.status != 200)
        report.figure("non-200 before the outage", not_ok_before, "0", not_ok_before == 0)
        outage_503s = sum(answer.status == 503 for answer in during)
        report.figure("503s during the outage", outage_503s, "> 0", outage_503s > 0)
        report.figure("outage duration (stop to accepting again)", f"{back - down:.1f} s")
        report.figure(
            "time from PostgreSQL back until the first 200",
            f"{first_200 - back:.1f} s" if first_200 else "never",
            "<= 10 s",
            first_200 is not None and first_200 - back <= 10,
        )
        not_ok_after = sum(1 for answer in recovered if answer.status != 200)
        report.figure("non-200 after the first 200", f"{not_ok_after} of {len(recovered)}", "0", not_ok_after == 0)
        for error in load.errors:
            report.fail(error)
        report.figure(
            "time from PostgreSQL back until all polled",
            f"{done - back:.0f} s" if is_done else f"> {done - back:.0f} s",
            f"<= {limit} s: lease {CLAIM_LEASE_SECONDS} s + 2 ticks + {POLL_ALLOWANCE_SECONDS} s to poll",
            is_done and done - back <= limit,
        )
        stored_figures(report, feeds, stored(cluster, database))
        booted = web.log().count("Booting worker")
        report.figure(
            "web and worker restarted",
            "no" if web.is_running() and worker.is_running() and booted == 2 else "yes",
            "no (same gunicorn and Celery processes, 2 gunicorn workers booted)",
            web.is_running() and worker.is_running() and booted == 2,
        )
        if report.failures:
            report.fail(f"logs:\n{product.logs()}")
    return report


SCENARIOS: dict[str, Callable[[World], Report]] = {
    "kill": scenario_kill,
    "redis": scenario_redis,
    "postgres": scenario_postgres,
}


def guarded(scenario: str, world: World) -> Report:
    """Run one scenario; a scenario that could not run at all is a failed report, not a crash."""
    started = time.monotonic()
    try:
        report = SCENARIOS[scenario](world)
    except Exception as exc:  # the run reports every scenario, whatever broke one
        report = Report(scenario)
        report.fail(f"could not run: {exc.__class__.__name__}: {exc}")
    report.figure("scenario took", f"{time.monotonic() - started:.0f} s")
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "scenarios", nargs="*", metavar="SCENARIO", help=f"any of: {', '.join(SCENARIOS)} (default: all)"
    )
    chosen = parser.parse_args().scenarios or list(SCENARIOS)
    unknown = sorted(set(chosen) - set(SCENARIOS))
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    missing = [tool for tool in ("initdb", "pg_ctl") if not postgres_tool(tool)]
    missing += [tool for tool in ("redis-server",) if not shutil.which(tool)]
    if missing:
        sys.stderr.write(f"FAULT RUN FAILED: {', '.join(missing)} not found (the runs start servers of their own).\n")
        return 1
    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="webcare-faults-"))
    folder.chmod(0o755)  # the postgres user must reach its cluster inside
    world: World | None = None

    def clean_up() -> None:
        for process in list(RUNNING):
            process.stop(timeout=10)
        if world is not None and world.cluster.is_started:
            with contextlib.suppress(Failure):
                world.cluster.stop("fast")
        if os.environ.get("FAULTS_KEEP") == "1":
            say("cleanup", f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)

    atexit.register(clean_up)
    # A CI job that is cancelled sends SIGTERM: clean up as on any other way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    reports: list[Report] = []
    try:
        world = world_prepare(folder)
        side_by_side = [scenario for scenario in ("kill", "redis") if scenario in chosen]
        results: dict[str, Report] = {}
        prepared = world

        def side(scenario: str) -> None:
            results[scenario] = guarded(scenario, prepared)

        threads = [threading.Thread(target=side, args=(scenario,), daemon=True) for scenario in side_by_side]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        reports += [results[scenario] for scenario in side_by_side]
        if "postgres" in chosen:
            reports.append(guarded("postgres", world))
    except Failure as exc:
        sys.stderr.write(f"FAULT RUN FAILED: {exc}\n")
        return 1
    finally:
        clean_up()
        atexit.unregister(clean_up)
    for report in reports:
        sys.stdout.write("\n" + report.table() + "\n")
    sys.stdout.write(f"\nAll fault runs took {time.monotonic() - started:.0f} s.\n")
    failed = [report for report in reports if report.failures]
    if failed:
        for report in failed:
            for failure in report.failures:
                sys.stderr.write(f"FAULT RUN FAILED: {report.scenario}: {failure.splitlines()[0]}\n")
        return 1
    sys.stdout.write("Every fault run met its expectations.\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
