"""A real mail server on loopback (aiosmtpd) that the product's SMTP backend sends to."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any


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
