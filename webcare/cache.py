"""The cache: Django's Redis cache, which a Redis that is down slows down a little but never breaks.

What the web app keeps in the cache (sessions, permissions, counts, who is looking at a mention) can
always be read again from the database or left out. So when Redis cannot be reached, a read is a miss
and a write or delete is skipped, with a warning in the log; pages keep working. ``add`` and ``incr``
still raise: they are used as locks and counters (the per-host fetch slots), where a silent "no" would
be wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

T = TypeVar("T")

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _or(fallback: T, action: str, call: Callable[[], T]) -> T:
    try:
        return call()
    except UNREACHABLE as exc:
        logger.warning("The cache (Redis) is unreachable; %s skipped: %s", action, exc)
        return fallback


class _ReusedClient(RedisCacheClient):
    """Django's client builds a new redis.Redis (and its table of reply handlers) for every call; one per
    connection pool serves every call and thread as well."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[bool, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        client = self._clients.get(write)
        if client is None:
            client = self._clients[write] = super().get_client(key, write=write)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusedClient

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return _or(default, "a read", lambda: super(ResilientRedisCache, self).get(key, default, version))

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return _or({}, "a read", lambda: super(ResilientRedisCache, self).get_many(keys, version))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return _or(False, "a read", lambda: super(ResilientRedisCache, self).has_key(key, version))

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        _or(None, "a write", lambda: super(ResilientRedisCache, self).set(key, value, timeout, version))

    def set_many(self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        return _or(list(data), "a write", lambda: super(ResilientRedisCache, self).set_many(data, timeout, version))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return _or(False, "a write", lambda: super(ResilientRedisCache, self).touch(key, timeout, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return _or(False, "a delete", lambda: super(ResilientRedisCache, self).delete(key, version))

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        _or(None, "a delete", lambda: super(ResilientRedisCache, self).delete_many(keys, version))
