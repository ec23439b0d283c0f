"""Yjs state vectors: lib0's encoding decoded, and whether one state covers another."""

from __future__ import annotations

from collections.abc import Mapping

from subgraphs.playback.sync.domain.doc_schema import InvalidUpdate

__all__ = ["decode_state_vector", "is_covered"]


def decode_state_vector(vector: bytes) -> dict[int, int]:
    """`{client id: next clock}` from lib0's encoding (a count, then pairs of var-uints)."""
    position = 0

    def varuint() -> int:
        nonlocal position
        result, shift = 0, 0
        while True:
            if position >= len(vector):
                raise InvalidUpdate("truncated state vector")
            byte = vector[position]
            position += 1
            result |= (byte & 0x7F) << shift
            if byte < 0x80:
                return result
            shift += 7
            if shift > 63:
                raise InvalidUpdate("malformed state vector")

    count = varuint()
    out = {}
    for _ in range(count):
        client, clock = varuint(), varuint()
        if clock:  # yrs lists a client whose updates wait for their causal past with clock 0
            out[client] = clock
    if position != len(vector):
        raise InvalidUpdate("trailing bytes after the state vector")
    return out


def is_covered(have: Mapping[int, int], need: Mapping[int, int]) -> bool:
    """True when a peer at state `have` already holds everything up to state `need`."""
    return all(have.get(client, 0) >= clock for client, clock in need.items())
