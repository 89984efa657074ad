"""Who else has a mention or a case open, and who is writing a reply or a note there."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from inbox import presence as inbox_presence
from monitoring.models import Mention
from tests.factories import MentionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mention(source) -> Mention:
    return MentionFactory(source=source)


def report(client, mention: Mention, state: str):
    return client.post(
        reverse("inbox:mention-presence", args=[mention.id]), {"state": state}, headers={"HX-Request": "true"}
    )


def test_two_people_on_one_mention_see_each_other(client_for, staff_member, manager, mention):
    sam, max_ = client_for(staff_member), client_for(manager)
    assert "presence-person" not in report(sam, mention, "viewing").content.decode()

    seen_by_max = report(max_, mention, "viewing").content.decode()
    seen_by_sam = report(sam, mention, "viewing").content.decode()

    assert seen_by_max.lstrip().startswith('<div id="mention-presence"')
    assert str(staff_member) in seen_by_max
    assert str(manager) in seen_by_sam
    assert str(staff_member) not in seen_by_sam.split("data-presence>", 1)[1]


def test_someone_replying_gives_a_warning(client_for, staff_member, manager, mention):
    sam, max_ = client_for(staff_member), client_for(manager)
    report(max_, mention, "replying")
    body = report(sam, mention, "viewing").content.decode()
    assert 'class="presence-warning" role="alert"' in body
    assert "is-replying" in body
    assert str(manager) in body


def test_an_unknown_state_counts_as_viewing(client_for, staff_member, manager, mention):
    report(client_for(manager), mention, "<b>typing</b>")
    body = report(client_for(staff_member), mention, "viewing").content.decode()
    assert "presence-warning" not in body
    assert "<b>typing" not in body


def test_leaving_drops_out(client_for, staff_member, manager, mention):
    sam, max_ = client_for(staff_member), client_for(manager)
    report(max_, mention, "replying")
    assert report(max_, mention, "left").status_code == 204
    assert str(manager) not in report(sam, mention, "viewing").content.decode()


def test_presence_is_per_mention(client_for, staff_member, manager, source, mention):
    report(client_for(manager), mention, "viewing")
    other = MentionFactory(source=source)
    assert str(manager) not in report(client_for(staff_member), other, "viewing").content.decode()


def test_the_detail_pane_shows_who_is_there(client_for, staff_member, manager, mention):
    report(client_for(manager), mention, "replying")
    body = client_for(staff_member).get(reverse("inbox:mention-detail", args=[mention.id])).content.decode()
    assert 'class="presence-warning" role="alert"' in body


def test_a_report_runs_out(staff_member, manager, mention, monkeypatch):
    inbox_presence.presence_report(kind=inbox_presence.MENTION, object_id=mention.id, user=manager, state="viewing")
    now = inbox_presence.time.time()
    monkeypatch.setattr(inbox_presence.time, "time", lambda: now + inbox_presence.TTL + 1)
    assert inbox_presence.presence_of(kind=inbox_presence.MENTION, object_id=mention.id, user=staff_member) == []


def test_people_who_may_not_see_mentions_are_refused(client_for, no_role_user, staff_member, manager, mention):
    report(client_for(manager), mention, "viewing")
    response = report(client_for(no_role_user), mention, "viewing")
    assert response.status_code == 403
    assert str(manager).encode() not in response.content
    assert [
        p.user_id
        for p in inbox_presence.presence_of(kind=inbox_presence.MENTION, object_id=mention.id, user=staff_member)
    ] == [manager.id]


def test_it_refuses_other_methods_and_unknown_mentions(client_for, staff_member, mention):
    client = client_for(staff_member)
    assert client.get(reverse("inbox:mention-presence", args=[mention.id])).status_code == 405
    assert report(client, Mention(id=mention.id + 999), "viewing").status_code == 404


def test_it_works_on_the_real_cache(settings, redis_url, staff_member, manager, mention):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    inbox_presence.presence_report(kind=inbox_presence.MENTION, object_id=mention.id, user=manager, state="replying")
    try:
        [other] = inbox_presence.presence_of(kind=inbox_presence.MENTION, object_id=mention.id, user=staff_member)
        assert (other.user_id, other.is_replying) == (manager.id, True)
    finally:
        inbox_presence.presence_leave(kind=inbox_presence.MENTION, object_id=mention.id, user=manager)


# The case page -----------------------------------------------------------------------------------------


@pytest.fixture
def case(staff_member, mention):
    from inbox.triage import services

    return services.case_open(actor=staff_member, mention_id=mention.id, title="Geen badmeester")


def report_on_case(client, case, state: str):
    return client.post(reverse("inbox:case-presence", args=[case.id]), {"state": state}, headers={"HX-Request": "true"})


def test_two_people_on_one_case_see_each_other(client_for, staff_member, manager, case):
    sam, max_ = client_for(staff_member), client_for(manager)
    assert "presence-person" not in report_on_case(sam, case, "viewing").content.decode()
    seen_by_max = report_on_case(max_, case, "viewing").content.decode()
    assert seen_by_max.lstrip().startswith('<div id="case-presence"')
    assert f"{staff_member} kijkt mee" in seen_by_max


def test_someone_writing_a_reply_on_the_case_gives_a_warning(client_for, staff_member, manager, case):
    report_on_case(client_for(manager), case, "replying")
    body = report_on_case(client_for(staff_member), case, "viewing").content.decode()
    assert 'class="presence-warning" role="alert"' in body
    assert f"{manager} schrijft een reactie" in body


def test_someone_writing_a_note_is_said_so_without_a_warning(client_for, staff_member, manager, case, mention):
    report_on_case(client_for(manager), case, "noting")
    report(client_for(manager), mention, "noting")
    for body in (
        report_on_case(client_for(staff_member), case, "viewing").content.decode(),
        report(client_for(staff_member), mention, "viewing").content.decode(),
    ):
        assert f"{manager} schrijft een notitie" in body
        assert "presence-warning" not in body
        assert "schrijft een reactie" not in body


def test_a_case_and_its_mention_keep_their_own_presence(client_for, staff_member, manager, case, mention):
    report(client_for(manager), mention, "replying")
    body = report_on_case(client_for(staff_member), case, "viewing").content.decode()
    assert str(manager) not in body


def test_the_case_page_shows_who_is_there_and_marks_what_is_written(client_for, staff_member, manager, case):
    report_on_case(client_for(manager), case, "replying")
    body = client_for(staff_member).get(reverse("inbox:case-detail", args=[case.id])).content.decode()
    assert f'hx-post="{reverse("inbox:case-presence", args=[case.id])}"' in body
    assert 'class="presence-warning" role="alert"' in body
    assert re.search(r'<textarea id="reply-text"[^>]*data-writing="replying"', body)
    assert re.search(r'<textarea id="case-note"[^>]*data-writing="noting"', body)


def test_leaving_a_case_drops_out(client_for, staff_member, manager, case):
    report_on_case(client_for(manager), case, "replying")
    assert report_on_case(client_for(manager), case, "left").status_code == 204
    assert str(manager) not in report_on_case(client_for(staff_member), case, "viewing").content.decode()


def test_case_presence_is_refused_to_people_without_a_role(client_for, no_role_user, manager, case):
    report_on_case(client_for(manager), case, "viewing")
    response = report_on_case(client_for(no_role_user), case, "viewing")
    assert response.status_code == 403
    assert str(manager).encode() not in response.content


def test_case_presence_refuses_other_methods_and_unknown_cases(client_for, board_member, case):
    client = client_for(board_member)
    assert client.get(reverse("inbox:case-presence", args=[case.id])).status_code == 405
    assert client.post(reverse("inbox:case-presence", args=[case.id + 999]), {"state": "viewing"}).status_code == 404
    # The board reads cases, so it is seen there too.
    assert report_on_case(client, case, "viewing").status_code == 200
