"""Links people store on a case: only web addresses are kept, and none is ever live unless it is one."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from inbox.cases import learning as learning
from inbox.cases import replies as replies
from inbox.cases.models import Case, Reply
from monitoring.models import Mention
from tests.inbox.cases.conftest import page, resolved

pytestmark = pytest.mark.django_db


# Stored links ------------------------------------------------------------------------------------------


def live_hrefs(content: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', content)


def test_links_stored_around_the_checks_are_never_live_on_the_case_page(client_for, staff_member, manager, case):
    """Rows written before links were checked, or by any other way in, render as plain text."""
    from inbox.cases.models import ImprovementAction

    Mention.objects.filter(id=case.links.get().mention_id).update(url="javascript:alert('mention')")
    reply = replies.reply_save(
        actor=staff_member, case_id=case.id, channel="public", text="Gezien!", submission_key=uuid.uuid4()
    ).reply
    replies.reply_mark_posted(actor=staff_member, reply_id=reply.id)
    Reply.objects.filter(id=reply.id).update(link=" JaVaScRiPt:alert('reply')")
    ImprovementAction.objects.create(
        case=case, description="Rooster online", owner=manager, announced_url="data:text/html,<script>x</script>"
    )
    Case.objects.filter(id=case.id).update(
        status=Case.Status.CLOSED, closed_at=timezone.now(), public_followup_url="javascript:alert('followup')"
    )

    content = page(client_for(staff_member), case)

    scripts = [href for href in live_hrefs(content) if "script" in href.lower() or href.lower().startswith("data:")]
    assert scripts == []
    assert "JaVaScRiPt:alert(&#x27;reply&#x27;)" in content  # shown, to be looked at and fixed
    assert "<script>x</script>" not in content


def test_stored_web_addresses_are_links_that_open_apart(client_for, staff_member, manager, case):
    reply = replies.reply_save(
        actor=staff_member, case_id=case.id, channel="public", text="Gezien!", submission_key=uuid.uuid4()
    ).reply
    replies.reply_mark_posted(actor=staff_member, reply_id=reply.id, link="https://x.example/status/1")
    content = page(client_for(staff_member), case)
    assert '<a href="https://x.example/status/1" target="_blank" rel="noopener noreferrer nofollow">' in content


def test_a_closed_case_links_its_public_follow_up(client_for, staff_member, case):
    Case.objects.filter(id=case.id).update(
        status=Case.Status.CLOSED, closed_at=timezone.now(), public_followup_url="https://x.example/status/9"
    )
    content = page(client_for(staff_member), case)
    assert 'href="https://x.example/status/9" target="_blank" rel="noopener noreferrer nofollow"' in content


@pytest.mark.parametrize("link", ["javascript:alert(1)", "  JaVaScRiPt:alert(1)", "data:text/html,x"])
def test_closing_with_a_script_link_says_so_at_the_field_and_keeps_the_text(client_for, staff_member, case, link):
    case = resolved(staff_member, case)
    response = client_for(staff_member).post(
        reverse("inbox:case-close", args=[case.id]), {"version": str(case.version), "followup_url": link}
    )
    assert response.status_code == 200
    content = response.content.decode()
    field = re.search(r'<div class="field has-error">.*?</div>', content, re.S)
    assert field is not None
    assert 'name="followup_url"' in field.group(0)
    assert "https://" in field.group(0)  # the message says what a web address looks like
    assert f'{link.strip()}"' in field.group(0)  # what was typed is kept
    case.refresh_from_db()
    assert (case.status, case.public_followup_url) == (Case.Status.RESOLVED, "")


@pytest.mark.parametrize(
    ("data", "field_name"),
    [
        ({"link": "javascript:alert(1)"}, "link"),
        ({"link": "\tjavascript:alert(1)"}, "link"),
        ({"platform_posted_at": "0001-01-01T00:00"}, "platform_posted_at"),
        ({"platform_posted_at": "9999-12-31T23:59"}, "platform_posted_at"),
    ],
)
def test_logging_a_reply_with_a_bad_link_or_time_says_so_at_the_field(client_for, staff_member, case, data, field_name):
    reply = replies.reply_save(
        actor=staff_member, case_id=case.id, channel="public", text="Gezien!", submission_key=uuid.uuid4()
    ).reply
    response = client_for(staff_member).post(reverse("inbox:reply-posted", args=[reply.id]), data)
    assert response.status_code == 200
    content = response.content.decode()
    article = content.split(f'id="reply-{reply.id}"', 1)[1].split("</article>", 1)[0]
    field = re.search(rf'<input[^>]*name="{field_name}"[^>]*>', article)
    assert field is not None
    assert 'aria-invalid="true"' in field.group(0)
    assert f'{next(iter(data.values())).strip()}"' in field.group(0)  # what was typed is kept
    assert 'class="field-error"' in article
    reply.refresh_from_db()
    assert (reply.state, reply.link) == (Reply.State.DRAFT, "")


def test_an_improvement_announced_at_a_script_link_says_so_at_the_field(client_for, staff_member, manager, case):
    improvement = learning.improvement_add(
        actor=staff_member, case_id=case.id, description="Rooster online", owner_id=manager.id
    )
    response = client_for(staff_member).post(
        reverse("inbox:improvement-update", args=[improvement.id]),
        {"state": "done", "announced_url": "javascript:alert(1)"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    field = re.search(r'<input[^>]*name="announced_url"[^>]*>', content)
    assert field is not None
    assert 'aria-invalid="true"' in field.group(0)
    assert 'value="javascript:alert(1)"' in field.group(0)
    assert 'class="field-error"' in content
    improvement.refresh_from_db()
    assert (improvement.state, improvement.announced_url) == ("open", "")


def test_an_improvement_announced_at_a_web_address_is_saved(client_for, staff_member, manager, case):
    improvement = learning.improvement_add(
        actor=staff_member, case_id=case.id, description="Rooster online", owner_id=manager.id
    )
    response = client_for(staff_member).post(
        reverse("inbox:improvement-update", args=[improvement.id]),
        {"state": "done", "announced_url": "club.example/nieuws"},
    )
    assert response.status_code == 302
    improvement.refresh_from_db()
    assert (improvement.state, improvement.announced_url) == ("done", "https://club.example/nieuws")
