"""Due times and targets in words, in the reader's language."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.dateformat import format as date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inbox.playbook.models import Priority
from inbox.targets import rules
from monitoring.models import Mention

NEAR = timedelta(days=6)


def duration_phrase(duration: timedelta) -> str:
    """ "1 hour", "1:30 hours", "45 minutes"."""
    minutes = max(int(duration / timedelta(minutes=1)), 0)
    if minutes < 60:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    if minutes % 60 == 0:
        return ngettext("%(count)d hour", "%(count)d hours", minutes // 60) % {"count": minutes // 60}
    return _("%(hours)d:%(minutes)02d hours") % {"hours": minutes // 60, "minutes": minutes % 60}


def moment_phrase(value: datetime, now: datetime) -> str:
    """A moment in the current time zone: its weekday and time within six days of ``now`` ("Sat 08:55"), else
    with its date ("Sat 8 Mar 08:55")."""
    return date_format(localtime(value), "D H:i" if abs(value - now) < NEAR else "D j M H:i")


def choice_label(kind: str, value: str) -> str:
    """The label of a category, priority or flag an override is for."""
    choices = {
        rules.CATEGORY: Mention.Category.choices,
        rules.PRIORITY: Priority.choices,
        rules.FLAG: Mention.Flag.choices,
    }.get(kind, [])
    return str(dict(choices).get(value, value))
