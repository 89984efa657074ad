"""The daily digest: one e-mail a day, at the hour each person chose, with what waits for them.

What it says comes from sections, each a function that reads for many people at once (``section_add``):
the notifications app adds the notifications that wait unread; the apps above it add theirs (the cases app:
your open cases, due today, past their target, new complaints) without this module knowing them. A digest
with nothing in any section is not sent. A marker per person and day (``Digest``) makes sure nobody gets two.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import F
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from inbox.notifications.mail import absolute, error_code, message_build, messages_send
from inbox.notifications.models import Delivery, Digest, MailAttempt, Notification
from inbox.notifications.selectors import mail_preferences_of

# Lines shown per section; the rest are counted ("and 12 more").
SECTION_LINES = 10
# A digest that failed is tried again by its task; after this many tries that day it is given up.
DIGEST_TRIES = 6


@dataclass(frozen=True)
class Reader:
    """The person a digest is for."""

    id: int
    organisation_id: int


@dataclass(frozen=True)
class Window:
    """What "today" means for a digest: its day, now, what counts as new (``since``) and the day's end."""

    day: date
    now: datetime
    since: datetime
    day_ends_at: datetime

    @classmethod
    def of(cls, day: date, now: datetime) -> Window:
        ends = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
        return cls(day=day, now=now, since=now - timedelta(days=1), day_ends_at=ends)


@dataclass(frozen=True)
class Line:
    """One thing in a section: what (``text``), its page (a path of this site) and its time, if it has one."""

    text: str
    url: str
    at: datetime | None = None


Lines = Callable[[Sequence[Reader], Window], Mapping[int, list[Line]]]


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    lines: Lines  # reader id -> their lines; one or two queries for all readers
    order: int = 50
    at_label: str | Promise = ""  # what a line's time means ("due", "opened")
    more_url: str | Promise = ""  # the page that lists them all


_sections: dict[str, Section] = {}


def section_add(
    key: str,
    *,
    title: str | Promise,
    order: int = 50,
    at_label: str | Promise = "",
    more_url: str | Promise = "",
) -> Callable[[Lines], Lines]:
    """Register the decorated function as the digest's section ``key`` (registering a key again replaces it)."""

    def register(lines: Lines) -> Lines:
        _sections[key] = Section(key, title, lines, order, at_label, more_url)
        return lines

    return register


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))


@dataclass(frozen=True)
class Part:
    """A section as one reader's digest shows it."""

    section: Section
    lines: list[Line]
    more: int

    @property
    def more_url(self) -> str:
        return absolute(str(self.section.more_url)) if self.section.more_url else ""


def digest_contents(readers: Sequence[Reader], window: Window) -> dict[int, list[Part]]:
    """What each reader's digest says: the sections that have something for them, in order. Runs each
    section once for all readers."""
    contents: dict[int, list[Part]] = {reader.id: [] for reader in readers}
    for section in sections():
        found = section.lines(readers, window)
        for reader in readers:
            lines = found.get(reader.id) or []
            if lines:
                contents[reader.id].append(Part(section, lines[:SECTION_LINES], len(lines) - SECTION_LINES))
    return contents


