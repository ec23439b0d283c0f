"""Remote-control commands: who may send what to which device, and for how long it holds."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from subgraphs.playback.devices.domain.model import Device
from subgraphs.playback.remote.domain.errors import (
    CommandExpired,
    DeviceOffline,
    InvalidCommand,
    NotRemoteControllable,
)

__all__ = [
    "COMMAND_TTL",
    "CommandArgs",
    "CommandKind",
    "CommandStatus",
    "RemoteCommand",
    "check_target",
    "issue_command",
]

# A command that arrives later than this would surprise whoever is in front of the screen.
COMMAND_TTL = timedelta(seconds=5)
MAX_VOLUME = 100


class CommandKind(enum.StrEnum):
    PLAY = "play"
    PAUSE = "pause"
    STOP = "stop"
    SEEK = "seek"
    VOLUME = "volume"
    MUTE = "mute"
    LOAD = "load"
    CAST_TO = "cast_to"


class CommandStatus(enum.StrEnum):
    PENDING = "pending"
    ACKNOWLEDGED = "acknowledged"
    EXPIRED = "expired"


@dataclass(frozen=True)
class CommandArgs:
    """Arguments; which ones a command needs depends on its kind (see `_check_args`)."""

    position_seconds: int | None = None
    volume: int | None = None
    muted: bool | None = None
    title_id: uuid.UUID | None = None
    session_id: uuid.UUID | None = None
    cast_target_id: uuid.UUID | None = None


@dataclass(frozen=True)
class RemoteCommand:
    id: uuid.UUID
    user_id: uuid.UUID
    sender_id: uuid.UUID | None
    target_id: uuid.UUID
    kind: CommandKind
    args: CommandArgs
    issued_at: datetime
    acknowledged_at: datetime | None = None

    @property
    def expires_at(self) -> datetime:
        return self.issued_at + COMMAND_TTL

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def status(self, now: datetime) -> CommandStatus:
        if self.acknowledged_at is not None:
            return CommandStatus.ACKNOWLEDGED
        return CommandStatus.EXPIRED if self.is_expired(now) else CommandStatus.PENDING

    def acknowledged(self, now: datetime) -> RemoteCommand:
        """The target confirms; too late once expired. A second ack changes nothing."""
        if self.acknowledged_at is not None:
            return self
        if self.is_expired(now):
            raise CommandExpired(self.id)
        return replace(self, acknowledged_at=now)


def check_target(device: Device, now: datetime) -> Device:
    """A command goes only to an online device that accepts remote control."""
    if not device.is_online(now):
        raise DeviceOffline(device.id)
    if not device.capabilities.remote_controllable:
        raise NotRemoteControllable(device.id)
    return device


def _check_args(kind: CommandKind, args: CommandArgs) -> None:
    def need(value: object, name: str, what: str) -> None:
        if value is None:
            raise InvalidCommand(f"A {kind.name} command needs `{name}` ({what}).", name)

    if kind is CommandKind.SEEK:
        need(args.position_seconds, "positionSeconds", "where to seek to")
    elif kind is CommandKind.VOLUME:
        need(args.volume, "volume", f"0 to {MAX_VOLUME}")
    elif kind is CommandKind.MUTE:
        need(args.muted, "muted", "true to mute, false to unmute")
    elif kind is CommandKind.LOAD:
        need(args.title_id, "titleId", "what to load")
    elif kind is CommandKind.CAST_TO:
        need(args.cast_target_id, "castTargetDeviceId", "the device to cast to")
    if args.position_seconds is not None and args.position_seconds < 0:
        raise InvalidCommand("`positionSeconds` must not be negative.", "positionSeconds")
    if args.volume is not None and not 0 <= args.volume <= MAX_VOLUME:
        raise InvalidCommand(f"`volume` must be between 0 and {MAX_VOLUME}.", "volume")


def issue_command(
    *,
    user_id: uuid.UUID,
    sender: Device | None,
    target: Device,
    kind: CommandKind,
    args: CommandArgs,
    now: datetime,
    cast_target: Device | None = None,
) -> RemoteCommand:
    """A new command, checked: arguments fit the kind, the target (and cast target) can take it.

    Ownership of the devices is the caller's job (services check it before they get here).
    """
    _check_args(kind, args)
    check_target(target, now)
    if kind is CommandKind.CAST_TO:
        if cast_target is None:
            raise InvalidCommand("`castTargetDeviceId` names no device of yours.",
                                 "castTargetDeviceId")
        if not cast_target.is_online(now):
            raise DeviceOffline(cast_target.id)
        if not cast_target.capabilities.can_cast:
            raise NotRemoteControllable(cast_target.id, "a cast receiver (canCast)")
    return RemoteCommand(
        id=uuid.uuid4(),
        user_id=user_id,
        sender_id=sender.id if sender else None,
        target_id=target.id,
        kind=kind,
        args=args,
        issued_at=now,
    )
