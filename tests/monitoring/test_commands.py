from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Organisation
from monitoring.models import Mention, Source
from monitoring.opml import opml_read
from tests.conftest import sample
from tests.factories import SourceFactory
from tests.feedserver import Reply

pytestmark = pytest.mark.django_db


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def poll(*args: str) -> str:
    return run("poll_sources", *args)


def add_source(*args: str) -> str:
    return run("add_source", *args)


def test_poll_sources_prints_one_summary_line_per_source(feed_server, organisation):
    url = feed_server.serve("/alerts.xml", Reply(sample("google_alerts.xml")))
    source = SourceFactory(organisation=organisation, name="Alert", url=url)

    first = poll()
    again = poll("--now")

    assert first.strip() == f"{source.id} Alert: fetched 3 / new 3 / duplicates 0"
    assert again.strip() == f"{source.id} Alert: fetched 3 / new 0 / duplicates 3"
    assert Mention.objects.count() == 3


def test_poll_sources_leaves_sources_that_are_not_due(feed_server, organisation):
    url = feed_server.serve("/alerts.xml", Reply(sample("google_alerts.xml")))
    source = SourceFactory(organisation=organisation, url=url)
    poll()
    assert poll().strip() == "No source is due."
    assert f"{source.id} {source.name}: skipped (not due)" in poll("--source", str(source.id))


def test_a_failing_source_is_reported_and_the_command_fails(feed_server, organisation):
    url = feed_server.serve("/gone.xml", Reply(b"", status=404))
    source = SourceFactory(organisation=organisation, name="Gone", url=url)
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 1 sources failed"):
        call_command("poll_sources", stdout=out)
    assert out.getvalue().startswith(f"{source.id} Gone: error: De feed bestaat niet meer (HTTP 404).")


def test_a_source_the_command_pauses_is_reported_to_the_board(
    feed_server, organisation, board_member, eager_tasks, django_capture_on_commit_callbacks
):
    from inbox.notifications.models import Notification

    source = SourceFactory(organisation=organisation, url=feed_server.serve("/down", Reply(b"", status=500)))
    Source.objects.filter(id=source.id).update(consecutive_failures=9)

    with pytest.raises(CommandError), django_capture_on_commit_callbacks(execute=True):
        poll("--source", str(source.id), "--now")

    source.refresh_from_db()
    assert not source.is_active
    # The board hears of it in the product, and by e-mail in the daily digest (their default for this kind).
    told = Notification.objects.filter(kind=Notification.Kind.SOURCE_PAUSED)
    assert [(n.recipient, n.url) for n in told] == [
        (board_member, reverse("monitoring:source-detail", args=[source.id]))
    ]


def test_an_unknown_source_id_is_a_clear_error(organisation):
    with pytest.raises(CommandError, match="No source with id 999"):
        poll("--source", "999")


def test_add_source_fetches_once_and_prints_the_new_id_last(feed_server, organisation):
    url = feed_server.serve("/alerts.xml", Reply(sample("google_alerts.xml")))

    output = add_source("--kind", "google_alerts", "--url", url)

    source = Source.objects.get()
    assert output.splitlines()[-1] == str(source.id)
    assert "Found 3 entries in 'Google Alert - \"De Dolfijnen\"'." in output
    assert (source.kind, source.url, source.name) == ("google_alerts", url, 'Google Alert - "De Dolfijnen"')
    assert source.events.get().action == "created"


def test_add_source_takes_a_given_name(feed_server, organisation):
    url = feed_server.serve("/alerts.xml", Reply(sample("google_alerts.xml")))
    add_source("--kind", "feed", "--url", url, "--name", "Buurtnieuws")
    assert Source.objects.get().name == "Buurtnieuws"


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (Reply(b"<html><body>Shop</body></html>"), "Not added: Het adres gaf geen feed die we kunnen lezen."),
        (Reply(b"", status=404), "Not added: De feed bestaat niet meer (HTTP 404)."),
    ],
)
def test_add_source_refuses_what_is_not_a_working_feed(feed_server, organisation, route, message):
    url = feed_server.serve("/x", route)
    with pytest.raises(CommandError) as caught:
        add_source("--kind", "feed", "--url", url)
    assert str(caught.value) == message
    assert caught.value.returncode == 1
    assert not Source.objects.exists()


