"""What the sync log's rows say a device lacks, and how compaction folds them.

An ordinary row lists the keys its update touched (`{"watchlist": [...], ...}`) beside the
clock it brought each writer to. Compaction folds many rows into one summary; a union of their
keys would tell a device that missed one change about every key in the history. The summary
keeps instead, under `"keyed"`, for each key the greatest clock any folded row that touched it
reached, per writer: a device at state `have` lacks a write to the key exactly when `have` does
not cover that clock (coverage is per writer, so the greatest per writer stands for them all).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from subgraphs.playback.sync.domain.changes import Touched
from subgraphs.playback.sync.domain.state_vector import is_covered

__all__ = ["fold", "lacking"]

_KINDS = ("watchlist", "progress", "preferences")
Keyed = dict[str, dict[str, dict[str, int]]]


def _keyed(touched: Mapping[str, Any], clock: Mapping[int, int]) -> Keyed:
    """A row's keys with their clocks (a summary already has them)."""
    if "keyed" in touched:
        return {kind: {key: dict(c) for key, c in keys.items()}
                for kind, keys in touched["keyed"].items()}
    stamp = {str(client): value for client, value in clock.items()}
    return {kind: {key: dict(stamp) for key in touched.get(kind, ())} for kind in _KINDS}


def fold(rows: Iterable[tuple[Mapping[str, Any], Mapping[int, int]]]) -> dict[str, Any]:
    """The summary `touched` of rows given as (touched, clock), oldest first."""
    out: Keyed = {kind: {} for kind in _KINDS}
    for touched, clock in rows:
        for kind, keys in _keyed(touched, clock).items():
            for key, stamp in keys.items():
                known = out.setdefault(kind, {}).setdefault(key, {})
                for client, value in stamp.items():
                    known[client] = max(known.get(client, 0), value)
    return {"keyed": out}


def lacking(touched: Mapping[str, Any], have: Mapping[int, int]) -> Touched:
    """The keys of a row whose writes a device at state `have` does not hold."""
    if "keyed" not in touched:
        return Touched.from_json(touched)
    out = Touched()
    for kind, keys in touched["keyed"].items():
        wanted = getattr(out, kind, None)
        if wanted is None:
            continue
        for key, stamp in keys.items():
            if not is_covered(have, {int(client): value for client, value in stamp.items()}):
                wanted.add(key)
    return out
