"""A small bounded cache for the repositories' hot reads.

Repositories write to SQLite first and update the cache only after the commit, so the
database stays the truth: a restarted process starts with an empty cache and reads it
back. Only the bot process writes residents' language, wijk and conversation state.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")
_MISSING = object()


class LruCache(Generic[K, V]):
    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K, default: object = _MISSING) -> V | object:
        try:
            self._items.move_to_end(key)
            return self._items[key]
        except KeyError:
            return default

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        if len(self._items) > self._size:
            self._items.popitem(last=False)

    def discard(self, key: K) -> None:
        self._items.pop(key, None)

    @staticmethod
    def missing(value: object) -> bool:
        return value is _MISSING
