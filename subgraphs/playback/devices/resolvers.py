"""Mutation root: check the caller's scope, parse arguments, call a service, map the result."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from strawberry.types import Info

from subgraphs.common.ids import parse_id
from subgraphs.playback import presence, services
from subgraphs.playback.context import Context
from subgraphs.playback.domain import model
from subgraphs.playback.resolvers.remote import RemoteMutation
from subgraphs.playback.resolvers.sync import SyncMutation
from subgraphs.playback.types import Device, DeviceKind, PlaybackSession, PlaybackState, Resolution

__all__ = [
    "CONTROL_SCOPE",
    "DeviceCapabilitiesInput",
    "Mutation",
    "RegisterDeviceInput",
    "StartPlaybackInput",
    "UpdatePlaybackInput",
]

CONTROL_SCOPE = "playback:control"


@strawberry.input
class DeviceCapabilitiesInput:
    max_resolution: Resolution = model.Resolution.HD  # type: ignore[valid-type]
    hdr_formats: list[str] = strawberry.field(default_factory=list)
    audio_codecs: list[str] = strawberry.field(default_factory=list)
    remote_controllable: bool = False
    can_cast: bool = False

    def to_domain(self) -> model.Capabilities:
        return model.Capabilities(
            max_resolution=self.max_resolution,
            hdr_formats=tuple(self.hdr_formats),
            audio_codecs=tuple(self.audio_codecs),
            remote_controllable=self.remote_controllable,
            can_cast=self.can_cast,
        )


@strawberry.input
class RegisterDeviceInput:
    name: str
    kind: DeviceKind  # type: ignore[valid-type]
    capabilities: DeviceCapabilitiesInput | None = None


@strawberry.input
class StartPlaybackInput:
    device_id: strawberry.ID
    title_id: strawberry.ID
    duration_seconds: int
    position_seconds: int | None = strawberry.field(
        default=None, description="Where to start; omitted: resume where the user left off."
    )


@strawberry.input
class UpdatePlaybackInput:
    session_id: strawberry.ID
    position_seconds: int
    state: PlaybackState  # type: ignore[valid-type]


def _now() -> datetime:
    return datetime.now(UTC)


@strawberry.type
class Mutation(RemoteMutation, SyncMutation):
    @strawberry.mutation(description="Add a device; a user has at most 10.")
    async def register_device(
        self, info: Info[Context, None], input: RegisterDeviceInput
    ) -> Device:
        user_id = info.context.viewer.require_scope(CONTROL_SCOPE)
        capabilities = (input.capabilities or DeviceCapabilitiesInput()).to_domain()
        device = await services.register_device(
            info.context.repo, user_id, input.name, input.kind, capabilities, _now()
        )
        return Device.from_domain(device)

    @strawberry.mutation
    async def rename_device(
        self, info: Info[Context, None], id: strawberry.ID, name: str
    ) -> Device:
        user_id = info.context.viewer.require_scope(CONTROL_SCOPE)
        device = await services.rename_device(
            info.context.repo, user_id, parse_id(id, "device id"), name
        )
        return Device.from_domain(device)

    @strawberry.mutation(description="Remove a device and its playback sessions; returns its id.")
    async def remove_device(self, info: Info[Context, None], id: strawberry.ID) -> strawberry.ID:
        user_id = info.context.viewer.require_scope(CONTROL_SCOPE)
        removed = await services.remove_device(
            info.context.repo, user_id, parse_id(id, "device id")
        )
        return strawberry.ID(str(removed))

    @strawberry.mutation(description="The device is alive; it counts as online for 90 seconds.")
    async def heartbeat(self, info: Info[Context, None], device_id: strawberry.ID) -> Device:
        user_id = info.context.viewer.require_scope(CONTROL_SCOPE)
        ctx = info.context
        device = await presence.heartbeat(
            ctx.repo, ctx.control, ctx.devices, user_id, parse_id(device_id, "device id"), _now()
        )
        return Device.from_domain(device)

    @strawberry.mutation
    async def start_playback(
        self, info: Info[Context, None], input: StartPlaybackInput
    ) -> PlaybackSession:
        user_id = info.context.viewer.require_scope(CONTROL_SCOPE)
        session = await services.start_playback(
            info.context.repo,
            info.context.publisher,
            user_id,
            parse_id(input.device_id, "device id"),
            parse_id(input.title_id, "title id"),
            input.duration_seconds,
            input.position_seconds,
            _now(),
            facts=info.context.facts,
            control=info.context.control,
            profile_id=info.context.viewer.profile_id,
        )
        return PlaybackSession.from_domain(session)

    @strawberry.mutation
    async def update_playback(
        self, info: Info[Context, None], input: UpdatePlaybackInput
    ) -> PlaybackSession:
        user_id = info.context.viewer.require_scope(CONTROL_SCOPE)
        session = await services.update_playback(
            info.context.repo,
            info.context.publisher,
            user_id,
            parse_id(input.session_id, "session id"),
            input.position_seconds,
            input.state,
            _now(),
            control=info.context.control,
        )
        return PlaybackSession.from_domain(session)
