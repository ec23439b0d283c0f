"""What every playback subscription shares: a slot of the user's limit, and its end when the
token expires or its sign-in is revoked (a socket outlives the token it was opened with)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import TypeVar

from graphql import GraphQLError
from strawberry.types import Info

from subgraphs.common.errors import DomainError
from subgraphs.common.sign_in_watch import within_sign_in
from subgraphs.playback.context import Context

__all__ = ["coded", "lasting"]

T = TypeVar("T")


def coded(error: DomainError) -> GraphQLError:
    # The ErrorCodes extension rewrites query and mutation results only, not subscription
    # events: give the error its code here so socket clients see the same shape.
    details = {key: str(value) for key, value in error.details.items()}
    return GraphQLError(error.message, extensions={**details, "code": error.code})


async def lasting(
    info: Info[Context, None], user_id: uuid.UUID, source: AsyncIterator[T]
) -> AsyncIterator[T]:
    """`source`'s items while the user holds a slot and the token is valid (not expired,
    not revoked)."""
    ctx = info.context
    viewer = ctx.viewer
    try:
        with ctx.sign_ins.watching(viewer) as watched:
            async with ctx.subscriptions.slot(user_id):
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
