"""A source's history: each change to it is one audit row, published as the domain event ``monitoring.<action>``."""

from __future__ import annotations

from accounts.models import User
from monitoring.models import Source, SourceEvent


def source_event_record(
    source: Source, actor: User | None, action: str, before: str | int = "", after: str | int = ""
) -> SourceEvent:
    return SourceEvent.record(
        actor=actor,
        action=action,
        about=f"source:{source.id}",
        organisation_id=source.organisation_id,
        from_value=before,
        to_value=after,
        source=source,
    )
