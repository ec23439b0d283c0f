"""GraphQL types of playback sessions and the offers they play, and their mapping from domain
objects."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.types import Info

from subgraphs.common import vocabulary
from subgraphs.common.ids import parse_id
from subgraphs.common.pagination import Connection, PageRequest
from subgraphs.playback.context import Context
from subgraphs.playback.devices.types import Device
from subgraphs.playback.sessions import services
from subgraphs.playback.sessions.domain import model, offers

__all__ = [
    "OfferType",
    "PlaybackOffer",
    "PlaybackSession",
    "PlaybackState",
    "SessionsOfUser",
    "Title",
    "VideoQuality",
]

PlaybackState = strawberry.enum(model.PlaybackState, name="PlaybackState")
# The enums content exposes too (subgraphs.common.vocabulary): one vocabulary in the supergraph.
OfferType = strawberry.enum(vocabulary.OfferType, name="OfferType")
VideoQuality = strawberry.enum(vocabulary.VideoQuality, name="VideoQuality")


@strawberry.federation.type(keys=[Key(fields="id", resolvable=False)])
class Title:
    """A title of the content subgraph, referred to by id only."""

    id: strawberry.ID


@strawberry.type(description="What the session plays: the offer chosen for the user and device.")
class PlaybackOffer:
    platform: str
    type: OfferType  # type: ignore[valid-type]
    quality: VideoQuality = strawberry.field(  # type: ignore[valid-type]
        description="The best the offer streams that the device can show."
    )
    price: Decimal | None
    currency: str | None
    included_in_subscription: bool
    deep_link: str | None = strawberry.field(description="Opens the title in the platform's app.")
    web_url: str | None = strawberry.field(description="Fallback when the app is not installed.")

    @classmethod
    def from_domain(cls, chosen: offers.ChosenOffer) -> PlaybackOffer:
        offer = chosen.offer
        return cls(platform=offer.platform, type=offer.type, quality=chosen.quality,
                   price=offer.price, currency=offer.currency,
                   included_in_subscription=chosen.included, deep_link=offer.deep_link,
                   web_url=offer.web_url)


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


@strawberry.type
class SessionsOfUser:
    """Sessions' fields of `User` (the entity is put together in `schema.py`)."""

    id: strawberry.ID

    @strawberry.field(description="Playback sessions, most recently updated first.")
    async def playback_sessions(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[PlaybackSession]:
        user_id = info.context.viewer.require_self(parse_id(self.id, "user id"))
        page = PageRequest.from_args(first, after)
        items, total = await services.list_sessions(
            info.context.sessions, user_id, page.offset, page.limit
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
            info.context.sessions, user_id, page.offset, page.limit
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
            info.context.sessions, user_id, parse_id(title_id, "title id")
        )
