"""Query root: parse arguments, check who is asking, map the result."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.common.ids import parse_id
from subgraphs.users.account.resolvers import AccountQuery
from subgraphs.users.context import Context
from subgraphs.users.types import User

__all__ = ["Query"]


@strawberry.type
class Query(AccountQuery):
    # Shared with recommendations, which answers `me { recommendations }` without a hop here.
    @strawberry.federation.field(shareable=True, description="The signed-in user.")
    async def me(self, info: Info[Context, None]) -> User | None:
        user_id = info.context.viewer.require_user()
        user = await info.context.loaders.user.load(user_id)
        return None if user is None else User.from_domain(user)

    @strawberry.field(description="A user by id; only the signed-in user may ask for themselves.")
    async def user(self, info: Info[Context, None], id: strawberry.ID) -> User | None:
        user_id = info.context.viewer.require_self(parse_id(id, "user id"))
        user = await info.context.loaders.user.load(user_id)
        return None if user is None else User.from_domain(user)
