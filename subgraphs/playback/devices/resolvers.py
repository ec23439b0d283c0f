"""Device mutations: check the caller's scope, parse arguments, call a service, map the result."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from strawberry.types import Info

from subgraphs.common.ids import parse_id
from subgraphs.playback.context import CONTROL_SCOPE, Context
from subgraphs.playback.devices import presence, services
from subgraphs.playback.devices.domain import model
from subgraphs.playback.devices.types import Device, DeviceKind, Resolution

__all__ = ["DeviceCapabilitiesInput", "DevicesMutation", "RegisterDeviceInput"]


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


def _now() -> datetime:
    return datetime.now(UTC)


@strawberry.type
class DevicesMutation:
    @strawberry.mutation(description="Add a device; a user has at most 10.")
    async def register_device(
        self, info: Info[Context, None], input: RegisterDeviceInput
    ) -> Device:
        user_id = info.context.viewer.require_scope(CONTROL_SCOPE)
        capabilities = (input.capabilities or DeviceCapabilitiesInput()).to_domain()
        device = await services.register_device(
            info.context.devices, user_id, input.name, input.kind, capabilities, _now()
        )
        return Device.from_domain(device)

    @strawberry.mutation
    async def rename_device(
        self, info: Info[Context, None], id: strawberry.ID, name: str
    ) -> Device:
        user_id = info.context.viewer.require_scope(CONTROL_SCOPE)
        device = await services.rename_device(
            info.context.devices, user_id, parse_id(id, "device id"), name
        )
        return Device.from_domain(device)

    @strawberry.mutation(description="Remove a device and its playback sessions; returns its id.")
    async def remove_device(self, info: Info[Context, None], id: strawberry.ID) -> strawberry.ID:
        user_id = info.context.viewer.require_scope(CONTROL_SCOPE)
        removed = await services.remove_device(
            info.context.devices, user_id, parse_id(id, "device id")
        )
        return strawberry.ID(str(removed))

    @strawberry.mutation(description="The device is alive; it counts as online for 90 seconds.")
    async def heartbeat(self, info: Info[Context, None], device_id: strawberry.ID) -> Device:
        user_id = info.context.viewer.require_scope(CONTROL_SCOPE)
        ctx = info.context
        device = await presence.heartbeat(
            ctx.devices, ctx.channel, user_id, parse_id(device_id, "device id"), _now()
        )
        return Device.from_domain(device)
