"""Devices and playback sessions, with the rules that bind them."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from subgraphs.playback.domain.errors import (
    InvalidCapabilities,
    InvalidDeviceName,
    InvalidDuration,
    InvalidPosition,
)

if TYPE_CHECKING:
    from subgraphs.playback.domain.offers import ChosenOffer

__all__ = [
    "COMPLETED_FRACTION",
    "MAX_DEVICES",
    "MAX_NAME_LENGTH",
    "ONLINE_WINDOW",
    "Capabilities",
    "Device",
    "DeviceKind",
    "PlaybackSession",
    "PlaybackState",
    "Resolution",
    "check_capabilities",
    "check_device_name",
    "check_position",
]

MAX_DEVICES = 10
MAX_NAME_LENGTH = 80
MAX_CAPABILITY_ENTRIES = 10
MAX_CAPABILITY_LENGTH = 40
ONLINE_WINDOW = timedelta(seconds=90)
# Past this share of the duration a title counts as watched: no resume position any more.
COMPLETED_FRACTION = 0.95


class DeviceKind(enum.StrEnum):
    TV = "tv"
    PHONE = "phone"
    TABLET = "tablet"
    WEB = "web"
    DESKTOP = "desktop"


class Resolution(enum.StrEnum):
    SD = "sd"
    HD = "hd"
    UHD = "uhd"


class PlaybackState(enum.StrEnum):
    PLAYING = "playing"
    PAUSED = "paused"
    BUFFERING = "buffering"
    STOPPED = "stopped"
    ENDED = "ended"


@dataclass(frozen=True)
class Capabilities:
    max_resolution: Resolution = Resolution.HD
    hdr_formats: tuple[str, ...] = ()
    audio_codecs: tuple[str, ...] = ()
    remote_controllable: bool = False
    can_cast: bool = False


def check_capabilities(capabilities: Capabilities) -> Capabilities:
    for values in (capabilities.hdr_formats, capabilities.audio_codecs):
        if len(values) > MAX_CAPABILITY_ENTRIES or any(
            not 1 <= len(value) <= MAX_CAPABILITY_LENGTH for value in values
        ):
            raise InvalidCapabilities(MAX_CAPABILITY_ENTRIES, MAX_CAPABILITY_LENGTH)
    return capabilities


def check_device_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not 1 <= len(cleaned) <= MAX_NAME_LENGTH:
        raise InvalidDeviceName(MAX_NAME_LENGTH)
    return cleaned


def check_position(position: int, duration: int) -> None:
    if duration <= 0:
        raise InvalidDuration(duration)
    if not 0 <= position <= duration:
        raise InvalidPosition(position, duration)


@dataclass(frozen=True)
class Device:
    id: uuid.UUID
    user_id: uuid.UUID
    name: str
    kind: DeviceKind
    capabilities: Capabilities = field(default_factory=Capabilities)
    last_seen_at: datetime | None = None

    def is_online(self, now: datetime) -> bool:
        """Online while its last heartbeat is at most 90 seconds old."""
        return self.last_seen_at is not None and now - self.last_seen_at <= ONLINE_WINDOW

    def seen(self, now: datetime) -> Device:
        return replace(self, last_seen_at=now)

    def renamed(self, name: str) -> Device:
        return replace(self, name=check_device_name(name))


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
