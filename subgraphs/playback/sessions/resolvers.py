"""Session roots: start and update playback, and `playbackUpdates`; merged in `schema.py`."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import UTC, datetime

import strawberry
from strawberry.types import Info

from subgraphs.common.errors import DomainError
from subgraphs.common.ids import parse_id
from subgraphs.playback.context import CONTROL_SCOPE, Context
from subgraphs.playback.live.subscriptions import coded, lasting
from subgraphs.playback.sessions import services
from subgraphs.playback.sessions.types import PlaybackSession, PlaybackState

__all__ = [
    "SessionsMutation",
    "SessionsSubscription",
    "StartPlaybackInput",
    "UpdatePlaybackInput",
]


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
class SessionsMutation:
    @strawberry.mutation
    async def start_playback(
        self, info: Info[Context, None], input: StartPlaybackInput
    ) -> PlaybackSession:
        ctx = info.context
        user_id = ctx.viewer.require_scope(CONTROL_SCOPE)
        session = await services.start_playback(
            ctx.devices,
            ctx.sessions,
            ctx.publisher,
            user_id,
            parse_id(input.device_id, "device id"),
            parse_id(input.title_id, "title id"),
            input.duration_seconds,
            input.position_seconds,
            _now(),
            facts=ctx.facts,
            profile_id=ctx.viewer.profile_id,
        )
        return PlaybackSession.from_domain(session)

    @strawberry.mutation
    async def update_playback(
        self, info: Info[Context, None], input: UpdatePlaybackInput
    ) -> PlaybackSession:
        ctx = info.context
        user_id = ctx.viewer.require_scope(CONTROL_SCOPE)
        session = await services.update_playback(
            ctx.sessions,
            ctx.publisher,
            user_id,
            parse_id(input.session_id, "session id"),
            input.position_seconds,
            input.state,
            _now(),
        )
        return PlaybackSession.from_domain(session)


@strawberry.type
class SessionsSubscription:
    @strawberry.subscription(description="The signed-in user's playback, as it changes.")
    async def playback_updates(
        self, info: Info[Context, None]
    ) -> AsyncGenerator[PlaybackSession, None]:
        try:
            user_id = info.context.viewer.require_user()
        except DomainError as error:
            raise coded(error) from None
        async for session in lasting(info, user_id, info.context.feed.updates(user_id)):
            # One context lives as long as the socket: never serve a stale device.
            info.context.loaders.device.clear_all()
            yield PlaybackSession.from_domain(session)
