"""The test world: people in every role, a loopback feed server, a real Celery worker and Chromium.

With ``CI=true`` a test that needs a service (PostgreSQL, Redis, Chromium) fails when it is
missing; elsewhere it is skipped with the reason.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.cache import caches
from django.test import Client

from accounts.models import User
from tests.factories import PASSWORD, OrganisationFactory, UserFactory
from tests.feedserver import FeedServer
from tests.mailserver import Mailbox, free_port
from webcare.memo import Memo

IS_CI = os.environ.get("CI", "").lower() == "true"
ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def service_missing(reason: str) -> None:
    """Fail in CI, skip elsewhere: a missing service must never pass unnoticed in CI."""
    if IS_CI:
        pytest.fail(f"Required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_sessionstart(session: pytest.Session) -> None:
    if IS_CI and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.exit("CI must run on PostgreSQL: set DATABASE_URL to a postgres:// URL.", returncode=3)
    if IS_CI and not settings.REDIS_URL:
        pytest.exit("CI must run with Redis: set REDIS_URL.", returncode=3)
    # Every test makes people with passwords; the production hash (PBKDF2, a million rounds) would spend
    # most of the suite's time on them. A password still has to match to sign in.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings() -> None:
    # A worker process must see the test database, so SQLite's test database is a file.
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(settings.DATA_DIR / "test-db.sqlite3")


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


# The world -----------------------------------------------------------------------------------------


@pytest.fixture
def organisation(db: None):
    return OrganisationFactory()


@pytest.fixture
def board_member(db: None) -> User:
    return UserFactory(username="bea-board", role="board")


@pytest.fixture
def manager(db: None) -> User:
    return UserFactory(username="max-manager", role="manager")


@pytest.fixture
def staff_member(db: None) -> User:
    return UserFactory(username="sam-staff", role="staff")


@pytest.fixture
def no_role_user(db: None) -> User:
    return UserFactory(username="nora-norole")


@pytest.fixture
def signal_phrases(db: None) -> None:
    """The seeded signal phrases; tests on a flushed (transactional) database need them put back."""
    from monitoring.feeds.enrich import DEFAULT_SIGNALS
    from monitoring.models import SignalPhrase

    for seed in DEFAULT_SIGNALS:
        SignalPhrase.objects.get_or_create(
            phrase=seed.phrase, defaults={"category": seed.category, "weight": seed.weight, "flag": seed.flag}
        )


def _client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def client_for() -> Callable[[User | None], Client]:
    """A browser-like client signed in as the given user (``None``: an anonymous visitor)."""
    return _client_for


# Feed server -----------------------------------------------------------------------------------------


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Work queued for a worker (a poll, a refresh of counts) runs at once in this process."""
    from webcare.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def fresh_fragments() -> None:
    """What each process keeps in memory (pieces of pages, the people list) and what the shared cache keeps
    (counts, drawn panes) is not carried from one test's database to the next."""
    caches["fragments"].clear()
    caches["default"].clear()
    Memo.clear_every()


@pytest.fixture(autouse=True)
def fetch_allows_loopback(settings) -> None:
    """Tests fetch from the loopback feed server; tests of the address guard narrow this again."""
    settings.WEBCARE_FETCH_ALLOW_PRIVATE = ["127.0.0.1"]


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer().start()
    yield server
    server.stop()


# Redis -----------------------------------------------------------------------------------------------


@pytest.fixture
def redis_url() -> str:
    url = settings.REDIS_URL
    if not url:
        service_missing("Redis: REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        service_missing(f"Redis at {url} does not answer ({exc})")
    return url


# A real Celery worker ------------------------------------------------------------------------------------


@dataclass
class WorkerProcess:
    queue: str
    process: subprocess.Popen[str]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the worker and its pool at once, as a crash or an OOM kill would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


def _database_url_for_subprocess() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def start_worker(transactional_db: None, tmp_path: Path) -> Iterator[Callable[[], WorkerProcess]]:
    """Start `celery worker` processes on this test's own queue, using its database and the real broker."""
    from webcare.celery import app

    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_subprocess(),
        "CELERY_QUEUE": queue,
        "WEBCARE_FETCH_ALLOW_PRIVATE": "127.0.0.1",
    }
    env.pop("CELERY_BROKER_URL", None)  # the worker takes the broker from the same settings as this process
    workers: list[WorkerProcess] = []

    def start() -> WorkerProcess:
        log_path = tmp_path / f"worker-{len(workers)}.log"
        with log_path.open("w") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "--app", "webcare", "worker", "--pool", "prefork",
                 "--concurrency", "2", "--without-gossip", "--without-mingle", "--loglevel", "INFO",
                 "--hostname", f"{queue}-{len(workers)}@%h"],
                cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, text=True, start_new_session=True,
            )  # fmt: skip
        worker = WorkerProcess(queue=queue, process=process, log_path=log_path)
        workers.append(worker)
        deadline = time.monotonic() + 60
        while "ready." not in worker.log():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"The Celery worker did not start:\n{worker.log()}", pytrace=False)
            time.sleep(0.2)
        return worker

    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        yield start
    finally:
        app.conf.task_default_queue = previous_queue
        for worker in workers:
            worker.stop()


@pytest.fixture
def celery_worker(start_worker: Callable[[], WorkerProcess]) -> WorkerProcess:
    """One running worker (see ``start_worker``)."""
    return start_worker()


# Chromium ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        service_missing(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls a test makes between
    # browser steps are still plain synchronous calls (the advice of pytest-playwright's docs).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request) -> Iterator[object]:
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.live_server_url = live_server.url
    console_errors: list[str] = []
    # Script errors and content-security-policy violations; a 403 page's own status is not one.
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and console_errors.append(message.text),
    )
    yield page
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / f"{request.node.name}.png"), full_page=True)
    context.close()
    # A page that breaks its own content security policy, or a script error, fails the journey.
    assert console_errors == [], f"The browser console reported errors: {console_errors}"


@contextlib.contextmanager
def browser_page(browser: Any, live_server: Any, name: str, **options: Any) -> Iterator[Any]:
    """A second browser for a journey (another person), held to stricter rules than ``page``: no
    script errors, no content-security-policy violations and no server errors. Its last state is
    kept as test-artifacts/<name>.png."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900}, **options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.live_server_url = live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: "Content Security Policy" in message.text and errors.append(message.text))
    page.on("response", lambda response: response.status >= 500 and errors.append(f"{response.status} {response.url}"))
    try:
        yield page
    finally:
        artifacts = ROOT / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
        context.close()
    assert errors == [], f"The second browser reported errors: {errors}"


def sign_in(page: object, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real login form."""
    page.goto(page.live_server_url + "/account/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    # Wait for the page it leads to, scripts included: keys pressed before they run would be lost.
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Inloggen").click()


# Mail server ------------------------------------------------------------------------------------------


@pytest.fixture
def smtp_server() -> Iterator[Mailbox]:
    """A mail server on 127.0.0.1 and a free port, for this test only."""
    mailbox = Mailbox(host="127.0.0.1", port=free_port())
    controller = Controller(mailbox, hostname=mailbox.host, port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def mailbox(smtp_server: Mailbox, settings: Any) -> Mailbox:
    """The product's e-mail goes over SMTP to the loopback server (no TLS, no password)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.host, smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.WEBCARE_BASE_URL = "https://inbox.example.org"
    return smtp_server
