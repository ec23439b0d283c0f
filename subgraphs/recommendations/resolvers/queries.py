"""Query root: `me`, shared with users so a query that wants only this subgraph's part of the
signed-in user (`me { recommendations }`) is planned as one fetch, not users then here."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.recommendations.context import Context
from subgraphs.recommendations.types import User

__all__ = ["Query"]


@strawberry.type
class Query:
    # Resolves as users' `me` does: UNAUTHENTICATED without a token. A deleted account cannot
    # get here, its tokens being refused at the router.
    @strawberry.federation.field(shareable=True, description="The signed-in user.")
    def me(self, info: Info[Context, None]) -> User | None:
        return User(id=strawberry.ID(str(info.context.viewer.require_user())))
