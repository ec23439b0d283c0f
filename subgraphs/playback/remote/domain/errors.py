"""Errors of remote control and hand-off; each has its own extensions.code."""

from __future__ import annotations

from subgraphs.common.errors import BadInput, Conflict, NotFound

__all__ = [
    "CommandExpired",
    "CommandNotFound",
    "DeviceOffline",
    "InvalidCommand",
    "NotRemoteControllable",
    "NotYourCommand",
]


class DeviceOffline(Conflict):
    code = "DEVICE_OFFLINE"

    def __init__(self, device_id: object) -> None:
        super().__init__(
            f"Device {device_id} is offline: no heartbeat in the last 90 seconds.", id=device_id
        )


class NotRemoteControllable(Conflict):
    code = "NOT_REMOTE_CONTROLLABLE"

    def __init__(self, device_id: object, what: str = "remote-controllable") -> None:
        super().__init__(f"Device {device_id} is not {what}.", id=device_id)


class CommandExpired(Conflict):
    code = "COMMAND_EXPIRED"

    def __init__(self, command_id: object) -> None:
        super().__init__(
            f"Command {command_id} expired: commands live 5 seconds.", id=command_id
        )


class CommandNotFound(NotFound):
    def __init__(self, command_id: object) -> None:
        super().__init__(f"No remote command with id {command_id}.", id=command_id)


class NotYourCommand(NotFound):
    """Another user's command looks like no command at all: its id says nothing."""

    def __init__(self, command_id: object) -> None:
        super().__init__(f"No remote command with id {command_id}.", id=command_id)


class InvalidCommand(BadInput):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message, field=field)
