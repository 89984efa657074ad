"""The inbox list: saved views, filters in the URL, keyset pages, and the HTMX partials picked by HX-Target."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlencode

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from inbox.triage.selectors import PAGE_SIZE
from tests.factories import MentionFactory
from tests.inbox.conftest import HX, hx

pytestmark = pytest.mark.django_db
URL = reverse("inbox:mention-list")


def shown(response) -> list[int]:
    return [m.id for m in response.context["page"].mentions]


def more_link(response) -> str | None:
    """The "Show older mentions" link as the page gives it, or None on the last page."""
    body = response.content.decode()
    if 'id="mention-more"' not in body:
        return None
    href = body.split('id="mention-more"', 1)[1].split('href="', 1)[1].split('"', 1)[0]
    return URL + href.replace("&amp;", "&")


def test_it_sends_anonymous_visitors_to_sign_in(client_for):
    response = client_for(None).get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("headers", [{}, HX, hx("mention-list"), hx("inbox-panes")])
def test_it_refuses_users_without_a_role(client_for, no_role_user, source, headers):
    mention = MentionFactory(source=source, title="Geheim bericht")
    response = client_for(no_role_user).get(URL, headers=headers)
    assert response.status_code == 403
    assert mention.title.encode() not in response.content


def test_it_refuses_other_methods(client_for, staff_member):
    assert client_for(staff_member).post(URL).status_code == 405


@pytest.mark.parametrize("role_user", ["staff_member", "manager", "board_member"])
def test_everyone_with_a_role_reads_new_mentions_newest_first(client_for, request, source, role_user):
    now = timezone.now()
    titles = [
        MentionFactory(source=source, title=f"Bericht {i}", published_at=now - timedelta(minutes=i)).title
        for i in range(3)
    ]
    MentionFactory(source=source, title="Al bekeken", status="triaged")

    response = client_for(request.getfixturevalue(role_user)).get(URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(titles[0]) < body.index(titles[1]) < body.index(titles[2])
    assert "Al bekeken" not in body
    assert "Buurtnieuws" in body
    assert response.context["current_view"] == "new"
    assert response.context["list_query"] == "status=new"


def test_only_people_who_triage_get_the_selection_boxes(client_for, staff_member, board_member, source):
    MentionFactory(source=source)
    assert 'id="bulk-form"' in client_for(staff_member).get(URL).content.decode()
    body = client_for(board_member).get(URL).content.decode()
    assert 'id="bulk-form"' not in body
    assert "data-row-select" not in body


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ("new", {"new", "complaint_new"}),
        ("complaints", {"complaint_new", "complaint_triaged"}),
        ("mine", {"mine"}),
        ("all", None),
    ],
)
def test_saved_views(client_for, staff_member, manager, source, view, expected):
    made = {
        "new": MentionFactory(source=source, suggested_category="praise"),
        "complaint_new": MentionFactory(source=source, suggested_category="complaint"),
        "complaint_triaged": MentionFactory(source=source, status="triaged", category="complaint"),
        "complaint_ignored": MentionFactory(
            source=source, status="ignored", ignore_reason="spam", category="complaint"
        ),
        "mine": MentionFactory(source=source, status="triaged", assignee=staff_member),
        "theirs": MentionFactory(source=source, status="triaged", assignee=manager),
    }
    if view == "mine":
        made["new"].assignee = staff_member
        made["new"].save()
        expected = {"new", "mine"}
    response = client_for(staff_member).get(URL, {"view": view})
    assert set(shown(response)) == {made[name].id for name in (expected or made)}
    assert response.context["current_view"] == view


def test_the_everything_view_keeps_itself_in_its_links(client_for, staff_member, source):
    """The next page, the counts and the "N new" bar of "Everything" must not fall back to "New"."""
    now = timezone.now()
    for i in range(PAGE_SIZE + 3):
        MentionFactory(source=source, status="triaged" if i % 2 else "new", published_at=now - timedelta(minutes=i))
    client = client_for(staff_member)

    first = client.get(URL, {"view": "all"})
    assert first.context["list_query"] == "view=all"
    second = client.get(more_link(first))

    assert len(set(shown(first)) | set(shown(second))) == PAGE_SIZE + 3
    body = first.content.decode()
    assert f'{reverse("inbox:mention-facets")}?view=all"' in body
    assert "&amp;view=all" in body  # the "N new" bar


def test_filters_are_kept_in_every_link(client_for, staff_member, source):
    mention = MentionFactory(source=source, platform="facebook", suggested_category="complaint")
    response = client_for(staff_member).get(URL, {"platform": "facebook", "category": "complaint", "status": "new"})

    assert shown(response) == [mention.id]
    assert response.context["current_view"] == ""
    query = parse_qs(response.context["list_query"])
    assert query == {"platform": ["facebook"], "category": ["complaint"], "status": ["new"]}
    body = response.content.decode()
    link = body.split(f'href="{reverse("inbox:mention-detail", args=[mention.id])}?', 1)[1].split('"', 1)[0]
    assert parse_qs(link.replace("&amp;", "&")) == query


def test_the_default_view_applies_only_without_filters(client_for, staff_member, source):
    triaged = MentionFactory(source=source, status="triaged", platform="reddit")
    MentionFactory(source=source, platform="facebook")
    assert shown(client_for(staff_member).get(URL, {"platform": "reddit"})) == [triaged.id]


BAD_FILTERS = [
    {"status": "gone"},
    {"category": "rant"},
    {"platform": "myspace"},
    {"language": "fr"},
    {"flag": "nice"},
    {"assignee": "somebody"},
    {"assignee": "²"},
    {"assignee": "9" * 25},
    {"source": "abc"},
    {"source": "0"},
    {"source": "9" * 25},
    {"source": "²"},
    {"from": "yesterday"},
    {"to": "2025-02-30"},
    {"to": "2024-13-45"},
    {"to": "abc"},
    {"to": "99999-01-01"},
    {"to": "2024-01-01\x00"},
    {"view": "favourites"},
    {"sort": "oldest"},
    {"q": "x" * 201},
    {"q": "a\x00b"},
    {"before": "yesterday~x"},
    {"before": "2025-01-01T00:00:00~12"},  # no time zone
    {"before": "NaN~2025-01-01T00:00:00+00:00~12"},
    {"before": "2025-01-01T00:00:00+00:00~" + "9" * 400},
    {"before": "a\x00"},
]


def rows_and_query(response) -> tuple[list[int], dict[str, list[str]]]:
    """The mentions a page or partial lists and the filters its links carry on, read from its HTML."""
    body = response.content.decode()
    rows = [int(found) for found in re.findall(r'<li id="mention-row-(\d+)"', body)]
    query = body.split('data-list-query="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    return rows, parse_qs(query)


def filters_pane(body: str) -> str:
    return body.split('<aside class="inbox-filters"', 1)[1].split("</aside>", 1)[0]


def filter_errors(body: str) -> list[str]:
    """The messages the filters pane shows about the filters it could not read."""
    pane = filters_pane(body)
    if 'id="filter-errors"' not in pane:
        return []
    notice = pane.split('id="filter-errors"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<li>(.*?)</li>", notice, re.S)


@pytest.mark.parametrize("query", BAD_FILTERS)
@pytest.mark.parametrize("headers", [{}, hx("inbox-panes")])
def test_a_bad_filter_is_explained_in_the_filters_pane_and_the_rest_applies(
    client_for, staff_member, source, query, headers
):
    complaint = MentionFactory(source=source, category="complaint", platform="facebook")
    MentionFactory(source=source, category="question", platform="reddit")
    rest = {"platform": "facebook"} if "category" in query else {"category": "complaint"}
    response = client_for(staff_member).get(URL, {**rest, **query}, headers=headers)
    assert response.status_code == 200
    assert len(filter_errors(response.content.decode())) == 1
    # What the links carry on leaves the bad value out; the rest of the filters stay.
    assert rows_and_query(response) == ([complaint.id], {name: [value] for name, value in rest.items()})


def test_a_bad_filter_is_explained_in_the_readers_language(client_for, staff_member, source):
    client = client_for(staff_member)
    dutch = filter_errors(client.get(URL, {"to": "2024-13-45"}).content.decode())
    client.post(reverse("set_language"), {"language": "en", "next": URL})
    english = filter_errors(client.get(URL, {"to": "2024-13-45"}).content.decode())
    assert dutch == ["Tot en met: Voer een geldige datum in."]
    assert english == ["To: Enter a valid date."]


def test_a_bad_filter_never_echoes_markup(client_for, staff_member):
    response = client_for(staff_member).get(URL, {"status": "<img src=x onerror=alert(1)>"})
    assert response.status_code == 200
    assert "<img src=x" not in response.content.decode()


def test_a_long_search_is_explained_at_the_search_field_and_kept(client_for, staff_member, source):
    response = client_for(staff_member).get(URL, {"q": "klacht " * 40})
    assert response.status_code == 200
    search = filters_pane(response.content.decode()).split('role="search"', 1)[1].split("</form>", 1)[0]
    assert 'aria-invalid="true"' in search
    assert 'class="field-error"' in search
    assert ("klacht " * 40).strip() in search


@pytest.mark.parametrize("to", ["9999-12-31", "3000-01-01"])
@pytest.mark.parametrize("headers", [{}, hx("inbox-panes"), hx("mention-list")])
def test_a_date_far_ahead_means_no_upper_bound(client_for, staff_member, source, to, headers):
    mention = MentionFactory(source=source)
    response = client_for(staff_member).get(URL, {"view": "all", "to": to}, headers=headers)
    assert response.status_code == 200
    assert rows_and_query(response)[0] == [mention.id]
    assert 'id="filter-errors"' not in response.content.decode()


@pytest.mark.parametrize("since", ["0001-01-01", "1000-06-01"])
def test_a_date_long_ago_means_from_the_beginning(client_for, staff_member, source, since):
    mention = MentionFactory(source=source)
    response = client_for(staff_member).get(URL, {"view": "all", "from": since, "to": "0001-01-02"})
    assert response.status_code == 200
    assert shown(response) == []  # up to 1990: before any mention
    response = client_for(staff_member).get(URL, {"view": "all", "from": since})
    assert shown(response) == [mention.id]


def test_a_bad_page_link_for_more_rows_says_so_in_place(client_for, staff_member, source):
    MentionFactory(source=source)
    response = client_for(staff_member).get(URL, {"view": "all", "before": "gisteren~x"}, headers=HX)
    assert response.status_code == 200
    more = response.content.decode().split('id="mention-more"', 1)[1]
    assert "Deze paginalink is niet geldig." in more


def test_a_page_link_past_every_id_is_the_end_of_the_list(client_for, staff_member, source):
    MentionFactory(source=source, published_at=timezone.now() - timedelta(days=1))
    response = client_for(staff_member).get(URL, {"view": "all", "before": f"{timezone.now().isoformat()}~{'9' * 25}"})
    assert response.status_code == 200
    assert len(shown(response)) == 1


# HTMX partials ------------------------------------------------------------------------------------------


def test_htmx_for_the_list_gets_only_the_list(client_for, staff_member, source):
    mention = MentionFactory(source=source, title="Alleen de lijst")
    response = client_for(staff_member).get(URL, headers=hx("mention-list"))
    body = response.content.decode().lstrip()
    assert body.startswith('<section id="mention-list"')
    assert "<html" not in body
    assert 'id="inbox-panes"' not in body
    assert f'id="mention-row-{mention.id}"' in body
    assert "HX-Target" in response["Vary"]
    assert "HX-Request" in response["Vary"]


def test_htmx_for_the_panes_gets_filters_list_and_detail(client_for, staff_member, source):
    MentionFactory(source=source)
    body = client_for(staff_member).get(URL, {"view": "all"}, headers=hx("inbox-panes")).content.decode().lstrip()
    assert body.startswith('<div id="inbox-panes"')
    assert 'id="mention-list"' in body
    assert 'id="mention-detail"' in body
    assert "<html" not in body


def test_htmx_without_a_known_target_gets_the_whole_page(client_for, staff_member, source):
    MentionFactory(source=source)
    assert "<html" in client_for(staff_member).get(URL, headers=HX).content.decode()


def test_htmx_gets_the_next_rows_and_the_next_button_only(client_for, staff_member, source):
    MentionFactory.create_batch(PAGE_SIZE * 2 + 1, source=source)
    client = client_for(staff_member)
    cursor = client.get(URL).context["page"].next_cursor

    body = client.get(URL, {"status": "new", "before": str(cursor)}, headers=hx("mention-more")).content.decode()

    assert body.lstrip().startswith('<li id="mention-row-')
    assert body.count("data-mention-row") == PAGE_SIZE
    assert 'id="mention-more"' in body
    assert "<section" not in body
    more = body.split('id="mention-more"', 1)[1]
    assert "status=new&amp;before=" in more


def test_older_mentions_come_page_by_page_without_gaps_or_repeats(client_for, staff_member, source):
    same_time = timezone.now()
    # Many share one publication time: the cursor must still split them exactly.
    made = {
        MentionFactory(source=source, published_at=same_time - timedelta(minutes=i // 10)).id
        for i in range(PAGE_SIZE * 2 + 7)
    }
    client = client_for(staff_member)

    seen: list[int] = []
    link: str | None = URL
    while link is not None:
        response = client.get(link)
        seen += shown(response)
        link = more_link(response)
    assert len(seen) == len(set(seen)) == len(made)
    assert set(seen) == made


def test_an_empty_inbox_says_so_and_checks_again_by_itself(client_for, staff_member):
    response = client_for(staff_member).get(URL)
    body = response.content.decode()
    assert shown(response) == []
    assert 'class="empty"' in body
    assert 'hx-trigger="every 10s"' in body
    assert f'href="{URL}?view=all"' in body


@pytest.mark.parametrize("depth", [0, 2])
@pytest.mark.parametrize("query", [{"status": "new"}, {"platform": "web", "flag": "fail"}, {"q": "klacht"}])
def test_every_page_costs_the_same_few_queries(
    client_for, staff_member, source, django_assert_max_num_queries, depth, query
):
    for i in range(PAGE_SIZE * 3 + 5):
        MentionFactory(source=source, title=f"Klacht {i}", flags=["fail"], assignee=staff_member if i % 3 else None)
    client = client_for(staff_member)
    client.get(URL)  # who mentions can be assigned to is kept a minute in the cache
    link = URL + "?" + urlencode(query)
    for _page in range(depth):
        link = more_link(client.get(link))

    with django_assert_max_num_queries(6):
        response = client.get(link)
    assert len(shown(response)) == PAGE_SIZE
    with django_assert_max_num_queries(5):
        partial = client.get(link, headers=hx("mention-list") if not depth else hx("mention-more"))
    assert partial.status_code == 200


def test_feed_text_is_shown_as_text_not_markup(client_for, staff_member, source):
    MentionFactory(
        source=source, title="<script>alert(1)</script>", snippet="<img src=x onerror=alert(2)>", author="<b>Boef</b>"
    )
    body = client_for(staff_member).get(URL).content.decode()
    assert "<script>alert(1)" not in body
    assert "<img src=x" not in body
    assert "<b>Boef" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_matched_watch_terms_are_highlighted_and_the_rest_stays_escaped(client_for, staff_member, source):
    MentionFactory(source=source, title="<b>Café</b> De Dolfijnen is dicht", matched_terms=["De Dolfijnen"])
    body = client_for(staff_member).get(URL).content.decode()
    assert "&lt;b&gt;Café&lt;/b&gt; <mark>De Dolfijnen</mark> is dicht" in body


def test_a_suggested_complaint_shows_its_reasons_flags_and_platform(client_for, staff_member, source):
    MentionFactory(
        source=source,
        platform="facebook",
        suggested_category="complaint",
        signal_reasons=['"nooit meer"'],
        flags=["fail"],
    )
    body = client_for(staff_member).get(URL).content.decode()
    assert 'class="category category-complaint"' in body
    assert "nooit meer" in body.replace("&quot;", '"')
    assert 'class="flag"' in body
    assert "badge-facebook" in body


def test_a_row_shown_before_shows_what_changed_since(client_for, staff_member, manager, source):
    # Rows are kept by their values between pages: a change in any of them is a new row, never the old one.
    mention = MentionFactory(source=source, title="Lekkage in de kleedkamer", suggested_category="complaint")
    client = client_for(staff_member)
    assert "Lijkt op: Klacht" in client.get(URL + "?view=all").content.decode()
    mention.category = "question"
    mention.assignee = manager
    mention.save()
    source.name = "Buurtnieuws Oost"
    source.save()
    row = client.get(URL + "?view=all").content.decode().split(f'id="mention-row-{mention.id}"', 1)[1]
    row = row.split("</li>", 1)[0]
    assert "category-question is-confirmed" in row
    assert "Lijkt op" not in row
    assert str(manager) in row
    assert "Buurtnieuws Oost" in row


def test_a_row_shown_before_still_tells_its_age_as_time_goes_by(client_for, staff_member, source):
    mention = MentionFactory(source=source, published_at=timezone.now() - timedelta(seconds=30))
    client = client_for(staff_member)

    def age() -> str:
        row = client.get(URL).content.decode().split(f'id="mention-row-{mention.id}"', 1)[1]
        return row.split("<time", 1)[1].split(">", 1)[1].split("<", 1)[0]

    first = age()
    time.sleep(1.1)
    assert first.endswith("seconden geleden")
    assert age() != first


def test_the_same_row_differs_by_language_and_by_who_looks(client_for, staff_member, board_member, source):
    MentionFactory(source=source, suggested_category="complaint")
    staff = client_for(staff_member)
    assert "Lijkt op: Klacht" in staff.get(URL).content.decode()
    staff.post(reverse("set_language"), {"language": "en", "next": URL})
    english = staff.get(URL).content.decode()
    assert "Looks like: Complaint" in english
    assert "data-row-select" in english
    assert "data-row-select" not in client_for(board_member).get(URL).content.decode()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="only PostgreSQL ranks; elsewhere a search is newest first"
)
def test_a_search_can_be_listed_newest_first_and_back(client_for, staff_member, source):
    now = timezone.now()
    old_title_match = MentionFactory(source=source, title="Klacht over het bad", published_at=now - timedelta(days=9))
    new_text_match = MentionFactory(source=source, title="Zaterdag", snippet="een klacht", published_at=now)
    client = client_for(staff_member)

    best = client.get(URL, {"q": "klacht"})
    body = best.content.decode()
    assert 'aria-current="true"' in body.split("Beste match eerst")[0].rsplit("<a", 1)[1]
    newest_href = body.split("Nieuwste eerst</a>")[0].rsplit('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert parse_qs(newest_href.split("?", 1)[1]) == {"q": ["klacht"], "sort": ["newest"]}

    newest = client.get(newest_href)
    assert shown(newest)[0] == new_text_match.id
    assert old_title_match.id in shown(newest)
    body = newest.content.decode()
    assert 'aria-current="true"' in body.split("Nieuwste eerst")[0].rsplit("<a", 1)[1]
    # Every link keeps the order: the next search and the rows.
    assert f"/m/{new_text_match.id}/?q=klacht&amp;sort=newest" in body
    assert '<input type="hidden" name="sort" value="newest">' in body


def test_an_order_without_a_search_changes_nothing(client_for, staff_member, source):
    MentionFactory(source=source, title="Nieuw bericht")
    response = client_for(staff_member).get(URL, {"sort": "newest"})
    assert response.status_code == 200
    assert "sort=" not in response.context["list_query"]
    assert "Nieuwste eerst" not in response.content.decode()


def test_the_kept_parts_of_the_page_follow_the_search_the_view_and_the_language(client_for, staff_member, source):
    MentionFactory(source=source, title="Klacht over het zwembad")
    client = client_for(staff_member)

    def pane(query) -> str:
        body = client.get(URL, query).content.decode()
        return body.split('<aside class="inbox-filters"', 1)[1].split("</aside>", 1)[0]

    assert 'value="klacht"' in pane({"q": "klacht"})
    assert 'value="zwembad"' in pane({"q": "zwembad"})
    assert 'aria-current="page"' in pane({"view": "all"}).split("Alles")[0].rsplit("<a", 1)[1]
    assert 'aria-current="page"' in pane({"view": "new"}).split("Nieuw")[0].rsplit("<a", 1)[1]
    client.post(reverse("set_language"), {"language": "en", "next": URL})
    english = pane({"view": "all"})
    assert "Saved views" in english
    assert "Overzichten" not in english
    assert "Keyboard shortcuts" in client.get(URL).content.decode()


def test_a_search_for_text_that_looks_like_filters_stays_a_search(client_for, staff_member, source):
    # Each query string is read once and kept by its values: these two must never be taken for each other.
    MentionFactory(source=source, title="Klacht over de les", status="new")
    client = client_for(staff_member)
    filtered = client.get(URL, {"q": "klacht", "status": "new"})
    searched = client.get(URL, {"q": "klacht&status=new"})
    assert filtered.context["filters"].statuses == ("new",)
    assert searched.context["filters"].statuses == ()
    assert searched.context["filters"].query == "klacht&status=new"


def test_the_same_filters_in_another_order_are_the_same_list(client_for, staff_member, source):
    MentionFactory(source=source, title="Klacht", category="complaint", status="triaged")
    client = client_for(staff_member)
    one = client.get(URL + "?status=triaged&category=complaint")
    other = client.get(URL + "?category=complaint&status=triaged")
    assert one.context["list_query"] == other.context["list_query"]
    assert shown(one) == shown(other) != []


def test_a_page_link_of_an_earlier_search_order_is_explained_not_failed(client_for, staff_member, source):
    # Best match first once ranked by ts_rank, a fraction; such a link can't say where to go on.
    mention = MentionFactory(source=source, title="Klacht")
    response = client_for(staff_member).get(
        URL, {"q": "klacht", "before": "0.303964~2026-11-19T08:59:02.442541+00:00~998476"}
    )
    assert response.status_code == 200
    assert "Deze paginalink is niet geldig." in filters_pane(response.content.decode())
    assert shown(response) == [mention.id]  # the first page instead
