"""Who else has a mention open right now: kept in the cache (Redis in production) with a short lifetime.

Each open detail pane reports every few seconds; a person who closes the tab drops out after ``TTL``.
Losing this data loses nothing that matters, so it never touches the database.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache

from accounts.models import User

TTL = 30  # seconds a report counts
HEARTBEAT = 10  # seconds between reports from an open pane
VIEWING = "viewing"
REPLYING = "replying"


@dataclass(frozen=True)
class Presence:
    user_id: int
    name: str
    state: str

    @property
    def is_replying(self) -> bool:
        return self.state == REPLYING


def _key(mention_id: int) -> str:
    return f"inbox:presence:{mention_id}"


def presence_report(*, mention_id: int, user: User, state: str) -> list[Presence]:
    """Record that ``user`` has the mention open (``state``: viewing or replying); return the others there.

    Two reports at the same moment may drop one of them; the next heartbeat puts it back.
    """
    now = time.time()
    here: dict[str, list[object]] = cache.get(_key(mention_id)) or {}
    here = {uid: entry for uid, entry in here.items() if float(str(entry[2])) > now}
    here[str(user.id)] = [str(user), state if state in (VIEWING, REPLYING) else VIEWING, now + TTL]
    cache.set(_key(mention_id), here, TTL)
    return _others(here, user)


def presence_leave(*, mention_id: int, user: User) -> None:
    here: dict[str, list[object]] = cache.get(_key(mention_id)) or {}
    if here.pop(str(user.id), None) is not None:
        cache.set(_key(mention_id), here, TTL)


def presence_of(*, mention_id: int, user: User) -> list[Presence]:
    """The others who have the mention open, without reporting ``user``."""
    return _others(cache.get(_key(mention_id)) or {}, user)


def _others(here: dict[str, list[object]], user: User) -> list[Presence]:
    now = time.time()
    return sorted(
        (
            Presence(user_id=int(uid), name=str(entry[0]), state=str(entry[1]))
            for uid, entry in here.items()
            if uid != str(user.id) and float(str(entry[2])) > now
        ),
        key=lambda p: p.name,
    )
