"""Reads for the inbox. Every selector takes the acting user and returns only what they may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from accounts.models import User
from monitoring.models import Mention
from monitoring.selectors import mentions_visible_to

PAGE_SIZE = 50


@dataclass(frozen=True)
class Cursor:
    published_at: datetime
    mention_id: int

    def __str__(self) -> str:
        return f"{self.published_at.isoformat()}~{self.mention_id}"


@dataclass(frozen=True)
class MentionPage:
    mentions: list[Mention]
    next_cursor: Cursor | None


def mention_page(*, user: User, before: Cursor | None = None, size: int = PAGE_SIZE) -> MentionPage:
    """One page of mentions, newest first, after ``before`` (keyset pagination). Runs one query."""
    mentions = mentions_visible_to(user)
    if before is not None:
        mentions = mentions.filter(
            Q(published_at__lt=before.published_at) | Q(published_at=before.published_at, id__lt=before.mention_id)
        )
    rows = list(mentions[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    last = rows[-1] if has_more else None
    return MentionPage(
        mentions=rows,
        next_cursor=Cursor(published_at=last.published_at, mention_id=last.id) if last else None,
    )
