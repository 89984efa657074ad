"""Finding a person in what the organisation stored, and everything stored about them (for the board only).

A person is known by what they left: a handle or name on mentions, a complainant's name, an e-mail address or a
phone number on cases. The board searches, picks the identities that are this person (``Identity``), and then
reads, exports or erases what those identities hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.html import strip_tags

from accounts.models import User
from accounts.selectors import organisation_id_of
from inbox.cases.models import Case, CaseEvent, CaseMention
from inbox.triage.models import MentionEvent
from monitoring.models import Mention
from monitoring.privacy import identity_normalised

PERMISSION = "privacy.manage_personal_data"

# A search needs this many characters: fewer would list half the organisation's complainers.
QUERY_MIN = 2
FOUND_MAX = 50


class Kind:
    AUTHOR = "author"  # who wrote a mention: a handle or a name
    NAME = "name"  # a case's complainant
    EMAIL = "email"
    PHONE = "phone"

    ALL = (AUTHOR, NAME, EMAIL, PHONE)


@dataclass(frozen=True, order=True)
class Identity:
    """One way a person appears: ``kind`` (see ``Kind``) and the value as stored."""

    kind: str
    value: str

    @property
    def token(self) -> str:
        """How it travels in a form: ``author:@jan``."""
        return f"{self.kind}:{self.value}"

    @classmethod
    def parse(cls, token: str) -> Identity | None:
        kind, _sep, value = token.partition(":")
        value = value.strip()
        if kind not in Kind.ALL or not value or len(value) > 254 or "\x00" in value:
            return None
        return cls(kind, value)


def identities_parse(tokens: Iterable[str]) -> list[Identity]:
    """The identities among ``tokens`` (as sent by the search form), without doubles; the rest left out."""
    return sorted({identity for token in tokens if (identity := Identity.parse(token)) is not None})


@dataclass(frozen=True)
class Found:
    """An identity the search found, with how much it holds."""

    identity: Identity
    mentions: int = 0
    cases: int = 0
    last_at: datetime | None = None


def may_manage(user: User) -> bool:
    return user.is_authenticated and user.organisation_id is not None and user.has_perm(PERMISSION)


def person_find(*, user: User, query: str) -> list[Found]:
    """Identities whose handle, name, e-mail address or phone number contains ``query`` (case-insensitive; a
    phone number compared by its digits), among what is not anonymised yet; the most recent first. Nothing for
    somebody who may not manage personal data, or for a query shorter than two characters. Runs 3 or 4
    queries."""
    query = query.strip()
    if not may_manage(user) or len(query) < QUERY_MIN or "\x00" in query:
        return []
    organisation_id = organisation_id_of(user)
    mentions = Mention.objects.filter(organisation_id=organisation_id, anonymised_at__isnull=True)
    cases = Case.objects.filter(organisation_id=organisation_id, anonymised_at__isnull=True)
    found: list[Found] = []
    for row in (
        mentions.filter(author__icontains=query)
        .values("author")
        .annotate(count=Count("id"), last=Max("published_at"))
        .order_by("-last")[:FOUND_MAX]
    ):
        found.append(Found(Identity(Kind.AUTHOR, row["author"]), mentions=row["count"], last_at=row["last"]))
    for kind, name in ((Kind.NAME, "complainant_name"), (Kind.EMAIL, "contact_email")):
        for row in (
            cases.filter(**{f"{name}__icontains": query})
            .values(name)
            .annotate(count=Count("id"), last=Max("created_at"))
            .order_by("-last")[:FOUND_MAX]
        ):
            found.append(Found(Identity(kind, row[name]), cases=row["count"], last_at=row["last"]))
    digits = identity_normalised(query)
    if digits.isdigit():
        phones: dict[str, list[datetime]] = {}
        for phone, created_at in cases.exclude(contact_phone="").values_list("contact_phone", "created_at"):
            if digits in identity_normalised(phone):
                phones.setdefault(phone, []).append(created_at)
        for phone, dates in phones.items():
            found.append(Found(Identity(Kind.PHONE, phone), cases=len(dates), last_at=max(dates)))
    return sorted(found, key=lambda item: item.last_at or timezone.now(), reverse=True)


@dataclass
class Records:
    """Everything stored about the chosen identities: their mentions and cases (and the mentions of those cases,
    the cases of those mentions)."""

    identities: list[Identity]
    mentions: list[Mention] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.mentions and not self.cases

    @property
    def mentions_with_sources(self) -> list[tuple[Mention, list[str]]]:
        return [(mention, sorted(sources_of(mention))) for mention in self.mentions]

    @property
    def source_names(self) -> list[str]:
        return sorted({name for mention in self.mentions for name in sources_of(mention)})


def sources_of(mention: Mention) -> set[str]:
    """The names of the sources that found ``mention``: where it was first seen and every sighting's source."""
    return {mention.source.name} | {sighting.source.name for sighting in mention.sightings.all()}


def _iexact_any(name: str, values: Sequence[str]) -> Q:
    condition = Q(pk__in=[])
    for value in values:
        condition |= Q(**{f"{name}__iexact": value})
    return condition


