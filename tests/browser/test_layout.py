"""Every page holds with real data: in a real Chromium at a phone's width (390 px) and a laptop's (1366 px),
filled with long names, titles, words and addresses, no page scrolls sideways.

The pages are every GET of the URL table (tests/webcare/routes.py) that answers with a page, so a new page
is held to this as soon as it has its row; each is opened as the first role that may read it.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from inbox.cases.models import Case, ImprovementAction, Reply
from monitoring.models import Mention, Source
from tests.conftest import ROOT, sign_in
from tests.feedserver import FeedServer
from tests.webcare.routes import ACCESS, QUERIES, World, named_routes, world_build

pytestmark = [pytest.mark.browser]

ARTIFACTS = ROOT / "test-artifacts"
WIDTHS = (390, 1366)
# Answers that are not pages of their own: parts of a page, a feed, the health check.
NOT_PAGES = {
    "healthz",
    "monitoring:demo-feed",
    "inbox:mention-facets",
    "inbox:mention-newer",
    "inbox:notification-badge",
    "inbox:report-export",  # a file to download
}
ROLE_ORDER = ("staff", "board", "manager", "no_role", "anonymous")

LONG_WORD = "Zwembadvereniging" * 12  # 204 characters without a space
LONG_URL = "https://www.voorbeeld-forum.example/discussies/" + "zwemles-" * 40 + "?pagina=" + "9" * 60
LONG_NAME = ("Vrienden van het Zwembad " + LONG_WORD)[:200]


def _make_long(world: World) -> None:
    """Fill the world's objects with the longest values people and feeds produce."""
    objects = world.objects
    Source.objects.filter(id=objects["source"]).update(name=LONG_NAME)
    Mention.objects.all().update(
        title="Klacht " + LONG_WORD,
        author=LONG_WORD[:200],
        publisher=LONG_WORD[:200],
        url=LONG_URL,
        snippet=f"{LONG_WORD} {LONG_URL}",
        content_html=f'<p>{LONG_WORD} <a href="{LONG_URL}">{LONG_URL}</a></p>',
    )
    Case.objects.filter(id=objects["case"]).update(title=("Zaak " + LONG_WORD)[:200])
    Reply.objects.filter(id=objects["reply"]).update(text=f"{LONG_WORD} {LONG_URL}")
    ImprovementAction.objects.filter(id=objects["improvement"]).update(description="Verbeter " + LONG_WORD)


def _pages(world: World) -> list[tuple[str, str, str]]:
    """(URL name, URL, role) for every page a GET answers with 200 for some role."""
    found = []
    for route in named_routes():
        assert route.name is not None
        row = ACCESS.get(route.name, {}).get("GET")
        if route.name in NOT_PAGES or row is None:
            continue
        by_role = dict(zip(("anonymous", "no_role", "staff", "manager", "board"), row, strict=True))
        role = next((r for r in ROLE_ORDER if by_role[r] == 200), None)
        if role is None:
            continue
        url = world.url(route)
        if route.name in QUERIES:
            url += "?" + "&".join(f"{k}={v}" for k, v in QUERIES[route.name].items())
        found.append((route.name, url, role))
    return found


# What sticks out past the right edge of the window: the innermost elements, with their widths.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const wide = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.right > width + 1 && ![...element.children].some(c => c.getBoundingClientRect().right > width + 1)) {
      const classes = typeof element.className === "string" ? element.className.trim().split(/\\s+/) : [];
      const name = element.tagName.toLowerCase() + (element.id ? "#" + element.id : "") +
        classes.filter(Boolean).map(c => "." + c).join("");
      wide.push(`${name} (right edge ${Math.round(box.right)})`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
}"""


@pytest.fixture
def long_world(feed_server: FeedServer, eager_tasks: None, transactional_db: Any) -> World:
    world = world_build(feed_server)
    _make_long(world)
    return world


def test_no_page_scrolls_sideways_with_long_data(page: Page, browser: Any, live_server: Any, long_world: World):
    pages = _pages(long_world)
    assert len(pages) >= 15, pages  # the table's pages, not a handful
    problems: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)
    contexts: dict[str, Any] = {}
    try:
        for width in WIDTHS:
            for name, url, role in pages:
                if (role, width) not in contexts:
                    context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 800})
                    tab = context.new_page()
                    tab.live_server_url = live_server.url
                    user = long_world.users[role]
                    if user is not None:
                        sign_in(tab, user.username)
                    contexts[(role, width)] = tab
                tab = contexts[(role, width)]
                response = tab.goto(live_server.url + url, wait_until="networkidle")
                assert response is not None
                assert response.status == 200, f"{name} as {role}: HTTP {response.status}"
                overflow = tab.evaluate(OVERFLOW)
                if overflow:
                    problems.append(
                        f"{name} as {role} at {width} px: {overflow['scrollWidth']} px wide; {overflow['wide']}"
                    )
                # Kept to be looked at: test-artifacts/layout-<page>-<width>.png
                tab.screenshot(path=str(ARTIFACTS / f"layout-{name.replace(':', '-')}-{width}.png"), full_page=True)
    finally:
        for tab in contexts.values():
            tab.context.close()
    assert problems == [], "\n".join(problems)
