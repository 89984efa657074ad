"""Who is responsible: the webcare owner and the deputy the board appoints, and when people are away."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.selectors import organisation_id_of
from inbox.exceptions import TeamRefused
from inbox.playbook.services import playbook_event_record
from inbox.team.models import Absence
from inbox.team.selectors import responsible_key

ABSENCE_LONGEST = timedelta(days=366)  # an absence longer than a year is a mistake, or not an absence
ABSENCE_EARLIEST = timedelta(days=366)  # recorded afterwards, at most a year back


def organisation_roster_set(
    *,
    actor: User,
    organisation: Organisation,
    owner_id: int | None,
    deputy_id: int | None,
    contact_phone: str = "",
    contact_email: str = "",
) -> Organisation:
    """The board appoints the webcare owner and the deputy (two different people) and says how complainants
    reach the organisation in private."""
    if owner_id is not None and owner_id == deputy_id:
        raise TeamRefused(_("The deputy takes over from the owner: choose two different people."))
    with transaction.atomic():
        organisation = (
            Organisation.objects.select_for_update(of=("self",))
            .select_related("webcare_owner", "webcare_deputy")
            .get(id=organisation.id)
        )

        def shown() -> str:
            people = f"{organisation.webcare_owner or '—'} / {organisation.webcare_deputy or '—'}"
            return f"{people} ({organisation.contact_phone} {organisation.contact_email})"

        before = shown()
        organisation.webcare_owner_id, organisation.webcare_deputy_id = owner_id, deputy_id
        organisation.contact_phone, organisation.contact_email = contact_phone.strip(), contact_email.strip()
        organisation.save(update_fields=["webcare_owner", "webcare_deputy", "contact_phone", "contact_email"])
        organisation.refresh_from_db(fields=["webcare_owner", "webcare_deputy"])
        after = shown()
        playbook_event_record(organisation, actor, "roster", before, after)
        responsible_forget(organisation.id)
    return organisation


def absence_record(
    *, actor: User, organisation: Organisation, person_id: int, starts_on: date, ends_on: date, note: str = ""
) -> Absence:
    """Record that a person is away (whole days, both included). The board records it for anyone; the owner
    and the deputy for themselves."""
    with transaction.atomic():
        person = User.objects.filter(id=person_id, organisation=organisation, is_active=True).first()
        if person is None:
            raise TeamRefused(_("Choose somebody of the organisation who can sign in."))
        _may_change_absence_of(actor, organisation, person)
        if ends_on < starts_on:
            raise TeamRefused(_("The last day comes on or after the first."))
        today = timezone.localdate()
        if starts_on < today - ABSENCE_EARLIEST or ends_on - starts_on > ABSENCE_LONGEST:
            raise TeamRefused(_("An absence is recorded at most a year back and lasts at most a year."))
        absence = Absence.objects.create(
            organisation=organisation,
            person=person,
            starts_on=starts_on,
            ends_on=ends_on,
            note=note.strip(),
            recorded_by=actor,
        )
        # The history says who and when; the note may say why, which is nobody else's business.
        playbook_event_record(
            organisation,
            actor,
            "absence_added",
            "",
            f"{person.id}:{starts_on.isoformat()}/{ends_on.isoformat()}",
            data={"person_id": person.id, "starts_on": starts_on, "ends_on": ends_on},
        )
        responsible_forget(organisation.id)
    return absence


def absence_remove(*, actor: User, organisation: Organisation, absence_id: int) -> None:
    """Take an absence back (plans change). Nothing happens for one that is gone already."""
    with transaction.atomic():
        absence = (
            Absence.objects.select_for_update()
            .select_related("person")
            .filter(id=absence_id, organisation_id=organisation_id_of(actor))
            .first()
        )
        if absence is None:
            return
        _may_change_absence_of(actor, organisation, absence.person)
        period = f"{absence.person_id}:{absence.starts_on.isoformat()}/{absence.ends_on.isoformat()}"
        absence.delete()
        playbook_event_record(organisation, actor, "absence_removed", period, "", data={"person_id": absence.person_id})
        responsible_forget(organisation.id)


def responsible_forget(organisation_id: int) -> None:
    """Who is responsible today is worked out anew, now and once the change is committed."""
    key = responsible_key(organisation_id, timezone.localdate())
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def _may_change_absence_of(actor: User, organisation: Organisation, person: User) -> None:
    if actor.has_perm("accounts.appoint_roster") and actor.organisation_id == organisation.id:
        return
    appointed = actor.id in (organisation.webcare_owner_id, organisation.webcare_deputy_id)
    if appointed and person.id == actor.id:
        return
    raise TeamRefused(_("The board records anybody's absence; the owner and the deputy record their own."))
