"""GraphQL types of remote control, hand-off and the events a user's devices hear."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import strawberry
from strawberry.types import Info

from subgraphs.common import vocabulary
from subgraphs.common.ids import parse_id
from subgraphs.playback.context import Context
from subgraphs.playback.devices.domain.events import PresenceChanged
from subgraphs.playback.devices.types import Device
from subgraphs.playback.facts.domain.model import TitleBecameAvailable
from subgraphs.playback.remote import services
from subgraphs.playback.remote.domain import commands
from subgraphs.playback.remote.domain import events as device_events
from subgraphs.playback.sessions.types import OfferType, PlaybackSession, Title

__all__ = [
    "DeviceEvent",
    "DeviceEventKind",
    "HandOff",
    "RemoteCommand",
    "RemoteCommandKind",
    "RemoteCommandStatus",
    "RemoteOfUser",
    "WatchlistAvailability",
]

RemoteCommandKind = strawberry.enum(commands.CommandKind, name="RemoteCommandKind")
RemoteCommandStatus = strawberry.enum(commands.CommandStatus, name="RemoteCommandStatus")


async def _device(info: Info[Context, None], device_id: object) -> Device | None:
    if device_id is None:
        return None
    device = await info.context.loaders.device.load(device_id)  # type: ignore[arg-type]
    return Device.from_domain(device) if device else None


@strawberry.type(description="A remote-control command; it expires 5 seconds after it is sent.")
class RemoteCommand:
    id: strawberry.ID
    kind: RemoteCommandKind  # type: ignore[valid-type]
    issued_at: datetime
    expires_at: datetime
    acknowledged_at: datetime | None
    position_seconds: int | None
    volume: int | None
    muted: bool | None
    session_id: strawberry.ID | None
    command: strawberry.Private[commands.RemoteCommand]

    @classmethod
    def from_domain(cls, command: commands.RemoteCommand) -> RemoteCommand:
        args = command.args
        return cls(
            id=strawberry.ID(str(command.id)),
            kind=command.kind,
            issued_at=command.issued_at,
            expires_at=command.expires_at,
            acknowledged_at=command.acknowledged_at,
            position_seconds=args.position_seconds,
            volume=args.volume,
            muted=args.muted,
            session_id=strawberry.ID(str(args.session_id)) if args.session_id else None,
            command=command,
        )

    @strawberry.field
    def status(self) -> RemoteCommandStatus:  # type: ignore[valid-type]
        return self.command.status(datetime.now(UTC))

    @strawberry.field(description="The device told to act; null once it has been removed.")
    async def target_device(self, info: Info[Context, None]) -> Device | None:
        return await _device(info, self.command.target_id)

    @strawberry.field(description="The device that sent it, when one did.")
    async def sender_device(self, info: Info[Context, None]) -> Device | None:
        return await _device(info, self.command.sender_id)

    @strawberry.field(description="CAST_TO: the device to cast to.")
    async def cast_target_device(self, info: Info[Context, None]) -> Device | None:
        return await _device(info, self.command.args.cast_target_id)

    @strawberry.field(description="LOAD: the title to load.")
    def title(self) -> Title | None:
        title_id = self.command.args.title_id
        return Title(id=strawberry.ID(str(title_id))) if title_id else None


DeviceEventKind = strawberry.enum(
    device_events.DeviceEventKind,
    name="DeviceEventKind",
    description="ONLINE/OFFLINE: presence of `device`; COMMAND: a command for this device; "
    "ACKNOWLEDGED: the target acknowledged a command this device sent or received.",
)


@strawberry.type(description="Something that happened to the user's devices.")
class DeviceEvent:
    kind: DeviceEventKind  # type: ignore[valid-type]
    at: datetime
    device_id: strawberry.ID
    command: RemoteCommand | None = None

    @strawberry.field(description="The device the event is about (for commands: the target).")
    async def device(self, info: Info[Context, None]) -> Device | None:
        return await _device(info, uuid.UUID(str(self.device_id)))

    @classmethod
    def from_domain(cls, event: device_events.DeviceEvent) -> DeviceEvent:
        if isinstance(event, PresenceChanged):
            return cls(kind=DeviceEventKind.ONLINE if event.online else DeviceEventKind.OFFLINE,
                       at=event.at, device_id=strawberry.ID(str(event.device_id)))
        assert isinstance(event, device_events.CommandIssued | device_events.CommandAcknowledged)
        command = event.command
        acked = isinstance(event, device_events.CommandAcknowledged)
        return cls(
            kind=DeviceEventKind.ACKNOWLEDGED if acked else DeviceEventKind.COMMAND,
            at=command.acknowledged_at if acked and command.acknowledged_at
            else command.issued_at,
            device_id=strawberry.ID(str(command.target_id)),
            command=RemoteCommand.from_domain(command),
        )


@strawberry.type(description="A session sent to another device, and the LOAD command it got.")
class HandOff:
    session: PlaybackSession
    command: RemoteCommand


@strawberry.type(description="A title on my watchlist became available on one of my platforms.")
class WatchlistAvailability:
    platform: str
    region: str
    offer_type: OfferType  # type: ignore[valid-type]
    at: datetime
    title_id: strawberry.Private[object]

    @strawberry.field
    def title(self) -> Title:
        return Title(id=strawberry.ID(str(self.title_id)))

    @classmethod
    def from_domain(cls, event: TitleBecameAvailable) -> WatchlistAvailability:
        return cls(platform=event.platform, region=event.region,
                   offer_type=vocabulary.OfferType(event.offer_type), at=event.at,
                   title_id=event.title_id)


@strawberry.type
class RemoteOfUser:
    """Remote control's fields of `User` (the entity is put together in `schema.py`)."""

    id: strawberry.ID

    @strawberry.field(description="A remote command the user sent, to see whether it was acked.")
    async def remote_command(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> RemoteCommand | None:
        user_id = info.context.viewer.require_self(parse_id(self.id, "user id"))
        command = await services.find_command(
            info.context.commands, user_id, parse_id(id, "command id")
        )
        return RemoteCommand.from_domain(command) if command else None
