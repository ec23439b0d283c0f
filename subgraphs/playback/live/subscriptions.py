"""What every playback subscription shares: a slot of the user's limit, and its end when the
token expires or its sign-in is revoked (a socket outlives the token it was opened with)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import TypeVar

from graphql import GraphQLError
from strawberry.types import Info

from subgraphs.common.errors import DomainError, Unauthenticated
from subgraphs.common.sign_in_watch import SignInWatch, within_sign_in
from subgraphs.playback.context import Context
from subgraphs.playback.subscription_slots import SubscriptionSlots

__all__ = ["coded", "expired", "lasting", "sign_ins"]

T = TypeVar("T")


def coded(error: DomainError) -> GraphQLError:
    # The ErrorCodes extension rewrites query and mutation results only, not subscription
    # events: give the error its code here so socket clients see the same shape.
    details = {key: str(value) for key, value in error.details.items()}
    return GraphQLError(error.message, extensions={**details, "code": error.code})


def expired() -> GraphQLError:
    return coded(Unauthenticated("The token expired: subscribe again with a fresh one."))


def _slots(info: Info[Context, None]) -> SubscriptionSlots:
    return info.context.request.app.state.subscriptions


def sign_ins(info: Info[Context, None]) -> SignInWatch:
    return info.context.request.app.state.sign_ins


async def lasting(
    info: Info[Context, None], user_id: uuid.UUID, source: AsyncIterator[T]
) -> AsyncIterator[T]:
    """`source`'s items while the user holds a slot and the token is valid (not expired,
    not revoked)."""
    viewer = info.context.viewer
    try:
        with sign_ins(info).watching(viewer) as watched:
            async with _slots(info).slot(user_id):
                iterator = aiter(source)
                while True:
                    try:
                        item = await within_sign_in(anext(iterator), viewer.expires_at, watched)
                    except StopAsyncIteration:
                        return
                    yield item
    except DomainError as error:
        raise coded(error) from None
    finally:
        close = getattr(source, "aclose", None)
        if close is not None:
            await close()
