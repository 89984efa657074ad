from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.roles import Role

ORGANISATION_NAME_KEY = "accounts:organisation-name"


def organisation_current() -> Organisation | None:
    """The install's organisation, or ``None`` before set-up. Runs one query."""
    return Organisation.objects.order_by("id").first()


def organisation_of(user: User | AnonymousUser) -> Organisation | None:
    """The organisation ``user`` works for: everything they read and change is its own. ``None`` for an
    anonymous visitor or an account made outside the product."""
    if not user.is_authenticated or user.organisation_id is None:
        return None
    return user.organisation


def organisation_id_of(user: User | AnonymousUser) -> int:
    """The id of ``user``'s organisation, to scope reads and locked writes by; 0, which no organisation has,
    for one without, so that such a scope finds nothing."""
    return (user.organisation_id or 0) if user.is_authenticated else 0


def organisation_or_404(user: User | AnonymousUser) -> Organisation:
    """``user``'s organisation; a page for one who has none is not there (404)."""
    organisation = organisation_of(user)
    if organisation is None:
        raise Http404(_("There is no organisation yet."))
    return organisation


def organisation_name_key(organisation_id: int) -> str:
    return f"{ORGANISATION_NAME_KEY}:{organisation_id}"


def organisation_name(user: User) -> str:
    """The name of ``user``'s organisation for page headers ("" for none). Kept in the cache, as every page
    shows it; saving or deleting an organisation forgets it (``accounts.apps``)."""
    organisation_id = user.organisation_id if user.is_authenticated else None
    if organisation_id is None:
        return ""
    name = cache.get(organisation_name_key(organisation_id))
    if name is None:
        name = Organisation.objects.filter(id=organisation_id).values_list("name", flat=True).first() or ""
        cache.set(organisation_name_key(organisation_id), name, 300)
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
    users = (
        User.objects.filter(organisation_id=organisation_id_of(actor))
        .prefetch_related("groups")
        .order_by("-is_active", "first_name", "last_name", "username")
    )
    appointed = _appointed(actor)
    return [PersonRow(user=user, roles=_roles_of(user), appointments=_appointments(appointed, user)) for user in users]


def person_detail(*, actor: User, user_id: int) -> PersonRow | None:
    """One person for the board's page, or ``None`` when there is none with that id or ``actor`` may not
    manage people. Runs three queries."""
    if not actor.has_perm("accounts.change_user"):
        return None
    user = User.objects.prefetch_related("groups").filter(pk=user_id, organisation_id=organisation_id_of(actor)).first()
    if user is None:
        return None
    return PersonRow(user=user, roles=_roles_of(user), appointments=_appointments(_appointed(actor), user))


def _appointed(actor: User) -> dict[str, int | None]:
    """Who ``actor``'s board appointed: the ids of the webcare owner and deputy. Runs one query."""
    row = (
        Organisation.objects.filter(id=organisation_id_of(actor)).values_list("webcare_owner", "webcare_deputy").first()
    )
    return {"webcare_owner": row[0], "webcare_deputy": row[1]} if row else {}


def _appointments(appointed: dict[str, int | None], user: User) -> list[str]:
    pairs = (("owner", "webcare_owner"), ("deputy", "webcare_deputy"))
    return [name for name, field in pairs if appointed.get(field) == user.pk]


def _roles_of(user: User) -> list[Role]:
    names = {group.name for group in user.groups.all()}
    return [role for role in Role if role.value in names]


def assignable_people(organisation_id: int) -> list[User]:
    """The organisation's people mentions can be assigned to: staff and managers. Runs one query."""
    return list(
        User.objects.filter(
            is_active=True, groups__name__in=[Role.STAFF, Role.MANAGER], organisation_id=organisation_id
        )
        .distinct()
        .order_by("first_name", "username")
    )


def people_with_a_role(organisation_id: int) -> list[User]:
    """Everybody who works in the app for the organisation: the board's choice of owner and deputy. Runs one
    query."""
    return list(
        User.objects.filter(is_active=True, groups__name__in=list(Role.values), organisation_id=organisation_id)
        .distinct()
        .order_by("first_name", "username")
    )
