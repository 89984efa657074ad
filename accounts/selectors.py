from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from accounts.models import Organisation, User
from accounts.roles import Role

ORGANISATION_NAME_KEY = "accounts:organisation-name"


def organisation_current() -> Organisation | None:
    """The install's organisation, or ``None`` before set-up. Runs one query."""
    return Organisation.objects.order_by("id").first()


def organisation_name() -> str:
    """The install's organisation's name for page headers ("" before set-up). Kept in the cache, as every
    page shows it; saving or deleting an organisation forgets it (``accounts.apps``)."""
    name = cache.get(ORGANISATION_NAME_KEY)
    if name is None:
        organisation = organisation_current()
        name = organisation.name if organisation else ""
        cache.set(ORGANISATION_NAME_KEY, name, 300)
    return str(name)


def user_roles(user: User) -> list[Role]:
    """The roles of ``user`` in a fixed order (board, manager, staff). Runs one query."""
    names = set(user.groups.values_list("name", flat=True))
    return [role for role in Role if role.value in names]


@dataclass(frozen=True)
class PersonRow:
    user: User
    roles: list[Role]
    appointments: list[str]  # "owner" and/or "deputy": what the board appointed this person to


def people_list(*, actor: User) -> list[PersonRow]:
    """Everybody who has an account, active ones first, for the board's page of people (``[]`` for anyone
    who may not manage people). Runs three queries."""
    if not actor.has_perm("accounts.change_user"):
        return []
    users = User.objects.prefetch_related("groups").order_by("-is_active", "first_name", "last_name", "username")
    appointed = _appointed()
    return [PersonRow(user=user, roles=_roles_of(user), appointments=_appointments(appointed, user)) for user in users]


def person_detail(*, actor: User, user_id: int) -> PersonRow | None:
    """One person for the board's page, or ``None`` when there is none with that id or ``actor`` may not
    manage people. Runs three queries."""
    if not actor.has_perm("accounts.change_user"):
        return None
    user = User.objects.prefetch_related("groups").filter(pk=user_id).first()
    if user is None:
        return None
    return PersonRow(user=user, roles=_roles_of(user), appointments=_appointments(_appointed(), user))


def _appointed() -> dict[str, int | None]:
    """Who the board appointed: the ids of the webcare owner and deputy. Runs one query."""
    row = Organisation.objects.order_by("id").values_list("webcare_owner", "webcare_deputy").first()
    return {"webcare_owner": row[0], "webcare_deputy": row[1]} if row else {}


def _appointments(appointed: dict[str, int | None], user: User) -> list[str]:
    pairs = (("owner", "webcare_owner"), ("deputy", "webcare_deputy"))
    return [name for name, field in pairs if appointed.get(field) == user.pk]


def _roles_of(user: User) -> list[Role]:
    names = {group.name for group in user.groups.all()}
    return [role for role in Role if role.value in names]


def assignable_people() -> list[User]:
    """The people mentions can be assigned to: staff and managers. Runs one query."""
    return list(
        User.objects.filter(is_active=True, groups__name__in=[Role.STAFF, Role.MANAGER])
        .distinct()
        .order_by("first_name", "username")
    )


def people_with_a_role() -> list[User]:
    """Everybody who works in the app: the board's choice of owner and deputy. Runs one query."""
    return list(
        User.objects.filter(is_active=True, groups__name__in=list(Role.values))
        .distinct()
        .order_by("first_name", "username")
    )
