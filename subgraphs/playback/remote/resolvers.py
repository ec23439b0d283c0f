"""Remote control, hand-off and device-event roots; merged into Mutation and Subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import UTC, datetime

import strawberry
from strawberry.types import Info

from subgraphs.common.errors import DomainError
from subgraphs.common.ids import parse_id
from subgraphs.playback.context import CONTROL_SCOPE, Context
from subgraphs.playback.devices.domain.events import PresenceChanged
from subgraphs.playback.devices.services import own_device
from subgraphs.playback.facts.domain.model import TitleBecameAvailable
from subgraphs.playback.live.subscriptions import coded, lasting
from subgraphs.playback.remote import services
from subgraphs.playback.remote.domain import commands
from subgraphs.playback.remote.domain.events import CommandAcknowledged, CommandIssued
from subgraphs.playback.remote.types import (
    DeviceEvent,
    HandOff,
    RemoteCommand,
    RemoteCommandKind,
    WatchlistAvailability,
)
from subgraphs.playback.sessions.types import PlaybackSession

__all__ = ["RemoteMutation", "RemoteSubscription", "SendCommandInput"]


def _now() -> datetime:
    return datetime.now(UTC)


@strawberry.input
class SendCommandInput:
    target_device_id: strawberry.ID
    kind: RemoteCommandKind  # type: ignore[valid-type]
    sender_device_id: strawberry.ID | None = strawberry.field(
        default=None, description="The device sending it; it hears the acknowledgement."
    )
    position_seconds: int | None = strawberry.field(default=None, description="SEEK, LOAD.")
    volume: int | None = strawberry.field(default=None, description="VOLUME: 0 to 100.")
    muted: bool | None = strawberry.field(default=None, description="MUTE.")
    title_id: strawberry.ID | None = strawberry.field(default=None, description="LOAD.")
    cast_target_device_id: strawberry.ID | None = strawberry.field(
        default=None, description="CAST_TO: a device of yours that can cast."
    )

    def args(self) -> commands.CommandArgs:
        def optional(value: strawberry.ID | None, kind: str):  # type: ignore[no-untyped-def]
            return parse_id(value, kind) if value is not None else None

        return commands.CommandArgs(
            position_seconds=self.position_seconds,
            volume=self.volume,
            muted=self.muted,
            title_id=optional(self.title_id, "title id"),
            cast_target_id=optional(self.cast_target_device_id, "device id"),
        )


@strawberry.type
class RemoteMutation:
    @strawberry.mutation(
        description="Send a command to one of your devices. Refused with DEVICE_OFFLINE or "
        "NOT_REMOTE_CONTROLLABLE; it expires 5 seconds after it is sent."
    )
    async def send_command(
        self, info: Info[Context, None], input: SendCommandInput
    ) -> RemoteCommand:
        ctx = info.context
        user_id = ctx.viewer.require_scope(CONTROL_SCOPE)
        sender = input.sender_device_id
        command = await services.send_command(
            ctx.devices, ctx.commands, ctx.channel, user_id,
            target_id=parse_id(input.target_device_id, "device id"),
            kind=input.kind,
            args=input.args(),
            now=_now(),
            facts=ctx.facts,
            sender_id=parse_id(sender, "device id") if sender is not None else None,
            profile_id=ctx.viewer.profile_id,
        )
        return RemoteCommand.from_domain(command)

    @strawberry.mutation(
        description="The target confirms a command; COMMAND_EXPIRED once its 5 seconds are up."
    )
    async def acknowledge_command(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> RemoteCommand:
        ctx = info.context
        user_id = ctx.viewer.require_scope(CONTROL_SCOPE)
        command = await services.acknowledge_command(
            ctx.commands, ctx.channel, user_id, parse_id(id, "command id"), _now()
        )
        return RemoteCommand.from_domain(command)

    @strawberry.mutation(
        description="\"Send to TV\": move a session to another online, remote-controllable "
        "device, which gets a LOAD command at the same position."
    )
    async def send_to_device(
        self, info: Info[Context, None], session_id: strawberry.ID, target_device_id: strawberry.ID
    ) -> HandOff:
        ctx = info.context
        user_id = ctx.viewer.require_scope(CONTROL_SCOPE)
        session, command = await services.hand_off(
            ctx.devices, ctx.sessions, ctx.commands, ctx.facts, ctx.channel, ctx.publisher,
            user_id,
            session_id=parse_id(session_id, "session id"),
            target_id=parse_id(target_device_id, "device id"),
            now=_now(),
            profile_id=ctx.viewer.profile_id,
        )
        return HandOff(session=PlaybackSession.from_domain(session),
                       command=RemoteCommand.from_domain(command))


def _for_device(event: object, device_id: object) -> bool:
    """Presence of every device; commands addressed to this one; acks it sent or received."""
    if isinstance(event, PresenceChanged):
        return True
    if isinstance(event, CommandIssued):
        return event.command.target_id == device_id and not event.command.is_expired(_now())
    if isinstance(event, CommandAcknowledged):
        return device_id in (event.command.sender_id, event.command.target_id)
    return False


@strawberry.type
class RemoteSubscription:
    @strawberry.subscription(
        description="Live events for one of your devices: presence changes of your devices, "
        "commands addressed to it (until they expire), and acknowledgements."
    )
    async def device_events(
        self, info: Info[Context, None], device_id: strawberry.ID
    ) -> AsyncGenerator[DeviceEvent, None]:
        ctx = info.context
        try:
            user_id = ctx.viewer.require_user()
            device = await own_device(ctx.devices, user_id, parse_id(device_id, "device id"))
        except DomainError as error:
            raise coded(error) from None
        async for event in lasting(info, user_id, ctx.channel.events(user_id)):
            if _for_device(event, device.id):
                # One context lives as long as the socket: never serve a stale device.
                ctx.loaders.device.clear_all()
                yield DeviceEvent.from_domain(event)  # type: ignore[arg-type]

    @strawberry.subscription(
        description="A title on your watchlist became available on one of your platforms in "
        "your home region."
    )
    async def watchlist_availability(
        self, info: Info[Context, None]
    ) -> AsyncGenerator[WatchlistAvailability, None]:
        try:
            user_id = info.context.viewer.require_user()
        except DomainError as error:
            raise coded(error) from None
        async for event in lasting(info, user_id, info.context.channel.events(user_id)):
            if isinstance(event, TitleBecameAvailable):
                yield WatchlistAvailability.from_domain(event)
