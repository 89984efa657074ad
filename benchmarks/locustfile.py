"""The simulated staff of the load benchmark (benchmarks/load.py runs it; see benchmarks/README.md).

Each simulated person signs in once through the real sign-in form, then, with a few seconds of reading
between actions, lists the inbox, filters it, searches it, opens mentions, triages them (a category or an
assignee), adds internal notes and writes replies on cases: the pages and forms a browser would get and send,
with the CSRF token taken from the page. The counts a page loads after it (the filters pane) are fetched
too, as the browser does.

Reads the people to sign in as from the JSON file in LOAD_USERS_FILE (``[{"username": …, "password": …}]``,
one per simulated person) and writes to LOAD_RESULTS_FILE at the end the response times per action, the
errors, and the writes it saw succeed, so that the runner can compare them with the rows in the database.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import random
import re
import time
from collections import Counter
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import gevent
from locust import HttpUser, between, events, task

PEOPLE: list[dict[str, str]] = json.loads(Path(os.environ["LOAD_USERS_FILE"]).read_text())
_next_person = itertools.count()

# What the simulated people saw succeed (and what the application refused, which writes nothing): the
# runner compares the first with the rows in the database. Locust runs its users as greenlets in one
# thread, so a plain Counter is safe.
WRITES: Counter[str] = Counter()
REFUSED: Counter[str] = Counter()

COMMON_WORD = "zwemles"  # in about 7% of the seeded mentions (benchmarks/inbox_list.py)
RARE_WORD = "chloorlucht"  # in about 150 of a million
FILTERS = [
    {"status": "triaged", "platform": "forum"},
    {"status": "new", "platform": "news"},
    {"category": "complaint", "status": ["new", "triaged"]},
    {"view": "all", "from": "2026-10-01", "to": "2026-10-31"},
    {"status": "ignored", "platform": "facebook", "from": "2026-06-01"},
    {"status": "in_case", "to": "2026-03-31"},
]
# A counts pane whose counts are being made asks again after this many ms (inbox/_facets.html).
COUNTING = re.compile(r'hx-trigger="load delay:(\d+)ms" hx-target="#mention-facets"')
CHANNELS = ["email", "phone", "public", "private"]
NOTES = [
    "Gebeld met de ouder, zij krijgt morgen antwoord van de trainer.",
    "Lijkt op de klacht van vorige week, zelfde auteur.",
    "Doorgestuurd naar het bestuur.",
    "Geen actie nodig, wel in de gaten houden.",
]
REPLIES = [
    "Dank voor je bericht. Wat vervelend dat de les niet doorging; we bellen je vandaag nog.",
    "Goed dat je het meldt. We hebben het doorgegeven aan de badmeester en laten je weten wat we doen.",
    "Thank you for letting us know. We are sorry about the lesson and will call you today.",
]

ROW_ID = re.compile(r'data-mention-row data-id="(\d+)"')
CASE_LINK = re.compile(r'href="/inbox/cases/(\d+)/"')
FACETS = re.compile(r'hx-get="(/inbox/filters/[^"]*)"')
NEWER = re.compile(r'hx-get="(/inbox/newer/[^"]*)"')
PRESENCE = re.compile(r'hx-post="(/inbox/(?:m|cases)/\d+/presence/)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Forms(HTMLParser):
    """The forms of a page by their action: hidden and text inputs' values, and each select's options with
    the one selected."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, Any]] = {}
        self._form: dict[str, Any] | None = None
        self._select: list[tuple[str, bool]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = {"fields": {}, "selects": {}}
            self.forms[attributes.get("action", "")] = self._form
        elif self._form is None:
            return
        elif tag == "input" and attributes.get("name"):
            self._form["fields"][attributes["name"]] = attributes.get("value", "")
        elif tag == "select" and attributes.get("name"):
            self._select = self._form["selects"].setdefault(attributes["name"], [])
        elif tag == "option" and self._select is not None:
            self._select.append((attributes.get("value", ""), "selected" in attributes))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def forms_of(html: str, start: str) -> dict[str, dict[str, Any]]:
    """The forms in the part of ``html`` from ``start`` on (parsing the whole page would cost the load
    generator more CPU than the server spends on it)."""
    parser = Forms()
    parser.feed(html[html.find(start) :] if start in html else "")
    return parser.forms


def other_choice(options: list[tuple[str, bool]]) -> str | None:
    """A value of a select other than the one selected and other than empty; None when there is none."""
    values = [value for value, is_selected in options if value and not is_selected]
    return random.choice(values) if values else None


# Every request's start, time and outcome, and when the last person had signed in: the runner reports the
# whole run and, apart, the work after everybody is in (SETTLE_SECONDS after the last sign-in began), so
# that a start in which fifty people sign in within five seconds does not stand for a working day.
SEEN: list[tuple[str, float, float, bool]] = []
SETTLE_SECONDS = 10
# How often an open page asks by itself (templates: the list's newer mentions and the presence of an open mention
# or case every 10 s, the notification badge every 60 s).
BACKGROUND_EVERY = 10
BADGE_EVERY = 60
_all_in_at: list[float] = []


@events.request.add_listener
def _seen(request_type: str, name: str, response_time: float, exception: Any = None, **kwargs: Any) -> None:
    SEEN.append((f"{request_type} {name}", kwargs.get("start_time") or 0.0, response_time, exception is not None))


@events.spawning_complete.add_listener
def _everybody_in(**_: Any) -> None:
    if not _all_in_at:
        _all_in_at.append(time.time())


def _percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def _working_stats() -> list[dict[str, Any]]:
    """The numbers per action for the requests that started once everybody was in and settled."""
    if not _all_in_at:
        return []
    start = _all_in_at[0] + SETTLE_SECONDS
    by_action: dict[str, list[tuple[float, bool]]] = {}
    for action, started, took, failed in SEEN:
        if started >= start:
            by_action.setdefault(action, []).append((took, failed))
    everything = [entry for entries in by_action.values() for entry in entries]
    rows = []
    for action, entries in [*sorted(by_action.items()), ("", everything)]:
        times = [took for took, _failed in entries]
        method, _, name = action.partition(" ")
        rows.append(
            {
                "name": name,
                "method": method,
                "requests": len(entries),
                "failures": sum(failed for _took, failed in entries),
                **{
                    key: _percentile(times, share) if times else 0
                    for key, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
                },
                "max": max(times, default=0),
            }
        )
    return rows


TIMELINE_STEP = 20  # seconds


def _timeline() -> list[dict[str, Any]]:
    """All requests per TIMELINE_STEP seconds of the run (from the first request): their number, p50 and p95 —
    whether slow answers come all through the run or in one stretch of it (such as the first polling round)."""
    if not SEEN:
        return []
    first = min(started for _action, started, _took, _failed in SEEN)
    steps: dict[int, list[float]] = {}
    for _action, started, took, _failed in SEEN:
        steps.setdefault(int((started - first) // TIMELINE_STEP), []).append(took)
    return [
        {"from": step * TIMELINE_STEP, "requests": len(times), "p50": _percentile(times, 0.5),
         "p95": _percentile(times, 0.95)}
        for step, times in sorted(steps.items())
    ]  # fmt: skip


def _slowest(count: int = 10) -> list[dict[str, Any]]:
    """The slowest requests at work: when they started (seconds from the first request), what, how long."""
    if not SEEN or not _all_in_at:
        return []
    first = min(started for _action, started, _took, _failed in SEEN)
    working = [entry for entry in SEEN if entry[1] >= _all_in_at[0] + SETTLE_SECONDS]
    slowest = sorted(working, key=lambda entry: -entry[2])[:count]
    return [{"at": started - first, "took": took, "action": action} for action, started, took, _failed in slowest]


@events.quitting.add_listener
def _report(environment: Any, **_: Any) -> None:
    """The numbers per action and the writes seen, once every simulated person has stopped (Locust's own
    CSV files are written before the last tasks finish within --stop-timeout)."""
    path = os.environ.get("LOAD_RESULTS_FILE")
    if not path:
        return
    entries = sorted(environment.stats.entries.values(), key=lambda entry: entry.name)
    stats = [
        {
            "name": entry.name if entry is not environment.stats.total else "",
            "method": entry.method or "",
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            **{
                key: entry.get_response_time_percentile(share) if entry.num_requests else 0
                for key, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
            },
            "max": entry.max_response_time or 0,
        }
        for entry in [*entries, environment.stats.total]
    ]
    errors = [
        {"method": error.method, "name": error.name, "error": str(error.error), "occurrences": error.occurrences}
        for error in environment.stats.errors.values()
    ]
    results = {"writes": WRITES, "refused": REFUSED, "stats": stats, "working": _working_stats(), "errors": errors,
               "timeline": _timeline(), "slowest": _slowest()}  # fmt: skip
    Path(path).write_text(json.dumps(results, indent=2))


class Staff(HttpUser):
    """A member of the webcare team working through the inbox."""

    wait_time = between(1, 4)  # reading what the page shows before the next step

    def on_start(self) -> None:
        person = PEOPLE[next(_next_person) % len(PEOPLE)]
        self.mention_ids: list[str] = []
        self.case_ids: list[str] = []
        self.facets_url = ""  # the open list's counts, asked again when a mention in it changes
        self.newer_url = ""  # what the open list asks every BACKGROUND_EVERY seconds
        self.presence_url = ""  # the open mention's or case's "who else is here"
        self.token = ""
        self.sign_in(person["username"], person["password"])
        self.background = gevent.spawn(self.page_in_background)

    def on_stop(self) -> None:
        self.background.kill()

    def page_in_background(self) -> None:
        """What an open page asks by itself (HTMX triggers): the list whether there are newer mentions, the open
        mention or case who else is on it, every BACKGROUND_EVERY seconds; the notification badge every
        BADGE_EVERY seconds."""
        headers = {"HX-Request": "true"}
        # HTMX starts a page's timers when the page loads, so fifty people's timers do not tick together: each
        # person's first tick comes at a moment of its own.
        gevent.sleep(random.uniform(0, BACKGROUND_EVERY))
        badge_phase = random.randrange(BADGE_EVERY // BACKGROUND_EVERY)
        for tick in itertools.count():
            if self.newer_url:
                self.page(self.newer_url, "background: newer mentions", **headers)
            if self.presence_url:
                self.presence()
            if tick % (BADGE_EVERY // BACKGROUND_EVERY) == badge_phase:
                self.page("/inbox/notifications/badge/", "background: notification badge", **headers)
            gevent.sleep(BACKGROUND_EVERY)

    def presence(self) -> None:
        """Tell the open mention or case that this person is viewing it, as its page does on load and on every
        heartbeat."""
        headers = {"HX-Request": "true", "X-CSRFToken": self.token}
        with self.client.post(
            self.presence_url, data={"state": "viewing"}, headers=headers, name="background: presence",
            catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    def whole_page(self, url: str, name: str) -> str | None:
        """A page loaded whole (not an HTMX swap): its top bar asks for the notification badge on load."""
        html = self.page(url, name)
        if html is not None:
            self.page("/inbox/notifications/badge/", "notification badge", **{"HX-Request": "true"})
        return html

    def seen(self, html: str) -> None:
        """Note what the page just shown asks by itself from now on (its newer-mentions check, its presence)."""
        newer = NEWER.search(html)
        if newer:
            self.newer_url = unescape(newer.group(1))
        presence = PRESENCE.search(html)
        self.presence_url = presence.group(1) if presence else ""
        token = CSRF.search(html)
        if token:
            self.token = token.group(1)
        if self.presence_url:
            self.presence()  # hx-trigger "load"

    # Pieces ---------------------------------------------------------------------------------------------

    def sign_in(self, username: str, password: str) -> None:
        page = self.page("/account/login/", "sign in: form")
        token = CSRF.search(page or "")
        if token is None:
            return
        data = {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password, "next": ""}
        with self.client.post(
            "/account/login/", data=data, name="sign in", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"{username} was not signed in (HTTP {response.status_code})")

    def page(self, url: str, name: str, **headers: str) -> str | None:
        """GET ``url``; its HTML, or None (and a failure in the statistics) when it is not a 200."""
        with self.client.get(url, name=name, headers=headers, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return None
            return response.text

    def counts(self, name: str) -> None:
        """The open list's counts, as its pane asks for them: while the answer says they are being counted, it
        asks again after the delay the answer names (each such request counted as "…: still counting")."""
        html = self.page(self.facets_url, name, **{"HX-Request": "true"})
        for _ in range(40):
            waiting = COUNTING.search(html or "")
            if waiting is None:
                return
            gevent.sleep(int(waiting.group(1)) / 1000)
            html = self.page(self.facets_url, f"{name}: still counting", **{"HX-Request": "true"})

    def list_page(self, query: dict[str, Any], name: str) -> None:
        """A list of mentions and, as the browser then asks, its counts per filter value."""
        html = self.whole_page("/inbox/" + (f"?{urlencode(query, doseq=True)}" if query else ""), name)
        if html is None:
            return
        self.seen(html)
        ids = ROW_ID.findall(html)
        if ids:
            self.mention_ids = ids
        facets = FACETS.search(html)
        if facets:
            self.facets_url = unescape(facets.group(1))
            self.counts(f"{name}: counts")

    def mention_open(self) -> tuple[str, str] | None:
        """Open one of the mentions of the last list (the page with the list and the mention beside it)."""
        if not self.mention_ids:
            self.list_page({}, "list")
        if not self.mention_ids:
            return None
        mention_id = random.choice(self.mention_ids)
        # A click on a row of the list: HTMX fetches the mention's pane only.
        html = self.page(
            f"/inbox/m/{mention_id}/", "open mention", **{"HX-Request": "true", "HX-Target": "mention-detail"}
        )
        if html is None:
            return None
        self.presence_url = ""
        self.seen(html)
        return mention_id, html

    def mention_forms(self) -> tuple[str, dict[str, dict[str, Any]]]:
        """Open a mention: its id and its triage forms (none when it could not be opened)."""
        opened = self.mention_open()
        if opened is None:
            return "", {}
        mention_id, html = opened
        return mention_id, forms_of(html, 'class="triage"')

    def htmx_post(self, url: str, data: dict[str, str], name: str, kind: str) -> None:
        """Send a triage form as the page's HTMX does; count it written when the page says the mention changed."""
        headers = {"HX-Request": "true", "HX-Target": "mention-detail", "X-CSRFToken": data["csrfmiddlewaretoken"]}
        changed = None
        with self.client.post(url, data=data, headers=headers, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "mention-changed" in response.headers.get("HX-Trigger", ""):
                WRITES[kind] += 1
                changed = response.text
            elif "message-error" in response.text:
                # Refused, as it should be: somebody else changed the mention since the page was read.
                REFUSED[kind] += 1
            else:
                response.failure("neither changed nor refused")
        if changed is not None:
            # The new pane says again who is here (on load); the list's counts follow the change half a second on.
            self.seen(changed)
            if self.facets_url:
                gevent.sleep(0.5)
                self.counts("triage: counts again")

    # What people do -------------------------------------------------------------------------------------

    @task(20)
    def inbox(self) -> None:
        self.list_page({}, "list")

    @task(8)
    def filtered(self) -> None:
        self.list_page(random.choice(FILTERS), "filter")

    @task(4)
    def search_common(self) -> None:
        self.list_page({"q": COMMON_WORD}, "search: common word")

    @task(3)
    def search_rare(self) -> None:
        self.list_page({"q": RARE_WORD}, "search: rare word")

    @task(15)
    def open_mention(self) -> None:
        self.mention_open()

    @task(6)
    def triage(self) -> None:
        mention_id, forms = self.mention_forms()
        if random.random() < 0.5:
            url, field, kind = f"/inbox/m/{mention_id}/category/", "category", "categorise"
        else:
            url, field, kind = f"/inbox/m/{mention_id}/assign/", "assignee", "assign"
        form = forms.get(url)
        value = other_choice(form["selects"].get(field, [])) if form else None
        if form is None or value is None:
            return
        self.htmx_post(url, {**form["fields"], field: value}, f"triage: {field}", kind)

    @task(3)
    def note(self) -> None:
        mention_id, forms = self.mention_forms()
        url = f"/inbox/m/{mention_id}/note/"
        form = forms.get(url)
        if form is not None:
            self.htmx_post(url, {**form["fields"], "text": random.choice(NOTES)}, "note", "note")

    @task(3)
    def reply(self) -> None:
        """Open a case from the list of open cases and write a reply on it."""
        if not self.case_ids or random.random() < 0.3:
            cases = self.whole_page("/inbox/cases/", "case list")
            self.case_ids = CASE_LINK.findall(cases or "") or self.case_ids
        if not self.case_ids:
            return
        case_id = random.choice(self.case_ids)
        html = self.whole_page(f"/inbox/cases/{case_id}/", "open case")
        self.newer_url = ""  # the list is no longer open
        self.seen(html or "")
        url = f"/inbox/cases/{case_id}/replies/"
        form = forms_of(html or "", '<form class="composer"').get(url)
        if form is None:
            return  # closed meanwhile: no composer
        data = {**form["fields"], "channel": random.choice(CHANNELS), "text": random.choice(REPLIES)}
        with self.client.post(url, data=data, name="reply", allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"HTTP {response.status_code}")
                return
        # As the browser: the case again, saying whether the reply was saved.
        after = self.whole_page(f"/inbox/cases/{case_id}/", "reply: the case again")
        if after is None:
            return
        self.seen(after)
        if "message-success" in after:
            WRITES["reply"] += 1
        elif "message-error" in after:
            REFUSED["reply"] += 1
        else:
            self.environment.events.request.fire(
                request_type="POST",
                name="reply",
                response_time=0,
                response_length=0,
                exception=RuntimeError("the case page did not say whether the reply was saved"),
                context={},
            )
