"""Who answers for the organisation right now: the webcare owner, unless away; then the deputy; then a board
member; then a manager. Nobody away is ever chosen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.roles import Role
from inbox.team.models import Absence

RESPONSIBLE_SECONDS = 60  # the banner's answer is kept this long at most; a change to the team forgets it at once


@dataclass(frozen=True)
class Responsible:
    person_id: int
    name: str
    because: str  # "owner", "deputy", "board" or "manager": where in the chain the answer was found
    instead_of: str = ""  # the owner's name when somebody else answers for them
    owner_away_until: date | None = None  # the last day of the owner's absence, when that is why


def responsible_on(organisation: Organisation, day: date, *, handles_cases: bool = False) -> Responsible | None:
    """Who answers for ``organisation`` on ``day``: the first of owner, deputy, board members and managers
    (each active, in alphabetical order within a role) who is not away that day; None when there is nobody.
    ``handles_cases``: only staff and managers. Runs two queries."""
    away: dict[int, date] = {}
    for person_id, ends_on in Absence.objects.filter(
        organisation=organisation, starts_on__lte=day, ends_on__gte=day
    ).values_list("person_id", "ends_on"):
        away[person_id] = max(ends_on, away.get(person_id, ends_on))
    chain = _chain(organisation)
    owner = next((person for person, because, _roles in chain if because == "owner"), None)
    for person, because, roles in chain:
        if person.id in away or (handles_cases and not roles & {Role.STAFF, Role.MANAGER}):
            continue
        if owner is not None and person.id != owner.id:
            return Responsible(person.id, str(person), because, str(owner), away.get(owner.id))
        return Responsible(person.id, str(person), because)
    return None


def complaint_handler_on(organisation: Organisation, day: date) -> Responsible | None:
    """Who a new complaint goes to on ``day``: like ``responsible_on``, but only people who handle cases (staff
    and managers: the board reads). None when the organisation has appointed no webcare owner (then whoever
    opens a case handles it) or nobody who handles cases is there. Runs two queries."""
    if organisation.webcare_owner_id is None:
        return None
    return responsible_on(organisation, day, handles_cases=True)


def responsible_now(organisation: Organisation) -> Responsible | None:
    """``responsible_on`` today in the organisation's time zone, kept a minute (``RESPONSIBLE_SECONDS``)."""
    today = timezone.localdate()
    key = responsible_key(organisation.id, today)
    kept = cache.get(key)
    if kept is not None:
        return kept or None
    found = responsible_on(organisation, today)
    cache.set(key, found or False, RESPONSIBLE_SECONDS)
    return found


def responsible_key(organisation_id: int, day: date) -> str:
    return f"team:responsible:{organisation_id}:{day.isoformat()}"


def absences_current(organisation: Organisation, day: date) -> list[Absence]:
    """Absences that have not ended before ``day``, soonest first. Runs one query."""
    return list(
        Absence.objects.filter(organisation=organisation, ends_on__gte=day).select_related("person", "recorded_by")
    )


def _chain(organisation: Organisation) -> list[tuple[User, str, set[str]]]:
    """The people who may answer for the organisation, in the order they are asked. Runs one query."""
    appointed = {organisation.webcare_owner_id: "owner", organisation.webcare_deputy_id: "deputy"}
    appointed.pop(None, None)
    people = (
        User.objects.filter(organisation=organisation, is_active=True)
        .filter(Q(id__in=list(appointed)) | Q(groups__name__in=[Role.BOARD, Role.MANAGER]))
        .prefetch_related("groups")
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
    ranked: list[tuple[int, User, str, set[str]]] = []
    for person in people:
        roles = {group.name for group in person.groups.all()}
        if person.id in appointed:
            because = appointed[person.id]
            rank = 0 if because == "owner" else 1
        elif Role.BOARD in roles:
            because, rank = "board", 2
        else:
            because, rank = "manager", 3
        ranked.append((rank, person, because, roles))
    ranked.sort(key=lambda entry: entry[0])  # stable: alphabetical within a rank
    return [(person, because, roles) for _rank, person, because, roles in ranked]


def covering_for(person: User, *, at: datetime | None = None) -> User:
    """Who reads ``person``'s notifications at ``at`` (now): ``person``, or while they are away whoever handles
    complaints then (``complaint_handler_on``; without one, ``responsible_on``). ``person`` too when nobody
    else is there. Runs one query for somebody present, some five for somebody away."""
    if person.organisation_id is None:
        return person
    day = timezone.localdate(at)
    if not Absence.objects.filter(person_id=person.id, starts_on__lte=day, ends_on__gte=day).exists():
        return person
    organisation = Organisation.objects.get(id=person.organisation_id)
    stand_in = complaint_handler_on(organisation, day) or responsible_on(organisation, day)
    if stand_in is None or stand_in.person_id == person.id:
        return person
    return User.objects.get(id=stand_in.person_id)
