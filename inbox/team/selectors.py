"""Who answers for the organisation at a moment: the webcare owner appointed for that day, unless away; then the
deputy; then a board member; then a manager. Nobody away at that moment is ever chosen."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.roles import Role
from inbox.team.models import Absence, Appointment, local_moment

HANDLERS = frozenset({Role.STAFF, Role.MANAGER})  # the roles that handle cases
RESPONSIBLE_SECONDS = 60  # the banner's answer is kept this long at most; a change to the team forgets it at once


@dataclass(frozen=True)
class Responsible:
    person_id: int
    name: str
    because: str  # "owner", "deputy", "board" or "manager": where in the chain the answer was found
    instead_of: str = ""  # the owner's name when somebody else answers for them
    owner_back_at: datetime | None = None  # when the owner's absence ends, when that is why
    is_owner_away_whole_days: bool = True  # the absence ends at the end of a day (no time was given)
    away: tuple[str, ...] = ()  # the appointed people passed over because they are away, the owner first

    @property
    def owner_away_until(self) -> date | None:
        """The last day of the owner's absence (the day its end falls in, or the day before at midnight)."""
        if self.owner_back_at is None:
            return None
        return timezone.localdate(self.owner_back_at - timedelta(microseconds=1))


@dataclass(frozen=True)
class Away:
    """One person's absence as the chain needs it."""

    person_id: int
    starts_at: datetime
    ends_at: datetime
    is_whole_days: bool


def back_at(periods: Iterable[Away], moment: datetime) -> Away | None:
    """When somebody away at ``moment`` is back: the end of the absences covering ``moment`` and of those
    that follow on without a gap (a week off recorded as two absences ends with the second). Returns that
    last absence, or None when they are not away at ``moment``. Pure."""
    ordered = sorted(periods, key=lambda period: period.starts_at)
    last: Away | None = None
    for period in ordered:
        if last is None:
            if period.starts_at <= moment < period.ends_at:
                last = period
        elif period.starts_at <= last.ends_at and period.ends_at > last.ends_at:
            last = period
    return last


def appointed_on(organisation: Organisation, day: date) -> dict[str, int | None]:
    """Who holds each role on ``day``: ``{"owner": id, "deputy": id}`` (None: nobody). The organisation's
    fields say who holds them now; appointments still to take effect by ``day`` come on top. Runs one query."""
    holders: dict[str, int | None] = {
        Appointment.Role.OWNER: organisation.webcare_owner_id,
        Appointment.Role.DEPUTY: organisation.webcare_deputy_id,
    }
    pending = Appointment.objects.filter(
        organisation=organisation, applied_at__isnull=True, withdrawn_at__isnull=True, effective_on__lte=day
    ).order_by("effective_on", "id")
    for role, person_id in pending.values_list("role", "person_id"):
        holders[role] = person_id
    return holders


def responsible_at(organisation: Organisation, moment: datetime, *, handles_cases: bool = False) -> Responsible | None:
    """Who answers for ``organisation`` at ``moment``: the first of the owner and deputy appointed for that
    day, the board members and the managers (each active, in alphabetical order within a role) who is not away
    then; None when there is nobody. ``handles_cases``: only staff and managers. Runs four queries."""
    return _responsible(organisation, moment, appointed_on(organisation, timezone.localdate(moment)), handles_cases)


def _responsible(
    organisation: Organisation, moment: datetime, appointed: dict[str, int | None], handles_cases: bool
) -> Responsible | None:
    periods: dict[int, list[Away]] = {}
    rows = Absence.objects.filter(organisation=organisation, ends_at__gt=moment).values_list(
        "person_id", "starts_at", "ends_at", "ends_time"
    )
    for person_id, starts_at, ends_at, ends_time in rows:
        periods.setdefault(person_id, []).append(Away(person_id, starts_at, ends_at, ends_time is None))
    away = {person_id: found for person_id, mine in periods.items() if (found := back_at(mine, moment))}
    chain = _chain(organisation, appointed)
    owner = next((person for person, because, _roles in chain if because == "owner"), None)
    passed_over = tuple(str(person) for person, because, _roles in chain if because in appointed and person.id in away)
    for person, because, roles in chain:
        if person.id in away or (handles_cases and not roles & HANDLERS):
            continue
        if owner is not None and person.id != owner.id:
            owner_away = away.get(owner.id)
            return Responsible(
                person.id,
                str(person),
                because,
                str(owner),
                owner_away.ends_at if owner_away else None,
                owner_away.is_whole_days if owner_away else True,
                passed_over,
            )
        return Responsible(person.id, str(person), because)
    return None


def complaint_handler_at(organisation: Organisation, moment: datetime) -> Responsible | None:
    """Who a new complaint goes to at ``moment``: like ``responsible_at``, but only people who handle cases
    (staff and managers: the board reads). None when no webcare owner is appointed for that day (then whoever
    opens a case handles it) or nobody who handles cases is there. Runs four queries (one without an owner)."""
    appointed = appointed_on(organisation, timezone.localdate(moment))
    if appointed[Appointment.Role.OWNER] is None:
        return None
    return _responsible(organisation, moment, appointed, True)


def moment_of(day: date) -> datetime:
    """The moment a question about ``day`` is asked for: now for today, else the start of that day."""
    now = timezone.now()
    return now if day == timezone.localdate(now) else local_moment(day, time.min)


def responsible_on(organisation: Organisation, day: date, *, handles_cases: bool = False) -> Responsible | None:
    """``responsible_at`` for ``day`` (``moment_of``): kept for callers that think in days."""
    return responsible_at(organisation, moment_of(day), handles_cases=handles_cases)


