"""Playback sessions, with the rules that bind them."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from subgraphs.playback.sessions.domain.errors import InvalidDuration, InvalidPosition
from subgraphs.playback.sessions.domain.offers import ChosenOffer

__all__ = ["COMPLETED_FRACTION", "PlaybackSession", "PlaybackState", "check_position"]

# Past this share of the duration a title counts as watched: no resume position any more.
COMPLETED_FRACTION = 0.95


class PlaybackState(enum.StrEnum):
    PLAYING = "playing"
    PAUSED = "paused"
    BUFFERING = "buffering"
    STOPPED = "stopped"
    ENDED = "ended"


def check_position(position: int, duration: int) -> None:
    if duration <= 0:
        raise InvalidDuration(duration)
    if not 0 <= position <= duration:
        raise InvalidPosition(position, duration)


@dataclass(frozen=True)
class PlaybackSession:
    id: uuid.UUID
    user_id: uuid.UUID
    device_id: uuid.UUID
    title_id: uuid.UUID
    position_seconds: int
    duration_seconds: int
    state: PlaybackState
    updated_at: datetime
    # Which offer plays, chosen at start; None when the catalog listed none for the region.
    offer: ChosenOffer | None = None

    def __post_init__(self) -> None:
        check_position(self.position_seconds, self.duration_seconds)

    @property
    def resume_position_seconds(self) -> int | None:
        """Where to resume; None once 95 % or more is watched."""
        if self.position_seconds >= COMPLETED_FRACTION * self.duration_seconds:
            return None
        return self.position_seconds

    def moved(self, position: int, state: PlaybackState, now: datetime) -> PlaybackSession:
        return replace(self, position_seconds=position, state=state, updated_at=now)
