"""Domain events: what happened, told to whoever subscribed, by name.

Every audited change publishes one (``webcare.audit``). A subscriber registers for an event's name, or for
every event with ``"*"``, and says when it runs:

- ``NOW``: inside the change's transaction, so that what it writes (a notification) is kept or rolled back
  with the change itself;
- ``COMMITTED``: once the change is committed (``transaction.on_commit``), for what must not see a change
  that may still be rolled back: live updates, routing, mail queued to a worker.

An event carries codes and ids, and in ``data`` what its subscribers need (a page's address, a note's text
for the names in it); it is never stored, so it may hold what an audit row must not. The publisher knows no
subscriber: a lower app's code publishes, a higher app's subscribes.
"""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

NOW = "now"
COMMITTED = "committed"


@dataclass(frozen=True)
class DomainEvent:
    name: str  # "<app label>.<action>", e.g. "cases.note"
    organisation_id: int | None
    actor_id: int | None
    subject: str  # what it happened to: "<kind>:<id>", e.g. "case:12"
    data: Mapping[str, Any] = field(default_factory=dict)


Handler = Callable[[DomainEvent], None]
_handlers: dict[str, dict[str, list[Handler]]] = {NOW: defaultdict(list), COMMITTED: defaultdict(list)}


def subscribe(name: str, *, when: str = COMMITTED) -> Callable[[Handler], Handler]:
    """Register the decorated function for events called ``name`` ("*": all of them)."""
    if when not in _handlers:
        raise ValueError(f"when is {NOW!r} or {COMMITTED!r}, not {when!r}")

    def register(handler: Handler) -> Handler:
        if handler not in _handlers[when][name]:
            _handlers[when][name].append(handler)
        return handler

    return register


def publish(event: DomainEvent) -> None:
    """Run the ``NOW`` subscribers at once and the ``COMMITTED`` ones when the transaction commits (at once
    outside a transaction). A committed subscriber that fails is logged and keeps the others from nothing."""
    for handler in (*_handlers[NOW][event.name], *_handlers[NOW]["*"]):
        handler(event)
    for handler in (*_handlers[COMMITTED][event.name], *_handlers[COMMITTED]["*"]):
        transaction.on_commit(functools.partial(_run_committed, handler, event))


def _run_committed(handler: Handler, event: DomainEvent) -> None:
    try:
        handler(event)
    except Exception:
        logger.exception("A subscriber to %s failed after the change was committed", event.name)
