"""Hostile feeds in a real Chromium: nothing a feed, a pasted mention or a source's name holds runs, loads or
sends anything, and what was written as text is still there to read.

The corpus (tests/data/hostile_corpus.xml, with the older hostile.xml and hostile_atom.xml) is served from
the loopback feed server and polled for real. Every payload that would make a request points at a second
loopback server, the canary, and every script sets ``window.__pwned``, changes the page title, calls
``alert`` and requests the canary. Staff look with the content security policy switched off, so the
cleaning alone must hold; the board looks with it on, so a violation it reports fails the journey too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Dialog, Page, expect

from accounts.models import Organisation
from inbox.triage.services import case_open
from monitoring.models import Mention, Source
from monitoring.services.poll import sources_poll
from monitoring.services.sources import source_create
from tests.conftest import browser_page, sample, sign_in
from tests.factories import UserFactory
from tests.feedserver import FeedServer, Reply

pytestmark = [pytest.mark.browser]

# Where the corpus points every request; the journey puts the canary's address there.
CORPUS_CANARY = "http://127.0.0.1:9/"
SOURCE_NAME = 'Forum <b>vet</b> "><script>window.__pwned=150;alert(150)</script><img src=x onerror=window.__pwned=151>'
LITERAL_TITLE = "<img src=x onerror=window.__pwned=130;alert(130)> Iemand schreef dit letterlijk"
LITERAL_AUTHOR = "<img src=x onerror=window.__pwned=131;alert(131)> Eve"
QUICK_TEXT = "<script>window.__pwned=160;alert(160)</script><img src=x onerror=window.__pwned=161> Snel geplakt"
QUICK_AUTHOR = '"><svg onload=window.__pwned=162>'

# What a page may hold, checked in the page itself: no handler attributes and no URL attribute with a scheme
# other than the web's anywhere; in feed content only the cleaner's tags and attributes; no frames,
# objects, bases, refreshes or imports; scripts only our own files (or JSON data); forms only to us.
PAGE_PROBLEMS = """() => {
  const problems = [];
  const urlAttributes = ["href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
                         "codebase", "cite", "srcset", "ping"];
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith("on") || name === "srcdoc") problems.push(`${element.tagName} [${name}]`);
      if (urlAttributes.includes(name) && attribute.value.trim()) {
        let protocol = "";
        try { protocol = new URL(attribute.value, document.baseURI).protocol; } catch (error) { continue; }
        if (!["http:", "https:", "mailto:"].includes(protocol)) {
          problems.push(`${element.tagName} [${name}=${attribute.value}]`);
        }
      }
    }
  }
  const tags = new Set(["A", "ABBR", "B", "BLOCKQUOTE", "BR", "CODE", "EM", "I", "LI", "OL", "P", "PRE", "Q", "S",
                        "SMALL", "STRONG", "SUB", "SUP", "U", "UL"]);
  for (const element of document.querySelectorAll(".feed-content *")) {
    if (!tags.has(element.tagName)) problems.push(`feed content <${element.tagName}>`);
    for (const attribute of element.attributes) {
      if (!["href", "title", "rel"].includes(attribute.name)) problems.push(`feed content [${attribute.name}]`);
    }
  }
  const dangerous = "iframe, frame, object, embed, portal, base, meta[http-equiv], link[rel=import], " +
                    "link[rel=stylesheet]:not([href^='/static/']), svg script, foreignObject, style:not(:empty)";
  for (const element of document.querySelectorAll(dangerous)) problems.push(`<${element.tagName}>`);
  for (const script of document.querySelectorAll("script")) {
    const isOurs = script.src.startsWith(location.origin + "/static/");
    if (!isOurs && script.type !== "application/json") problems.push(`script ${script.outerHTML.slice(0, 80)}`);
  }
  for (const form of document.forms) {
    if (new URL(form.action, document.baseURI).origin !== location.origin) problems.push(`form to ${form.action}`);
  }
  if (document.baseURI !== location.href) problems.push(`base ${document.baseURI}`);
  return problems;
}"""


@dataclass
class Witness:
    """What one browser did: every request it made and every dialog a script opened."""

    origin: str
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("request", lambda request: self.requests.append(f"{request.method} {request.url}"))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def requests_elsewhere(self) -> list[str]:
        """Requests to anywhere but the app, or to the paths the corpus's htmx attributes name."""
        return [
            seen
            for seen in self.requests
            if not seen.split(" ", 1)[1].startswith(self.origin + "/") or "hostile-trap" in seen
        ]


