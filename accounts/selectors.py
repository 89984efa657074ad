from __future__ import annotations

from accounts.models import Organisation, User
from accounts.roles import Role


def organisation_current() -> Organisation | None:
    """The install's organisation, or ``None`` before set-up. Runs one query."""
    return Organisation.objects.order_by("id").first()


def user_roles(user: User) -> list[Role]:
    """The roles of ``user`` in a fixed order (board, manager, staff). Runs one query."""
    names = set(user.groups.values_list("name", flat=True))
    return [role for role in Role if role.value in names]
