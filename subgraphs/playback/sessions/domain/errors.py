"""Errors of playback sessions: unknown, or a position outside the title."""

from __future__ import annotations

from subgraphs.common.errors import BadInput, NotFound

__all__ = ["InvalidDuration", "InvalidPosition", "SessionNotFound"]


class SessionNotFound(NotFound):
    def __init__(self, session_id: object) -> None:
        super().__init__(f"No playback session with id {session_id}.", id=session_id)


class InvalidPosition(BadInput):
    def __init__(self, position: int, duration: int) -> None:
        super().__init__(
            f"`positionSeconds` must be between 0 and the duration {duration}, got {position}.",
            field="positionSeconds",
        )


class InvalidDuration(BadInput):
    def __init__(self, duration: int) -> None:
        super().__init__(
            f"`durationSeconds` must be positive, got {duration}.", field="durationSeconds"
        )