def digests_send(*, user_ids: Sequence[int], day: date, now: datetime | None = None, attempt: int = 1) -> list[int]:
    """Send the digest of ``day`` to each of ``user_ids`` who has not had it: claim each person's marker, say
    nothing to those with nothing to read (marked empty), send the others theirs. Returns whose digest the
    mail server refused (to try again). Runs some ten queries whatever the number of people, and one
    connection to the mail server."""
    now = now or timezone.now()
    readers = _claim(user_ids, day)
    if not readers:
        return []
    contents = digest_contents([Reader(user.id, user.organisation_id or 0) for user in readers], Window.of(day, now))
    empty = [user.id for user in readers if not contents[user.id]]
    Digest.objects.filter(recipient_id__in=empty, day=day).update(state=Digest.State.EMPTY, claim=None)
    to_send = [user for user in readers if contents[user.id]]
    messages = [
        message_build(user=user, template="digest", context={"day": day, "parts": contents[user.id]})
        for user in to_send
    ]
    failures = messages_send(messages)
    sent = [user.id for user, failure in zip(to_send, failures, strict=True) if failure is None]
    failed = [user.id for user, failure in zip(to_send, failures, strict=True) if failure is not None]
    Digest.objects.filter(recipient_id__in=sent, day=day).update(state=Digest.State.SENT, claim=None, sent_at=now)
    Digest.objects.filter(recipient_id__in=failed, day=day).update(
        state=Digest.State.FAILED, claim=None, attempts=F("attempts") + 1
    )
    MailAttempt.objects.bulk_create(
        MailAttempt(
            recipient_id=user.id,
            digest_on=day,
            attempt=attempt,
            outcome=MailAttempt.Outcome.SENT if failure is None else MailAttempt.Outcome.FAILED,
            reason="" if failure is None else MailAttempt.Reason.SERVER,
            error="" if failure is None else error_code(failure),
        )
        for user, failure in zip(to_send, failures, strict=True)
    )
    return failed


def _claim(user_ids: Sequence[int], day: date) -> list[User]:
    """Take the digest of ``day`` of those of ``user_ids`` who may have one and whose digest nobody sent, is
    sending or found empty (one that failed is taken again, up to ``DIGEST_TRIES``). Returns them, with
    what a message needs. Two sends at once take each person once."""
    claim = uuid.uuid4()
    people = list(
        User.objects.filter(id__in=user_ids, is_active=True, organisation__isnull=False)
        .exclude(email="")
        .values_list("id", flat=True)
    )
    preferences = mail_preferences_of(people)
    wanted = [person for person in people if not preferences[person].is_mail_off]
    Digest.objects.bulk_create(
        [Digest(recipient_id=person, day=day, claim=claim, attempts=0) for person in wanted], ignore_conflicts=True
    )
    Digest.objects.filter(
        recipient_id__in=wanted, day=day, state=Digest.State.FAILED, attempts__lt=DIGEST_TRIES
    ).update(state=Digest.State.CLAIMED, claim=claim)
    claimed = Digest.objects.filter(day=day, claim=claim, state=Digest.State.CLAIMED).values("recipient_id")
    return list(User.objects.filter(id__in=claimed).order_by("id"))


# The notifications' own section -----------------------------------------------------------------------------


# A notification meant to be e-mailed at once that still was not this long after it was made never will be
# (the task queue was down, the mail server refused every try): the digest tells it instead.
NEVER_EMAILED_AFTER = timedelta(minutes=30)


@section_add(
    "waiting",
    title=_("Notifications waiting for you"),
    order=90,
    more_url=reverse_lazy("inbox:notification-list"),
)
def notifications_waiting(readers: Sequence[Reader], window: Window) -> dict[int, list[Line]]:
    """The notifications of the last day still unread that were left for the digest, or were meant to be
    e-mailed at once and never were. Runs two queries."""
    ids = [reader.id for reader in readers]
    preferences = mail_preferences_of(ids)
    listed = reverse("inbox:notification-list")
    never_emailed = window.now - NEVER_EMAILED_AFTER
    found: dict[int, list[Line]] = {}
    waiting = Notification.objects.filter(
        recipient_id__in=ids, read_at__isnull=True, created_at__gte=window.since, created_at__lte=window.now
    ).order_by("-created_at", "-id")
    for notification in waiting.only("id", "recipient_id", "kind", "url", "text", "created_at", "emailed_at"):
        delivery = preferences[notification.recipient_id].delivery_of(notification.kind)
        lost = notification.emailed_at is None and notification.created_at < never_emailed
        if delivery == Delivery.DIGEST or (delivery == Delivery.NOW and lost):
            found.setdefault(notification.recipient_id, []).append(
                Line(
                    notification.text or notification.get_kind_display(),
                    notification.url or listed,
                    notification.created_at,
                )
            )
    return found
