from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.exceptions import InvalidPassword, UnknownRole
from accounts.models import Organisation, User
from accounts.roles import ROLE_PERMISSIONS, Role
from accounts.selectors import organisation_current


def roles_sync() -> None:
    """Create the role groups and give each exactly the permissions ``ROLE_PERMISSIONS`` lists."""
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    with transaction.atomic():
        for role, codes in ROLE_PERMISSIONS.items():
            group, _ = Group.objects.get_or_create(name=role.value)
            wanted = []
            for code in codes:
                app_label, codename = code.split(".")
                wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
            group.permissions.set(wanted)


@dataclass(frozen=True)
class UserSaved:
    user: User
    is_new: bool
    generated_password: str | None


def user_save_with_role(
    *, username: str, role: str, password: str | None = None, email: str | None = None
) -> UserSaved:
    """Create or update ``username`` so that ``role`` is its only role.

    A new user without a password gets a generated one (returned once in ``generated_password``);
    an existing user keeps its password unless one is given. Raises ``UnknownRole`` and
    ``InvalidPassword``.
    """
    if role not in Role.values:
        raise UnknownRole(role)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        is_new = user is None
        if user is None:
            user = User(username=username)
        generated = None
        if password is None and is_new:
            password = generated = secrets.token_urlsafe(12)
        if password is not None:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise InvalidPassword(list(exc.messages)) from exc
            user.set_password(password)
        if email is not None:
            user.email = email
        user.save()
        if not Group.objects.filter(name=role).exists():
            roles_sync()
        user.groups.set(Group.objects.filter(name=role))
    return UserSaved(user=user, is_new=is_new, generated_password=generated)


def organisation_rename(*, name: str) -> tuple[Organisation, bool]:
    """Give the install's organisation ``name``, creating it when there is none yet."""
    organisation, created = organisation_ensure(name=name)
    if not created and organisation.name != name:
        organisation.name = name
        organisation.full_clean()
        organisation.save(update_fields=["name"])
    return organisation, created


def organisation_ensure(*, name: str) -> tuple[Organisation, bool]:
    """Return the install's organisation, creating it with ``name`` when there is none yet."""
    organisation = organisation_current()
    if organisation is not None:
        return organisation, False
    return Organisation.objects.create(name=name), True
