"""Who else has a mention or a case open right now: kept in the cache (Redis in production) with a short lifetime.

Each open page reports every few seconds, saying whether its person is looking, writing a reply or writing
a note; a person who closes the tab drops out after ``TTL``. Losing this data loses nothing that matters,
so it never touches the database. What is being looked at is a kind (``MENTION``, ``CASE``) and an id.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render

from accounts.models import User
from inbox.http import AppRequest

TTL = 30  # seconds a report counts
HEARTBEAT = 10  # seconds between reports from an open page
VIEWING = "viewing"
REPLYING = "replying"
NOTING = "noting"
STATES = (VIEWING, REPLYING, NOTING)

MENTION = "mention"
CASE = "case"
KINDS = (MENTION, CASE)


@dataclass(frozen=True)
class Presence:
    user_id: int
    name: str
    state: str

    @property
    def is_replying(self) -> bool:
        return self.state == REPLYING

    @property
    def is_noting(self) -> bool:
        return self.state == NOTING


def _key(kind: str, object_id: int) -> str:
    if kind not in KINDS:
        raise ValueError(kind)
    return f"inbox:presence:{kind}:{object_id}"


def presence_report(*, kind: str, object_id: int, user: User, state: str) -> list[Presence]:
    """Record that ``user`` has the ``kind`` ``object_id`` open (``state``: viewing, replying or noting;
    anything else counts as viewing); return the others there.

    Two reports at the same moment may drop one of them; the next heartbeat puts it back.
    """
    now = time.time()
    key = _key(kind, object_id)
    here: dict[str, list[object]] = cache.get(key) or {}
    here = {uid: entry for uid, entry in here.items() if float(str(entry[2])) > now}
    here[str(user.id)] = [str(user), state if state in STATES else VIEWING, now + TTL]
    cache.set(key, here, TTL)
    return _others(here, user)


def presence_leave(*, kind: str, object_id: int, user: User) -> None:
    key = _key(kind, object_id)
    here: dict[str, list[object]] = cache.get(key) or {}
    if here.pop(str(user.id), None) is not None:
        cache.set(key, here, TTL)


def presence_of(*, kind: str, object_id: int, user: User) -> list[Presence]:
    """The others who have it open, without reporting ``user``."""
    return _others(cache.get(_key(kind, object_id)) or {}, user)


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


def presence_answer(request: AppRequest, kind: str, object_id: int, url: str) -> HttpResponse:
    """Record the report of an open page and answer with who else is there; "left" takes one off at once."""
    state = request.POST.get("state", VIEWING)
    if state == "left":
        presence_leave(kind=kind, object_id=object_id, user=request.user)
        return HttpResponse(status=204)
    others = presence_report(kind=kind, object_id=object_id, user=request.user, state=state)
    return render(request, "inbox/_presence.html#presence", presence_context(kind, object_id, url, others))


def presence_context(kind: str, object_id: int, url: str, others: list[Presence]) -> dict[str, Any]:
    return {
        "others_here": others,
        "presence_id": f"{kind}-presence",
        "presence_url": url,
        "heartbeat": HEARTBEAT,
    }
