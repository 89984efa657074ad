from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete
from django.utils.translation import gettext_lazy as _


def _sync_roles(**_: object) -> None:
    from accounts.services import roles_sync

    roles_sync()


def _forget_organisation_name(instance: object, **_: object) -> None:
    from django.core.cache import cache
    from django.db import transaction

    from accounts.selectors import organisation_name_key

    key = organisation_name_key(instance.pk)  # type: ignore[attr-defined]
    # Now, and again once committed: a page read in between may have put the old name back.
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # The role groups follow the code after every migrate, including the test database's.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="accounts-roles-sync")
        # Cached permissions are forgotten as soon as what they come from changes.
        from django.contrib.auth.models import Group

        from accounts import backends
        from accounts.models import Organisation, User

        for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
            m2m_changed.connect(backends.forget_permissions_on_m2m, sender=through, dispatch_uid=f"perms-{through}")
        post_save.connect(backends.forget_permissions_of_user, sender=User, dispatch_uid="perms-user-saved")
        post_delete.connect(backends.forget_permissions_of_user, sender=User, dispatch_uid="perms-user-deleted")
        pre_delete.connect(backends.forget_permissions_of_group, sender=Group, dispatch_uid="perms-group-deleted")
        # Every page header shows the organisation's name from the cache.
        for signal in (post_save, post_delete):
            signal.connect(_forget_organisation_name, sender=Organisation, dispatch_uid=f"org-name-{signal}")
