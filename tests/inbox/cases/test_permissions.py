"""Who may do what with cases, on every case URL: reading, every step, and the admin that never deletes."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from inbox.cases import learning as learning
from inbox.cases import replies as replies
from inbox.cases.models import Case, CaseEvent, ImprovementAction, Reply
from inbox.triage import services as triage_services
from monitoring.models import Mention
from tests.factories import MentionFactory

pytestmark = pytest.mark.django_db

SECRET = "Vertrouwelijke klacht over de badmeester"

# (URL name, what the id is, what a form sends)
READS = [
    ("inbox:case-list", None, {}),
    ("inbox:improvement-list", None, {}),
    ("inbox:case-detail", "case", {}),
]
STEPS = [
    ("inbox:case-update", "case", {"title": "Nieuw", "priority": "high", "version": "0"}),
    ("inbox:case-private", "case", {"version": "0"}),
    ("inbox:case-resolve", "case", {"kind": "apology", "version": "0"}),
    ("inbox:case-close", "case", {"skipped_because": "Klaar", "version": "0"}),
    ("inbox:case-reopen", "case", {"version": "0"}),
    ("inbox:case-note", "case", {"text": "Even bellen"}),
    ("inbox:reply-add", "case", {"channel": "email", "text": "Gemaild", "submission_key": str(uuid.uuid4())}),
    ("inbox:improvement-add", "case", {"description": "Rooster online", "owner": ""}),
    ("inbox:removal-add", "case", {"reason": "threat", "platform": "Facebook"}),
    ("inbox:improvement-update", "improvement", {"state": "done"}),
    ("inbox:reply-request-approval", "reply", {}),
    ("inbox:reply-approve", "reply", {"decision": "approve"}),
    ("inbox:reply-posted", "reply", {"link": "https://x.example/1"}),
]
EVERY = [(name, kind, data, "get") for name, kind, data in READS] + [
    (name, kind, data, "post") for name, kind, data in STEPS
]


@pytest.fixture
def world(source, staff_member, manager):
    mention: Mention = MentionFactory(source=source, title=SECRET, author="Karin")
    case = triage_services.case_open(actor=staff_member, mention_id=mention.id, title=SECRET)
    reply = replies.reply_save(
        actor=staff_member, case_id=case.id, channel="public", text="Dank je", submission_key=uuid.uuid4()
    ).reply
    improvement = learning.improvement_add(
        actor=staff_member, case_id=case.id, description=SECRET, owner_id=staff_member.id
    )
    return {"case": case, "reply": reply, "improvement": improvement}


def url_for(name: str, kind: str | None, world: dict) -> str:
    return reverse(name, args=[world[kind].id] if kind else [])


def data_for(data: dict[str, str], user) -> dict[str, str]:
    return {key: str(user.id) if key == "owner" and user else value for key, value in data.items()}


def audit_rows() -> int:
    return CaseEvent.objects.count()


@pytest.mark.parametrize(("name", "kind", "data", "method"), EVERY)
def test_anonymous_visitors_are_sent_to_sign_in(client_for, world, name, kind, data, method):
    before = audit_rows()
    response = getattr(client_for(None), method)(url_for(name, kind, world), data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert audit_rows() == before


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}])
@pytest.mark.parametrize(("name", "kind", "data", "method"), EVERY)
def test_users_without_a_role_get_403_everywhere(client_for, no_role_user, world, name, kind, data, method, headers):
    before = audit_rows()
    client = client_for(no_role_user)
    response = getattr(client, method)(url_for(name, kind, world), data_for(data, no_role_user), headers=headers)
    assert response.status_code == 403
    assert SECRET.encode() not in response.content
    assert audit_rows() == before


@pytest.mark.parametrize(("name", "kind", "data"), READS)
def test_the_board_reads_cases(client_for, board_member, world, name, kind, data):
    response = client_for(board_member).get(url_for(name, kind, world), data)
    assert response.status_code == 200
    assert SECRET.encode() in response.content


def test_the_board_sees_no_forms_on_the_case_page(client_for, board_member, world):
    content = client_for(board_member).get(url_for("inbox:case-detail", "case", world)).content.decode()
    assert 'id="flagged-phrases"' not in content
    assert reverse("inbox:reply-add", args=[world["case"].id]) not in content
    assert reverse("inbox:case-note", args=[world["case"].id]) not in content


@pytest.mark.parametrize(("name", "kind", "data"), STEPS)
def test_the_board_may_not_take_any_step(client_for, board_member, world, name, kind, data):
    before = audit_rows(), Case.objects.get().version, Reply.objects.get().state
    response = client_for(board_member).post(url_for(name, kind, world), data_for(data, board_member))
    assert response.status_code == 403
    assert (audit_rows(), Case.objects.get().version, Reply.objects.get().state) == before


# Steps that do not fit a new, open case (or the person) are refused with a message, never a crash.
REFUSED = {
    ("inbox:case-close", "staff_member"), ("inbox:case-close", "manager"),
    ("inbox:case-reopen", "staff_member"), ("inbox:case-reopen", "manager"),
    ("inbox:reply-approve", "staff_member"),  # its own author
}  # fmt: skip


@pytest.mark.parametrize("who", ["staff_member", "manager"])
@pytest.mark.parametrize(("name", "kind", "data"), STEPS)
def test_staff_and_managers_act(request, client_for, world, who, name, kind, data):
    user = request.getfixturevalue(who)
    before = audit_rows()
    response = client_for(user).post(url_for(name, kind, world), data_for(data, user))
    assert response.status_code == 302
    if name != "inbox:improvement-update":
        assert response["Location"] == reverse("inbox:case-detail", args=[world["case"].id])
    levels = [m.level_tag for m in response.wsgi_request._messages]
    if (name, who) in REFUSED:
        assert levels == ["error"]
        assert audit_rows() == before
    else:
        assert levels == ["success"]
        assert audit_rows() > before


@pytest.mark.parametrize(("name", "kind", "data", "method"), EVERY)
def test_the_wrong_method_gets_405(client_for, staff_member, world, name, kind, data, method):
    wrong = "post" if method == "get" else "get"
    response = getattr(client_for(staff_member), wrong)(url_for(name, kind, world), data)
    assert response.status_code == 405


@pytest.mark.parametrize(("name", "kind", "data", "method"), [url for url in EVERY if url[1]])
def test_an_unknown_case_reply_or_improvement_is_404(client_for, staff_member, world, name, kind, data, method):
    url = reverse(name, args=[987654])
    before = audit_rows()
    response = getattr(client_for(staff_member), method)(url, data_for(data, staff_member))
    assert response.status_code == 404
    assert audit_rows() == before


# Nothing is hard-deleted -------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Case, CaseEvent, Reply, ImprovementAction])
def test_the_admin_never_deletes_what_a_case_holds(admin_user, model):
    assert model in site._registry, f"{model.__name__} is not in the admin"
    request = RequestFactory().get("/")
    request.user = admin_user
    model_admin = site._registry[model]
    assert model_admin.has_delete_permission(request) is False
    assert "delete_selected" not in model_admin.get_actions(request)


def test_the_admin_never_deletes_a_removal_request(admin_user):
    from inbox.cases.models import RemovalRequest

    assert site._registry[RemovalRequest].has_delete_permission(RequestFactory().get("/")) is False


def test_the_admin_delete_page_of_a_case_is_refused(client, admin_user, world):
    client.force_login(admin_user)
    case = world["case"]
    response = client.post(reverse("admin:cases_case_delete", args=[case.id]), {"post": "yes"})
    assert response.status_code == 403
    assert Case.objects.filter(id=case.id).exists()
