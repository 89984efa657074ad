"""A person who was forgotten stays forgotten: what they say later is anonymised as it arrives."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from inbox.privacy.selectors import Identity
from inbox.privacy.services import person_erase
from monitoring.models import Mention, Sighting
from monitoring.services.poll import source_poll
from monitoring.services.quick_add import mention_quick_add
from tests.factories import SourceFactory
from tests.feedserver import Reply

pytestmark = pytest.mark.django_db


def atom(*entries: tuple[str, str, str]) -> bytes:
    """An Atom feed of (id, author, title) entries, said an hour ago."""
    said = (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    items = "".join(
        f"<entry><id>tag:forum.example.org,2026:{key}</id><title>{title}</title>"
        f'<link href="https://forum.example.org/t/{key}"/><author><name>{author}</name></author>'
        f"<published>{said}</published><updated>{said}</updated>"
        f'<content type="html">&lt;p&gt;{title}, zegt {author}&lt;/p&gt;</content></entry>'
        for key, author, title in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Forum</title><id>tag:forum.example.org,2026:feed</id><updated>{said}</updated>{items}</feed>"
    ).encode()


@pytest.fixture
def forum(feed_server, organisation):
    body = atom(("1", "@jan", "Zwemles weer afgelast"), ("2", "@piet", "Mooi toernooi"))
    return SourceFactory(organisation=organisation, url=feed_server.serve("/forum.xml", Reply(body)))


def test_a_forgotten_handle_is_anonymised_as_it_arrives_and_is_not_stored_twice(forum, board_member):
    person_erase(actor=board_member, identities=[Identity("author", "@JAN")])  # case and a leading @ do not matter

    first = source_poll(source_id=forum.id)

    assert (first.new, first.error) == (2, "")
    jan = Mention.objects.get(anonymised_at__isnull=False)
    assert jan.author.startswith("Klager ")
    assert (jan.title, jan.snippet, jan.content_html, jan.url) == ("", "", "", "")
    assert jan.canonical_url.startswith("forgotten:")
    sighting = Sighting.objects.get(mention=jan)
    assert sighting.url == ""
    assert "forum.example.org" not in sighting.external_id
    piet = Mention.objects.get(anonymised_at__isnull=True)
    assert (piet.author, piet.title) == ("@piet", "Mooi toernooi")
    # The source serves the same entries again: recognised by their digests, nothing new.
    second = source_poll(source_id=forum.id, force=True)
    assert second.new == 0
    assert Mention.objects.count() == 2


def test_a_forgotten_author_added_by_hand_is_anonymised_too(organisation, board_member, staff_member):
    person_erase(actor=board_member, identities=[Identity("author", "Jan Jansen")])

    added = mention_quick_add(
        organisation=organisation,
        actor=staff_member,
        url="https://www.facebook.com/dolfijnen/posts/1",
        text="Slechte les",
        author="jan jansen",
    )

    mention = Mention.objects.get(id=added.mention.id)
    assert mention.anonymised_at is not None
    assert mention.author.startswith("Klager ")
    assert mention.url == ""
