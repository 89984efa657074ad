"""Unusual volume: whoever is responsible hears when a source or a watch term has more mentions in the last two
hours than on its usual day ("14 vermeldingen over 'parkeren' in 2 uur, normaal 1 per dag")."""

from __future__ import annotations

import hashlib
from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from inbox.notifications.models import Notification
from inbox.notifications.services import notify
from inbox.team.selectors import responsible_at
from inbox.team.wording import volume_text
from monitoring.selectors import mention_volumes
from monitoring.volume import Volume, is_unusual, window_number


def volume_watch(*, now: datetime | None = None) -> int:
    """Tell the person responsible for each organisation now of each of its sources and watch terms with an
    unusual volume (``monitoring.volume.is_unusual``), once per two-hour window (the notification's dedupe
    key). Returns how many volumes were unusual; an organisation where nobody is responsible hears nothing.
    Runs the counts of ``mention_volumes``, then for each organisation with news four queries and an insert
    per notice. Every quarter of an hour (beat)."""
    now = now or timezone.now()
    unusual = [volume for volume in mention_volumes(now=now) if is_unusual(volume.recent, volume.earlier)]
    if not unusual:
        return 0
    window = window_number(now.timestamp())
    organisations = Organisation.objects.in_bulk({volume.organisation_id for volume in unusual})
    for organisation_id, organisation in sorted(organisations.items()):
        responsible = responsible_at(organisation, now)
        if responsible is None:
            continue
        person = User.objects.get(id=responsible.person_id)
        for volume in unusual:
            if volume.organisation_id == organisation_id:
                notify(
                    person,
                    None,
                    kind=Notification.Kind.UNUSUAL_VOLUME,
                    url=_page(volume),
                    text=volume_text(volume.recent, volume.usual_per_day, source=volume.label, term=volume.term),
                    dedupe_key=_key(volume, window),
                )
    return len(unusual)


def _page(volume: Volume) -> str:
    """The inbox narrowed to the source, or searched for the term."""
    query = {"source": volume.source_id} if volume.source_id is not None else {"q": volume.term}
    return f"{reverse('inbox:mention-list')}?{urlencode(query)}"


def _key(volume: Volume, window: int) -> str:
    if volume.source_id is not None:
        return f"volume:source:{volume.source_id}:{window}"
    term = hashlib.sha256(volume.term.encode()).hexdigest()[:16]  # a term may be long; the key is not
    return f"volume:term:{volume.organisation_id}:{term}:{window}"
