"""Errors of devices: unknown, one too many, a bad name or capability list."""

from __future__ import annotations

from subgraphs.common.errors import BadInput, Conflict, NotFound

__all__ = [
    "DeviceLimitReached",
    "DeviceNotFound",
    "InvalidCapabilities",
    "InvalidDeviceName",
]


class DeviceNotFound(NotFound):
    def __init__(self, device_id: object) -> None:
        super().__init__(f"No device with id {device_id}.", id=device_id)


class DeviceLimitReached(Conflict):
    def __init__(self, limit: int) -> None:
        super().__init__(
            f"A user can have at most {limit} devices: remove one first.", limit=limit
        )


class InvalidDeviceName(BadInput):
    def __init__(self, limit: int) -> None:
        super().__init__(f"A device name must have 1 to {limit} characters.", field="name")


class InvalidCapabilities(BadInput):
    def __init__(self, limit: int, length: int) -> None:
        super().__init__(
            f"Capability lists take at most {limit} entries of 1 to {length} characters.",
            field="capabilities",
        )
