from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Organisation, User
from accounts.selectors import user_roles
from monitoring.feeds.parse import feed_parse
from monitoring.models import Source

pytestmark = pytest.mark.django_db


def demo_setup() -> str:
    out = StringIO()
    call_command("demo_setup", "--base-url", "http://127.0.0.1:8123", stdout=out)
    return out.getvalue()


def test_demo_setup_creates_an_organisation_people_in_each_role_and_sources():
    output = demo_setup()

    assert Organisation.objects.get().name == "Zwemvereniging De Dolfijnen"
    for username, role in [("board", "board"), ("manager", "manager"), ("staff", "staff")]:
        user = User.objects.get(username=username)
        assert [r.value for r in user_roles(user)] == [role]
        password = output.split(f"{username} ")[1].split("password: ")[1].split()[0]
        assert user.check_password(password)
    assert sorted(Source.objects.values_list("url", flat=True)) == [
        "http://127.0.0.1:8123/demo/feeds/google-alerts.xml",
        "http://127.0.0.1:8123/demo/feeds/ouderforum.xml",
    ]


def test_the_demo_club_has_a_webcare_owner_a_deputy_and_the_default_playbook():
    demo_setup()

    organisation = Organisation.objects.get()
    assert organisation.webcare_owner == User.objects.get(username="staff")
    assert organisation.webcare_deputy == User.objects.get(username="manager")
    assert organisation.reply_templates.filter(purpose="acknowledge", language="nl").exists()
    assert organisation.house_rules.exists()


def test_the_demo_club_is_open_on_weekday_evenings_and_saturday_morning():
    from inbox.targets.selectors import plan_of

    demo_setup()

    schedule = plan_of(Organisation.objects.get().id).schedule
    assert [(b.weekday, b.starts.hour, b.ends.hour) for b in schedule.blocks] == [
        *((day, 18, 22) for day in range(5)),
        (5, 8, 14),
    ]


def test_demo_setup_runs_only_once():
    demo_setup()
    second = demo_setup()
    assert "already there" in second
    assert "password" not in second
    assert User.objects.count() == 3
    assert Source.objects.count() == 2


def test_the_demo_feed_is_served_without_a_sign_in_and_parses(client):
    response = client.get(reverse("monitoring:demo-feed", args=["google-alerts"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml"
    feed = feed_parse(response.content, url="http://127.0.0.1/demo/feeds/google-alerts.xml")
    assert len(feed.entries) == 6
    assert all(entry.published_at for entry in feed.entries)
    assert feed.entries[0].url.startswith("https://www.buurtnieuws.example/")


def test_the_demo_feed_answers_304_to_its_own_etag(client):
    url = reverse("monitoring:demo-feed", args=["ouderforum"])
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_the_demo_feed_is_gone_when_the_demo_is_off(client, settings):
    settings.WEBCARE_DEMO = False
    assert client.get(reverse("monitoring:demo-feed", args=["google-alerts"])).status_code == 404


def test_an_unknown_demo_feed_is_not_found(client):
    assert client.get(reverse("monitoring:demo-feed", args=["passwords"])).status_code == 404


def test_every_demo_post_becomes_a_mention_even_replies_in_one_thread(client, feed_server, organisation):
    from monitoring.models import Mention
    from monitoring.services.poll import source_poll
    from tests.factories import SourceFactory
    from tests.feedserver import Reply

    body = client.get(reverse("monitoring:demo-feed", args=["ouderforum"])).content
    source = SourceFactory(organisation=organisation, url=feed_server.serve("/forum.xml", Reply(body)))

    outcome = source_poll(source_id=source.id)

    assert outcome.new == 3
    assert Mention.objects.filter(title="Re: Ervaringen met zwemclubs in de buurt?").count() == 2


def test_the_demo_club_has_three_months_of_mentions_and_timed_cases_once():
    from inbox.cases.models import Case, CaseEvent

    demo_setup()
    demo_setup()

    from monitoring.models import Mention

    assert Mention.objects.count() == 120
    cases = Case.objects.all()
    assert cases.count() == 40
    assert cases.filter(first_response_took__isnull=False).count() >= 30
    assert cases.filter(resolution_took__isnull=False).count() >= 20
    assert cases.filter(status=Case.Status.PRIVATE).exists()
    assert cases.filter(waiting_since__isnull=False).exists() or cases.filter(status="private").count() >= 3
    assert CaseEvent.objects.filter(action="reopened").count() == 3
    assert {case.assignee.username for case in cases} == {"staff", "manager"}
    for case in cases.exclude(first_response_at=None):
        assert case.first_response_took is not None
        assert case.first_response_due_at is not None
    late = [
        case for case in cases.exclude(first_response_at=None) if case.first_response_at > case.first_response_due_at
    ]
    assert 0 < len(late) < 20
