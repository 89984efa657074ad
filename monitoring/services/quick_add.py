"""Quick add: a mention staff saw where no feed reaches, stored by hand."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from monitoring import selectors
from monitoring.dates import publication_is_sane
from monitoring.feeds.clean import html_clean
from monitoring.feeds.decide import NewEntry, canonical_url
from monitoring.feeds.enrich import enrich
from monitoring.feeds.parse import ParsedEntry, link_unwrap, title_from_text
from monitoring.feeds.platforms import platform_for_url
from monitoring.feeds.terms import watch_terms_match
from monitoring.models import MANUAL_SOURCE_NAME, Mention, Sighting, Source
from monitoring.privacy import forgotten_key, mention_anonymised_values
from monitoring.services.store import authors_known, mention_values, mentions_announce
from webcare.links import http_url_check


@dataclass(frozen=True)
class QuickAdded:
    mention: Mention
    is_new: bool


def mention_quick_add(
    *,
    organisation: Organisation,
    url: str,
    text: str,
    author: str = "",
    published_at: datetime | None = None,
    actor: User,
) -> QuickAdded:
    """Store a mention staff saw where no feed reaches (Facebook, Instagram, reviews), deduped by link.

    The same link twice gives the existing mention (``is_new`` false). Raises ``ValidationError`` for a
    link that is not a web address, an empty text or a ``published_at`` outside ``monitoring.dates``'
    range (``None``: now).
    """
    try:
        link = link_unwrap(http_url_check(url))
    except ValidationError as exc:
        raise ValidationError({"url": exc.messages}) from exc
    canonical = canonical_url(link)
    if not canonical:
        raise ValidationError({"url": _("Enter the web address (http or https) of the post or review.")})
    text = " ".join(text.split())
    if not text:
        raise ValidationError({"text": _("Paste or type what was said.")})
    now = timezone.now()
    if published_at is not None and not publication_is_sane(published_at, now=now):
        # A year-1 date became a BC timestamp that broke every inbox page: the form refuses it too.
        raise ValidationError(
            {"published_at": _("Enter a moment between 1 January 1990 and tomorrow.")}, code="out_of_range"
        )
    source, _created = Source.objects.get_or_create(
        organisation=organisation,
        kind=Source.Kind.MANUAL,
        defaults={"name": MANUAL_SOURCE_NAME, "url": "", "is_active": False},
    )
    existing = Mention.objects.filter(
        organisation=organisation, canonical_url__in=[canonical, forgotten_key(canonical)]
    ).first()
    if existing is not None:
        return QuickAdded(mention=existing, is_new=False)
    entry = ParsedEntry(
        key=canonical,
        url=link,
        title=title_from_text(text),
        snippet=text,
        content_html=html_clean("<p>" + html.escape(text) + "</p>"),
        author=author.strip()[:200],
        published_at=published_at or now,
        platform=platform_for_url(link),
        publisher="",
    )
    terms = selectors.watch_terms_parsed(organisation_ids=[organisation.id]).get(organisation.id)
    matched = watch_terms_match(terms, title=entry.title, text=text).matched if terms else ()
    repeated, forgotten = authors_known(organisation.id, {entry.author} - {""})
    # Worked out before the transaction, which holds only the writes.
    enrichment = enrich(
        title=entry.title, text=entry.snippet, signals=selectors.signals_active(), repeated_author=bool(repeated)
    )
    new = NewEntry(entry=entry, canonical_url=canonical, matched_terms=matched)
    values = mention_values(source, new, now, enrichment)
    if forgotten:  # its author asked to be forgotten: kept for the figures, without them
        values.update(
            mention_anonymised_values(organisation.id, author=entry.author, canonical_url=canonical, entry_key=""),
            anonymised_at=now,
        )
    mention = Mention(**values)
    mention.added_by = actor
    with transaction.atomic():
        try:
            with transaction.atomic():
                mention.save()
        except IntegrityError:
            # A colleague added the same link a moment ago.
            return QuickAdded(
                mention=Mention.objects.get(organisation=organisation, canonical_url=mention.canonical_url),
                is_new=False,
            )
        Sighting.objects.create(
            mention=mention, source=source, external_id=mention.canonical_url, url=mention.url, seen_at=now
        )
        mentions_announce(
            organisation_id=organisation.id, source_id=source.id, mention_ids=[mention.id], actor_id=actor.id
        )
    return QuickAdded(mention=mention, is_new=True)
