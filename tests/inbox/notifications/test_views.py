"""The notifications page: reading it changes nothing; opening one, or saying all are read, does."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inbox.notifications.models import Notification
from inbox.notifications.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(staff_member, manager):
    def tell(person, text: str, url: str) -> Notification:
        notify(person, manager, kind=Notification.Kind.NAMED, url=url, text=text)
        return Notification.objects.get(recipient=person, text=text)

    return tell


def unread(person) -> int:
    return Notification.objects.filter(recipient=person, read_at__isnull=True).count()


def test_reading_the_list_marks_nothing_as_seen(client_for, staff_member, told):
    told(staff_member, "Kijk je mee?", "/inbox/cases/1/")
    response = client_for(staff_member).get(reverse("inbox:notification-list"))
    assert response.status_code == 200
    assert "Kijk je mee?" in response.text
    assert response.text.count(f'action="{reverse("inbox:notification-read")}"') == 2  # open it, or all read
    assert unread(staff_member) == 1


def test_opening_one_marks_it_seen_and_goes_to_its_page(client_for, staff_member, told):
    first = told(staff_member, "Eerste", "/inbox/cases/7/")
    told(staff_member, "Tweede", "/inbox/cases/8/")
    response = client_for(staff_member).post(reverse("inbox:notification-read"), {"id": first.id})
    assert (response.status_code, response["Location"]) == (302, "/inbox/cases/7/")
    first.refresh_from_db()
    assert first.read_at is not None
    assert unread(staff_member) == 1  # the other one waits


@pytest.mark.parametrize("sent", ["someone else's", "987654", "-1", "abc", "9" * 30])
def test_another_persons_or_an_unknown_one_opens_nothing(client_for, staff_member, told, sent):
    other = UserFactory(username="kim-collega", role="staff")
    theirs = told(other, "Voor Kim", "/inbox/cases/9/")
    number = str(theirs.id) if sent == "someone else's" else sent
    response = client_for(staff_member).post(reverse("inbox:notification-read"), {"id": number})
    assert (response.status_code, response["Location"]) == (302, reverse("inbox:notification-list"))
    assert unread(other) == 1


def test_all_can_be_marked_read_at_once_and_only_ones_own(client_for, staff_member, told):
    other = UserFactory(username="kim-collega", role="staff")
    told(staff_member, "Een", "/inbox/cases/1/")
    told(staff_member, "Twee", "/inbox/cases/2/")
    told(other, "Voor Kim", "/inbox/cases/3/")
    response = client_for(staff_member).post(reverse("inbox:notification-read"))
    assert response.status_code == 302
    assert (unread(staff_member), unread(other)) == (0, 1)


def test_a_notification_points_only_at_a_page_of_this_site(staff_member, manager):
    for url in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        with pytest.raises(ValueError, match="page of this site"):
            notify(staff_member, manager, kind=Notification.Kind.NAMED, url=url, text="x")
    assert not Notification.objects.exists()


def test_a_key_is_told_once(staff_member, manager):
    for _ in range(2):
        notify(staff_member, manager, kind="approval_asked", url="/inbox/cases/1/", text="x", dedupe_key="r:1")
    assert Notification.objects.filter(recipient=staff_member).count() == 1
