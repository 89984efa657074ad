"""Sessions in the database, as Django keeps them, read with a statement compiled once.

Every page reads its session first. Django builds and compiles that query anew each time, which costs
more than PostgreSQL takes to answer it; the statement is the same for every request but for the key and
the time (webcare/queries.py).
"""

from __future__ import annotations

import time
from functools import cache
from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import router
from django.utils import timezone

from webcare.queries import MARKER_TIME, CompiledQuery

_KEY = "\x00session-key\x00"  # a marker: no session key is ever this
# A session lasts SESSION_COOKIE_AGE from the last time it was used, not from the sign-in. Writing it
# back on every request would cost a write per page, so its end moves on at most every few minutes.
_SEEN = "_seen_at"
REFRESH_SECONDS = 300


@cache
def _session_data(using: str) -> CompiledQuery | None:
    live = Session.objects.db_manager(using).filter(session_key=_KEY, expire_date__gt=MARKER_TIME)
    return CompiledQuery.of(live.values_list("session_data")[:1], {"key": _KEY, "now": MARKER_TIME})


class SessionStore(db.SessionStore):
    """Django's database sessions, read faster, and ending after ``SESSION_COOKIE_AGE`` of inactivity."""

    def load(self) -> dict[str, Any]:
        data = self._stored()
        now = int(time.time())
        if data and now - int(data.get(_SEEN, 0)) >= REFRESH_SECONDS:
            data[_SEEN] = now
            self.modified = True  # saved with a new end: SESSION_COOKIE_AGE from now
        return data

    def _stored(self) -> dict[str, Any]:
        query = _session_data(router.db_for_read(self.model))
        if query is None:  # not compiled with its markers: Django's own way
            return super().load()
        rows = query.rows({"key": self.session_key, "now": timezone.now()})
        if not rows:
            self._session_key = None
            return {}
        return self.decode(rows[0][0])
