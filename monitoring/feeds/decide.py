"""Deciding what a poll changes: pure functions over parsed entries and what is already stored."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from monitoring.feeds.parse import ParsedEntry


@dataclass(frozen=True)
class PollPlan:
    new_entries: tuple[ParsedEntry, ...]
    duplicates: int


def poll_plan(entries: Iterable[ParsedEntry], *, known_keys: set[str]) -> PollPlan:
    """Entries not stored yet, once each in feed order; the rest count as duplicates."""
    seen = set(known_keys)
    new: list[ParsedEntry] = []
    duplicates = 0
    for entry in entries:
        if entry.key in seen:
            duplicates += 1
            continue
        seen.add(entry.key)
        new.append(entry)
    return PollPlan(new_entries=tuple(new), duplicates=duplicates)