def test_add_source_refuses_an_unknown_kind(organisation):
    with pytest.raises(CommandError, match=r"Unknown kind 'facebook'\. Choose one of: google_alerts, feed, mastodon"):
        add_source("--kind", "facebook", "--url", "https://example.org/feed")


def test_add_source_needs_an_organisation(db):
    with pytest.raises(CommandError, match="set_organisation"):
        add_source("--kind", "feed", "--url", "https://example.org/feed")


def test_set_organisation_creates_then_renames(db):
    output = run("set_organisation", "HC De Vliegers") + run("set_organisation", "Hockeyclub De Vliegers")
    assert Organisation.objects.get().name == "Hockeyclub De Vliegers"
    assert output.splitlines() == [
        "Created organisation 'HC De Vliegers'.",
        "Renamed organisation 'Hockeyclub De Vliegers'.",
    ]


def test_import_opml_adds_each_feed_once_and_names_what_it_refused(organisation):
    path = str(Path(__file__).resolve().parent.parent / "data" / "subscriptions.opml")
    with pytest.raises(CommandError, match="1 feeds were refused") as caught:
        run("import_opml", path)
    assert caught.value.returncode == 1
    kinds = dict(Source.objects.values_list("name", "kind"))
    assert kinds == {"Alert De Dolfijnen": "google_alerts", "Zwemmen op Mastodon": "mastodon", "Buurtblog": "feed"}

    with pytest.raises(CommandError):
        run("import_opml", path)
    assert Source.objects.count() == 3


def test_import_opml_reports_skips_and_refusals_line_by_line(organisation):
    path = str(Path(__file__).resolve().parent.parent / "data" / "subscriptions.opml")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_opml", path, stdout=out)
    with pytest.raises(CommandError):
        call_command("import_opml", path, stdout=out)
    lines = out.getvalue().splitlines()
    assert "refused: ftp://intranet.local/feed: Alleen http- en https-adressen kunnen worden opgehaald." in lines
    assert "skipped (already a source): https://buurtblog.example.nl/feed/" in lines
    assert lines[-1] == "0 added, 3 already there, 1 refused."


def test_import_opml_refuses_entity_tricks_and_non_opml(organisation, tmp_path):
    bomb = tmp_path / "bomb.opml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body>&a;</body></opml>')
    with pytest.raises(CommandError, match="declares XML entities"):
        run("import_opml", str(bomb))
    rss = tmp_path / "feed.xml"
    rss.write_bytes(sample("google_alerts.xml"))
    with pytest.raises(CommandError, match="not an OPML document"):
        run("import_opml", str(rss))
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_opml", str(tmp_path / "missing.opml"))
    assert not Source.objects.exists()


def test_export_opml_round_trips_through_import(organisation):
    SourceFactory(
        organisation=organisation, name="Alert", kind="google_alerts", url="https://www.google.com/alerts/feeds/1/2"
    )
    SourceFactory(organisation=organisation, name="Blog & co", kind="feed", url="https://blog.example.nl/feed?a=1&b=2")
    exported = run("export_opml")
    assert exported.startswith('<?xml version="1.0" encoding="utf-8"?>')
    outlines = opml_read(exported.encode())
    assert [(o.title, o.kind, o.url) for o in outlines] == [
        ("Alert", "google_alerts", "https://www.google.com/alerts/feeds/1/2"),
        ("Blog & co", "feed", "https://blog.example.nl/feed?a=1&b=2"),
    ]
