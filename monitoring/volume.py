"""Unusual volume: a source or a watch term with more mentions in the last two hours than on its usual day.

Deciding only (pure functions over counts); ``monitoring.selectors.mention_volumes`` counts, and the inbox
tells whoever is responsible (``inbox.team.volume``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

WINDOW = timedelta(hours=2)  # "the last two hours"
USUAL_DAYS = 28  # the usual day: the average of the 28 days before the window
# Fewer mentions than this in the window are never unusual, however quiet the usual day: two posts on a
# source that is mostly silent are no reason to disturb anybody.
MINIMUM = 10
# Mentions found in the window but said longer ago than this are a backlog (a new source's first poll, a
# feed that caught up), not people talking now: they do not count.
FRESH = timedelta(days=1)


@dataclass(frozen=True)
class Volume:
    """The mentions of one source (``source_id``) or one watch term (``term``) of an organisation."""

    organisation_id: int
    source_id: int | None  # None for a watch term
    term: str  # "" for a source
    label: str  # the source's name as shown, or the term
    recent: int  # found in the window (and said at most ``FRESH`` before)
    earlier: int  # said in the ``USUAL_DAYS`` before the window, counted up to ``earlier_limit(recent)``

    @property
    def usual_per_day(self) -> float:
        return self.earlier / USUAL_DAYS


def worth_counting(recent: int) -> bool:
    """Whether ``recent`` mentions could be unusual at all: only then are the earlier ones counted."""
    return recent >= MINIMUM


def earlier_limit(recent: int) -> int:
    """How far to count the earlier mentions: with this many the usual day has at least ``recent``, so the
    count may stop there (a busy source is never counted through)."""
    return recent * USUAL_DAYS


def is_unusual(recent: int, earlier: int) -> bool:
    """More mentions in the window than on the usual day (``earlier`` over ``USUAL_DAYS`` days), and at least
    ``MINIMUM``."""
    return worth_counting(recent) and recent * USUAL_DAYS > earlier


def window_number(seconds: float) -> int:
    """Which two-hour window of the clock ``seconds`` (since the epoch) falls in: one notice per window."""
    return int(seconds // WINDOW.total_seconds())
