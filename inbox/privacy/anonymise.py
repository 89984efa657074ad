"""Anonymising: the person leaves, the statistics stay.

A mention loses its author's name (a stable pseudonym takes its place), its text and its links; a case loses
the complainant's name (pseudonym), contact details, the texts typed about them (notes, replies, what was
agreed) and the title. What was said where and when, by which source, the category, flags, status, every time
stamp and duration, the outcome and the satisfaction stay, so every report figure is the same before and after.

Three callers share it: the nightly retention run (``retention_apply``), a person's erasure
(``inbox.privacy.services.person_erase``) and, for mentions, a forgotten person's new mentions as they arrive
(``monitoring.services.store``, through ``monitoring.privacy.mention_anonymised_values``).

Every function here is idempotent: what is anonymised already is left alone.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from inbox.cases.models import Case, CaseEvent, CaseMention, RemovalRequest, Reply
from inbox.notifications.models import Notification
from inbox.privacy.models import CASE_MONTHS, MENTION_MONTHS, PrivacyEvent, PrivacyPolicy
from inbox.triage.models import MentionEvent
from monitoring.models import Mention, Sighting
from monitoring.privacy import forgotten_key, mention_anonymised_values, pseudonym

# Rows anonymised in one transaction: each batch holds its row locks for a fraction of a second.
MENTION_BATCH = 2000
CASE_BATCH = 200
# A retention run stops starting batches after this many seconds and says more is left: the task queues the
# rest as a run of its own, well inside Celery's time limit.
RUN_SECONDS = 60.0

# Case texts typed about the complainant: emptied.
_CASE_TEXTS = ("resolution_agreed", "public_followup_skipped_because")
# History rows whose from → to quote a title (a case's or a mention's): titles often name somebody.
_CASE_ACTIONS_QUOTING = ("set_title", "opened", "mention_added")
_MENTION_ACTIONS_QUOTING = (MentionEvent.Action.CASE_OPEN, MentionEvent.Action.CASE_ATTACH)


def mentions_anonymise(organisation_id: int, mention_ids: Sequence[int], *, now: datetime) -> Counter[str]:
    """Anonymise these mentions of the organisation (those not anonymised yet), the notes on them, their
    sightings' links and keys, and the text of notifications that point at them. Returns the counts.

    Call inside a transaction; the rows are expected to be locked by the caller. Runs 6 to 8 queries.
    """
    counts: Counter[str] = Counter()
    rows = list(
        Mention.objects.filter(organisation_id=organisation_id, id__in=list(mention_ids), anonymised_at__isnull=True)
        .order_by()
        .values_list("id", "author", "canonical_url", "entry_key")
    )
    if not rows:
        return counts
    ids = [row[0] for row in rows]
    values = [
        mention_anonymised_values(organisation_id, author=author, canonical_url=link, entry_key=key)
        for _id, author, link, key in rows
    ]
    _rows_update(
        Mention,
        ids,
        {name: [value[name] for value in values] for name in ("author", "canonical_url", "entry_key")},
        same={"title": "", "snippet": "", "content_html": "", "url": "", "anonymised_at": now},
        bump="version",
    )
    counts["mentions"] = len(ids)
    sightings = list(Sighting.objects.filter(mention_id__in=ids).order_by().values_list("id", "external_id"))
    if sightings:
        _rows_update(
            Sighting,
            [row[0] for row in sightings],
            {"external_id": [forgotten_key(key) for _id, key in sightings]},
            same={"url": ""},
        )
        counts["sightings"] = len(sightings)
    MentionEvent.objects.filter(mention_id__in=ids, action__in=_MENTION_ACTIONS_QUOTING).exclude(
        from_value="", to_value=""
    ).update(from_value="", to_value="")
    noted = MentionEvent.objects.filter(mention_id__in=ids).exclude(note="")
    noted_ids = set(noted.values_list("mention_id", flat=True))
    if noted_ids:
        counts["notes"] += noted.update(note="")
        urls = [reverse("inbox:mention-detail", args=[mention_id]) for mention_id in noted_ids]
        counts["notifications"] += Notification.objects.filter(url__in=urls).exclude(text="").update(text="")
    return counts


def cases_anonymise(organisation_id: int, case_ids: Sequence[int], *, now: datetime) -> Counter[str]:
    """Anonymise these cases of the organisation (those not anonymised yet): the complainant's name becomes their
    pseudonym (the title too), contact details and the texts about them are emptied, and so are the notes and
    replies in their history and the notifications that point at them; their mentions are anonymised with
    them. Each case's version goes up, so a screen opened before cannot write old values back.

    Call inside a transaction. Runs about 10 queries, whatever the number of cases.
    """
    counts: Counter[str] = Counter()
    cases = list(
        Case.objects.filter(organisation_id=organisation_id, id__in=list(case_ids), anonymised_at__isnull=True)
        .order_by()
        .only("id", "complainant_name", "version")
    )
    if not cases:
        return counts
    ids = [case.id for case in cases]
    for case in cases:
        case.title = pseudonym(organisation_id, case.complainant_name) or f"#{case.id}"
        case.complainant_name = pseudonym(organisation_id, case.complainant_name)
        case.contact_email = case.contact_phone = ""
        for name in _CASE_TEXTS:
            setattr(case, name, "")
        case.anonymised_at = now
        case.version += 1
    fields = ["title", "complainant_name", "contact_email", "contact_phone", *_CASE_TEXTS, "anonymised_at", "version"]
    Case.objects.bulk_update(cases, fields)
    counts["cases"] = len(ids)
    events = CaseEvent.objects.filter(case_id__in=ids)
    counts["notes"] += events.exclude(note="").update(note="")
    # A title was recorded as it was and became (it is no personal field, but it often names somebody).
    events.filter(action__in=_CASE_ACTIONS_QUOTING).exclude(from_value="", to_value="").update(
        from_value="", to_value=""
    )
    counts["replies"] += Reply.objects.filter(case_id__in=ids).exclude(text="").update(text="")
    counts["notes"] += RemovalRequest.objects.filter(case_id__in=ids).exclude(note="").update(note="")
    urls = [reverse("inbox:case-detail", args=[case_id]) for case_id in ids]
    counts["notifications"] += Notification.objects.filter(url__in=urls).exclude(text="").update(text="")
    linked = list(CaseMention.objects.filter(case_id__in=ids).values_list("mention_id", flat=True))
    counts.update(mentions_anonymise(organisation_id, linked, now=now))
    return counts


def _rows_update(
    model: type[Mention] | type[Sighting],
    ids: list[int],
    columns: dict[str, list[str]],
    *,
    same: dict[str, object],
    bump: str = "",
) -> None:
    """Set each row's own ``columns`` values (``{field: [value per id]}``) and the ``same`` values on every row,
    in one statement. On PostgreSQL the values go as arrays joined on the server (``UPDATE … FROM unnest``):
    2,000 rows in one round trip, where ``bulk_update``'s CASE per field grows with every row."""
    if connection.vendor != "postgresql":
        manager: Any = model._default_manager
        objects = [
            model(id=row_id, **{name: values[i] for name, values in columns.items()}) for i, row_id in enumerate(ids)
        ]
        manager.bulk_update(objects, list(columns))
        manager.filter(id__in=ids).update(**same, **({bump: F(bump) + 1} if bump else {}))
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = list(columns)
    sets = [f"{quote(name)} = v.{quote(name)}" for name in names]
    params: list[Any] = []
    for name, value in same.items():
        sets.append(f"{quote(name)} = %s")
        params.append(value)
    if bump:
        sets.append(f"{quote(bump)} = t.{quote(bump)} + 1")
    arrays = ", ".join(["%s::bigint[]", *(["%s::text[]"] * len(names))])
    sql = (
        f"UPDATE {table} AS t SET {', '.join(sets)} "  # noqa: S608 (names from the model's metadata)
        f"FROM unnest({arrays}) AS v(id, {', '.join(quote(name) for name in names)}) WHERE t.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, ids, *(columns[name] for name in names)])


def _cutoff(now: datetime, months: int) -> datetime:
    return now - relativedelta(months=months)


def expired_mentions(organisation_id: int, before: datetime) -> QuerySet[Mention]:
    """Mentions of the organisation said before ``before`` that never became a case and keep their person."""
    in_case = CaseMention.objects.filter(mention_id=OuterRef("pk"))
    return Mention.objects.filter(
        organisation_id=organisation_id, anonymised_at__isnull=True, published_at__lt=before
    ).filter(~Exists(in_case))


def expired_cases(organisation_id: int, before: datetime) -> QuerySet[Case]:
    """Cases of the organisation closed before ``before`` that keep their person."""
    return Case.objects.filter(
        Q(status=Case.Status.CLOSED), organisation_id=organisation_id, anonymised_at__isnull=True, closed_at__lt=before
    )


def retention_apply(*, now: datetime | None = None, seconds: float = RUN_SECONDS) -> bool:
    """Anonymise, for every organisation, what its retention periods passed: cases closed longer ago than its
    case period (with their mentions), then mentions that never became a case and were said longer ago than
    its mention period. In batches of their own transactions, each taking rows no one else holds (``SKIP
    LOCKED``), so nobody waits on it longer than a batch. Writes one audit row per organisation per run, with
    the counts (zero too: the history shows the run happened).

    Returns whether it stopped at ``seconds`` with more left to do (the task then queues another run).
    """
    now = now or timezone.now()
    started = time.monotonic()
    more = False
    for organisation in Organisation.objects.order_by("id"):
        policy = PrivacyPolicy.objects.filter(organisation=organisation).first()
        case_months = policy.case_months if policy else CASE_MONTHS
        mention_months = policy.mention_months if policy else MENTION_MONTHS
        counts: Counter[str] = Counter()
        for kind, batch, pick, work in (
            ("cases", CASE_BATCH, expired_cases(organisation.id, _cutoff(now, case_months)), cases_anonymise),
            (
                "mentions",
                MENTION_BATCH,
                expired_mentions(organisation.id, _cutoff(now, mention_months)),
                mentions_anonymise,
            ),
        ):
            while True:
                if time.monotonic() - started > seconds:
                    more = True
                    break
                with transaction.atomic():
                    ids = list(
                        pick.select_for_update(skip_locked=True, of=("self",))
                        .order_by("id" if kind == "cases" else "published_at")
                        .values_list("id", flat=True)[:batch]
                    )
                    if not ids:
                        break
                    counts.update(work(organisation.id, ids, now=now))
            if more:
                break
        PrivacyEvent.record(
            actor=None,
            action=PrivacyEvent.Action.RETENTION,
            about=f"organisation:{organisation.id}",
            organisation_id=organisation.id,
            organisation=organisation,
            counts=dict(counts),
            data={"counts": dict(counts), "more": more},
        )
        if more:
            break
    return more
