"""Devices: what they can show and play, their names, and when they count as online."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from subgraphs.playback.devices.domain.errors import InvalidCapabilities, InvalidDeviceName

__all__ = [
    "MAX_DEVICES",
    "MAX_NAME_LENGTH",
    "ONLINE_WINDOW",
    "Capabilities",
    "Device",
    "DeviceKind",
    "Resolution",
    "check_capabilities",
    "check_device_name",
]

MAX_DEVICES = 10
MAX_NAME_LENGTH = 80
MAX_CAPABILITY_ENTRIES = 10
MAX_CAPABILITY_LENGTH = 40
ONLINE_WINDOW = timedelta(seconds=90)


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
