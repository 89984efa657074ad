"""Triage of mentions: each change is one atomic function that also writes its audit row.

A change made from a screen carries the mention's ``version`` as that screen showed it: when somebody
changed the mention since, nothing is overwritten and ``MentionChanged`` says who did what."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import assignable_people, organisation_id_of
from inbox.cases.due import case_due_set, case_durations_set
from inbox.cases.forms import NOTE_MAX_LENGTH
from inbox.cases.models import Case, CaseMention
from inbox.cases.services import RUNNING, case_event_record
from inbox.exceptions import MentionChanged, MentionNotFound, NothingToUndo, TriageRefused
from inbox.team.selectors import complaint_handler_at
from inbox.triage.models import MentionEvent
from monitoring.models import Mention
from monitoring.selectors import mentions_visible_to

Action = MentionEvent.Action


Status = Mention.Status


BULK_LIMIT = 500


UNDO_WINDOW = timedelta(minutes=30)


def mention_categorise(*, actor: User, mention_id: int, category: str, version: int | None = None) -> Mention:
    """Confirm or change the category. A new mention counts as triaged from then on."""
    with transaction.atomic():
        mention = _locked(actor, mention_id, version)
        _categorise(actor, mention, category, batch=uuid.uuid4())
    return mention


def mention_ignore(*, actor: User, mention_id: int, reason: str, version: int | None = None) -> Mention:
    """Put a mention aside with a reason. Nothing is deleted; ``mention_restore`` takes it back.

    Raises ``TriageRefused`` for a mention in a case: that is handled in the case.
    """
    with transaction.atomic():
        mention = _locked(actor, mention_id, version)
        _ignore(actor, mention, reason, batch=uuid.uuid4())
    return mention


def mention_restore(*, actor: User, mention_id: int, version: int | None = None) -> Mention:
    """Take an ignored mention back into the inbox, as triaged."""
    with transaction.atomic():
        mention = _locked(actor, mention_id, version)
        if mention.status == Status.IGNORED:
            mention_change(
                actor, mention, Action.RESTORE, {"status": Status.TRIAGED, "ignore_reason": ""}, batch=uuid.uuid4()
            )
    return mention


def mention_assign(*, actor: User, mention_id: int, assignee_id: int | None, version: int | None = None) -> Mention:
    """Give a mention to a person (``None``: to nobody). Raises ``TriageRefused`` for somebody who cannot triage."""
    assignee = _assignee(actor, assignee_id)
    with transaction.atomic():
        mention = _locked(actor, mention_id, version)
        _assign(actor, mention, assignee, batch=uuid.uuid4())
    return mention


def mention_note_add(*, actor: User, mention_id: int, text: str) -> MentionEvent:
    """An internal note in the mention's history. Notes never conflict, so they carry no version."""
    text = text.strip()
    if not text:
        raise TriageRefused(_("Write the note first."), mention_id=mention_id)
    if len(text) > NOTE_MAX_LENGTH:
        raise TriageRefused(
            _("A note can be at most %(limit)d characters long.") % {"limit": NOTE_MAX_LENGTH}, mention_id=mention_id
        )
    with transaction.atomic():
        mention = _locked(actor, mention_id, None)
        # The colleagues it names hear of it from the notifications' subscriber to this event.
        told = _("%(name)s mentioned you in a note on a mention: %(mention)s") % {
            "name": actor,
            "mention": Truncator(str(mention)).chars(120),
        }
        event = _mention_event(
            actor, mention, Action.NOTE, note=text, data={"note": text, "told": told}, version=mention.version
        )
    return event


def case_open(*, actor: User, mention_id: int, title: str = "", version: int | None = None) -> Case:
    """Open a complaint case from a mention. Whoever took the mention handles it; else, where the organisation
    appointed a webcare owner, whoever handles complaints now (the owner, or who stands in: ``team``), told of
    it as a new complaint unless they opened it themself; else the one who opens it. Routing is written in
    the case's history with its reason."""
    with transaction.atomic():
        mention = _locked(actor, mention_id, version)
        _refuse_if_in_case(mention)
        routed = None
        if mention.assignee is None:
            routed = complaint_handler_at(mention.organisation, timezone.now())
        assignee = mention.assignee or (User.objects.get(id=routed.person_id) if routed else actor)
        case = Case(
            organisation_id=mention.organisation_id,
            title=(title.strip() or str(mention))[:300],
            assignee=assignee,
            created_by=actor,
            complainant_name=mention.author,
            complainant_platform=mention.platform,
            reported_at=mention.published_at,
            first_seen_at=mention.fetched_at,
        )
        # Due from the publication, by the organisation's targets for this category and these flags.
        case_due_set(case, signals=(mention.effective_category, tuple(mention.flags or ())))
        case.save(force_insert=True)
        CaseMention.objects.create(case=case, mention=mention, added_by=actor)
        case_event_record(case, actor, "opened", "", str(mention))
        if routed is not None:
            # Who got it, and whom it passed over: "assigned to Sanne: Piet is away" (CaseEvent.routing_text).
            # Whoever handles complaints is told of the new one by the team (``inbox.team.subscribers``).
            case_event_record(case, None, "routed", routed.because, routed.name, note="\n".join(routed.away))
        mention_change(actor, mention, Action.CASE_OPEN, _IN_CASE, batch=uuid.uuid4(), label=str(case))
    return case


