"""The digest end to end: Celery beat's tick, a real worker, and the e-mail in a real mailbox on loopback."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

import pytest

from inbox.notifications.models import Digest, MailPreference
from tests.conftest import ROOT
from tests.factories import CaseFactory, UserFactory
from tests.inbox.notifications.conftest import parts

pytestmark = pytest.mark.worker


@pytest.fixture
def mail_worker(smtp_server, monkeypatch, request):
    """A worker that sends its e-mail to the loopback mail server (set before the worker starts)."""
    for name, value in {
        "EMAIL_HOST": smtp_server.host,
        "EMAIL_PORT": str(smtp_server.port),
        "EMAIL_USE_TLS": "false",
        "WEBCARE_BASE_URL": "https://inbox.example.org",
    }.items():
        monkeypatch.setenv(name, value)
    return request.getfixturevalue("start_worker")()


@pytest.fixture
def beat(mail_worker, tmp_path):
    """Celery beat, ticking the digests every second onto the worker's queue."""
    env = {
        **os.environ,
        "CELERY_QUEUE": mail_worker.queue,
        "WEBCARE_DIGEST_TICK_SECONDS": "1",
        "WEBCARE_POLL_TICK_SECONDS": "3600",
    }
    env.pop("CELERY_BROKER_URL", None)
    log = (tmp_path / "beat.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "--app", "webcare", "beat", "--loglevel", "INFO",
         "--schedule", str(tmp_path / "beat-schedule")],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    yield tmp_path / "beat.log"
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    log.close()


def test_beat_and_the_worker_send_the_digest_once(smtp_server, organisation, transactional_db, mail_worker, beat):
    reader = UserFactory(username="piet", first_name="Piet", role="staff", organisation=organisation)
    MailPreference.objects.create(user=reader, digest_hour=0)  # due at any hour
    case = CaseFactory(organisation=organisation, created_by=reader, assignee=reader, title="Geen badmeester")

    deadline = time.monotonic() + 60
    while not smtp_server.messages:
        if time.monotonic() > deadline:
            pytest.fail(f"No digest arrived.\nWorker:\n{mail_worker.log()}\nBeat:\n{beat.read_text()}", pytrace=False)
        time.sleep(0.2)
    time.sleep(2.5)  # a few more ticks: still one digest

    (message,) = smtp_server.messages
    assert smtp_server.recipients == [[reader.email]]
    assert f"https://inbox.example.org/inbox/cases/{case.id}/" in parts(message)[0]
    assert Digest.objects.get(recipient=reader).state == "sent"
