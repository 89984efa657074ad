"""What the privacy page lists of the organisation's privacy events, in words: when, who, what and how many."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from inbox.privacy.models import PrivacyEvent

SHOWN = 20


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    who: str
    what: str
    detail: str


def privacy_history(*, user: User, limit: int = SHOWN) -> list[HistoryRow]:
    """The last ``limit`` privacy events of ``user``'s organisation, newest first. Runs one query."""
    events = (
        PrivacyEvent.objects.filter(organisation_id=user.organisation_id or 0)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        HistoryRow(
            at=event.created_at,
            # Nobody acts for the nightly retention run: the product does it by itself (as on the activity page).
            who=str(event.actor) if event.actor is not None else _("The app itself"),
            what=event.get_action_display(),
            detail=_detail(event),
        )
        for event in events
    ]


def _detail(event: PrivacyEvent) -> str:
    if event.action == PrivacyEvent.Action.POLICY_CHANGED:
        return _("months for mentions/cases: %(before)s → %(after)s") % {
            "before": event.from_value,
            "after": event.to_value,
        }
    if event.action == PrivacyEvent.Action.STATEMENT_CHANGED:
        return _statement_change(event.from_value, event.to_value)
    if event.action == PrivacyEvent.Action.RETENTION and not any(event.counts.values()):
        return _("nothing had passed its retention period")
    return counts_in_words(event.counts)


def _statement_change(before: str, after: str) -> str:
    language, _sep, now = after.partition(":")
    names = {"nl": _("Dutch"), "en": _("English")}
    if now == "own":
        return _("%(language)s: our own text") % {"language": names.get(language, language)}
    return _("%(language)s: back to the product's text") % {"language": names.get(language, language)}


def counts_in_words(counts: Any) -> str:
    """``{"mentions": 2000, "cases": 3}`` as "2,000 mentions, 3 cases" (grouped as the language groups
    numbers), mentions first and what we have no words for last; "" for no counts."""
    if not isinstance(counts, dict):
        return ""
    ordered = sorted(counts.items(), key=lambda item: _ORDER.index(item[0]) if item[0] in _ORDER else len(_ORDER))
    return ", ".join(text for key, value in ordered if isinstance(value, int) and (text := _counted(str(key), value)))


_ORDER = ("mentions", "cases", "replies", "notes", "people", "sightings", "notifications", "forgotten")


def _counted(key: str, count: int) -> str:
    number = formats.number_format(count, force_grouping=True)
    if key == "mentions":
        text = ngettext("%(count)s mention", "%(count)s mentions", count)
    elif key == "cases":
        text = ngettext("%(count)s case", "%(count)s cases", count)
    elif key == "replies":
        text = ngettext("%(count)s reply", "%(count)s replies", count)
    elif key == "notes":
        text = ngettext("%(count)s note", "%(count)s notes", count)
    elif key == "people":
        text = ngettext("%(count)s person", "%(count)s people", count)
    elif key == "sightings":
        text = ngettext("%(count)s link as a source found it", "%(count)s links as sources found them", count)
    elif key == "notifications":
        text = ngettext("%(count)s notification", "%(count)s notifications", count)
    elif key == "forgotten":
        text = ngettext("%(count)s name or handle forgotten", "%(count)s names or handles forgotten", count)
    else:
        return f"{key}: {number}"
    if not count:
        return ""
    return text % {"count": number}
