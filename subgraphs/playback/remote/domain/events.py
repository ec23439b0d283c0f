"""What a user's devices hear live: presence, commands, acks, and titles becoming available.

These travel on the user's pub/sub channel (any replica can deliver them to any socket); they are
not stream events other subgraphs consume. Presence (`devices`) and availability notices
(`facts`) define their own events; this module adds the commands' and names them all.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from subgraphs.playback.devices.domain.events import PresenceChanged
from subgraphs.playback.facts.domain.model import TitleBecameAvailable
from subgraphs.playback.remote.domain.commands import RemoteCommand

__all__ = [
    "CommandAcknowledged",
    "CommandIssued",
    "DeviceEvent",
    "DeviceEventKind",
]


class DeviceEventKind(enum.StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    COMMAND = "command"
    ACKNOWLEDGED = "acknowledged"


@dataclass(frozen=True)
class CommandIssued:
    command: RemoteCommand


@dataclass(frozen=True)
class CommandAcknowledged:
    command: RemoteCommand


DeviceEvent = PresenceChanged | CommandIssued | CommandAcknowledged | TitleBecameAvailable
