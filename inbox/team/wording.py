"""The team's answers in plain words: the banner on every page, why a complaint went to whom, and the routing
rules on the team page. Pure: the words come from the values given, in the active language."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from inbox.team.selectors import Responsible, RoutingFacts


@dataclass(frozen=True)
class Banner:
    name: str
    when: str = ""  # "Today", "This week", "Now": how long the stand-in lasts; empty when nobody stands in
    instead_of: str = ""
    away: str = ""  # "away until 14:00", "away up to and including Fri 12 Dec"


def banner_for(responsible: Responsible, now: datetime) -> Banner:
    """What the banner says of ``responsible`` at ``now``: for a stand-in, for whom and until when."""
    if not responsible.instead_of or responsible.owner_back_at is None:
        return Banner(name=responsible.name)
    back = timezone.localtime(responsible.owner_back_at)
    today = timezone.localdate(now)
    tomorrow = datetime.combine(today + timedelta(days=1), time.min, tzinfo=back.tzinfo)
    next_week = tomorrow + timedelta(days=6 - today.weekday())
    if back <= tomorrow:
        when = _("Today")
    elif back <= next_week:
        when = _("This week")
    else:
        when = _("Now")
    if responsible.is_owner_away_whole_days:
        last_day = responsible.owner_away_until or today
        if last_day == today:
            away = _("away today")
        else:
            away = _("away up to and including %(day)s") % {"day": date_format(last_day, "D j M")}
    elif back.date() == today:
        away = _("away until %(time)s") % {"time": date_format(back, "H:i")}
    else:
        away = _("away until %(day)s %(time)s") % {
            "day": date_format(back, "D j M"),
            "time": date_format(back, "H:i"),
        }
    return Banner(name=responsible.name, when=when, instead_of=responsible.instead_of, away=away)


_ROLES = {
    "owner": lambda: _("the webcare owner"),
    "deputy": lambda: _("the deputy"),
    "board": lambda: _("a board member"),
    "manager": lambda: _("a manager"),
}


def routing_reason(because: str, name: str, away: Sequence[str]) -> str:
    """Why a complaint went to ``name``: "assigned to Sanne: Piet is away", or "assigned to Piet, the webcare
    owner" when nobody was passed over. ``because`` is where in the chain ``name`` was found."""
    if away:
        return ngettext(
            "assigned to %(name)s: %(away)s is away", "assigned to %(name)s: %(away)s are away", len(away)
        ) % {"name": name, "away": get_text_list(list(away), _("and"))}
    role = _ROLES.get(because)
    if role is None:
        return _("assigned to %(name)s") % {"name": name}
    return _("assigned to %(name)s, %(role)s") % {"name": name, "role": role()}


def routing_rules(facts: RoutingFacts) -> list[str]:
    """The routing rules as they stand (``routing_facts``), one sentence each."""
    names = functools.partial(get_text_list, last_word=_("or"))
    if not facts.owner:
        rules = [_("No webcare owner is appointed: a new complaint goes to nobody; whoever opens a case handles it.")]
    else:
        rules = [_("A new complaint goes to %(owner)s, the webcare owner.") % {"owner": facts.owner}]
        if not facts.is_owner_handler:
            rules.append(
                _("%(name)s answers for us but handles no cases (no staff or manager role): complaints skip them.")
                % {"name": facts.owner}
            )
        rules.append(
            _(
                "A new complaint is a case opened from a mention nobody took, or a mention found with complaint as "
                "its suggested category and #fail, a threat or abuse among its flags."
            )
        )
        if facts.deputy:
            rules.append(
                _("While %(owner)s is away, %(deputy)s, the deputy, takes over.")
                % {"owner": facts.owner, "deputy": facts.deputy}
            )
            if not facts.is_deputy_handler:
                rules.append(
                    _("%(name)s answers for us but handles no cases (no staff or manager role): complaints skip them.")
                    % {"name": facts.deputy}
                )
        if facts.handlers_after:
            rules.append(
                _("While the owner and the deputy are away, complaints go to the first who is there of: %(names)s.")
                % {"names": names(list(facts.handlers_after))}
            )
        else:
            rules.append(_("While the owner and the deputy are away, nobody else handles complaints: they wait."))
    if facts.answer_after:
        rules.append(
            _("The banner on every page names who answers for us; after the owner and the deputy: %(names)s.")
            % {"names": names(list(facts.answer_after))}
        )
    rules.append(_("Nobody who is away at that moment, or can no longer sign in, is ever chosen."))
    rules.append(_("Whoever took a mention first keeps it: routing never takes work away from somebody."))
    if facts.is_hand_back:
        rules.append(
            _(
                "When an absence starts, the open cases and mentions of whoever is away go to whoever handles "
                "complaints then; when it ends they go back, unless somebody changed them meanwhile."
            )
        )
    else:
        rules.append(
            _(
                "When an absence starts, the open cases and mentions of whoever is away go to whoever handles "
                "complaints then, and stay there when it ends."
            )
        )
    for role, name, day in facts.upcoming:
        label = _("webcare owner") if role == "owner" else _("deputy")
        if name:
            rules.append(
                _("From %(day)s, %(name)s is %(role)s.")
                % {"day": date_format(day, "D j M Y"), "name": name, "role": label}
            )
        else:
            rules.append(_("From %(day)s, nobody is %(role)s.") % {"day": date_format(day, "D j M Y"), "role": label})
    return rules


def volume_text(recent: int, usual_per_day: float, *, source: str = "", term: str = "") -> str:
    """What a notice of unusual volume says: "14 mentions about 'parkeren' in 2 hours, normally 1 a day" (a
    watch ``term``), or "… from 'Buurtnieuws' …" (a ``source``)."""
    if usual_per_day < 1:
        usual = _("normally less than 1 a day")
    else:
        per_day = round(usual_per_day)
        usual = ngettext("normally %(count)d a day", "normally %(count)d a day", per_day) % {"count": per_day}
    if term:
        return ngettext(
            "%(count)d mention about '%(term)s' in 2 hours, %(usual)s",
            "%(count)d mentions about '%(term)s' in 2 hours, %(usual)s",
            recent,
        ) % {"count": recent, "term": term, "usual": usual}
    return ngettext(
        "%(count)d mention from '%(source)s' in 2 hours, %(usual)s",
        "%(count)d mentions from '%(source)s' in 2 hours, %(usual)s",
        recent,
    ) % {"count": recent, "source": source, "usual": usual}