def case_attach(*, actor: User, mention_id: int, case_id: int, version: int | None = None) -> Case:
    """Add a mention to an open case. Raises ``TriageRefused`` for a closed or unknown case."""
    with transaction.atomic():
        mention = _locked(actor, mention_id, version)
        _refuse_if_in_case(mention)
        case = Case.objects.select_for_update().filter(id=case_id, organisation_id=mention.organisation_id).first()
        if case is None or not case.is_open:
            raise TriageRefused(_("That case is closed or does not exist."), mention_id=mention_id)
        CaseMention.objects.create(case=case, mention=mention, added_by=actor)
        case_event_record(case, actor, "mention_added", "", str(mention))
        fields = []
        if mention.published_at < case.reported_at:
            # An earlier post of the same complaint: response times count from the first time it was said.
            case.reported_at = mention.published_at
            fields += ["reported_at", *case_durations_set(case)]
        if case.status in RUNNING:
            fields += case_due_set(case)  # its flags may have targets of their own
        if fields:
            case.save(update_fields=fields)
        mention_change(actor, mention, Action.CASE_ATTACH, _IN_CASE, batch=uuid.uuid4(), label=str(case))
    return case


@dataclass(frozen=True)
class BulkOutcome:
    changed: int
    skipped: int  # already so, or not possible in their state (in a case, for ignore)
    batch: uuid.UUID


def mentions_bulk_triage(*, actor: User, mention_ids: Sequence[int], action: str, value: str) -> BulkOutcome:
    """Ignore (``value``: the reason), categorise or assign (``value``: a user id or "") many mentions as one
    change, which ``batch_undo`` takes back as one. Raises ``TriageRefused`` for an unknown action or too many."""
    if action not in (Action.IGNORE, Action.CATEGORISE, Action.ASSIGN):
        raise TriageRefused(_("Choose what to do with the selected mentions."))
    if len(mention_ids) > BULK_LIMIT:
        raise TriageRefused(_("Select at most %(limit)d mentions at a time.") % {"limit": BULK_LIMIT})
    # "²" passes isdigit() but is no number.
    assignee = (
        _assignee(actor, int(value) if value.isascii() and value.isdigit() else None)
        if action == Action.ASSIGN
        else None
    )
    batch = uuid.uuid4()
    changed = 0
    with transaction.atomic():
        # Locked in id order, so two bulk changes over overlapping selections wait instead of deadlocking.
        mentions = list(
            mentions_visible_to(actor).select_for_update(of=("self",)).filter(id__in=mention_ids).order_by("id")
        )
        for mention in mentions:
            if action == Action.IGNORE:
                if mention.status == Status.IN_CASE:
                    continue
                event = _ignore(actor, mention, value, batch=batch)
            elif action == Action.CATEGORISE:
                event = _categorise(actor, mention, value, batch=batch)
            else:
                event = _assign(actor, mention, assignee, batch=batch)
            changed += event is not None
    return BulkOutcome(changed=changed, skipped=len(mention_ids) - changed, batch=batch)


@dataclass(frozen=True)
class UndoOutcome:
    action: str
    restored: int
    kept: int  # changed by somebody since, so left as they are


def batch_undo(*, actor: User) -> UndoOutcome:
    """Take back ``actor``'s last triage change (one mention or one bulk action) of the last 30 minutes.

    A mention somebody changed since is left alone. Raises ``NothingToUndo`` when there is nothing,
    or when the last change was a note or a case (those are kept: a case is closed in the case).
    """
    since = timezone.now() - UNDO_WINDOW
    last = (
        MentionEvent.objects.filter(actor=actor, created_at__gte=since)
        .exclude(action=Action.NOTE)
        .order_by("-created_at", "-id")
        .first()
    )
    if last is None or last.action == Action.UNDO:
        raise NothingToUndo()
    if last.action in (Action.CASE_OPEN, Action.CASE_ATTACH):
        raise NothingToUndo(_("Adding a mention to a case is not undone here; the case keeps its history."))
    restored = kept = 0
    with transaction.atomic():
        events = list(MentionEvent.objects.filter(batch=last.batch, actor=actor).order_by("mention_id"))
        ids = [event.mention_id for event in events]
        mentions = {m.id: m for m in Mention.objects.select_for_update().filter(id__in=ids).order_by("id")}
        batch = uuid.uuid4()
        for event in events:
            mention = mentions[event.mention_id]
            if mention.version != event.version:
                kept += 1
                continue
            values = {name: value for name, value in event.before.items()}
            mention_change(actor, mention, Action.UNDO, values, batch=batch, label=event.action)
            restored += 1
    return UndoOutcome(action=last.action, restored=restored, kept=kept)


