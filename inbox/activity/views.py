"""The activity page: who changed people, sources, the playbook and the appointments, newest first.

Each of those changes is stored as an event row by its own app (``accounts.UserEvent``,
``monitoring.SourceEvent``, ``inbox.PlaybookEvent``); this page reads the three as one list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import permission_required
from django.db.models import CharField, QuerySet, Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from accounts.models import Organisation, User, UserEvent
from accounts.roles import Role
from accounts.selectors import organisation_or_404
from inbox.playbook.models import FlaggedPhrase, FourEyesRule, HouseRule, PlaybookEvent, ReplyTemplate, Scenario
from monitoring.models import SourceEvent, source_name_shown

PAGE_SIZE = 50
KINDS: dict[str, Promise] = {
    "users": gettext_lazy("Users"),
    "sources": gettext_lazy("Sources"),
    "playbook": gettext_lazy("Playbook and appointments"),
}

# What the playbook's services write (inbox/services.py, ``playbook_event_record``).
_PLAYBOOK_ACTIONS: dict[str, Promise] = {
    "template": gettext_lazy("Saved a reply template"),
    "roster": gettext_lazy("Changed the appointments and contact details"),
    "appointed": gettext_lazy("Appointed"),
    "appointment_effective": gettext_lazy("An appointment took effect"),
    "appointment_withdrawn": gettext_lazy("Withdrew an appointment"),
    "contact_details": gettext_lazy("Changed the contact details"),
    "absence_added": gettext_lazy("Recorded an absence"),
    "absence_removed": gettext_lazy("Took an absence back"),
    "house_rule_added": gettext_lazy("Added a house rule"),
    "house_rule_removed": gettext_lazy("Removed a house rule"),
    "flagged_phrase_added": gettext_lazy("Added a flagged phrase"),
    "flagged_phrase_removed": gettext_lazy("Removed a flagged phrase"),
    "four_eyes_rule_added": gettext_lazy("Added a four-eyes rule"),
    "four_eyes_rule_removed": gettext_lazy("Removed a four-eyes rule"),
    "scenario_added": gettext_lazy("Added a scenario"),
    "scenario_removed": gettext_lazy("Retired a scenario"),
    # The opening hours and targets (inbox/targets/services.py).
    "targets_changed": gettext_lazy("Changed the response-time targets"),
    "opening_hours_added": gettext_lazy("Added opening hours"),
    "opening_hours_removed": gettext_lazy("Removed opening hours"),
    "holidays_changed": gettext_lazy("Changed the public holidays we are open on"),
    "closed_day_added": gettext_lazy("Added a closed day"),
    "closed_day_removed": gettext_lazy("Removed a closed day"),
    "target_override_added": gettext_lazy("Set a target for some complaints"),
    "target_override_removed": gettext_lazy("Removed a target for some complaints"),
}
# What the targets' actions are about: the opening hours and targets page.
_TARGETS = frozenset({"targets_changed", "opening_hours", "holidays_changed", "closed_day", "target_override"})
_PLAYBOOK_OBJECTS: dict[str, Any] = {
    "template": ReplyTemplate._meta.verbose_name,
    "roster": gettext_lazy("Webcare owner and deputy"),
    "appointed": gettext_lazy("Webcare owner and deputy"),
    "appointment_effective": gettext_lazy("Webcare owner and deputy"),
    "appointment_withdrawn": gettext_lazy("Webcare owner and deputy"),
    "contact_details": gettext_lazy("Contact details for complainants"),
    "absence": gettext_lazy("Absence"),
    "house_rule": HouseRule._meta.verbose_name,
    "flagged_phrase": FlaggedPhrase._meta.verbose_name,
    "four_eyes_rule": FourEyesRule._meta.verbose_name,
    "scenario": Scenario._meta.verbose_name,
}
# Source events written before they carried their own label (``SourceEvent.action_label``).
_STATES: dict[str, Promise] = {
    "active": gettext_lazy("Active"),
    "inactive": gettext_lazy("Deactivated"),
    "paused": gettext_lazy("Paused"),
}


@dataclass(frozen=True)
class ActivityRow:
    kind: str  # one of KINDS
    at: datetime
    actor: User | None  # None: the app itself (a source paused after failing)
    label: str
    subject: str
    subject_url: str  # "" when there is no page of the object for this reader
    before: str
    after: str


@dataclass(frozen=True)
class ActivityPage:
    rows: list[ActivityRow]
    number: int
    has_older: bool


def activity_page(*, user: User, organisation: Organisation, kind: str = "", number: int = 1) -> ActivityPage:
    """Page ``number`` (from 1) of ``organisation``'s changes of ``kind`` ("": all kinds), newest first.

    Empty for a reader without ``accounts.view_activity``. Runs one query for the page's ids and one for
    each kind of event on it.
    """
    if not user.has_perm("accounts.view_activity"):
        return ActivityPage(rows=[], number=number, has_older=False)
    kinds = [kind] if kind in KINDS else list(KINDS)
    sources: dict[str, QuerySet[Any]] = {
        "users": UserEvent.objects.filter(organisation=organisation),
        "sources": SourceEvent.objects.filter(source__organisation=organisation),
        "playbook": PlaybookEvent.objects.filter(organisation=organisation),
    }
    shaped = [
        sources[name].annotate(kind=Value(name, output_field=CharField())).values("kind", "id", "created_at")
        for name in kinds
    ]
    union = shaped[0].union(*shaped[1:], all=True) if len(shaped) > 1 else shaped[0]
    start = (number - 1) * PAGE_SIZE
    found = list(union.order_by("-created_at", "-id")[start : start + PAGE_SIZE + 1])
    has_older = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    wanted: dict[str, list[int]] = {name: [row["id"] for row in found if row["kind"] == name] for name in kinds}
    events: dict[tuple[str, int], ActivityRow] = {}
    if wanted.get("users"):
        for user_event in UserEvent.objects.filter(id__in=wanted["users"]).select_related("actor", "subject"):
            events["users", user_event.id] = _user_row(user_event)
    if wanted.get("sources"):
        may_open = user.has_perm("monitoring.change_source")
        for source_event in SourceEvent.objects.filter(id__in=wanted["sources"]).select_related("actor", "source"):
            events["sources", source_event.id] = _source_row(source_event, may_open=may_open)
    if wanted.get("playbook"):
        for playbook_event in PlaybookEvent.objects.filter(id__in=wanted["playbook"]).select_related("actor"):
            events["playbook", playbook_event.id] = _playbook_row(playbook_event)
    rows = [events[row["kind"], row["id"]] for row in found if (row["kind"], row["id"]) in events]
    return ActivityPage(rows=rows, number=number, has_older=has_older)


def _roles(codes: str) -> str:
    """Role codes ("board,staff") as their labels."""
    if not codes:
        return _("No role")
    labels = {role.value: str(role.label) for role in Role}
    return ", ".join(labels.get(code, code) for code in codes.split(","))


def _user_row(event: UserEvent) -> ActivityRow:
    if event.action == UserEvent.Action.USER_CREATED:
        before, after = "", _roles(event.to_value)
    elif event.action == UserEvent.Action.ROLE_CHANGED:
        before, after = _roles(event.from_value), _roles(event.to_value)
    else:
        before, after = (str(_STATES.get(value, value)) for value in (event.from_value, event.to_value))
    return ActivityRow(
        kind="users",
        at=event.created_at,
        actor=event.actor,
        label=event.action_label,
        subject=str(event.subject),
        subject_url=reverse("accounts:person-update", args=[event.subject_id]),
        before=before,
        after=after,
    )


def _source_row(event: SourceEvent, *, may_open: bool) -> ActivityRow:
    return ActivityRow(
        kind="sources",
        at=event.created_at,
        actor=event.actor,
        label=event.action_label,
        subject=source_name_shown(event.source.name),
        subject_url=reverse("monitoring:source-detail", args=[event.source_id]) if may_open else "",
        before=str(_STATES.get(event.from_value, event.from_value)),
        after=str(_STATES.get(event.to_value, event.to_value)),
    )


def _playbook_row(event: PlaybookEvent) -> ActivityRow:
    thing = event.action.removesuffix("_added").removesuffix("_removed")
    label = _PLAYBOOK_ACTIONS.get(event.action) or event.action.replace("_", " ").capitalize()
    subject = _PLAYBOOK_OBJECTS.get(thing, thing.replace("_", " "))
    if thing in _TARGETS:
        subject = gettext_lazy("Opening hours and targets")
    return ActivityRow(
        kind="playbook",
        at=event.created_at,
        actor=event.actor,
        label=str(label),
        subject=str(subject)[:1].upper() + str(subject)[1:],
        subject_url=reverse("inbox:targets" if thing in _TARGETS else "inbox:playbook"),
        before=event.from_value,
        after=event.to_value,
    )


@require_safe
@permission_required("accounts.view_activity", raise_exception=True)
def activity(request: HttpRequest) -> HttpResponse:
    """Who changed what, newest first: ?kind= narrows it to users, sources or the playbook; ?page= goes back."""
    organisation = organisation_or_404(request.user)
    kind = request.GET.get("kind", "")
    kind = kind if kind in KINDS else ""
    try:
        number = min(max(int(request.GET.get("page", "1")), 1), 10_000)
    except ValueError:
        number = 1
    page = activity_page(user=request.user, organisation=organisation, kind=kind, number=number)  # type: ignore[arg-type]
    context = {"page": page, "kind": kind, "kinds": list(KINDS.items())}
    return render(request, "inbox/activity.html", context)