def person_records(*, user: User, identities: Sequence[Identity]) -> Records:
    """What the organisation stores about ``identities`` and is not anonymised yet. Empty for somebody who may
    not manage personal data. Runs about 8 queries, whatever the number of rows."""
    records = Records(identities=list(identities))
    if not may_manage(user) or not identities:
        return records
    organisation_id = organisation_id_of(user)
    names = [identity.value for identity in identities if identity.kind in (Kind.AUTHOR, Kind.NAME)]
    emails = [identity.value for identity in identities if identity.kind == Kind.EMAIL]
    phones = {identity_normalised(identity.value) for identity in identities if identity.kind == Kind.PHONE}
    cases = Case.objects.filter(organisation_id=organisation_id, anonymised_at__isnull=True)
    case_ids = set(
        cases.filter(_iexact_any("complainant_name", names) | _iexact_any("contact_email", emails)).values_list(
            "id", flat=True
        )
    )
    if phones:
        case_ids |= {
            case_id
            for case_id, phone in cases.exclude(contact_phone="").values_list("id", "contact_phone")
            if identity_normalised(phone) in phones
        }
    mentions = Mention.objects.filter(organisation_id=organisation_id, anonymised_at__isnull=True)
    mention_ids = set(mentions.filter(_iexact_any("author", names)).values_list("id", flat=True))
    # A mention and the case it became are about the same person, whichever the search found.
    mention_ids |= set(CaseMention.objects.filter(case_id__in=case_ids).values_list("mention_id", flat=True))
    case_ids |= set(
        CaseMention.objects.filter(mention_id__in=mention_ids, case__organisation_id=organisation_id).values_list(
            "case_id", flat=True
        )
    )
    records.mentions = list(
        mentions.filter(id__in=mention_ids)
        .select_related("source")
        .prefetch_related("sightings__source", _notes(MentionEvent))
        .order_by("published_at", "id")
    )
    records.cases = list(
        Case.objects.filter(organisation_id=organisation_id, id__in=case_ids, anonymised_at__isnull=True)
        .prefetch_related("replies", "removal_requests", "links", _notes(CaseEvent))
        .order_by("created_at", "id")
    )
    return records


def _notes(model: type[MentionEvent] | type[CaseEvent]) -> Any:
    queryset: QuerySet[Any] = model.objects.exclude(note="").order_by("created_at", "id")
    return Prefetch("events", queryset=queryset, to_attr="notes")


def _at(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def person_export(*, records: Records, organisation_name: str, now: datetime) -> dict[str, Any]:
    """Everything in ``records`` as one document (art. 15 and 20 AVG): each mention with where and when it was
    found and the notes on it, each case with its contact details, replies, notes and removal requests. Every
    field that holds something of the person is in it. Runs no query (``records`` holds it all)."""
    return {
        "format": "webcare-inbox/person-export/1",
        "organisation": organisation_name,
        "made_at": _at(now),
        "searched_for": [{"kind": identity.kind, "value": identity.value} for identity in records.identities],
        "mentions": [
            {
                "id": mention.id,
                "platform": mention.platform,
                "sources": sorted(sources_of(mention)),
                "said_at": _at(mention.published_at),
                "found_at": _at(mention.fetched_at),
                "link": mention.url,
                "links_as_found": sorted({sighting.url for sighting in mention.sightings.all()} - {""}),
                "author": mention.author,
                "publisher": mention.publisher,
                "title": mention.title,
                "text": mention.snippet,
                "content": strip_tags(mention.content_html).strip(),
                "language": mention.language,
                "category": mention.effective_category,
                "status": mention.status,
                "notes": [{"at": _at(event.created_at), "text": event.note} for event in mention.notes],  # type: ignore[attr-defined]
            }
            for mention in records.mentions
        ],
        "cases": [
            {
                "id": case.id,
                "title": case.title,
                "complainant": case.complainant_name,
                "platform": case.complainant_platform,
                "email": case.contact_email,
                "phone": case.contact_phone,
                "said_at": _at(case.reported_at),
                "opened_at": _at(case.created_at),
                "status": case.status,
                "complainer_type": case.complainer_type,
                "solution": case.resolution_kind,
                "what_was_agreed": case.resolution_agreed,
                "satisfaction": case.satisfaction,
                "public_followup": case.public_followup_url,
                "why_no_public_followup": case.public_followup_skipped_because,
                "resolved_at": _at(case.resolved_at),
                "closed_at": _at(case.closed_at),
                "mentions": sorted(link.mention_id for link in case.links.all()),
                "replies": [
                    {
                        "channel": reply.channel,
                        "state": reply.state,
                        "text": reply.text,
                        "link": reply.link,
                        "written_at": _at(reply.created_at),
                        "sent_at": _at(reply.posted_at),
                    }
                    for reply in case.replies.all()
                ],
                "notes": [{"at": _at(event.created_at), "text": event.note} for event in case.notes],  # type: ignore[attr-defined]
                "removal_requests": [
                    {
                        "platform": removal.platform,
                        "reason": removal.reason,
                        "requested_at": _at(removal.requested_at),
                        "outcome": removal.outcome,
                        "note": removal.note,
                    }
                    for removal in case.removal_requests.all()
                ],
            }
            for case in records.cases
        ],
    }
