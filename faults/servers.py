"""The private servers of the fault runs and the product on them, each a real process on a free port.

A PostgreSQL cluster of its own (initdb, pg_ctl), a redis-server per scenario, and the product as it runs in
production: gunicorn, a Celery worker and Celery beat. Every process runs in a process group of its own, so
that a fault (SIGKILL) or the teardown reaches all it forked; ``RUNNING`` holds those still to stop.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# The claim of a poll is a lease of two minutes (monitoring.services.claims): the sources of a worker that
# died mid-poll are due again after it, and beat queues them at its next tick.
CLAIM_LEASE_SECONDS = 120
TICK_SECONDS = 5  # WEBCARE_POLL_TICK_SECONDS for beat; its minimum
# The time a poll of a scenario's feeds takes once it runs, on a busy machine.
POLL_ALLOWANCE_SECONDS = 30


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
