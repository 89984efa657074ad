"""A source's history: each change to it is one audit row, published as the domain event ``monitoring.<action>``.

The event brings the source's page (``url``) and name (``name``), so that whoever subscribes (the board's
notification that polling paused a source) needs nothing of monitoring's; ``data`` adds what one change says.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse

from accounts.models import User
from monitoring.models import Source, SourceEvent


def source_event_record(
    source: Source,
    actor: User | None,
    action: str,
    before: str | int = "",
    after: str | int = "",
    *,
    data: Mapping[str, Any] | None = None,
) -> SourceEvent:
    return SourceEvent.record(
        actor=actor,
        action=action,
        about=f"source:{source.id}",
        organisation_id=source.organisation_id,
        from_value=before,
        to_value=after,
        data={"url": reverse("monitoring:source-detail", args=[source.id]), "name": source.name, **(data or {})},
        source=source,
    )
