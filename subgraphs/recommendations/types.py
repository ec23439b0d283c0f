"""GraphQL types of the recommendations subgraph: the User and Title entities it extends."""

from __future__ import annotations

import uuid

import strawberry
from strawberry.types import Info

from subgraphs.common.ids import parse_id
from subgraphs.recommendations import services
from subgraphs.recommendations.context import Context
from subgraphs.recommendations.domain import model

__all__ = ["Recommendation", "Title", "User"]


@strawberry.federation.type(keys=["id"])
class Title:
    """A title of the content subgraph; this subgraph adds what is like it."""

    id: strawberry.ID

    @classmethod
    def of(cls, title_id: uuid.UUID) -> Title:
        return cls(id=strawberry.ID(str(title_id)))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Title:
        return cls.of(parse_id(id, "title id"))

    @strawberry.field(description="Titles sharing the most genres, then the most popular.")
    async def similar(self, info: Info[Context, None], first: int = 10) -> list[Title]:
        services.check_first(first)
        source = await info.context.loaders.signal.load(parse_id(self.id, "title id"))
        ids = await services.similar_titles(info.context.repo, source, first)
        return [Title.of(title_id) for title_id in ids]


@strawberry.type
class Recommendation:
    title: Title
    score: float = strawberry.field(description="Higher is better; the list is in score order.")
    reason: str = strawberry.field(description="Why this title, in words to show the user.")

    @classmethod
    def from_domain(cls, recommendation: model.Recommendation) -> Recommendation:
        return cls(
            title=Title.of(recommendation.title_id),
            score=round(recommendation.score, 6),
            reason=recommendation.reason,
        )


@strawberry.federation.type(keys=["id"])
class User:
    """A user of the users subgraph; this subgraph adds what they should watch."""

    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        return cls(id=strawberry.ID(str(parse_id(id, "user id"))))

    @strawberry.field(description="What to watch next, best first. Only for the user themself.")
    async def recommendations(
        self, info: Info[Context, None], first: int = 10
    ) -> list[Recommendation]:
        user_id = info.context.viewer.require_self(parse_id(self.id, "user id"))
        services.check_first(first)
        loaders = info.context.loaders
        interactions = await loaders.interactions.load(user_id)
        taste = await loaders.taste.load(user_id)
        ranked = await services.recommend(info.context.repo, interactions or [], taste, first)
        return [Recommendation.from_domain(item) for item in ranked]
