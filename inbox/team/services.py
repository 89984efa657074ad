"""Who is responsible: the webcare owner and the deputy the board appoints."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from inbox.exceptions import CaseRefused
from inbox.playbook.services import playbook_event_record


def organisation_roster_set(
    *,
    actor: User,
    organisation: Organisation,
    owner_id: int | None,
    deputy_id: int | None,
    contact_phone: str = "",
    contact_email: str = "",
) -> Organisation:
    """The board appoints the webcare owner and the deputy (two different people) and says how complainants
    reach the organisation in private."""
    if owner_id is not None and owner_id == deputy_id:
        raise CaseRefused(_("The deputy takes over from the owner: choose two different people."))
    with transaction.atomic():
        organisation = (
            Organisation.objects.select_for_update(of=("self",))
            .select_related("webcare_owner", "webcare_deputy")
            .get(id=organisation.id)
        )

        def shown() -> str:
            people = f"{organisation.webcare_owner or '—'} / {organisation.webcare_deputy or '—'}"
            return f"{people} ({organisation.contact_phone} {organisation.contact_email})"

        before = shown()
        organisation.webcare_owner_id, organisation.webcare_deputy_id = owner_id, deputy_id
        organisation.contact_phone, organisation.contact_email = contact_phone.strip(), contact_email.strip()
        organisation.save(update_fields=["webcare_owner", "webcare_deputy", "contact_phone", "contact_email"])
        organisation.refresh_from_db(fields=["webcare_owner", "webcare_deputy"])
        after = shown()
        playbook_event_record(organisation, actor, "roster", before, after)
    return organisation