@dataclass
class World:
    corpus: list[Mention]
    hostile: list[Mention]
    literal: Mention
    case_id: int
    corpus_source: Source


@pytest.fixture
def canary() -> Iterator[FeedServer]:
    """A second loopback server that answers nothing and counts every request, whatever its method."""
    server = FeedServer().start()
    yield server
    server.stop()


@pytest.fixture
def world(organisation: Organisation, feed_server: FeedServer, canary: FeedServer, signal_phrases: None) -> World:
    staff = UserFactory(username="sam", role="staff")
    board = UserFactory(username="bea", role="board")
    corpus = sample("hostile_corpus.xml").replace(CORPUS_CANARY.encode(), (canary.base_url + "/").encode())
    assert b"127.0.0.1:9/" not in corpus
    feeds = {
        SOURCE_NAME: feed_server.serve("/corpus.xml", Reply(corpus)),
        "Oud vijandig RSS": feed_server.serve("/hostile.xml", Reply(sample("hostile.xml"))),
        "Oud vijandig Atom": feed_server.serve("/hostile_atom.xml", Reply(sample("hostile_atom.xml"))),
    }
    sources = [
        source_create(organisation=organisation, name=name, kind=Source.Kind.FEED, url=url, actor=board)
        for name, url in feeds.items()
    ]
    batch = sources_poll(source_ids=[source.id for source in sources], force=True)
    assert [outcome.error for outcome in batch.outcomes] == ["", "", ""]

    corpus_source = sources[0]
    in_corpus = list(Mention.objects.filter(source=corpus_source).order_by("-published_at"))
    assert len(in_corpus) == 15
    literal = next(mention for mention in in_corpus if mention.title == LITERAL_TITLE)
    assert literal.author == LITERAL_AUTHOR
    case = case_open(actor=staff, mention_id=literal.id)
    hostile = list(Mention.objects.filter(source__in=sources).order_by("-published_at"))
    return World(corpus=in_corpus, hostile=hostile, literal=literal, case_id=case.id, corpus_source=corpus_source)


def _assert_harmless(page: Page, where: str) -> None:
    """Nothing ran on the page and nothing dangerous is in it."""
    # Payloads that wait for the page to settle (a load trigger, a refresh after 0 seconds) get their turn.
    page.wait_for_timeout(50)
    assert page.evaluate("window.__pwned") is None, where
    assert page.title() != "pwned", where  # what the payloads set; a hostile title may name __pwned as text
    assert page.evaluate(PAGE_PROBLEMS) == [], where


def _open_every_mention(page: Page, world: World) -> None:
    """Each hostile mention's detail pane, opened from the list as a person does (an htmx swap)."""
    page.goto(page.live_server_url + "/inbox/?view=all")
    for mention in world.hostile:
        page.locator(f"#mention-row-{mention.id} a.row-link").click()
        expect(page.locator("#mention-detail .detail-title")).to_have_text(mention.title)
        # Handlers that need a pointer or focus get them.
        page.locator("#mention-detail .feed-content").hover()
        _assert_harmless(page, f"the detail of {mention.title!r}")


