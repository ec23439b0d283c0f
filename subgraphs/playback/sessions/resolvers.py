"""Subscription root: live playback updates over the router's websocket."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from subgraphs.common.errors import DomainError
from subgraphs.playback.context import Context
from subgraphs.playback.resolvers.live import lasting
from subgraphs.playback.resolvers.remote import RemoteSubscription
from subgraphs.playback.resolvers.sync import SyncSubscription
from subgraphs.playback.types import PlaybackSession

__all__ = ["Subscription"]


def _coded(error: DomainError) -> GraphQLError:
    # The ErrorCodes extension rewrites query and mutation results only, not subscription
    # events: give the error its code here so socket clients see the same shape.
    details = {key: str(value) for key, value in error.details.items()}
    return GraphQLError(error.message, extensions={**details, "code": error.code})


@strawberry.type
class Subscription(RemoteSubscription, SyncSubscription):
    @strawberry.subscription(description="The signed-in user's playback, as it changes.")
    async def playback_updates(
        self, info: Info[Context, None]
    ) -> AsyncGenerator[PlaybackSession, None]:
        try:
            user_id = info.context.viewer.require_user()
        except DomainError as error:
            raise _coded(error) from None
        async for session in lasting(info, user_id, info.context.feed.updates(user_id)):
            # One context lives as long as the socket: never serve a stale device.
            info.context.loaders.device.clear_all()
            yield PlaybackSession.from_domain(session)
