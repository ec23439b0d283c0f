"""Streams playback's sync publishes for users, the owner of watchlists and viewing history."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from subgraphs.common.contracts.base import Payload, StreamContract

__all__ = ["SYNC_PROGRESS_REPORTED", "SYNC_WATCHLIST_CHANGED", "SyncProgressReported",
           "SyncWatchlistChanged"]


class SyncWatchlistChanged(Payload):
    """A device added or removed a watchlist title through its sync document."""

    user_id: uuid.UUID
    title_id: uuid.UUID
    action: Literal["added", "removed"]
    at: datetime


class SyncProgressReported(Payload):
    """A device reported how far it played a title through its sync document."""

    event_id: uuid.UUID = Field(description="Derived from user, title and clock stamp; also the "
                                            "event's id and the viewing's users records.")
    user_id: uuid.UUID
    title_id: uuid.UUID
    progress: Annotated[float, Field(ge=0.0, le=1.0)]
    completed: bool
    position_seconds: Annotated[int, Field(ge=0)]
    duration_seconds: Annotated[int, Field(gt=0)]
    device_id: str = Field(description="The reporting device (the clock stamp's node).")
    hlc: str = Field(description="Hybrid logical clock stamp `<wall ms>.<counter>.<node>`.")
    at: datetime


SYNC_WATCHLIST_CHANGED = StreamContract(
    "sync.watchlist_changed", 1, "playback",
    "A device's watchlist change; users applies it and republishes watchlist.changed with "
    'origin "sync".', SyncWatchlistChanged)
SYNC_PROGRESS_REPORTED = StreamContract(
    "sync.progress_reported", 1, "playback",
    "A device's progress; users records the viewing once and republishes viewing.recorded with "
    'origin "sync".', SyncProgressReported)
