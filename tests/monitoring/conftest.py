"""Fixtures shared by the fetch tests (test_fetch*.py): a stub resolver, a recording socket layer, a fresh client."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator

import httpcore
import pytest

from monitoring.feeds import fetch
from monitoring.feeds.guard import IPAddress

# The fetch tests use `dns` and `connections` on every test (`pytestmark`), so nothing leaves this machine.


class StubResolver:
    """Answers from ``names`` (a name → one list of addresses, or a list of answers in turn)."""

    def __init__(self) -> None:
        self.names: dict[str, list[str] | list[list[str]]] = {}
        self.calls: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> list[IPAddress]:
        self.calls.append((host, port))
        answers = self.names.get(host)
        if not answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answer = answers.pop(0) if isinstance(answers[0], list) else answers
        return [ipaddress.ip_address(address) for address in answer]


@pytest.fixture
def dns(monkeypatch) -> StubResolver:
    resolver = StubResolver()
    monkeypatch.setattr(fetch, "resolve", resolver)
    return resolver


@pytest.fixture
def connections(monkeypatch) -> list[tuple[str, int]]:
    """Every (host, port) httpcore's socket layer was asked to connect to; only loopback is let through."""
    attempts: list[tuple[str, int]] = []
    connect = httpcore.SyncBackend.connect_tcp

    def recording_connect(self, host, port, *args, **kwargs):
        attempts.append((host, port))
        if host not in ("127.0.0.1", "::1"):
            raise httpcore.ConnectError(f"the tests never connect to {host}")
        return connect(self, host, port, *args, **kwargs)

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", recording_connect)
    return attempts


@pytest.fixture
def fresh_client(monkeypatch) -> Iterator[None]:
    """A shared client made inside the test, so it sees the test's environment."""
    monkeypatch.setattr(fetch, "_client", None)
    yield
    if fetch._client is not None:
        fetch._client.close()
