"""Changes to the organisation's privacy policy: how long personal data is kept, and the privacy statement.

Each change writes one ``PrivacyEvent`` in the same transaction: the periods from → to, or which statement
changed between ours and the organisation's own. The statement's text never goes into the audit row.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from inbox.privacy.models import PrivacyEvent, PrivacyPolicy
from inbox.privacy.statement import DEFAULT_STATEMENTS, LANGUAGES, statement_own, text_normalised

PERMISSION = "privacy.manage_personal_data"

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
