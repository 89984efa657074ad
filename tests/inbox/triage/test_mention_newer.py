"""The "N new" bar: mentions that match the list and arrived after it was read."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import MentionFactory

pytestmark = pytest.mark.django_db
URL = reverse("inbox:mention-newer")


def newer_count(response) -> int:
    """The number the bar shows on its button; 0 without a button."""
    body = response.content.decode()
    if "data-newer-show" not in body:
        return 0
    button = body.split("data-newer-show", 1)[1].split("</button>", 1)[0].split(">", 1)[1]
    return int(re.findall(r"\d+", button)[0])


def test_it_sends_anonymous_visitors_to_sign_in(client_for):
    assert client_for(None).get(URL, {"after": "0"})["Location"].startswith(reverse("login"))


def test_it_refuses_users_without_a_role_and_other_methods(client_for, no_role_user, staff_member):
    assert client_for(no_role_user).get(URL, {"after": "0"}).status_code == 403
    assert client_for(staff_member).post(URL, {"after": "0"}).status_code == 405


def test_it_counts_only_newer_mentions_that_match(client_for, staff_member, source):
    client = client_for(staff_member)
    MentionFactory.create_batch(2, source=source, platform="facebook")
    after = client.get(reverse("inbox:mention-list"), {"platform": "facebook"}).context["page"].newest_id
    MentionFactory(source=source, platform="facebook")
    MentionFactory(source=source, platform="reddit")
    MentionFactory(source=source, platform="facebook", status="ignored", ignore_reason="spam")

    response = client.get(URL, {"after": after, "platform": "facebook", "status": "new"})

    assert response.status_code == 200
    assert newer_count(response) == 1
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="mention-newer"')
    assert f"after={after}&amp;" in body  # keeps counting from the same point
    assert "data-newer-show" in body


def test_nothing_new_shows_no_button(client_for, staff_member, source):
    mention = MentionFactory(source=source)
    response = client_for(staff_member).get(URL, {"after": mention.id, "status": "new"})
    assert newer_count(response) == 0
    assert "data-newer-show" not in response.content.decode()


def test_the_everything_view_counts_everything(client_for, staff_member, source):
    first = MentionFactory(source=source)
    MentionFactory(source=source, status="triaged")
    response = client_for(staff_member).get(URL, {"after": first.id, "view": "all"})
    assert newer_count(response) == 1
    assert "view=all" in response.content.decode()


@pytest.mark.parametrize("after", ["", "-1", "abc", "1.5", "²", "9" * 25])
def test_a_broken_link_says_so_in_the_bar_and_stops_asking(client_for, staff_member, after):
    response = client_for(staff_member).get(URL, {"after": after}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="mention-newer"' in body
    assert "Laad de pagina opnieuw" in body
    assert "hx-trigger" not in body


@pytest.mark.parametrize("query", [{"to": "9999-12-31"}, {"to": "2024-13-45"}, {"source": "9" * 25}, {"q": "x" * 300}])
def test_bad_or_far_filters_count_with_the_rest(client_for, staff_member, source, query):
    first = MentionFactory(source=source)
    MentionFactory(source=source)
    response = client_for(staff_member).get(URL, {"after": first.id, **query}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert newer_count(response) == 1