def _journey(page: Page, world: World, *, is_board: bool) -> None:
    # The list shows what was written as text, as text.
    page.goto(page.live_server_url + "/inbox/?view=all")
    row = page.locator(f"#mention-row-{world.literal.id}")
    expect(row.locator(".mention-title")).to_have_text(LITERAL_TITLE)
    expect(row.locator(".mention-author")).to_have_text(LITERAL_AUTHOR)
    expect(page.locator("#mention-facets")).to_contain_text(SOURCE_NAME)
    _assert_harmless(page, "the inbox list")

    _open_every_mention(page, world)

    # The same detail as a whole page, the way a shared link opens it.
    page.goto(page.live_server_url + f"/inbox/m/{world.literal.id}/?view=all")
    detail = page.locator("#mention-detail")
    expect(detail.locator(".detail-title")).to_have_text(LITERAL_TITLE)
    expect(detail.locator(".mention-author")).to_have_text(LITERAL_AUTHOR)
    expect(detail.get_by_text(SOURCE_NAME).first).to_be_visible()
    # The author wrote more (the mutation entry): the history under the detail names them as text too.
    expect(detail.locator("#history-title")).to_contain_text(LITERAL_AUTHOR)
    _assert_harmless(page, "the literal mention's own page")

    page.goto(page.live_server_url + f"/inbox/cases/{world.case_id}/")
    expect(page.locator("h1")).to_contain_text(LITERAL_TITLE)
    expect(page.get_by_text(LITERAL_AUTHOR).first).to_be_visible()
    _assert_harmless(page, "the case page")

    if is_board:
        # Only the board manages sources; staff meet the source's name in the list and the detail above.
        page.goto(page.live_server_url + "/sources/")
        expect(page.get_by_role("link", name=SOURCE_NAME)).to_be_visible()
        _assert_harmless(page, "the sources page")
        page.get_by_role("link", name=SOURCE_NAME).click()
        expect(page.get_by_role("heading", name=SOURCE_NAME)).to_be_visible()
        _assert_harmless(page, "the source's page")


def _quick_add(page: Page) -> None:
    page.goto(page.live_server_url + "/mentions/add/")
    page.get_by_label("Link naar het bericht of de review").fill("https://www.facebook.com/dedolfijnen/posts/666")
    page.get_by_label("Wat er gezegd werd").fill(QUICK_TEXT)
    page.get_by_label("Wie het zei").fill(QUICK_AUTHOR)
    page.get_by_role("button", name="Aan de inbox toevoegen").click()
    expect(page.get_by_text("De vermelding is aan de inbox toegevoegd.")).to_be_visible()
    row = page.locator("[data-mention-row]").filter(has_text="Snel geplakt")
    expect(row.locator(".mention-snippet")).to_have_text(QUICK_TEXT)
    expect(row.locator(".mention-author")).to_have_text(QUICK_AUTHOR)
    _assert_harmless(page, "the list after a quick add")
    row.locator("a.row-link").click()
    expect(page.locator("#mention-detail .feed-content")).to_have_text(QUICK_TEXT)
    _assert_harmless(page, "the quick-added mention")


def test_hostile_feeds_run_nothing_and_show_their_text_to_staff_and_board(
    browser: Any, live_server: Any, world: World, canary: FeedServer
) -> None:
    witnesses: dict[str, Witness] = {}
    # Staff without the content security policy: the cleaning alone must keep every payload inert.
    with browser_page(browser, live_server, "hostile-staff", bypass_csp=True) as page:
        witnesses["staff"] = witness = Witness(origin=live_server.url)
        witness.watch(page)
        sign_in(page, "sam")
        _quick_add(page)
        # From here on the pasted mention is one of the hostile mentions every pane is opened for.
        world.hostile = list(Mention.objects.order_by("-published_at"))
        _journey(page, world, is_board=False)
    # The board with the policy on, as in production: it must have nothing to block either.
    with browser_page(browser, live_server, "hostile-board") as page:
        witnesses["board"] = witness = Witness(origin=live_server.url)
        witness.watch(page)
        sign_in(page, "bea")
        _journey(page, world, is_board=True)

    assert canary.requests == []
    for who, seen in witnesses.items():
        assert seen.dialogs == [], who
        assert seen.requests_elsewhere() == [], who
        assert len(seen.requests) > 20, who  # the witness did watch
    assert len(world.hostile) == 15 + 1 + 2 + 1  # the corpus, hostile.xml, hostile_atom.xml and the quick add
