from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inbox.selectors import PAGE_SIZE
from tests.factories import MentionFactory, SourceFactory

pytestmark = pytest.mark.django_db
URL = reverse("inbox:mention-list")


@pytest.fixture
def mentions(organisation):
    source = SourceFactory(organisation=organisation, name="Buurtnieuws")
    now = timezone.now()
    return [
        MentionFactory(source=source, title=f"Mention {i}", published_at=now - timedelta(minutes=i)) for i in range(3)
    ]


def test_it_sends_anonymous_visitors_to_sign_in(client_for):
    response = client_for(None).get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("htmx", [False, True])
def test_it_refuses_users_without_a_role(client_for, no_role_user, mentions, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    response = client_for(no_role_user).get(URL, headers=headers)
    assert response.status_code == 403
    assert b"Mention 0" not in response.content


def test_it_refuses_other_methods(client_for, staff_member):
    assert client_for(staff_member).post(URL).status_code == 405


@pytest.mark.parametrize("role_user", ["staff_member", "manager", "board_member"])
def test_everyone_with_a_role_reads_the_inbox_newest_first(client_for, request, mentions, role_user):
    response = client_for(request.getfixturevalue(role_user)).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("Mention 0") < body.index("Mention 1") < body.index("Mention 2")
    assert "Buurtnieuws" in body


def test_an_empty_inbox_says_so_and_checks_again_by_itself(client_for, staff_member):
    body = client_for(staff_member).get(URL).content.decode()
    assert "Nog geen vermeldingen" in body
    assert 'hx-trigger="every 10s"' in body


def test_htmx_gets_only_the_list(client_for, staff_member, mentions):
    response = client_for(staff_member).get(URL, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="mention-list"')
    assert "<html" not in body
    assert "Mention 0" in body
    assert response["Vary"].count("HX-Request") == 1


def test_older_mentions_come_page_by_page_without_gaps_or_repeats(client_for, staff_member, organisation):
    source = SourceFactory(organisation=organisation)
    same_time = timezone.now()
    # Many share one publication time: the cursor must still split them exactly.
    for i in range(PAGE_SIZE + 7):
        MentionFactory(source=source, title=f"Item {i:03d}", published_at=same_time - timedelta(minutes=i // 10))
    client = client_for(staff_member)

    first = client.get(URL).context["page"]
    second = client.get(URL, {"before": str(first.next_cursor)}).context["page"]

    titles = [m.title for m in first.mentions] + [m.title for m in second.mentions]
    assert len(first.mentions) == PAGE_SIZE
    assert sorted(titles) == sorted(f"Item {i:03d}" for i in range(PAGE_SIZE + 7))
    assert second.next_cursor is None


def test_htmx_gets_the_next_rows_and_the_next_button_only(client_for, staff_member, organisation):
    source = SourceFactory(organisation=organisation)
    MentionFactory.create_batch(PAGE_SIZE * 2 + 1, source=source)
    client = client_for(staff_member)
    cursor = client.get(URL).context["page"].next_cursor

    body = client.get(URL, {"before": str(cursor)}, headers={"HX-Request": "true"}).content.decode()

    assert body.lstrip().startswith('<li class="mention">')
    assert body.count('<li class="mention">') == PAGE_SIZE
    assert 'id="mention-more"' in body
    assert "<section" not in body


def test_a_broken_page_link_gets_a_clear_error(client_for, staff_member):
    response = client_for(staff_member).get(URL, {"before": "yesterday~x"})
    assert response.status_code == 400
    assert "niet geldig" in response.content.decode()


def test_feed_text_is_shown_as_text_not_markup(client_for, staff_member, organisation):
    MentionFactory(source=SourceFactory(organisation=organisation), title="<script>alert(1)</script>")
    body = client_for(staff_member).get(URL).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_the_page_costs_the_same_few_queries_however_many_mentions(
    client_for, staff_member, organisation, django_assert_max_num_queries
):
    source = SourceFactory(organisation=organisation)
    MentionFactory.create_batch(PAGE_SIZE + 5, source=source)
    client = client_for(staff_member)
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert len(response.context["page"].mentions) == PAGE_SIZE


def test_matched_watch_terms_are_highlighted_and_the_rest_stays_escaped(client_for, staff_member, organisation):
    MentionFactory(
        source=SourceFactory(organisation=organisation),
        title="<b>Café</b> De Dolfijnen is dicht",
        matched_terms=["De Dolfijnen"],
    )
    body = client_for(staff_member).get(URL).content.decode()
    assert "&lt;b&gt;Café&lt;/b&gt; <mark>De Dolfijnen</mark> is dicht" in body


def test_a_suggested_complaint_shows_its_reasons_and_flags(client_for, staff_member, organisation):
    MentionFactory(
        source=SourceFactory(organisation=organisation),
        platform="facebook",
        suggested_category="complaint",
        signal_reasons=['"nooit meer"', '"#fail"'],
        flags=["fail", "repeated_author"],
    )
    body = client_for(staff_member).get(URL).content.decode()
    assert "Lijkt op: Klacht" in body
    assert 'vanwege "nooit meer", "#fail"' in body.replace("&quot;", '"')
    assert '<span class="flag">#fail</span>' in body
    assert '<span class="flag">Vaker gezien</span>' in body
    assert ">Facebook</span>" in body
