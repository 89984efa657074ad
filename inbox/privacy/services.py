"""Privacy's writes: a person's erasure and the record of an export."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from inbox.cases.models import Case
from inbox.privacy.anonymise import cases_anonymise, mentions_anonymise
from inbox.privacy.models import PrivacyEvent
from inbox.privacy.selectors import Identity, Kind, Records, may_manage, person_records
from monitoring.models import ForgottenPerson, Mention
from monitoring.privacy import identity_digest


def person_erase(*, actor: User, identities: Sequence[Identity], now: datetime | None = None) -> Counter[str]:
    """Forget a person: anonymise everything the ``identities`` hold, as retention would (the statistics stay),
    and remember their handles and names by digest, so that what they say later is anonymised as it arrives.
    One audit row with the counts (who, when, how many rows), never the person. Raises ``PermissionDenied`` for
    somebody who may not manage personal data."""
    if not may_manage(actor):
        raise PermissionDenied
    now = now or timezone.now()
    organisation_id = actor.organisation_id
    assert organisation_id is not None  # may_manage says so
    with transaction.atomic():
        records = person_records(user=actor, identities=identities)
        case_ids = list(
            Case.objects.select_for_update()
            .filter(id__in=[case.id for case in records.cases])
            .values_list("id", flat=True)
        )
        mention_ids = list(
            Mention.objects.select_for_update()
            .filter(id__in=[mention.id for mention in records.mentions])
            .values_list("id", flat=True)
        )
        counts = cases_anonymise(organisation_id, case_ids, now=now)
        counts.update(mentions_anonymise(organisation_id, mention_ids, now=now))
        digests = {
            identity_digest(organisation_id, identity.value)
            for identity in identities
            if identity.kind in (Kind.AUTHOR, Kind.NAME)
        }
        ForgottenPerson.objects.bulk_create(
            [ForgottenPerson(organisation_id=organisation_id, digest=digest) for digest in sorted(digests)],
            ignore_conflicts=True,
        )
        counts["forgotten"] = len(digests)
        PrivacyEvent.record(
            actor=actor,
            action=PrivacyEvent.Action.ERASED,
            about=f"organisation:{organisation_id}",
            organisation_id=organisation_id,
            organisation=actor.organisation,
            counts=dict(counts),
        )
    return counts


def person_exported(*, actor: User, records: Records) -> PrivacyEvent:
    """Record that ``actor`` exported what ``records`` hold: who, when and how many rows, never the person."""
    if not may_manage(actor):
        raise PermissionDenied
    return PrivacyEvent.record(
        actor=actor,
        action=PrivacyEvent.Action.EXPORTED,
        about=f"organisation:{actor.organisation_id}",
        organisation_id=actor.organisation_id,
        organisation=actor.organisation,
        counts={"mentions": len(records.mentions), "cases": len(records.cases)},
    )