def _locked(actor: User, mention_id: int, version: int | None) -> Mention:
    mention = mentions_visible_to(actor).select_for_update(of=("self",)).filter(id=mention_id).first()
    if mention is None:
        raise MentionNotFound(mention_id)
    if version is not None and mention.version != version:
        raise _changed(mention)
    return mention


def _changed(mention: Mention) -> MentionChanged:
    last = mention.events.exclude(action=Action.NOTE).select_related("actor").first()
    if last is None:
        return MentionChanged(mention.id, by=_("somebody"), what="", at=None)
    return MentionChanged(
        mention.id, by=str(last.actor or _("somebody")), what=last.get_action_display(), at=last.created_at
    )


def _refuse_if_in_case(mention: Mention) -> None:
    if mention.status == Status.IN_CASE:
        raise TriageRefused(_("This mention is already part of a case."), mention_id=mention.id)


def _assignee(actor: User, assignee_id: int | None) -> User | None:
    if assignee_id is None:
        return None
    for person in assignable_people(organisation_id_of(actor)):
        if person.id == assignee_id:
            return person
    raise TriageRefused(_("Mentions can only be assigned to staff members and managers."))


def _categorise(actor: User, mention: Mention, category: str, *, batch: uuid.UUID) -> MentionEvent | None:
    if category not in Mention.Category.values:
        raise TriageRefused(_("Choose one of the categories."), mention_id=mention.id)
    values: dict[str, Any] = {"category": category}
    if mention.status == Status.NEW:
        values["status"] = Status.TRIAGED
    return mention_change(actor, mention, Action.CATEGORISE, values, batch=batch, label=category)


def _ignore(actor: User, mention: Mention, reason: str, *, batch: uuid.UUID) -> MentionEvent | None:
    if reason not in Mention.IgnoreReason.values:
        raise TriageRefused(_("Say why this mention needs no answer."), mention_id=mention.id)
    if mention.status == Status.IN_CASE:
        raise TriageRefused(_("This mention is part of a case: handle it there."), mention_id=mention.id)
    values = {"status": Status.IGNORED, "ignore_reason": reason}
    return mention_change(actor, mention, Action.IGNORE, values, batch=batch, label=reason)


def _assign(actor: User, mention: Mention, assignee: User | None, *, batch: uuid.UUID) -> MentionEvent | None:
    values: dict[str, Any] = {"assignee_id": assignee.id if assignee else None}
    if mention.status == Status.NEW:
        values["status"] = Status.TRIAGED
    return mention_change(actor, mention, Action.ASSIGN, values, batch=batch, label=str(assignee) if assignee else "")


def mention_change(
    actor: User | None,
    mention: Mention,
    action: str,
    values: dict[str, Any],
    *,
    batch: uuid.UUID,
    label: str = "",
    shown_from: str | None = None,
    note: str = "",
) -> MentionEvent | None:
    """Set ``values`` on the locked ``mention`` and write the audit row; None when nothing changes. The row shows
    the earlier value of the field the action is about, or ``shown_from``."""
    before = {name: getattr(mention, name) for name in values}
    if before == values:
        return None
    previous = {"category": mention.category, "assignee": str(mention.assignee or ""), "status": mention.status}
    for name, value in values.items():
        setattr(mention, name, value)
    mention.version += 1
    mention.save(update_fields=[*values, "version"])
    if "category" in values and mention.status == Status.IN_CASE:
        # The reports read a case's categories from its links.
        CaseMention.recategorise(mention)
    return _mention_event(
        actor,
        mention,
        action,
        before=before,
        from_value=previous.get(_SHOWN.get(action, "status"), "") if shown_from is None else shown_from,
        to_value=label,
        note=note,
        batch=batch,
        version=mention.version,
    )


# A mention taken into a case is no longer ignored, whatever it was before.
_IN_CASE: dict[str, Any] = {"status": Status.IN_CASE, "ignore_reason": ""}


# Which earlier value the history shows beside the new one.
_SHOWN: dict[str, str] = {
    Action.CATEGORISE: "category",
    Action.ASSIGN: "assignee",
    Action.HANDED_OVER: "assignee",
    Action.HANDED_BACK: "assignee",
}


def _mention_event(
    actor: User | None, mention: Mention, action: str, *, data: dict[str, Any] | None = None, **fields: Any
) -> MentionEvent:
    """The mention's history row for a change, published as the domain event ``triage.<action>``."""
    return MentionEvent.record(
        actor=actor,
        action=action,
        about=f"mention:{mention.id}",
        organisation_id=mention.organisation_id,
        data={"url": reverse("inbox:mention-detail", args=[mention.id]), **(data or {})},
        mention=mention,
        **fields,
    )
