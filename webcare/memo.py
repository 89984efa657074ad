"""Values worked out once per key and kept in this process's memory.

Bounded by starting over when full: cheaper than tracking which entries were used last, and the pages
that use these read the same few keys all day.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._values: dict[K, V] = {}

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