def complaint_handler_on(organisation: Organisation, day: date) -> Responsible | None:
    """``complaint_handler_at`` for ``day`` (``moment_of``): kept for callers that think in days."""
    return complaint_handler_at(organisation, moment_of(day))


def responsible_now(organisation: Organisation) -> Responsible | None:
    """``responsible_at`` now, kept a minute (``RESPONSIBLE_SECONDS``)."""
    key = responsible_key(organisation.id)
    kept = cache.get(key)
    if kept is not None:
        return kept or None
    found = responsible_at(organisation, timezone.now())
    cache.set(key, found or False, RESPONSIBLE_SECONDS)
    return found


def responsible_key(organisation_id: int) -> str:
    return f"team:responsible:{organisation_id}"


def absences_current(organisation: Organisation, moment: datetime) -> list[Absence]:
    """Absences that have not ended by ``moment``, soonest first. Runs one query."""
    return list(
        Absence.objects.filter(organisation=organisation, ends_at__gt=moment).select_related("person", "recorded_by")
    )


def appointments_history(organisation: Organisation, *, limit: int = 50) -> list[Appointment]:
    """The board's appointments, the latest date first, with who made them. Runs one query."""
    rows = Appointment.objects.filter(organisation=organisation).select_related(
        "person", "appointed_by", "withdrawn_by"
    )
    return list(rows.order_by("-effective_on", "-id")[:limit])


@dataclass(frozen=True)
class RoutingFacts:
    """What the routing rules on the team page are made of (``wording.routing_rules``)."""

    owner: str  # who holds the role now; "" for nobody
    deputy: str
    is_owner_handler: bool  # has a staff or manager role, so gets complaints
    is_deputy_handler: bool
    handlers_after: tuple[str, ...]  # who handles complaints while both are away, in order
    answer_after: tuple[str, ...]  # who answers for us (the banner) while both are away, in order
    upcoming: tuple[tuple[str, str, date], ...]  # appointments to come: (role, name or "", from)
    is_hand_back: bool


def routing_facts(organisation: Organisation, moment: datetime) -> RoutingFacts:
    """The routing rules as they stand at ``moment``, for the team page. Runs four queries."""
    chain = _chain(organisation, appointed_on(organisation, timezone.localdate(moment)))
    named = {because: (str(person), bool(roles & HANDLERS)) for person, because, roles in reversed(chain)}
    others = [(person, roles) for person, because, roles in chain if because not in ("owner", "deputy")]
    upcoming = Appointment.objects.filter(
        organisation=organisation, applied_at__isnull=True, withdrawn_at__isnull=True
    ).select_related("person")
    return RoutingFacts(
        owner=named.get("owner", ("", False))[0],
        deputy=named.get("deputy", ("", False))[0],
        is_owner_handler=named.get("owner", ("", False))[1],
        is_deputy_handler=named.get("deputy", ("", False))[1],
        handlers_after=tuple(str(person) for person, roles in others if roles & HANDLERS),
        answer_after=tuple(str(person) for person, _roles in others),
        upcoming=tuple(
            (appointment.role, str(appointment.person or ""), appointment.effective_on)
            for appointment in upcoming.order_by("effective_on", "id")
        ),
        is_hand_back=settings.WEBCARE_HAND_BACK,
    )


def _chain(organisation: Organisation, appointed: dict[str, int | None]) -> list[tuple[User, str, set[str]]]:
    """The people who may answer for the organisation, in the order they are asked. Runs two queries (the people,
    their roles)."""
    ranks: dict[str, int] = {Appointment.Role.OWNER: 0, Appointment.Role.DEPUTY: 1}
    by_person: dict[int, str] = {}
    for role in (Appointment.Role.DEPUTY, Appointment.Role.OWNER):  # one person in both roles counts as owner
        person_id = appointed.get(role)
        if person_id is not None:
            by_person[person_id] = role
    people = (
        User.objects.filter(organisation=organisation, is_active=True)
        .filter(Q(id__in=list(by_person)) | Q(groups__name__in=[Role.BOARD, Role.MANAGER]))
        .prefetch_related("groups")
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
    ranked: list[tuple[int, User, str, set[str]]] = []
    for person in people:
        roles = {group.name for group in person.groups.all()}
        if person.id in by_person:
            because = str(by_person[person.id])
            rank = ranks[by_person[person.id]]
        elif Role.BOARD in roles:
            because, rank = "board", 2
        else:
            because, rank = "manager", 3
        ranked.append((rank, person, because, roles))
    ranked.sort(key=lambda entry: entry[0])  # stable: alphabetical within a rank
    return [(person, because, roles) for _rank, person, because, roles in ranked]


def covering_for(person: User, *, at: datetime | None = None) -> User:
    """Who reads ``person``'s notifications at ``at`` (now): ``person``, or while they are away whoever handles
    complaints then (``complaint_handler_at``; without one, ``responsible_at``). ``person`` too when nobody
    else is there. Runs one query for somebody present, some five for somebody away."""
    if person.organisation_id is None:
        return person
    moment = at or timezone.now()
    if not Absence.objects.filter(person_id=person.id, starts_at__lte=moment, ends_at__gt=moment).exists():
        return person
    organisation = Organisation.objects.get(id=person.organisation_id)
    stand_in = complaint_handler_at(organisation, moment) or responsible_at(organisation, moment)
    if stand_in is None or stand_in.person_id == person.id:
        return person
    return User.objects.get(id=stand_in.person_id)
