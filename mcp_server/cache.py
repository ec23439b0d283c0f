"""Response cache for graph reads, partitioned by who asked."""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import orjson

__all__ = ["ANONYMOUS", "ResponseCache", "identity_of"]

ANONYMOUS = "anonymous"


def identity_of(token: str | None) -> str:
    """The cache partition of a caller: a digest of their bearer token, never the token itself.

    Keying on the token (not on a user id read from it) means an answer is only ever served back
    to a request carrying the very credential that fetched it.
    """
    if not token:
        return ANONYMOUS
    return hashlib.sha256(token.encode()).hexdigest()


class ResponseCache:
    """A bounded LRU of graph answers, each with its own time to live."""

    def __init__(self, max_entries: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[tuple[str, str, bytes], tuple[float, Any]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(identity: str, document: str, variables: dict[str, Any]) -> tuple[str, str, bytes]:
        return identity, document, orjson.dumps(variables, option=orjson.OPT_SORT_KEYS)

    def get(self, key: tuple[str, str, bytes]) -> Any | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] <= self._clock():
            if entry is not None:
                del self._entries[key]
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry[1]

    def put(self, key: tuple[str, str, bytes], value: Any, ttl: float) -> None:
        if self.max_entries == 0 or ttl <= 0:
            return
        self._entries[key] = (self._clock() + ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()
