"""A Redis that is down makes the cache miss and skip writes: pages keep working."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.factories import MentionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings, free_tcp_port) -> None:
    """The cache pointed at a port where nothing listens, as when Redis is down."""
    settings.CACHES = {
        "default": {
            "BACKEND": "webcare.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_tcp_port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
        "fragments": settings.CACHES["fragments"],
    }


def test_the_inbox_and_a_mention_still_open_when_redis_is_down(redis_down, client_for, staff_member, caplog):
    mention = MentionFactory(title="Het zwembad was dicht")
    client = client_for(staff_member)
    with caplog.at_level(logging.WARNING, logger="webcare.cache"):
        inbox = client.get(reverse("inbox:mention-list") + "?view=all")
        detail = client.get(reverse("inbox:mention-detail", args=[mention.id]))
        presence = client.post(reverse("inbox:mention-presence", args=[mention.id]), {"state": "viewing"})
    assert inbox.status_code == 200
    assert "Het zwembad was dicht" in inbox.content.decode()
    assert detail.status_code == 200
    assert presence.status_code == 200
    assert "The cache (Redis) is unreachable" in caplog.text


def test_reads_miss_and_writes_are_skipped_when_redis_is_down(redis_down):
    cache.set("greeting", "hallo")
    assert cache.get("greeting", "missing") == "missing"
    assert cache.get_many(["greeting"]) == {}
    cache.delete("greeting")


def test_locks_still_say_so_when_redis_is_down(redis_down):
    # A fetch slot taken while Redis is down must not pass for a "no": the caller hears of the fault.
    with pytest.raises(RedisConnectionError):
        cache.add("slot", 1)


def test_the_cache_works_as_usual_when_redis_is_up(settings, redis_url):
    settings.CACHES = {
        "default": {"BACKEND": "webcare.cache.ResilientRedisCache", "LOCATION": redis_url, "KEY_PREFIX": "test-cache"}
    }
    cache.set("greeting", "hallo", 30)
    assert cache.get("greeting") == "hallo"
    cache.delete("greeting")
    assert cache.get("greeting") is None
