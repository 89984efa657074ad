from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.exceptions import InvalidPassword, UnknownRole, UserNotFound, UserRefused
from accounts.models import Organisation, User, UserEvent
from accounts.roles import ROLE_PERMISSIONS, Role
from accounts.selectors import organisation_current, organisation_id_of, user_roles


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
            user = User(username=username, organisation=organisation_current())
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
    organisation = Organisation.objects.create(name=name)
    # The install's first organisation takes in whoever was there before it (an administrator's account).
    User.objects.filter(organisation__isnull=True).update(organisation=organisation)
    return organisation, True


# The board's management of people ---------------------------------------------------------------------


def user_create(
    *,
    actor: User,
    organisation: Organisation,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    password: str,
) -> User:
    """Add a person with ``role`` and an initial password they change themselves later.

    Raises ``UnknownRole``, ``UserRefused`` (``field="username"``) for a name that is taken and
    ``InvalidPassword`` for a password Django's validators refuse.
    """
    if role not in Role.values:
        raise UnknownRole(role)
    user = User(
        username=username.strip(), first_name=first_name.strip(), last_name=last_name.strip(), organisation=organisation
    )
    user.email = User.objects.normalize_email(email.strip())
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidPassword(list(exc.messages)) from exc
    user.set_password(password)
    with transaction.atomic():
        if User.objects.filter(username__iexact=user.username).exists():
            raise UserRefused(_("This username is taken. Choose another one."), field="username")
        user.save()
        user.groups.add(_role_group(role))
        _user_event(organisation, actor, user, UserEvent.Action.USER_CREATED, "", role)
    return user


@dataclass(frozen=True)
class UserChanged:
    user: User
    actions: list[str]  # the ``UserEvent.Action`` codes written, one for each kind of change


def user_update(
    *,
    actor: User,
    organisation: Organisation,
    user_id: int,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
) -> UserChanged:
    """Change a person's name, e-mail address and role; one audit row for each that changed.

    Raises ``UserNotFound``, ``UnknownRole`` and ``UserRefused`` when the change would leave nobody active
    on the board.
    """
    if role not in Role.values:
        raise UnknownRole(role)
    with transaction.atomic():
        user = _user_locked(organisation, user_id)
        actions: list[str] = []
        name = (first_name.strip(), last_name.strip())
        if name != (user.first_name, user.last_name):
            user.first_name, user.last_name = name
            actions.append(_user_event(organisation, actor, user, UserEvent.Action.NAME_CHANGED, "", ""))
        email = User.objects.normalize_email(email.strip())
        if email != user.email:
            user.email = email
            actions.append(_user_event(organisation, actor, user, UserEvent.Action.EMAIL_CHANGED, "", ""))
        if actions:
            user.save(update_fields=["first_name", "last_name", "email"])
        before = user_roles(user)
        if before != [Role(role)]:
            if Role.BOARD in before and role != Role.BOARD:
                _keep_a_board_member(user, field="role")
            user.groups.remove(*Group.objects.filter(name__in=Role.values))
            user.groups.add(_role_group(role))
            codes = ",".join(r.value for r in before)
            actions.append(_user_event(organisation, actor, user, UserEvent.Action.ROLE_CHANGED, codes, role))
    return UserChanged(user=user, actions=actions)


@dataclass(frozen=True)
class UserDeactivated:
    user: User
    # Appointments the person still holds: "owner" and/or "deputy". They are not taken away here: who
    # takes over is the board's choice on the playbook page, where the roster's own history is kept.
    appointments: list[str]


def user_deactivate(*, actor: User, organisation: Organisation, user_id: int) -> UserDeactivated:
    """Stop a person from signing in; everything they did stays. Their open sessions stop working too.

    Raises ``UserNotFound``, and ``UserRefused`` for one's own account and for the last active board member.
    """
    with transaction.atomic():
        user = _user_locked(organisation, user_id)
        if user.pk == actor.pk:
            raise UserRefused(_("You cannot deactivate yourself. Ask another board member."))
        if user.is_active:
            if Role.BOARD in user_roles(user):
                _keep_a_board_member(user)
            user.is_active = False
            user.save(update_fields=["is_active"])
            _user_event(organisation, actor, user, UserEvent.Action.DEACTIVATED, "active", "inactive")
        owner, deputy = (
            Organisation.objects.filter(pk=organisation.pk).values_list("webcare_owner", "webcare_deputy").get()
        )
        appointments = [name for name, appointed in (("owner", owner), ("deputy", deputy)) if appointed == user.pk]
    return UserDeactivated(user=user, appointments=appointments)


def user_reactivate(*, actor: User, organisation: Organisation, user_id: int) -> User:
    """Let a deactivated person sign in again, with the role they had. Raises ``UserNotFound``."""
    with transaction.atomic():
        user = _user_locked(organisation, user_id)
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
            _user_event(organisation, actor, user, UserEvent.Action.REACTIVATED, "inactive", "active")
    return user


def user_language_set(*, user: User, language: str) -> None:
    """Remember the language ``user`` chose, for their next sessions. Raises ``ValueError`` for a language
    the site does not speak."""
    from django.conf import settings

    if language not in dict(settings.LANGUAGES):
        raise ValueError(language)
    if user.language != language:
        user.language = language
        User.objects.filter(pk=user.pk).update(language=language)


def _user_locked(organisation: Organisation, user_id: int) -> User:
    """One of ``organisation``'s people, locked; another organisation's is as unknown as one that never was."""
    user = User.objects.select_for_update().filter(pk=user_id, organisation=organisation).first()
    if user is None:
        raise UserNotFound(user_id)
    return user


def _keep_a_board_member(user: User, *, field: str | None = None) -> None:
    """Refuse to take ``user`` off the board when nobody else active is on it. Locks the board's rows, so
    two board members taking each other off at once cannot both succeed."""
    others = list(
        User.objects.select_for_update(of=("self",))
        .filter(is_active=True, groups__name=Role.BOARD, organisation_id=organisation_id_of(user))
        .exclude(pk=user.pk)
        .values_list("pk", flat=True)
    )
    if not others:
        raise UserRefused(
            _("%(name)s is the last active board member. Give someone else the board role first.") % {"name": user},
            field=field,
        )


def _role_group(role: str) -> Group:
    if not Group.objects.filter(name=role).exists():
        roles_sync()
    return Group.objects.get(name=role)


def _user_event(organisation: Organisation, actor: User, subject: User, action: str, before: str, after: str) -> str:
    UserEvent.record(
        actor=actor,
        action=action,
        about=f"user:{subject.id}",
        organisation_id=organisation.id,
        from_value=before,
        to_value=after,
        organisation=organisation,
        subject=subject,
    )
    return action
