"""Values worked out once per key and kept in this process's memory.

Bounded by starting over when full: cheaper than tracking which entries were used last, and the pages
that use these read the same few keys all day.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    _every: weakref.WeakSet[Memo[Any, Any]] = weakref.WeakSet()

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: dict[K, V] = {}
        Memo._every.add(self)

    @classmethod
    def clear_every(cls) -> None:
        """Forget what every memo of this process keeps (a test starts from an empty world)."""
        for memo in list(cls._every):
            memo.clear()

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The value kept for ``key``, or ``make()`` kept from now on."""
        try:
            return self._values[key]
        except KeyError:
            pass
        value = make()
        if len(self._values) >= self.size:
            self._values.clear()
        self._values[key] = value
        return value

    def clear(self) -> None:
        self._values.clear()
