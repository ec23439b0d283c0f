"""What a user's devices hear live: presence, commands, acks, and titles becoming available.

These travel on the user's pub/sub channel (any replica can deliver them to any socket); they are
not stream events other subgraphs consume.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime

from subgraphs.playback.domain.commands import RemoteCommand

__all__ = [
    "CommandAcknowledged",
    "CommandIssued",
    "DeviceEvent",
    "DeviceEventKind",
    "PresenceChanged",
    "TitleBecameAvailable",
]


class DeviceEventKind(enum.StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    COMMAND = "command"
    ACKNOWLEDGED = "acknowledged"


@dataclass(frozen=True)
class PresenceChanged:
    """A device came online (first heartbeat after a silence) or went offline (90 s silent)."""

    user_id: uuid.UUID
    device_id: uuid.UUID
    online: bool
    at: datetime


@dataclass(frozen=True)
class CommandIssued:
    command: RemoteCommand


@dataclass(frozen=True)
class CommandAcknowledged:
    command: RemoteCommand


@dataclass(frozen=True)
class TitleBecameAvailable:
    """A title on the user's watchlist can now be watched on one of their platforms at home."""

    user_id: uuid.UUID
    title_id: uuid.UUID
    platform: str
    region: str
    offer_type: str
    at: datetime


DeviceEvent = PresenceChanged | CommandIssued | CommandAcknowledged | TitleBecameAvailable
