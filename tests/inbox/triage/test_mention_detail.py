"""One mention beside the list: the whole page, the pane alone for HTMX, its history and what it never renders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inbox.triage.services import case_open, mention_categorise, mention_note_add
from monitoring.models import Mention, Sighting
from tests.factories import MentionFactory, SourceFactory
from tests.inbox.conftest import HX, hx

pytestmark = pytest.mark.django_db


def url(mention: Mention) -> str:
    return reverse("inbox:mention-detail", args=[mention.id])


@pytest.fixture
def mention(source) -> Mention:
    return MentionFactory(source=source, title="Koud water in het diepe bad", author="Klaas", language="nl")


def test_it_sends_anonymous_visitors_to_sign_in(client_for, mention):
    assert client_for(None).get(url(mention))["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("headers", [{}, hx("mention-detail")])
def test_it_refuses_users_without_a_role(client_for, no_role_user, mention, headers):
    response = client_for(no_role_user).get(url(mention), headers=headers)
    assert response.status_code == 403
    assert mention.title.encode() not in response.content


def test_it_refuses_other_methods(client_for, staff_member, mention):
    assert client_for(staff_member).post(url(mention)).status_code == 405


def test_the_whole_page_has_the_list_and_the_mention(client_for, board_member, source, mention):
    other = MentionFactory(source=source, title="Een ander bericht")
    body = client_for(board_member).get(url(mention)).content.decode()
    assert "<html" in body
    assert f'id="mention-row-{other.id}"' in body
    detail = body.split('id="mention-detail"', 1)[1]
    assert mention.title in detail
    assert "Klaas" in detail


def test_htmx_gets_the_pane_alone(client_for, staff_member, source, mention):
    MentionFactory(source=source, title="Een ander bericht")
    response = client_for(staff_member).get(url(mention), headers=hx("mention-detail"))
    body = response.content.decode().lstrip()
    assert body.startswith('<section id="mention-detail"')
    assert "<html" not in body
    assert "Een ander bericht" not in body
    assert mention.title in body
    assert "HX-Target" in response["Vary"]


def test_htmx_for_another_target_gets_the_whole_page(client_for, staff_member, mention):
    assert "<html" in client_for(staff_member).get(url(mention), headers=HX).content.decode()


def test_the_lists_filters_stay_in_the_back_link_and_the_forms(client_for, staff_member, mention):
    body = client_for(staff_member).get(url(mention), {"platform": "web", "language": "nl"}).content.decode()
    assert f'href="{reverse("inbox:mention-list")}?platform=web&amp;language=nl"' in body
    assert 'name="return_query" value="platform=web&amp;language=nl"' in body


def test_a_mention_one_may_not_see_or_that_is_gone_is_404(client_for, staff_member, mention):
    assert client_for(staff_member).get(reverse("inbox:mention-detail", args=[mention.id + 999])).status_code == 404


def test_only_people_who_triage_get_the_triage_forms(client_for, staff_member, board_member, mention):
    action = reverse("inbox:mention-ignore", args=[mention.id])
    assert action in client_for(staff_member).get(url(mention)).content.decode()
    assert action not in client_for(board_member).get(url(mention)).content.decode()


def test_the_forms_carry_the_version_that_was_shown(client_for, staff_member, mention):
    mention_categorise(actor=staff_member, mention_id=mention.id, category="praise")
    body = client_for(staff_member).get(url(mention), headers=hx("mention-detail")).content.decode()
    assert 'name="version" value="1"' in body
    assert 'name="version" value="0"' not in body


def test_author_history_shows_the_same_author_across_sources(client_for, staff_member, organisation, mention):
    forum = SourceFactory(organisation=organisation, name="Forum")
    earlier = MentionFactory(source=forum, author="Klaas", title="Vorige week ook al koud")
    someone_else = MentionFactory(source=forum, author="Kees", title="Mooi zwembad")

    body = client_for(staff_member).get(url(mention), {"status": "new"}, headers=hx("mention-detail")).content.decode()

    assert f'href="{reverse("inbox:mention-detail", args=[earlier.id])}?status=new"' in body
    assert reverse("inbox:mention-detail", args=[someone_else.id]) not in body


def test_the_activity_shows_who_did_what(client_for, staff_member, mention):
    mention_note_add(actor=staff_member, mention_id=mention.id, text="Teruggebeld op dinsdag")
    case = case_open(actor=staff_member, mention_id=mention.id, title="Koud water")
    body = client_for(staff_member).get(url(mention), headers=hx("mention-detail")).content.decode()
    assert "Teruggebeld op dinsdag" in body
    assert str(case) in body
    assert 'class="event event-case_open"' in body
    assert 'class="event event-note"' in body


def test_feed_html_is_rendered_cleaned_inside_an_htmx_free_container(client_for, staff_member, source):
    hostile = MentionFactory(
        source=source,
        content_html=(
            '<p>Hallo <b>daar</b></p><script>alert("x")</script><img src="x" onerror="alert(1)">'
            '<a href="javascript:alert(2)" hx-get="/inbox/bulk/">klik</a>'
        ),
    )
    body = client_for(staff_member).get(url(hostile), headers=hx("mention-detail")).content.decode()
    content = body.split('<div class="feed-content" hx-disable>', 1)[1].split("</div>", 1)[0]
    assert "<b>daar</b>" in content
    assert "<script" not in body.lower()
    assert "onerror" not in content
    assert "javascript:" not in content
    assert "hx-get" not in content


def test_feed_text_outside_the_content_is_escaped(client_for, staff_member, source):
    hostile = MentionFactory(
        source=source,
        title='<script>alert("t")</script>',
        snippet='<img src=x onerror="alert(1)">',
        author="<b onmouseover=alert(2)>Boef</b>",
        content_html="",
    )
    body = client_for(staff_member).get(url(hostile)).content.decode()
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert "<b onmouseover" not in body
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in body


def test_the_pane_costs_a_fixed_few_queries(
    client_for, staff_member, organisation, source, django_assert_max_num_queries
):
    mention = MentionFactory(source=source, author="Klaas")
    now = timezone.now()
    for i in range(5):
        other_source = SourceFactory(organisation=organisation)
        Sighting.objects.create(mention=mention, source=other_source, external_id=str(i), seen_at=now)
        older = MentionFactory(source=other_source, author="Klaas", published_at=now - timedelta(days=i + 1))
        if i < 2:
            case_open(actor=staff_member, mention_id=older.id)
        mention_note_add(actor=staff_member, mention_id=mention.id, text=f"Notitie {i}")
    client = client_for(staff_member)
    client.get(url(mention))  # who mentions can be assigned to is kept a minute in the cache

    # session, user, two for permissions, mention, sightings, events, author history, open cases
    with django_assert_max_num_queries(9):
        client.get(url(mention), headers=hx("mention-detail"))
    # and the list beside it, and the organisation in the page header
    with django_assert_max_num_queries(11):
        client.get(url(mention))
