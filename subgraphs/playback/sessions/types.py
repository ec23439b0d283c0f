"""GraphQL types of the playback subgraph and their mapping from domain objects."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.types import Info

from subgraphs.common.ids import parse_id
from subgraphs.common.pagination import Connection, PageRequest
from subgraphs.playback import remote, services
from subgraphs.playback.context import Context
from subgraphs.playback.domain import model
from subgraphs.playback.offer_types import PlaybackOffer

if TYPE_CHECKING:
    from subgraphs.playback.remote_types import RemoteCommand

__all__ = [
    "Device",
    "DeviceCapabilities",
    "DeviceKind",
    "PlaybackSession",
    "PlaybackState",
    "Resolution",
    "Title",
    "User",
]

DeviceKind = strawberry.enum(model.DeviceKind, name="DeviceKind")
Resolution = strawberry.enum(model.Resolution, name="Resolution")
PlaybackState = strawberry.enum(model.PlaybackState, name="PlaybackState")


@strawberry.federation.type(keys=[Key(fields="id", resolvable=False)])
class Title:
    """A title of the content subgraph, referred to by id only."""

    id: strawberry.ID


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


@strawberry.federation.type(keys=["id"])
class PlaybackSession:
    id: strawberry.ID
    position_seconds: int
    duration_seconds: int
    state: PlaybackState  # type: ignore[valid-type]
    resume_position_seconds: int | None = strawberry.field(
        description="Where to resume; null once 95 % of the title is watched."
    )
    updated_at: datetime
    device_id: strawberry.Private[uuid.UUID]
    title_id: strawberry.Private[uuid.UUID]
    offer: PlaybackOffer | None = strawberry.field(
        default=None,
        description="The offer chosen at start (subscriptions first, then free, then cheapest); "
        "null when the catalog lists none in the user's region.",
    )

    @classmethod
    def from_domain(cls, session: model.PlaybackSession) -> PlaybackSession:
        return cls(
            id=strawberry.ID(str(session.id)),
            position_seconds=session.position_seconds,
            duration_seconds=session.duration_seconds,
            state=session.state,
            resume_position_seconds=session.resume_position_seconds,
            updated_at=session.updated_at,
            device_id=session.device_id,
            title_id=session.title_id,
            offer=PlaybackOffer.from_domain(session.offer) if session.offer else None,
        )

    @classmethod
    async def resolve_reference(
        cls, info: Info[Context, None], id: strawberry.ID
    ) -> PlaybackSession | None:
        session = await info.context.loaders.session.load(parse_id(id, "session id"))
        if session is None:
            return None
        info.context.viewer.require_self(session.user_id)
        return cls.from_domain(session)

    @strawberry.field
    async def device(self, info: Info[Context, None]) -> Device:
        device = await info.context.loaders.device.load(self.device_id)
        assert device is not None, "sessions are removed with their device"
        return Device.from_domain(device)

    @strawberry.field
    def title(self) -> Title:
        return Title(id=strawberry.ID(str(self.title_id)))


@strawberry.federation.type(keys=["id"])
class User:
    """A user of the users subgraph; this subgraph adds their devices and playback."""

    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        return cls(id=strawberry.ID(str(parse_id(id, "user id"))))

    @strawberry.field(description="The user's devices, oldest first. Only for the user themself.")
    async def devices(self, info: Info[Context, None]) -> list[Device]:
        user_id = info.context.viewer.require_self(parse_id(self.id, "user id"))
        devices = await info.context.loaders.devices_of_user.load(user_id)
        return [Device.from_domain(device) for device in devices or []]

    @strawberry.field(description="Playback sessions, most recently updated first.")
    async def playback_sessions(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[PlaybackSession]:
        user_id = info.context.viewer.require_self(parse_id(self.id, "user id"))
        page = PageRequest.from_args(first, after)
        items, total = await services.list_sessions(
            info.context.repo, user_id, page.offset, page.limit
        )
        return Connection[PlaybackSession].build(items, page, total, PlaybackSession.from_domain)

    @strawberry.field(
        description="Titles begun and not finished (under 95 %), most recent first: the latest "
        "session of each."
    )
    async def continue_watching(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[PlaybackSession]:
        user_id = info.context.viewer.require_self(parse_id(self.id, "user id"))
        page = PageRequest.from_args(first, after)
        items, total = await services.continue_watching(
            info.context.repo, info.context.control, user_id, page.offset, page.limit
        )
        return Connection[PlaybackSession].build(items, page, total, PlaybackSession.from_domain)

    @strawberry.field(
        description="Where to resume a title on any device; null when never begun or 95 % watched."
    )
    async def resume_position(
        self, info: Info[Context, None], title_id: strawberry.ID
    ) -> int | None:
        user_id = info.context.viewer.require_self(parse_id(self.id, "user id"))
        return await services.resume_position(
            info.context.control, user_id, parse_id(title_id, "title id")
        )

    @strawberry.field(description="A remote command the user sent, to see whether it was acked.")
    async def remote_command(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> Annotated[RemoteCommand, strawberry.lazy("subgraphs.playback.remote_types")] | None:
        # Imported here: remote_types builds on this module's types.
        from subgraphs.playback.remote_types import RemoteCommand

        user_id = info.context.viewer.require_self(parse_id(self.id, "user id"))
        command = await remote.find_command(
            info.context.control, user_id, parse_id(id, "command id")
        )
        return RemoteCommand.from_domain(command) if command else None
