"""Signing in and permissions: Django's model backend, with each user's permissions kept in the cache.

Every page checks permissions, and Django reads them with two queries a request (the user's own and
those of their groups). They change only when someone's roles change, so they are kept in the cache
(Redis in production) for ``PERMISSIONS_CACHE_SECONDS`` and forgotten at once when a user's groups or
permissions, a group's permissions or the user itself change (``forget_permissions_*`` below, connected
in ``accounts.apps``).
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Group
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import Model, QuerySet

from accounts.models import User
from webcare.queries import MARKER_ID, CompiledQuery

PERMISSIONS_CACHE_SECONDS = 300
_USER_FIELDS = [field.attname for field in User._meta.concrete_fields]


@functools.cache
def _user_by_id(using: str) -> CompiledQuery | None:
    query = User._default_manager.db_manager(using).filter(pk=MARKER_ID).values_list(*_USER_FIELDS)
    return CompiledQuery.of(query, {"id": MARKER_ID})


def _key_of(user: User) -> str:
    # With the moment the user joined: a database restored or recreated (as for every test run) gives
    # the same id to another person, who must not get the first one's permissions from the cache.
    return f"accounts:permissions:{user.pk}:{user.date_joined.timestamp()}"


class CachedPermissionsBackend(ModelBackend):
    """ModelBackend whose ``get_all_permissions`` comes from the cache when it can, and which reads the
    signed-in user of every request with a statement compiled once (webcare/queries.py)."""

    def get_user(self, user_id: Any) -> User | None:
        query = _user_by_id(router.db_for_read(User))
        if query is None:  # not compiled with its marker: Django's own way
            return super().get_user(user_id)
        try:
            rows = query.rows({"id": User._meta.pk.to_python(user_id)})  # type: ignore[union-attr]
        except ValidationError:
            return None
        if not rows:
            return None
        user = User.from_db(query.using, _USER_FIELDS, rows[0])
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: User | AnonymousUser, obj: Model | None = None) -> set[str]:  # type: ignore[override]
        if obj is not None or not user_obj.is_active or user_obj.is_anonymous or hasattr(user_obj, "_perm_cache"):
            return super().get_all_permissions(user_obj, obj)
        key = _key_of(user_obj)
        permissions = cache.get(key)
        if permissions is None:
            permissions = super().get_all_permissions(user_obj)
            cache.set(key, permissions, PERMISSIONS_CACHE_SECONDS)
        else:
            # Where ModelBackend keeps them for the rest of the request.
            user_obj._perm_cache = permissions  # type: ignore[union-attr,attr-defined]
        return permissions


def forget_permissions(users: QuerySet[User]) -> None:
    """Drop the cached permissions of these users: their next request reads them from the database."""
    _forget([_key_of(user) for user in users.only("id", "date_joined")])


def _forget(keys: list[str]) -> None:
    # Now, and again once committed: a request read in between may have put the old permissions back.
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def forget_permissions_of_user(sender: type, instance: User, **_: Any) -> None:
    """post_save and post_delete of a user: superuser or active may have changed."""
    _forget([_key_of(instance)])


def forget_permissions_on_m2m(
    sender: type, instance: object, action: str, reverse: bool, pk_set: set[Any] | None, **_: Any
) -> None:
    """m2m_changed of User.groups, User.user_permissions and Group.permissions, from either side."""
    if not action.startswith("post_"):
        return
    if isinstance(instance, User):  # user.groups.add(...), user.user_permissions.set(...)
        _forget([_key_of(instance)])
    elif isinstance(instance, Group) and not reverse:  # group.permissions.set(...)
        forget_permissions(User.objects.filter(groups=instance))
    elif isinstance(instance, Group) and pk_set is not None:  # group.user_set.add(...)
        forget_permissions(User.objects.filter(id__in=pk_set))
    else:  # group.user_set.clear(), permission.group_set.add(...): rare, so everybody's
        forget_permissions(User.objects.all())


def forget_permissions_of_group(sender: type, instance: Group, **_: Any) -> None:
    """pre_delete of a group: its members lose what it gave them."""
    forget_permissions(User.objects.filter(groups=instance))
