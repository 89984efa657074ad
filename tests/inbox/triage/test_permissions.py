"""Who may do what in the inbox, on every URL: pages, partials and triage forms alike."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inbox.triage.models import MentionEvent
from monitoring.models import Mention
from tests.factories import MentionFactory
from tests.inbox.conftest import HX, hx

pytestmark = pytest.mark.django_db

# (URL name, takes a mention id, the method it answers, what a form sends)
READS = [
    ("inbox:mention-list", False, {}),
    ("inbox:mention-facets", False, {}),
    ("inbox:mention-newer", False, {"after": "0"}),
    ("inbox:mention-detail", True, {}),
]
TRIAGE = [
    ("inbox:mention-categorise", True, {"category": "praise", "version": "0"}),
    ("inbox:mention-ignore", True, {"reason": "spam", "version": "0"}),
    ("inbox:mention-restore", True, {"version": "0"}),
    ("inbox:mention-assign", True, {"assignee": "", "version": "0"}),
    ("inbox:mention-note", True, {"text": "Even bellen"}),
    ("inbox:mention-case", True, {"title": "Klacht", "version": "0"}),
    ("inbox:mention-bulk", False, {"ids": "0", "action": "ignore", "value": "spam"}),
    ("inbox:triage-undo", False, {}),
]
PRESENCE = [("inbox:mention-presence", True, {"state": "viewing"})]
EVERY = [(name, takes_id, data, "get") for name, takes_id, data in READS] + [
    (name, takes_id, data, "post") for name, takes_id, data in TRIAGE + PRESENCE
]


@pytest.fixture
def mention(source) -> Mention:
    return MentionFactory(source=source, title="Vertrouwelijk bericht")


def url_for(name: str, takes_id: bool, mention: Mention) -> str:
    return reverse(name, args=[mention.id] if takes_id else [])


def send(client, method: str, url: str, data: dict[str, str], mention: Mention, headers: dict[str, str] | None = None):
    data = {key: str(mention.id) if key == "ids" else value for key, value in data.items()}
    return getattr(client, method)(url, data, headers=headers or {})


@pytest.mark.parametrize(("name", "takes_id", "data", "method"), EVERY)
def test_anonymous_visitors_are_sent_to_sign_in(client_for, mention, name, takes_id, data, method):
    response = send(client_for(None), method, url_for(name, takes_id, mention), data, mention)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("headers", [{}, HX, hx("mention-detail")])
@pytest.mark.parametrize(("name", "takes_id", "data", "method"), EVERY)
def test_users_without_a_role_get_403_everywhere(
    client_for, no_role_user, mention, name, takes_id, data, method, headers
):
    response = send(client_for(no_role_user), method, url_for(name, takes_id, mention), data, mention, headers)
    assert response.status_code == 403
    assert mention.title.encode() not in response.content
    assert MentionEvent.objects.count() == 0


@pytest.mark.parametrize(("name", "takes_id", "data"), READS)
def test_the_board_reads(client_for, board_member, mention, name, takes_id, data):
    response = client_for(board_member).get(url_for(name, takes_id, mention), data)
    assert response.status_code == 200


@pytest.mark.parametrize("headers", [{}, HX])
@pytest.mark.parametrize(("name", "takes_id", "data"), TRIAGE)
def test_the_board_may_not_triage(client_for, board_member, mention, name, takes_id, data, headers):
    response = send(client_for(board_member), "post", url_for(name, takes_id, mention), data, mention, headers)
    assert response.status_code == 403
    mention.refresh_from_db()
    assert (mention.status, mention.version) == ("new", 0)
    assert MentionEvent.objects.count() == 0


def test_the_board_shows_up_as_present(client_for, board_member, mention):
    response = client_for(board_member).post(url_for("inbox:mention-presence", True, mention), {"state": "viewing"})
    assert response.status_code == 200


@pytest.mark.parametrize("role_user", ["staff_member", "manager"])
@pytest.mark.parametrize(("name", "takes_id", "data"), TRIAGE)
def test_staff_and_managers_triage(client_for, request, mention, role_user, name, takes_id, data):
    user = request.getfixturevalue(role_user)
    client = client_for(user)
    if name == "inbox:triage-undo":
        send(client, "post", url_for("inbox:mention-ignore", True, mention), {"reason": "spam"}, mention)
    if name == "inbox:mention-restore":
        Mention.objects.filter(id=mention.id).update(status="ignored", ignore_reason="spam")

    response = send(client, "post", url_for(name, takes_id, mention), data, mention)

    assert response.status_code == 302
    last = MentionEvent.objects.order_by("-id").first()
    assert last is not None
    assert last.actor == user


@pytest.mark.parametrize(("name", "takes_id", "data", "method"), EVERY)
def test_other_methods_are_refused(client_for, staff_member, mention, name, takes_id, data, method):
    client = client_for(staff_member)
    url = url_for(name, takes_id, mention)
    wrong = ["post", "put", "delete"] if method == "get" else ["get", "put", "delete"]
    for other in wrong:
        assert getattr(client, other)(url).status_code == 405, other
    assert MentionEvent.objects.count() == 0


@pytest.mark.parametrize(("name", "data", "method"), [(n, d, m) for n, t, d, m in EVERY if t])
def test_an_unknown_mention_is_not_found(client_for, staff_member, mention, name, data, method):
    response = getattr(client_for(staff_member), method)(reverse(name, args=[mention.id + 1000]), data)
    assert response.status_code == 404
