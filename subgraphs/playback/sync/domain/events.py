"""Sync changes as plain JSON: to sockets over pub/sub, and as events to other subgraphs."""

from __future__ import annotations

import uuid
from typing import Any

from subgraphs.common import contracts
from subgraphs.playback.sync.domain.changes import (
    PreferenceChanged,
    ProgressChanged,
    SyncChange,
    WatchlistAdded,
    WatchlistRemoved,
)

__all__ = [
    "SYNC_PROGRESS_REPORTED",
    "SYNC_WATCHLIST_CHANGED",
    "change_payload",
    "stream_event",
]

SYNC_WATCHLIST_CHANGED = contracts.SYNC_WATCHLIST_CHANGED.name
SYNC_PROGRESS_REPORTED = contracts.SYNC_PROGRESS_REPORTED.name
_NAMESPACE = uuid.UUID("0b6f1f0e-41c6-4d0c-a5e5-3d0f6f0c9a71")


def change_payload(change: SyncChange) -> dict[str, Any]:
    """One decoded change, shaped like the `SyncEvent` GraphQL type (snake case)."""
    if isinstance(change, WatchlistAdded):
        return {"kind": "WATCHLIST_ADDED", "title_id": change.title_id}
    if isinstance(change, WatchlistRemoved):
        return {"kind": "WATCHLIST_REMOVED", "title_id": change.title_id}
    if isinstance(change, ProgressChanged):
        p = change.progress
        return {
            "kind": "PROGRESS_CHANGED", "title_id": p.title_id,
            "position_seconds": p.position_seconds, "duration_seconds": p.duration_seconds,
            "completed": p.completed, "hlc": p.hlc.encode(), "device_id": p.device_id,
        }
    assert isinstance(change, PreferenceChanged)
    pref = change.preference
    return {
        "kind": "PREFERENCE_CHANGED", "name": pref.name, "value": pref.value,
        "hlc": pref.hlc.encode(), "device_id": pref.hlc.node,
    }


def stream_event(
    user_id: uuid.UUID, change: SyncChange, at: str
) -> tuple[str, str, dict[str, Any]] | None:
    """(type, id, payload) of the event that tells the users subgraph about a device's change.

    Ids are derived from the change, so a redelivered or republished event is recognisable.
    """
    if isinstance(change, WatchlistAdded | WatchlistRemoved):
        action = "added" if isinstance(change, WatchlistAdded) else "removed"
        return SYNC_WATCHLIST_CHANGED, str(uuid.uuid4()), {
            "user_id": str(user_id), "title_id": change.title_id, "action": action, "at": at,
        }
    if isinstance(change, ProgressChanged):
        p = change.progress
        event_id = uuid.uuid5(_NAMESPACE, f"{user_id}:{p.title_id}:{p.hlc.encode()}")
        return SYNC_PROGRESS_REPORTED, str(event_id), {
            "event_id": str(event_id), "user_id": str(user_id), "title_id": p.title_id,
            "progress": round(p.fraction, 4), "completed": p.completed,
            "position_seconds": p.position_seconds, "duration_seconds": p.duration_seconds,
            "device_id": p.device_id, "hlc": p.hlc.encode(), "at": at,
        }
    return None
