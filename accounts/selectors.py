from __future__ import annotations

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
