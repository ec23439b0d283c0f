"""Hybrid logical clocks: wall milliseconds plus a counter, with a node to break ties.

A stamp is written as `<wall ms, 13 hex>.<counter, 4 hex>.<node>`, so stamps from one node sort
as strings too; across nodes compare `Hlc` values, whose order ends with the node (the device id).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Clock", "Hlc", "InvalidHlc"]

_MAX_COUNTER = 0xFFFF
_MAX_NODE = 64


class InvalidHlc(ValueError):
    """A stamp that does not parse."""


@dataclass(frozen=True, order=True)
class Hlc:
    wall_ms: int
    counter: int
    node: str

    def encode(self) -> str:
        return f"{self.wall_ms:013x}.{self.counter:04x}.{self.node}"

    @classmethod
    def decode(cls, text: object) -> Hlc:
        if not isinstance(text, str):
            raise InvalidHlc(f"not a clock stamp: {text!r}")
        parts = text.split(".", 2)
        if len(parts) != 3 or len(parts[0]) != 13 or len(parts[1]) != 4:
            raise InvalidHlc(f"not a clock stamp: {text!r}")
        try:
            wall, counter = int(parts[0], 16), int(parts[1], 16)
        except ValueError:
            raise InvalidHlc(f"not a clock stamp: {text!r}") from None
        if not 0 < len(parts[2]) <= _MAX_NODE:
            raise InvalidHlc(f"a clock's node has 1 to {_MAX_NODE} characters: {text!r}")
        return cls(wall, counter, parts[2])

    def __str__(self) -> str:
        return self.encode()


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


class Clock:
    """One node's clock: `now()` never goes backwards and is after everything `observe`d."""

    def __init__(self, node: str, wall: Callable[[], int] = _wall_ms) -> None:
        self.node = node
        self._wall = wall
        self._last = Hlc(0, 0, node)

    def now(self) -> Hlc:
        wall = self._wall()
        if wall > self._last.wall_ms:
            stamp = Hlc(wall, 0, self.node)
        else:
            stamp = self._bump(self._last.wall_ms, self._last.counter)
        self._last = stamp
        return stamp

    def observe(self, remote: Hlc) -> None:
        """Move past a stamp seen from another node, so the next local stamp orders after it."""
        if (remote.wall_ms, remote.counter) > (self._last.wall_ms, self._last.counter):
            self._last = Hlc(remote.wall_ms, remote.counter, self.node)

    def _bump(self, wall: int, counter: int) -> Hlc:
        # A counter overflow borrows a millisecond from the future instead of wrapping.
        if counter >= _MAX_COUNTER:
            return Hlc(wall + 1, 0, self.node)
        return Hlc(wall, counter + 1, self.node)
