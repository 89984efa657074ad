"""A complaint that escalates goes to whoever handles complaints the moment it is found.

Monitoring announces the mentions each poll (or quick add) stored (``monitoring.mentions_stored``); this
subscriber assigns those suggested as a complaint with #fail, a threat or abuse among their flags to whoever
handles complaints then (``team.complaint_handler_at``), unless somebody took them first, and tells that
person. Cases opened from a mention are routed in ``services.case_open``.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, get_text_list
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from inbox.notifications.models import Notification
from inbox.notifications.services import notify
from inbox.team.selectors import complaint_handler_at
from inbox.triage.models import MentionEvent
from inbox.triage.services import mention_change
from monitoring.models import Mention
from webcare.events import DomainEvent

ESCALATING = frozenset({Mention.Flag.FAIL, Mention.Flag.THREAT, Mention.Flag.ABUSE})


def escalates(suggested_category: str, flags: Collection[str]) -> bool:
    """A mention that goes to the complaint handler at once: suggested as a complaint, flagged #fail, threat or
    abuse. Pure."""
    return suggested_category == Mention.Category.COMPLAINT and not ESCALATING.isdisjoint(flags)


def mentions_route(*, mention_ids: Sequence[int], at: datetime | None = None) -> int:
    """Assign each of ``mention_ids`` that escalates (``escalates``), is new and was taken by nobody to whoever
    handles complaints of its organisation at ``at`` (now), with the reason in its history, and tell them.
    Mentions of an organisation without a webcare owner stay where they are. Returns how many were routed.

    Runs one query for the batch when none escalates (nearly every poll); then, per organisation with any,
    three for the handler and one per mention routed, in one transaction."""
    if not mention_ids:
        return 0
    wanted = set(mention_ids)
    # One insert's ids lie close together: a range of the primary key binds two values where a list of a
    # poll's 500 ids bound 500 (6 ms on every poll for nothing, as almost none escalates).
    rows = Mention.objects.filter(
        id__gte=min(wanted),
        id__lte=max(wanted),
        suggested_category=Mention.Category.COMPLAINT,
        status=Mention.Status.NEW,
        assignee__isnull=True,
    ).values_list("id", "organisation_id", "flags")
    by_organisation: dict[int, list[int]] = {}
    for mention_id, organisation_id, flags in rows:
        if mention_id in wanted and escalates(Mention.Category.COMPLAINT, flags or ()):
            by_organisation.setdefault(organisation_id, []).append(mention_id)
    at = at or timezone.now()
    routed = 0
    for organisation_id, ids in sorted(by_organisation.items()):
        organisation = Organisation.objects.get(id=organisation_id)
        handler = complaint_handler_at(organisation, at)
        if handler is None:
            continue
        person = User.objects.get(id=handler.person_id)
        with transaction.atomic():
            # Under lock, once more: somebody may have taken one since it was stored.
            mentions = (
                Mention.objects.select_for_update(of=("self",))
                .filter(id__in=ids, status=Mention.Status.NEW, assignee__isnull=True)
                .order_by("id")
            )
            batch = uuid.uuid4()
            for mention in mentions:
                mention_change(
                    None,
                    mention,
                    MentionEvent.Action.ROUTED,
                    {"assignee_id": person.id},
                    batch=batch,
                    label=handler.name,
                    shown_from=handler.because,
                    note="\n".join(handler.away),
                )
                notify(
                    person,
                    None,
                    kind=Notification.Kind.NEW_COMPLAINT,
                    url=reverse("inbox:mention-detail", args=[mention.id]),
                    text=_told(mention, handler.away),
                    dedupe_key=f"mention:{mention.id}:new_complaint",
                )
                routed += 1
    return routed


def mentions_stored(event: DomainEvent) -> None:
    """Subscribed (once committed) to ``monitoring.mentions_stored``: route what escalates among them."""
    mentions_route(mention_ids=event.data.get("mention_ids", ()))


def _told(mention: Mention, away: Sequence[str]) -> str:
    shown = Truncator(str(mention)).chars(120)
    if away:
        return _("A new complaint for you, standing in for %(names)s: %(mention)s") % {
            "names": get_text_list(list(away), _("and")),
            "mention": shown,
        }
    return _("A new complaint for you: %(mention)s") % {"mention": shown}
