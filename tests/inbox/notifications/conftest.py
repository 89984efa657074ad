"""A real mail server on loopback (aiosmtpd) that the product's SMTP backend sends to, and a small team."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import translation

from tests.factories import UserFactory


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Mailbox:
    """What the loopback server received. ``refuse`` holds answers to give to the next messages instead of
    taking them ("451 4.3.0 Try again later"), one each."""

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    refuse: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.refuse:
                return self.refuse.pop(0)
            parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
            self.messages.append(parsed)  # type: ignore[arg-type]
            self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message, rcpt in zip(self.messages, self.recipients, strict=True) if address in rcpt]


def nl(msgid: str) -> str:
    """``msgid`` as a Dutch reader sees it: the default language, translated or not (yet)."""
    with translation.override("nl"):
        return translation.gettext(msgid)


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain text and the HTML of a received message."""
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None, "a message has a plain-text part"
    assert html is not None, "a message has an HTML part"
    return plain.get_content(), html.get_content()


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


@pytest.fixture
def team(organisation, board_member):
    """Piet owns webcare, Sanne stands in; both handle cases."""
    piet = UserFactory(username="piet", first_name="Piet", role="staff", organisation=organisation)
    sanne = UserFactory(username="sanne", first_name="Sanne", role="staff", organisation=organisation)
    organisation.webcare_owner, organisation.webcare_deputy = piet, sanne
    organisation.save()
    return {"owner": piet, "deputy": sanne, "board": board_member}
