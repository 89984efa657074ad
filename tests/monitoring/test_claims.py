"""Claims on sources and fetch slots per host: both leases, taken by one worker at a time."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from monitoring.models import Source
from monitoring.services import claims
from monitoring.services.claims import CLAIM_LEASE, host_slot, sources_claim
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def test_of_two_claims_on_one_due_source_only_one_wins(organisation):
    source = SourceFactory(organisation=organisation)
    now = timezone.now()
    first = sources_claim(source_ids=[source.id], now=now)
    second = sources_claim(source_ids=[source.id], now=now)
    assert [claimed.id for claimed in first] == [source.id]
    assert second == []
    source.refresh_from_db()
    assert source.next_poll_at == now + CLAIM_LEASE


def test_two_claims_on_the_same_batch_share_nothing(organisation):
    sources = SourceFactory.create_batch(3, organisation=organisation)
    ids = [source.id for source in sources]
    now = timezone.now()

    first = sources_claim(source_ids=ids, now=now)
    second = sources_claim(source_ids=ids, now=now)
    forced = sources_claim(source_ids=ids, now=now, force=True)

    assert [source.id for source in first] == ids
    assert second == []
    assert forced == []  # "Poll now" too waits for the poll that holds them
    assert all(source.next_poll_at == now + CLAIM_LEASE for source in first)


def test_a_claim_leaves_paused_sources_out(organisation):
    active, paused = SourceFactory.create_batch(2, organisation=organisation)
    Source.objects.filter(id=paused.id).update(is_active=False)

    claimed = sources_claim(source_ids=[active.id, paused.id], now=timezone.now(), force=True)

    assert [source.id for source in claimed] == [active.id]


# Claims are leases ------------------------------------------------------------------------------------


def test_a_claim_not_finished_lapses_after_the_lease_and_not_before(organisation):
    sources = SourceFactory.create_batch(2, organisation=organisation, poll_interval_minutes=15)
    ids = [source.id for source in sources]
    claimed_at = timezone.now()
    assert len(sources_claim(source_ids=ids, now=claimed_at)) == 2  # and never finished: its worker was killed

    just_before = claimed_at + CLAIM_LEASE - timedelta(seconds=1)
    assert sources_claim(source_ids=ids, now=just_before) == []
    assert sources_claim(source_ids=ids, now=just_before, force=True) == []
    assert [source.id for source in sources_claim(source_ids=ids, now=claimed_at + CLAIM_LEASE)] == ids


def test_the_lease_is_short_and_outlasts_a_batch_by_its_time_limit():
    from webcare.celery import app

    assert timedelta(minutes=2) >= CLAIM_LEASE
    assert CLAIM_LEASE.total_seconds() > app.conf.task_time_limit > app.conf.task_soft_time_limit


def test_only_so_many_fetches_run_against_one_host_at_once(settings):

    settings.WEBCARE_FETCH_PER_HOST = 2
    with (
        host_slot("www.google.com") as first,
        host_slot("www.google.com") as second,
        host_slot("www.google.com") as third,
        host_slot("forum.example") as other_host,
    ):
        assert [slot is not None for slot in (first, second, third, other_host)] == [True, True, False, True]
    with host_slot("www.google.com") as again:
        assert again


def test_a_slot_a_dead_worker_held_frees_itself(monkeypatch, settings):

    settings.WEBCARE_FETCH_PER_HOST = 1
    monkeypatch.setattr(claims, "SLOT_LEASE_SECONDS", 1)
    held = host_slot("www.google.com")
    assert held.__enter__() is not None  # taken and never freed, as by a worker killed mid-poll
    with host_slot("www.google.com") as meanwhile:
        assert meanwhile is None
    time.sleep(1.5)
    with host_slot("www.google.com") as later:
        assert later is not None


def test_a_renewed_slot_stays_taken(monkeypatch, settings):

    settings.WEBCARE_FETCH_PER_HOST = 1
    monkeypatch.setattr(claims, "SLOT_LEASE_SECONDS", 2)
    with host_slot("www.google.com") as slot:
        for _ in range(3):
            time.sleep(1)
            slot.renew()
        with host_slot("www.google.com") as other:
            assert other is None  # three seconds on, longer than the lease: still taken
    with host_slot("www.google.com") as free:
        assert free is not None
