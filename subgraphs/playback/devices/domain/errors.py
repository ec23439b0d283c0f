"""Playback's domain errors."""

from __future__ import annotations

from subgraphs.common.errors import BadInput, Conflict, NotFound

__all__ = [
    "DeviceLimitReached",
    "DeviceNotFound",
    "InvalidCapabilities",
    "InvalidDeviceName",
    "InvalidDuration",
    "InvalidPosition",
    "SessionNotFound",
]


class DeviceNotFound(NotFound):
    def __init__(self, device_id: object) -> None:
        super().__init__(f"No device with id {device_id}.", id=device_id)


class SessionNotFound(NotFound):
    def __init__(self, session_id: object) -> None:
        super().__init__(f"No playback session with id {session_id}.", id=session_id)


class DeviceLimitReached(Conflict):
    def __init__(self, limit: int) -> None:
        super().__init__(
            f"A user can have at most {limit} devices: remove one first.", limit=limit
        )


class InvalidDeviceName(BadInput):
    def __init__(self, limit: int) -> None:
        super().__init__(f"A device name must have 1 to {limit} characters.", field="name")


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


class InvalidCapabilities(BadInput):
    def __init__(self, limit: int, length: int) -> None:
        super().__init__(
            f"Capability lists take at most {limit} entries of 1 to {length} characters.",
            field="capabilities",
        )
