"""GraphQL types of devices and their mapping from domain objects."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from strawberry.types import Info

from subgraphs.common.ids import parse_id
from subgraphs.playback.context import Context
from subgraphs.playback.devices.domain import model

__all__ = ["Device", "DeviceCapabilities", "DeviceKind", "DevicesOfUser", "Resolution"]

DeviceKind = strawberry.enum(model.DeviceKind, name="DeviceKind")
Resolution = strawberry.enum(model.Resolution, name="Resolution")


@strawberry.type
class DeviceCapabilities:
    max_resolution: Resolution  # type: ignore[valid-type]
    hdr_formats: list[str]
    audio_codecs: list[str]
    remote_controllable: bool
    can_cast: bool


@strawberry.federation.type(keys=["id"])
class Device:
    id: strawberry.ID
    name: str
    kind: DeviceKind  # type: ignore[valid-type]
    capabilities: DeviceCapabilities
    last_seen_at: datetime | None
    online: bool = strawberry.field(description="A heartbeat came in the last 90 seconds.")

    @classmethod
    def from_domain(cls, device: model.Device) -> Device:
        caps = device.capabilities
        return cls(
            id=strawberry.ID(str(device.id)),
            name=device.name,
            kind=device.kind,
            capabilities=DeviceCapabilities(
                max_resolution=caps.max_resolution,
                hdr_formats=list(caps.hdr_formats),
                audio_codecs=list(caps.audio_codecs),
                remote_controllable=caps.remote_controllable,
                can_cast=caps.can_cast,
            ),
            last_seen_at=device.last_seen_at,
            online=device.is_online(datetime.now(UTC)),
        )

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], id: strawberry.ID) -> Device | None:
        device = await info.context.loaders.device.load(parse_id(id, "device id"))
        if device is None:
            return None
        info.context.viewer.require_self(device.user_id)
        return cls.from_domain(device)


@strawberry.type
class DevicesOfUser:
    """Devices' fields of `User` (the entity is put together in `schema.py`)."""

    id: strawberry.ID

    @strawberry.field(description="The user's devices, oldest first. Only for the user themself.")
    async def devices(self, info: Info[Context, None]) -> list[Device]:
        user_id = info.context.viewer.require_self(parse_id(self.id, "user id"))
        devices = await info.context.loaders.devices_of_user.load(user_id)
        return [Device.from_domain(device) for device in devices or []]
