"""Who is responsible: the webcare owner and the deputy the board appoints (from a day on), and when people are
away."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.selectors import organisation_id_of
from inbox.exceptions import TeamRefused
from inbox.playbook.services import playbook_event_record
from inbox.team.models import Absence, Appointment
from inbox.team.selectors import appointed_on, responsible_key

ABSENCE_LONGEST = timedelta(days=366)  # an absence longer than a year is a mistake, or not an absence
ABSENCE_EARLIEST = timedelta(days=366)  # recorded afterwards, at most a year back
APPOINTMENT_LATEST = timedelta(days=366)  # an appointment takes effect within a year

_FIELDS: dict[str, str] = {Appointment.Role.OWNER: "webcare_owner_id", Appointment.Role.DEPUTY: "webcare_deputy_id"}


def organisation_roster_set(
    *,
    actor: User,
    organisation: Organisation,
    owner_id: int | None,
    deputy_id: int | None,
    contact_phone: str = "",
    contact_email: str = "",
    effective_on: date | None = None,
) -> Organisation:
    """The board appoints the webcare owner and the deputy (two different people, each active with a role) from
    ``effective_on`` on (today or later; None: today), and says how complainants reach the organisation in
    private (at once).

    A role is appointed only when the choice differs from who holds it now (what the form showed). An
    appointment from today takes effect at once; a later one on its day (``appointments_apply``). Raises
    ``TeamRefused``."""
    today = timezone.localdate()
    effective_on = effective_on or today
    if effective_on < today or effective_on > today + APPOINTMENT_LATEST:
        raise TeamRefused(_("An appointment takes effect today or on a day within a year."))
    if owner_id is not None and owner_id == deputy_id:
        raise TeamRefused(_("The deputy takes over from the owner: choose two different people."))
    chosen = {Appointment.Role.OWNER: owner_id, Appointment.Role.DEPUTY: deputy_id}
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(id=organisation.id)
        named = {person_id for person_id in chosen.values() if person_id is not None}
        if _eligible(organisation, named) != named:
            raise TeamRefused(_("Choose somebody of the organisation who has a role and can sign in."))
        now = timezone.now()
        changed = False
        for role, person_id in chosen.items():
            if person_id == getattr(organisation, _FIELDS[role]):
                continue
            held = appointed_on(organisation, effective_on)[role]
            if person_id == held and effective_on > today:
                continue  # already appointed from that day or earlier
            is_now = effective_on == today
            appointment = Appointment.objects.create(
                organisation=organisation,
                role=role,
                person_id=person_id,
                effective_on=effective_on,
                appointed_by=actor,
                applied_at=now if is_now else None,
            )
            if is_now:
                setattr(organisation, _FIELDS[role], person_id)
                changed = True
            playbook_event_record(
                organisation,
                actor,
                "appointed",
                f"{role}:{held or ''}",
                f"{role}:{person_id or ''}@{effective_on.isoformat()}",
                data={"appointment_id": appointment.id, "role": role, "person_id": person_id},
            )
        _two_people_check(organisation, effective_on)
        contact = (contact_phone.strip(), contact_email.strip())
        if contact != (organisation.contact_phone, organisation.contact_email):
            organisation.contact_phone, organisation.contact_email = contact
            # The history says that they changed; what they are is on the organisation, not in its history.
            playbook_event_record(organisation, actor, "contact_details", "", "")
            changed = True
        if changed:
            organisation.save(update_fields=["webcare_owner", "webcare_deputy", "contact_phone", "contact_email"])
        responsible_forget(organisation.id)
    return organisation


def appointment_withdraw(*, actor: User, organisation: Organisation, appointment_id: int) -> None:
    """The board takes back an appointment that has not taken effect. Nothing happens for one of another
    organisation or one withdrawn already; raises ``TeamRefused`` for one in effect (appoint somebody else)."""
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update()
            .filter(id=appointment_id, organisation_id=organisation_id_of(actor), withdrawn_at__isnull=True)
            .first()
        )
        if appointment is None:
            return
        if appointment.applied_at is not None:
            raise TeamRefused(_("This appointment is in effect: appoint somebody else instead."))
        appointment.withdrawn_at, appointment.withdrawn_by = timezone.now(), actor
        appointment.save(update_fields=["withdrawn_at", "withdrawn_by"])
        playbook_event_record(
            organisation,
            actor,
            "appointment_withdrawn",
            f"{appointment.role}:{appointment.person_id or ''}@{appointment.effective_on.isoformat()}",
            "",
            data={"appointment_id": appointment.id},
        )
        responsible_forget(organisation.id)


def appointments_apply(*, today: date | None = None) -> int:
    """Appointments whose day has come take effect: the organisation's owner and deputy become who they name,
    one history row each. Run by the beat every quarter of an hour, so a change lands shortly after midnight.
    Returns how many took effect."""
    today = today or timezone.localdate()
    applied = 0
    due = (
        Appointment.objects.filter(applied_at__isnull=True, withdrawn_at__isnull=True, effective_on__lte=today)
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    for organisation_id in sorted(set(due)):
        with transaction.atomic():
            organisation = Organisation.objects.select_for_update().get(id=organisation_id)
            pending = Appointment.objects.select_for_update().filter(
                organisation=organisation, applied_at__isnull=True, withdrawn_at__isnull=True, effective_on__lte=today
            )
            for appointment in pending.order_by("effective_on", "id"):
                before = getattr(organisation, _FIELDS[appointment.role])
                setattr(organisation, _FIELDS[appointment.role], appointment.person_id)
                appointment.applied_at = timezone.now()
                appointment.save(update_fields=["applied_at"])
                playbook_event_record(
                    organisation,
                    None,
                    "appointment_effective",
                    f"{appointment.role}:{before or ''}",
                    f"{appointment.role}:{appointment.person_id or ''}",
                    data={"appointment_id": appointment.id},
                )
                applied += 1
            organisation.save(update_fields=["webcare_owner", "webcare_deputy"])
            responsible_forget(organisation.id)
    return applied


def absence_record(
    *,
    actor: User,
    organisation: Organisation,
    person_id: int,
    starts_on: date,
    ends_on: date,
    starts_time: time | None = None,
    ends_time: time | None = None,
    note: str = "",
) -> Absence:
    """Record that a person is away: whole days (both included) without times, or from ``starts_time`` on the
    first day until ``ends_time`` on the last. The board records it for anyone; the owner and the deputy for
    themselves. Raises ``TeamRefused``."""
    with transaction.atomic():
        person = User.objects.filter(id=person_id, organisation=organisation, is_active=True).first()
        if person is None:
            raise TeamRefused(_("Choose somebody of the organisation who can sign in."))
        _may_change_absence_of(actor, organisation, person)
        if ends_on < starts_on:
            raise TeamRefused(_("The last day comes on or after the first."))
        absence = Absence(organisation=organisation, person=person, note=note.strip(), recorded_by=actor)
        absence.period_set(starts_on=starts_on, ends_on=ends_on, starts_time=starts_time, ends_time=ends_time)
        if absence.ends_at <= absence.starts_at:
            raise TeamRefused(_("The absence ends after it starts."))
        today = timezone.localdate()
        if starts_on < today - ABSENCE_EARLIEST or ends_on - starts_on > ABSENCE_LONGEST:
            raise TeamRefused(_("An absence is recorded at most a year back and lasts at most a year."))
        absence.save()
        # The history says who and when; the note may say why, which is nobody else's business.
        playbook_event_record(
            organisation,
            actor,
            "absence_added",
            "",
            f"{person.id}:{absence.starts_at.isoformat()}/{absence.ends_at.isoformat()}",
            data={"person_id": person.id, "starts_at": absence.starts_at, "ends_at": absence.ends_at},
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
        period = f"{absence.person_id}:{absence.starts_at.isoformat()}/{absence.ends_at.isoformat()}"
        absence.delete()
        playbook_event_record(organisation, actor, "absence_removed", period, "", data={"person_id": absence.person_id})
        responsible_forget(organisation.id)


def responsible_forget(organisation_id: int) -> None:
    """Who is responsible now is worked out anew, now and once the change is committed."""
    key = responsible_key(organisation_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def _eligible(organisation: Organisation, person_ids: set[int]) -> set[int]:
    """Those of ``person_ids`` who may be appointed: of the organisation, active, with a role. Runs one query."""
    if not person_ids:
        return set()
    people = User.objects.filter(
        id__in=person_ids, organisation=organisation, is_active=True, groups__name__in=list(Role.values)
    )
    return set(people.values_list("id", flat=True).distinct())


def _two_people_check(organisation: Organisation, effective_on: date) -> None:
    """The deputy takes over from the owner: on the new appointments' day and on each later one, two people."""
    days = {
        effective_on,
        *Appointment.objects.filter(
            organisation=organisation, applied_at__isnull=True, withdrawn_at__isnull=True, effective_on__gt=effective_on
        ).values_list("effective_on", flat=True),
    }
    for day in sorted(days):
        holders = appointed_on(organisation, day)
        if (
            holders[Appointment.Role.OWNER] is not None
            and holders[Appointment.Role.OWNER] == holders[Appointment.Role.DEPUTY]
        ):
            raise TeamRefused(_("The deputy takes over from the owner: choose two different people."))


def _may_change_absence_of(actor: User, organisation: Organisation, person: User) -> None:
    if actor.has_perm("accounts.appoint_roster") and actor.organisation_id == organisation.id:
        return
    appointed = actor.id in (organisation.webcare_owner_id, organisation.webcare_deputy_id)
    if appointed and person.id == actor.id:
        return
    raise TeamRefused(_("The board records anybody's absence; the owner and the deputy record their own."))
