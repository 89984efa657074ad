"""Writes for an organisation's watch terms: what a general feed's entries must say to be kept."""

from __future__ import annotations

from accounts.models import Organisation
from monitoring.models import WatchTerms


def watch_terms_save(*, organisation: Organisation, include: str, exclude: str) -> WatchTerms:
    """Set the organisation's watch terms; they apply to entries found from now on."""
    terms, _created = WatchTerms.objects.update_or_create(
        organisation=organisation, defaults={"include": include.strip(), "exclude": exclude.strip()}
    )
    return terms
