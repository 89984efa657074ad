"""Every URL of the product, who may use it, and a small world of real objects to fill in its ids.

``ACCESS`` is the one place that decides, per URL name, what each role gets. The tests walk Django's
resolver and hold the product to it: a URL without a row, or a row without a URL, fails.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Organisation, User
from inbox.cases import learning, replies
from inbox.cases import services as case_services
from inbox.playbook import services as playbook_services
from inbox.playbook.models import HouseRule
from inbox.targets import services as target_services
from inbox.team import services as team_services
from inbox.team.models import Appointment
from inbox.triage import services as triage_services
from monitoring.models import Source
from tests.factories import MentionFactory, OrganisationFactory, SourceFactory, UserFactory
from tests.feedserver import FeedServer, Reply

ROLES = ("anonymous", "no_role", "staff", "manager", "board")
METHODS = ("GET", "POST")

# A cell: the status code, or LOGIN for "302 to the sign-in page with ?next=" (an anonymous visitor).
LOGIN = "login"
Cell = int | str
Row = tuple[Cell, Cell, Cell, Cell, Cell]  # in the order of ROLES

# Shorthands for the common rows.
SIGN_IN: Row = (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN)
NOT_ALLOWED: Row = (LOGIN, 405, 405, 405, 405)  # the wrong method for everyone signed in
READ: Row = (LOGIN, 403, 200, 200, 200)  # everybody with a role reads it
TRIAGE_FORM: Row = (LOGIN, 403, 302, 302, 403)  # staff and managers act; the board reads only
BOARD_FORM: Row = (LOGIN, 403, 403, 403, 302)  # the board keeps sources and the playbook
# A triage form that an empty submission shows again on its page, with the errors at the fields.
TRIAGE_FORM_SHOWN_AGAIN: Row = (LOGIN, 403, 200, 200, 403)
# The same for one of the board's forms.
BOARD_FORM_SHOWN_AGAIN: Row = (LOGIN, 403, 403, 403, 200)
# The opening hours and targets: the board and managers change them.
TARGETS_FORM: Row = (LOGIN, 403, 403, 302, 302)
TARGETS_FORM_SHOWN_AGAIN: Row = (LOGIN, 403, 403, 200, 200)
# A board form (a source's name, interval or address) that an empty submission shows again on its page.
BOARD_FORM_SHOWN_AGAIN: Row = (LOGIN, 403, 403, 403, 200)

# URL name -> {method -> what each role gets}, for a request with the world's real ids and an empty form.
#                                                anonymous no role staff manager board
ACCESS: dict[str, dict[str, Row]] = {
    "home": {"GET": (LOGIN, 302, 302, 302, 302), "POST": (LOGIN, 302, 302, 302, 302)},
    # The short address of the report leads on to it, where the report decides who may read it.
    "reports": {"GET": (LOGIN, 302, 302, 302, 302), "POST": (LOGIN, 302, 302, 302, 302)},
    # Signing in and out, and the language, are open to everyone.
    "login": {"GET": (200, 302, 302, 302, 302), "POST": (200, 302, 302, 302, 302)},
    "logout": {"GET": (LOGIN, 405, 405, 405, 405), "POST": (LOGIN, 302, 302, 302, 302)},
    "password_change": {"GET": (LOGIN, 200, 200, 200, 200), "POST": (LOGIN, 200, 200, 200, 200)},
    "password_change_done": {"GET": (LOGIN, 200, 200, 200, 200), "POST": (LOGIN, 405, 405, 405, 405)},
    "set_language": {"GET": (302, 302, 302, 302, 302), "POST": (302, 302, 302, 302, 302)},
    "healthz": {"GET": (200, 200, 200, 200, 200), "POST": (405, 405, 405, 405, 405)},
    # The privacy statement is public: complainants follow its link from a reply, without an account.
    "privacy-statement": {"GET": (200, 200, 200, 200, 200), "POST": (405, 405, 405, 405, 405)},
    # The inbox: everybody with a role reads, staff and managers triage.
    "inbox:mention-list": {"GET": READ, "POST": NOT_ALLOWED},
    "inbox:mention-facets": {"GET": READ, "POST": NOT_ALLOWED},
    "inbox:mention-newer": {"GET": READ, "POST": NOT_ALLOWED},
    "inbox:mention-detail": {"GET": READ, "POST": NOT_ALLOWED},
    "inbox:mention-bulk": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM},
    "inbox:triage-undo": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM},
    "inbox:mention-categorise": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM},
    "inbox:mention-ignore": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM},
    "inbox:mention-restore": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM},
    "inbox:mention-assign": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM},
    "inbox:mention-note": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM},
    "inbox:mention-case": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM},
    "inbox:mention-presence": {"GET": NOT_ALLOWED, "POST": READ},
    # Cases.
    "inbox:case-list": {"GET": READ, "POST": NOT_ALLOWED},
    "inbox:case-detail": {"GET": READ, "POST": NOT_ALLOWED},
    "inbox:case-presence": {"GET": NOT_ALLOWED, "POST": READ},
    "inbox:improvement-list": {"GET": READ, "POST": NOT_ALLOWED},
    "inbox:improvement-update": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM_SHOWN_AGAIN},
    "inbox:case-update": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM_SHOWN_AGAIN},
    "inbox:case-private": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM},
    "inbox:case-resolve": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM_SHOWN_AGAIN},
    "inbox:case-close": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM_SHOWN_AGAIN},
    "inbox:case-reopen": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM},
    # Waiting on the complainant, and the clock running again (refused with a message when it does not wait).
    "inbox:case-wait": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM},
    "inbox:case-resume": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM},
    # What is due soonest: open cases and complaints.
    "inbox:due": {"GET": READ, "POST": NOT_ALLOWED},
    "inbox:case-note": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM},
    "inbox:reply-add": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM_SHOWN_AGAIN},
    "inbox:improvement-add": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM_SHOWN_AGAIN},
    "inbox:removal-add": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM_SHOWN_AGAIN},
    "inbox:removal-outcome": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM},
    "inbox:reply-request-approval": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM},
    "inbox:reply-approve": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM_SHOWN_AGAIN},
    "inbox:reply-posted": {"GET": NOT_ALLOWED, "POST": TRIAGE_FORM},
    # The playbook: everybody with a role reads it, the board keeps it.
    "inbox:playbook": {"GET": READ, "POST": NOT_ALLOWED},
    "inbox:team": {"GET": READ, "POST": NOT_ALLOWED},
    "inbox:team-roster": {"GET": NOT_ALLOWED, "POST": BOARD_FORM},
    # The board records anybody's absence, the owner and the deputy their own (nobody here is either).
    "inbox:team-absence-add": {"GET": NOT_ALLOWED, "POST": BOARD_FORM_SHOWN_AGAIN},
    # Taking back another's absence is refused with a message on the team page.
    "inbox:team-absence-remove": {"GET": NOT_ALLOWED, "POST": (LOGIN, 403, 302, 302, 302)},
    # Only the board withdraws an appointment still to come.
    "inbox:team-appointment-withdraw": {"GET": NOT_ALLOWED, "POST": BOARD_FORM},
    "inbox:playbook-template": {"GET": NOT_ALLOWED, "POST": BOARD_FORM_SHOWN_AGAIN},
    "inbox:playbook-add": {"GET": NOT_ALLOWED, "POST": BOARD_FORM_SHOWN_AGAIN},
    "inbox:playbook-remove": {"GET": NOT_ALLOWED, "POST": BOARD_FORM},
    # Opening hours and targets: everybody with a role reads them, the board and managers change them.
    "inbox:targets": {"GET": READ, "POST": NOT_ALLOWED},
    "inbox:targets-update": {"GET": NOT_ALLOWED, "POST": TARGETS_FORM_SHOWN_AGAIN},
    "inbox:targets-block-add": {"GET": NOT_ALLOWED, "POST": TARGETS_FORM_SHOWN_AGAIN},
    "inbox:targets-block-remove": {"GET": NOT_ALLOWED, "POST": TARGETS_FORM},
    # Nothing ticked is a valid answer: open on every holiday.
    "inbox:targets-holidays": {"GET": NOT_ALLOWED, "POST": TARGETS_FORM},
    "inbox:targets-closed-add": {"GET": NOT_ALLOWED, "POST": TARGETS_FORM_SHOWN_AGAIN},
    "inbox:targets-closed-remove": {"GET": NOT_ALLOWED, "POST": TARGETS_FORM},
    "inbox:targets-override-add": {"GET": NOT_ALLOWED, "POST": TARGETS_FORM_SHOWN_AGAIN},
    "inbox:targets-override-remove": {"GET": NOT_ALLOWED, "POST": TARGETS_FORM},
    # The report and the lists behind its numbers: managers and the board read them.
    "inbox:reports": {"GET": (LOGIN, 403, 403, 200, 200), "POST": NOT_ALLOWED},
    "inbox:report-cases": {"GET": (LOGIN, 403, 403, 200, 200), "POST": NOT_ALLOWED},
    "inbox:report-mentions": {"GET": (LOGIN, 403, 403, 200, 200), "POST": NOT_ALLOWED},
    # Who changed what: the board and managers read it.
    "inbox:activity": {"GET": (LOGIN, 403, 403, 200, 200), "POST": NOT_ALLOWED},
    # A report's cases or mentions as a file: the board and managers read reports.
    "inbox:report-export": {"GET": (LOGIN, 403, 403, 200, 200), "POST": NOT_ALLOWED},
    # Personal data: only the board sets how long it is kept and words the privacy statement. An empty
    # statement is a valid one: it publishes the product's text again.
    "inbox:privacy": {"GET": (LOGIN, 403, 403, 403, 200), "POST": NOT_ALLOWED},
    "inbox:privacy-retention": {"GET": NOT_ALLOWED, "POST": BOARD_FORM_SHOWN_AGAIN},
    "inbox:privacy-statement-update": {"GET": NOT_ALLOWED, "POST": BOARD_FORM},
    # A person's data: only the board finds, exports and erases it. Nobody ticked: back to the search.
    "inbox:privacy-people": {"GET": (LOGIN, 403, 403, 403, 200), "POST": NOT_ALLOWED},
    "inbox:privacy-export": {"GET": NOT_ALLOWED, "POST": BOARD_FORM},
    "inbox:privacy-erase": {"GET": NOT_ALLOWED, "POST": BOARD_FORM},
    # Notifications are anybody's own.
    "inbox:notification-list": {"GET": (LOGIN, 200, 200, 200, 200), "POST": NOT_ALLOWED},
    "inbox:notification-read": {"GET": NOT_ALLOWED, "POST": (LOGIN, 302, 302, 302, 302)},
    "inbox:notification-badge": {"GET": (LOGIN, 200, 200, 200, 200), "POST": NOT_ALLOWED},
    # How anybody hears of their own notifications; an empty form is shown again with its errors.
    "inbox:notification-settings": {"GET": (LOGIN, 200, 200, 200, 200), "POST": (LOGIN, 200, 200, 200, 200)},
    # The one page without a sign-in but the sign-in itself: the unsubscribe link of an e-mail, opened from a
    # mailbox. Its signed token is the proof; the world's (WORDS) is one we never signed: 400 for everyone.
    "inbox:notification-unsubscribe": {"GET": (400, 400, 400, 400, 400), "POST": (400, 400, 400, 400, 400)},
    # Monitoring: the board keeps the sources; staff and managers add a mention by hand.
    # Users: only the board manages them. A refused form (an empty one) is shown again with its errors.
    "accounts:people": {"GET": (LOGIN, 403, 403, 403, 200), "POST": NOT_ALLOWED},
    "accounts:person-add": {"GET": (LOGIN, 403, 403, 403, 200), "POST": (LOGIN, 403, 403, 403, 200)},
    "accounts:person-update": {"GET": (LOGIN, 403, 403, 403, 200), "POST": (LOGIN, 403, 403, 403, 200)},
    "accounts:person-deactivate": {"GET": NOT_ALLOWED, "POST": BOARD_FORM},
    "accounts:person-reactivate": {"GET": NOT_ALLOWED, "POST": BOARD_FORM},
    "monitoring:demo-feed": {"GET": (200, 200, 200, 200, 200), "POST": (405, 405, 405, 405, 405)},
    "monitoring:source-list": {"GET": (LOGIN, 403, 403, 403, 200), "POST": NOT_ALLOWED},
    # Everybody with a role may look at a source's page; only the board manages it there.
    "monitoring:source-detail": {"GET": READ, "POST": NOT_ALLOWED},
    "monitoring:source-add": {"GET": (LOGIN, 403, 403, 403, 200), "POST": (LOGIN, 403, 403, 403, 200)},
    "monitoring:source-poll": {"GET": NOT_ALLOWED, "POST": BOARD_FORM},
    "monitoring:source-resume": {"GET": NOT_ALLOWED, "POST": BOARD_FORM},
    "monitoring:source-rename": {"GET": NOT_ALLOWED, "POST": BOARD_FORM_SHOWN_AGAIN},
    "monitoring:source-interval": {"GET": NOT_ALLOWED, "POST": BOARD_FORM_SHOWN_AGAIN},
    "monitoring:source-address": {"GET": NOT_ALLOWED, "POST": BOARD_FORM_SHOWN_AGAIN},
    "monitoring:source-pause": {"GET": NOT_ALLOWED, "POST": BOARD_FORM},
    # Retiring the world's source and bringing it back (the next row) leaves it as it was.
    "monitoring:source-retire": {"GET": NOT_ALLOWED, "POST": BOARD_FORM},
    "monitoring:source-restore": {"GET": NOT_ALLOWED, "POST": BOARD_FORM},
    "monitoring:watch-terms": {"GET": (LOGIN, 403, 403, 403, 200), "POST": (LOGIN, 403, 403, 403, 200)},
    "monitoring:mention-quick-add": {"GET": (LOGIN, 403, 200, 200, 403), "POST": (LOGIN, 403, 200, 200, 403)},
    "monitoring:help-google-alerts": {"GET": (LOGIN, 200, 200, 200, 200), "POST": NOT_ALLOWED},
}

# Django's admin is one gate (``AdminSite.admin_view``) in front of every model's pages: none of the
# roles has ``is_staff``, so every admin page sends each of them to sign in, and it never answers a form.
ADMIN_NAMESPACE = "admin"
ADMIN_ACCESS: dict[str, Row] = {"GET": SIGN_IN, "POST": SIGN_IN}
ADMIN_OWN = {
    # The admin's own sign-in page is open to all: a person without is_staff is asked to sign in as another.
    "admin:login": {"GET": (200, 200, 200, 200, 200), "POST": (200, 200, 200, 200, 200)},
    # Its sign-out sends a person without is_staff to the admin's front door (and so to sign in), signed in still.
    "admin:logout": {"GET": (LOGIN, 302, 302, 302, 302), "POST": (LOGIN, 302, 302, 302, 302)},
}

# What a path parameter is filled with: the name of one of the world's objects.
PARAMETERS = {
    "mention_id": "mention",
    "case_id": "case",
    "reply_id": "reply",
    "improvement_id": "improvement",
    "request_id": "removal",
    "source_id": "source",
    "item_id": "house_rule",
    "absence_id": "absence",
    "block_id": "opening_block",
    "closed_day_id": "closed_day",
    "override_id": "target_override",
    "appointment_id": "appointment",
    "user_id": "person",
    "object_id": "mention",
    "content_type_id": "mention_type",
}
# What a GET sends in its query string where the page needs one.
QUERIES = {
    "inbox:mention-newer": {"after": "0"},
    "inbox:report-cases": {"figure": "cases"},
    "inbox:report-mentions": {"figure": "mentions"},
}
# A valid form for each POST that takes an id, so that only the id can be wrong. STAFF_ID: the staff member's id.
STAFF_ID = "<staff id>"
FORMS: dict[str, dict[str, str]] = {
    "inbox:mention-categorise": {"category": "praise", "version": "0"},
    "inbox:mention-ignore": {"reason": "spam", "version": "0"},
    "inbox:mention-restore": {"version": "0"},
    "inbox:mention-assign": {"assignee": "", "version": "0"},
    "inbox:mention-note": {"text": "Even bellen"},
    "inbox:mention-case": {"title": "Klacht", "version": "0"},
    "inbox:mention-presence": {"state": "viewing"},
    "inbox:case-presence": {"state": "noting"},
    "inbox:improvement-update": {"state": "done"},
    "inbox:case-update": {"title": "Nieuw", "priority": "high", "version": "0"},
    "inbox:case-private": {"version": "0"},
    "inbox:case-resolve": {"kind": "apology", "version": "0"},
    "inbox:case-close": {"skipped_because": "Klaar", "version": "0"},
    "inbox:case-reopen": {"version": "0"},
    "inbox:case-wait": {"version": "0"},
    "inbox:case-resume": {"version": "0"},
    "inbox:case-note": {"text": "Even bellen"},
    "inbox:reply-add": {"channel": "email", "text": "Gemaild", "submission_key": str(uuid.uuid4())},
    "inbox:improvement-add": {"description": "Rooster online", "owner": STAFF_ID},
    "inbox:removal-add": {"reason": "threat", "platform": "Facebook"},
    "inbox:removal-outcome": {"outcome": "removed"},
    "inbox:reply-request-approval": {},
    "inbox:reply-approve": {"decision": "approve"},
    "inbox:reply-posted": {"link": "https://x.example/1"},
    "monitoring:source-rename": {"name": "Nieuwe naam"},
    "monitoring:source-interval": {"poll_interval_minutes": "30"},
}
# Parameters that are not ids: a fixed, valid value.
WORDS = {
    "kind": "house_rule",
    "name": "google-alerts",
    "app_label": "cases",
    "id": "1",
    "token": "7:not-signed",
    "language": "nl",
}
# The same for one route whose parameter means something else there (a report export's ``kind``).
ROUTE_WORDS = {"inbox:report-export": {"kind": "cases", "fmt": "csv"}}
# Forms posted from outside the product, so without a CSRF token: a mail program's one-click unsubscribe
# (RFC 8058), which carries its own signed token instead.
CSRF_EXEMPT = {"inbox:notification-unsubscribe"}


def expected(name: str) -> dict[str, Row]:
    """The row of ``ACCESS`` for a URL name (admin pages share one); KeyError when it has none."""
    if name in ADMIN_OWN:
        return ADMIN_OWN[name]
    if name.startswith(ADMIN_NAMESPACE + ":"):
        return ADMIN_ACCESS
    return ACCESS[name]


@dataclass(frozen=True)
class Route:
    name: str | None  # None: a pattern without a name (only the admin has those)
    route: str
    parameters: tuple[str, ...]


def routes() -> Iterator[Route]:
    """Every URL pattern the project answers, with its namespaced name."""

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[Route]:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
                yield from walk(pattern, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = ":".join(part for part in (namespace, pattern.name) if part) if pattern.name else None
                parameters = tuple(pattern.pattern.regex.groupindex)
                yield Route(name=name, route=prefix + str(pattern.pattern), parameters=parameters)

    yield from walk(get_resolver(), "", "")


def named_routes() -> list[Route]:
    return [route for route in routes() if route.name is not None]


@dataclass
class World:
    """One organisation with a person in each role and one of everything a URL can point at."""

    users: dict[str, User | None]
    objects: dict[str, int]

    def url(self, route: Route, *, unknown: bool = False) -> str:
        """The route's URL with the ids of real objects (``unknown``: ids that match nothing).

        Raises KeyError for a parameter the world cannot fill: give it a value in PARAMETERS or WORDS.
        """
        kwargs: dict[str, Any] = {}
        for parameter in route.parameters:
            if parameter in ROUTE_WORDS.get(route.name or "", {}):
                kwargs[parameter] = ROUTE_WORDS[route.name or ""][parameter]
            elif parameter in WORDS:
                kwargs[parameter] = WORDS[parameter]
            else:
                kwargs[parameter] = 987_654 if unknown else self.objects[PARAMETERS[parameter]]
        assert route.name is not None
        return reverse(route.name, kwargs=kwargs)


def world_build(feed_server: FeedServer, *, outsider: bool = False) -> World:
    """The world, with its source's feed served from 127.0.0.1 so a poll is real and local.

    ``outsider``: another organisation's world beside ours, its people, texts and names marked ``OUTSIDER``
    so that a page of ours that shows any of it is caught.
    """
    from django.contrib.contenttypes.models import ContentType

    from monitoring.models import Mention
    from tests.conftest import sample

    mark = "OUTSIDER " if outsider else ""
    login = "outsider-" if outsider else ""
    organisation: Organisation = OrganisationFactory(
        name="OUTSIDER Buren" if outsider else "Zwemvereniging De Dolfijnen"
    )
    playbook_services.organisation_defaults_seed(organisation_id=organisation.id)
    users: dict[str, User | None] = {
        "anonymous": None,
        "no_role": UserFactory(username=f"{login}nora-norole", organisation=organisation),
        "staff": UserFactory(username=f"{login}sam-staff", role="staff", organisation=organisation),
        "manager": UserFactory(username=f"{login}max-manager", role="manager", organisation=organisation),
        "board": UserFactory(username=f"{login}bea-board", role="board", organisation=organisation),
    }
    staff = users["staff"]
    assert staff is not None
    url = feed_server.serve(f"/{login}alerts.xml", Reply(sample("google_alerts.xml")))
    source = SourceFactory(organisation=organisation, name=f"{mark}Alert", kind=Source.Kind.GOOGLE_ALERTS, url=url)
    mention = MentionFactory(source=source, title=f"{mark}Vertrouwelijk bericht", author=f"{mark}Karin")
    other = MentionFactory(source=source, title=f"{mark}Nog een bericht")
    case = triage_services.case_open(actor=staff, mention_id=other.id, title=f"{mark}Klacht over het rooster")
    reply = replies.reply_save(
        actor=staff, case_id=case.id, channel="public", text=f"{mark}Dank je", submission_key=uuid.uuid4()
    ).reply
    improvement = learning.improvement_add(
        actor=staff, case_id=case.id, description=f"{mark}Rooster online", owner_id=staff.id
    )
    # A note that names the manager: a notification for one of this organisation's people.
    case_services.case_note_add(actor=staff, case_id=case.id, text=f"{mark}Kijk mee, @{login}max-manager")
    removal = learning.removal_request_add(actor=staff, case_id=case.id, reason="threat", platform="Facebook")
    board = users["board"]
    assert board is not None
    absence = team_services.absence_record(
        actor=board,
        organisation=organisation,
        person_id=staff.id,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        note=f"{mark}Bruiloft",
    )
    closed_day = target_services.closed_day_add(
        actor=board, organisation=organisation, day=timezone.localdate(), label=f"{mark}Zomerstop"
    )
    override = target_services.target_override_add(
        actor=board,
        organisation=organisation,
        kind="flag",
        value="threat",
        first_response_minutes=30,
        resolution_days=None,
    )
    opening_block = organisation.opening_blocks.first()
    assert opening_block is not None, "the first change to the targets makes the default opening hours"
    # An appointment still to come (the staff member as owner from next month), which the board may withdraw.
    team_services.organisation_roster_set(
        actor=board,
        organisation=organisation,
        owner_id=staff.id,
        deputy_id=None,
        effective_on=timezone.localdate() + timedelta(days=30),
    )
    appointment = Appointment.objects.get(organisation=organisation, applied_at__isnull=True)
    house_rule = HouseRule.objects.filter(organisation=organisation).first()
    assert house_rule is not None, "the seeded playbook has house rules"
    objects = {
        "mention": mention.id,
        "case": case.id,
        "reply": reply.id,
        "improvement": improvement.id,
        "removal": removal.id,
        "source": source.id,
        "house_rule": house_rule.id,
        "absence": absence.id,
        "opening_block": opening_block.id,
        "closed_day": closed_day.id,
        "target_override": override.id,
        "appointment": appointment.id,
        "mention_type": ContentType.objects.get_for_model(Mention).id,
        # Somebody of the team the board's forms change (and deactivate), not one of the people signed in.
        "person": UserFactory(username=f"{login}pim-person", role="staff", organisation=organisation).id,
    }
    return World(users=users, objects=objects)
