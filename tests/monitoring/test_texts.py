"""What monitoring stores about a source is put into words when shown, in the language of whoever reads it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from monitoring.models import MANUAL_SOURCE_NAME, FetchLog, Source
from monitoring.services.poll import source_poll
from monitoring.texts import TEXTS, Text, text_render
from tests.factories import SourceFactory
from tests.feedserver import Reply
from tests.monitoring.test_migrations import migrate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_language():
    """A request in English leaves English active in this thread; the next test starts in Dutch again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


GONE_NL = "De feed bestaat niet meer (HTTP 410)."
GONE_EN = "The feed no longer exists (HTTP 410)."
GONE_404_EN = "The feed no longer exists (HTTP 404)."
TIMEOUT_NL = "De site antwoordde niet op tijd."


def english(client):
    client.post(reverse("set_language"), {"language": "en"})
    return client


@pytest.fixture
def gone(feed_server, organisation):
    url = feed_server.serve("/gone.xml", Reply(b"weg", status=410))
    return SourceFactory(organisation=organisation, name="Oud forum", url=url)


def test_an_error_recorded_in_dutch_shows_in_english_to_an_english_reader(client_for, board_member, gone):
    with translation.override("nl"):
        source_poll(source_id=gone.id, force=True)
    gone.refresh_from_db()
    assert (gone.last_error_code, gone.last_error_params) == ("gone", {"status": 410})
    client = client_for(board_member)
    assert GONE_NL in client.get(reverse("monitoring:source-list")).content.decode()
    english(client)
    for page in (reverse("monitoring:source-list"), reverse("monitoring:source-detail", args=[gone.id])):
        body = client.get(page).content.decode()
        assert GONE_EN in body
        assert GONE_NL not in body


def test_an_error_recorded_in_english_shows_in_dutch_to_a_dutch_reader(client_for, board_member, gone):
    with translation.override("en"):
        source_poll(source_id=gone.id, force=True)
    body = client_for(board_member).get(reverse("monitoring:source-detail", args=[gone.id])).content.decode()
    assert body.count(GONE_NL) == 2  # the last error, and the poll in the fetch log
    assert GONE_EN not in body
    assert FetchLog.objects.get(source=gone).error_code == "gone"


def test_the_reason_a_source_was_paused_shows_in_the_reader_s_language(client_for, board_member, gone):
    Source.objects.filter(id=gone.id).update(consecutive_failures=9)
    with translation.override("en"):
        source_poll(source_id=gone.id, force=True)
    gone.refresh_from_db()
    assert not gone.is_active
    body = client_for(board_member).get(reverse("monitoring:source-detail", args=[gone.id])).content.decode()
    assert f"Gepauzeerd na 10 mislukte pogingen op rij. De laatste fout: {GONE_NL}" in body
    with translation.override("en"):
        assert gone.paused_reason == f"Paused after 10 failed polls in a row. The last error: {GONE_EN}"


def test_the_source_of_mentions_added_by_hand_is_named_in_the_reader_s_language(client_for, staff_member, organisation):
    client = client_for(staff_member)
    client.post(reverse("monitoring:mention-quick-add"), {"url": "https://x.example/post/1", "text": "Fijne dag"})
    source = Source.objects.get(kind=Source.Kind.MANUAL)
    assert source.name == MANUAL_SOURCE_NAME
    with translation.override("nl"):
        assert str(source) == "Met de hand toegevoegd"
    with translation.override("en"):
        assert str(source) == "Added by hand"
    assert "Met de hand toegevoegd" in client.get(reverse("inbox:mention-list")).content.decode()
    assert "Added by hand" in english(client).get(reverse("inbox:mention-list")).content.decode()


def test_every_text_is_written_for_both_languages():
    for code, template in TEXTS.items():
        with translation.override("nl"):
            dutch = str(template)
        with translation.override("en"):
            assert dutch != str(template), code


def test_a_text_put_into_words_fills_in_its_parameters():
    with translation.override("en"):
        assert text_render("too_large", {"bytes": 2048}) == "The feed is larger than 2.0\xa0KB; it was not read."
        nested = Text("paused_after_failures", {"count": 3, "error": Text("timeout").as_json()})
        assert str(nested) == "Paused after 3 failed polls in a row. The last error: The site did not answer in time."
        assert text_render("", {}) == ""
        # Stored before codes were, or by another release: never an empty or broken sentence.
        assert text_render("text", {"text": "Iets ging mis."}) == "Iets ging mis."
        assert text_render("gone", {}) == "The feed no longer exists."


@pytest.mark.django_db(transaction=True)
def test_the_migration_reads_stored_sentences_back_into_codes():
    apps = migrate([("monitoring", "0011_poll_claim_lease_and_entry_keys")])
    try:
        organisation = apps.get_model("accounts", "Organisation").objects.create(name="Dolfijnen")
        sources = apps.get_model("monitoring", "Source").objects
        timeout = sources.create(organisation=organisation, name="A", url="https://a.example/f", last_error=TIMEOUT_NL)
        paused = sources.create(
            organisation=organisation,
            name="B",
            url="https://b.example/f",
            is_active=False,
            last_error=GONE_404_EN,
            paused_reason=f"Paused after 10 failed polls in a row. The last error: {GONE_404_EN}",
        )
        odd = sources.create(organisation=organisation, name="C", url="https://c.example/f", last_error="Iets vreemds")
        manual = sources.create(organisation=organisation, name="Met de hand toegevoegd", kind="manual", url="")
    finally:
        migrate()
    timeout_now, paused_now, odd_now, manual_now = (
        Source.objects.get(id=source.id) for source in (timeout, paused, odd, manual)
    )
    assert (timeout_now.last_error_code, timeout_now.last_error_params) == ("timeout", {})
    assert (paused_now.last_error_code, paused_now.last_error_params) == ("gone", {"status": 404})
    assert paused_now.paused_reason_code == "paused_after_failures"
    assert paused_now.paused_reason_params == {"count": 10, "error": {"code": "gone", "params": {"status": 404}}}
    assert (odd_now.last_error_code, odd_now.last_error) == ("text", "Iets vreemds")
    assert manual_now.name == MANUAL_SOURCE_NAME
    with translation.override("en"):
        assert timeout_now.last_error == "The site did not answer in time."
