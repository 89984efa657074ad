"""Privacy's writes: how long personal data is kept, the privacy statement, a person's erasure and the record of
an export.

Each writes one ``PrivacyEvent`` in the same transaction: the periods from → to, which statement changed
between ours and the organisation's own, or how many rows an erasure or export touched; never the statement's
text or the person.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from inbox.cases.models import Case
from inbox.privacy.anonymise import cases_anonymise, mentions_anonymise
from inbox.privacy.models import PrivacyEvent, PrivacyPolicy
from inbox.privacy.selectors import PERMISSION, Identity, Kind, Records, may_manage, person_records
from inbox.privacy.statement import DEFAULT_STATEMENTS, LANGUAGES, statement_own, text_normalised
from monitoring.models import ForgottenPerson, Mention
from monitoring.privacy import identity_digest

# How the audit row names a statement: the organisation's own text, or ours.
OWN, OURS = "own", "ours"


def policy_of(organisation_id: int) -> PrivacyPolicy:
    """The organisation's retention periods and statement; when it never changed them, an unsaved policy with
    the defaults (our statement). Runs one query."""
    policy = PrivacyPolicy.objects.filter(organisation_id=organisation_id).first()
    return policy if policy is not None else PrivacyPolicy(organisation_id=organisation_id)


def policy_update(*, actor: User, mention_months: int, case_months: int) -> PrivacyPolicy:
    """Keep personal data of mentions that never became a case ``mention_months``, of closed cases
    ``case_months`` (months, 1 to 120). Writes an audit row only when a period changed.

    Raises ``PermissionDenied`` for somebody who may not manage personal data, ``ValidationError`` for a
    period out of range.
    """
    with transaction.atomic():
        policy = _policy_locked(actor)
        before = _periods(policy)
        policy.mention_months, policy.case_months = mention_months, case_months
        policy.full_clean(exclude=["organisation"])
        if _periods(policy) != before:
            policy.save()
            _recorded(actor, policy, PrivacyEvent.Action.POLICY_CHANGED, before, _periods(policy))
    return policy


def statement_update(*, actor: User, language: str, text: str) -> PrivacyPolicy:
    """Publish ``text`` as the privacy statement in ``language`` ("nl" or "en"). An empty text, or ours
    unchanged, stores nothing of the organisation's own: the page shows our text, and our later rewordings.

    Writes an audit row (which language, ours or own; never the text) only when the statement changed. Raises
    ``PermissionDenied`` as ``policy_update`` does, and ``ValueError`` for a language we have no statement in.
    """
    if language not in LANGUAGES:
        raise ValueError(language)
    text = text_normalised(text)
    if text == text_normalised(DEFAULT_STATEMENTS[language]):
        text = ""
    with transaction.atomic():
        policy = _policy_locked(actor)
        before = statement_own(policy, language)
        if text == before:
            return policy
        setattr(policy, f"statement_{language}", text)
        policy.full_clean(exclude=["organisation"])
        policy.save()
        _recorded(
            actor,
            policy,
            PrivacyEvent.Action.STATEMENT_CHANGED,
            f"{language}:{OWN if before else OURS}",
            f"{language}:{OWN if text else OURS}",
        )
    return policy


def _policy_locked(actor: User) -> PrivacyPolicy:
    """The actor's organisation's policy, locked; made with the defaults the first time."""
    if not actor.has_perm(PERMISSION) or actor.organisation_id is None:
        raise PermissionDenied(_("The board decides how long personal data is kept."))
    policy, _created = PrivacyPolicy.objects.select_for_update().get_or_create(organisation_id=actor.organisation_id)
    return policy


def _periods(policy: PrivacyPolicy) -> str:
    """The periods as the audit row holds them: "12/24" (mentions/cases, months)."""
    return f"{policy.mention_months}/{policy.case_months}"


def _recorded(actor: User, policy: PrivacyPolicy, action: str, before: str, after: str) -> None:
    PrivacyEvent.record(
        actor=actor,
        action=action,
        about=f"organisation:{policy.organisation_id}",
        organisation_id=policy.organisation_id,
        organisation=policy.organisation,
        from_value=before,
        to_value=after,
    )


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
