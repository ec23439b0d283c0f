"""GraphQL types of the recommendations subgraph: the User and Title entities it extends."""

from __future__ import annotations

import uuid
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from subgraphs.common.ids import parse_id
from subgraphs.common.pagination import Connection, PageRequest
from subgraphs.recommendations import services
from subgraphs.recommendations.adapters.cached_repository import UserSnapshot
from subgraphs.recommendations.charts.types import ChartEntry
from subgraphs.recommendations.context import Context
from subgraphs.recommendations.domain import model
from subgraphs.recommendations.domain.recommender import UserFacts

__all__ = [
    "DeviceKind",
    "FeedbackSignal",
    "PersonalScore",
    "Recommendation",
    "RecommendationContextInput",
    "RecommendationReason",
    "Title",
    "User",
    "user_snapshot",
]


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

    @strawberry.field(description="Titles people watch alongside this one and that are like it "
                                  "(co-watching, next-title transitions, genres and decade).")
    async def similar(self, info: Info[Context, None], first: int = 10) -> list[Title]:
        services.check_first(first)
        title_id = parse_id(self.id, "title id")
        source = await info.context.loaders.signal.load(title_id)
        ids = await services.similar_titles(
            info.context.repo, info.context.models.model, title_id, source, first)
        return [Title.of(t) for t in ids]

    @strawberry.field(description="This title's place in a streaming chart (see "
                                  "`streamingCharts`); null when it is not in the top 100.")
    async def chart_position(
        self, info: Info[Context, None],
        region: Annotated[str, strawberry.argument(description="ISO 3166-1 alpha-2.")],
        platform: Annotated[str | None, strawberry.argument(
            description="A platform's slug; null: all platforms.")] = None,
    ) -> ChartEntry | None:
        title_id = parse_id(self.id, "title id")
        book = info.context.charts
        await book.wait_ready()
        chart = book.chart_key(region, platform)
        # Batched: a list of titles asking for their positions is one lookup.
        entry = await info.context.loaders.chart_position.load((title_id, chart))
        return ChartEntry.from_domain(entry, self) if entry is not None else None


RecommendationReason = strawberry.enum(model.ReasonKind, name="RecommendationReason",
                                       description="What a recommendation mostly rests on.")
FeedbackSignal = strawberry.enum(model.FeedbackSignal, name="FeedbackSignal")


@strawberry.enum
class DeviceKind(Enum):
    TV = "tv"
    PHONE = "phone"
    TABLET = "tablet"
    WEB = "web"
    DESKTOP = "desktop"


@strawberry.input(description="Where and how the user is watching now; all optional.")
class RecommendationContextInput:
    hour: int | None = strawberry.field(default=None, description="Local hour, 0-23.")
    weekday: int | None = strawberry.field(default=None, description="0 = Monday .. 6.")
    device_kind: DeviceKind | None = None
    mood: str | None = strawberry.field(
        default=None, description="funny, scary, tense, exciting, sad, romantic, feel-good, "
                                  "cozy, dark, epic, mind-bending, inspiring, mysterious, "
                                  "thoughtful, family.")
    profile_id: strawberry.ID | None = strawberry.field(
        default=None, description="The household profile watching: its parental limits apply. "
                            "Defaults to the profile the sign-in acts as (switchProfile).")

    def to_domain(self) -> model.RecommendationContext:
        return model.RecommendationContext(
            hour=self.hour, weekday=self.weekday,
            device_kind=self.device_kind.value if self.device_kind else None, mood=self.mood,
            profile_id=parse_id(self.profile_id, "profile id") if self.profile_id else None,
        )


@strawberry.type
class Recommendation:
    title: Title
    score: float = strawberry.field(description="Higher is better; the list is in score order "
                                                "before diversity re-ranking.")
    reason: str = strawberry.field(description="Why this title, in words to show the user.")
    reason_kind: RecommendationReason
    because: list[Title] = strawberry.field(
        description="The titles the reason cites (\"Because you watched ...\").")

    @classmethod
    def from_domain(cls, item: model.Recommendation) -> Recommendation:
        return cls(title=Title.of(item.title_id), score=round(item.score, 6), reason=item.reason,
                   reason_kind=item.kind, because=[Title.of(t) for t in item.cited])


@strawberry.type
class PersonalScore:
    title: Title
    score: float = strawberry.field(description="The engine's fused score for this user; "
                                                "comparable within one call.")


async def user_snapshot(info: Info[Context, None], user_id: uuid.UUID) -> UserSnapshot:
    found = await info.context.loaders.user.load(user_id)
    return found or UserSnapshot(UserFacts(), None, None)


@strawberry.federation.type(keys=["id"])
class User:
    """A user of the users subgraph; this subgraph adds what they should watch."""

    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        return cls(id=strawberry.ID(str(parse_id(id, "user id"))))

    @strawberry.field(description="What to watch next, best first, each with why. Only for the "
                                  "user themself (and their household's profiles).")
    async def recommendations(
        self, info: Info[Context, None], first: int = 10, after: str | None = None,
        context: RecommendationContextInput | None = None,
        diversity: Annotated[float, strawberry.argument(
            description="0 = by score only .. 1 = as varied as possible (MMR, "
                        "λ = 1 - diversity).")] = 0.3,
    ) -> Connection[Recommendation]:
        user_id = info.context.viewer.require_self(parse_id(self.id, "user id"))
        page = PageRequest.from_args(first, after)
        user = await user_snapshot(info, user_id)
        result = await services.recommend(
            info.context.repo, info.context.models.model, user_id, user.facts, user.state,
            context.to_domain() if context else model.RecommendationContext(),
            page.limit, page.offset, diversity, info.context.viewer.profile_id)
        return Connection[Recommendation].build(result.items, page, result.total,
                                                Recommendation.from_domain)

    @strawberry.field(description="This user's score for each of up to 100 titles (titles the "
                                  "model does not know are left out). Only for the user.")
    async def personal_scores(
        self, info: Info[Context, None], title_ids: list[strawberry.ID]
    ) -> list[PersonalScore]:
        user_id = info.context.viewer.require_self(parse_id(self.id, "user id"))
        if len(title_ids) > services.MAX_SCORED:
            raise services.TooManyTitles(len(title_ids), services.MAX_SCORED)
        ids = [parse_id(t, "title id") for t in title_ids]
        user = await user_snapshot(info, user_id)
        scores = await services.personal_scores(
            info.context.repo, info.context.models.model, user_id, user.facts, user.state, ids,
            info.context.scores_memo, user.stamp)
        return [PersonalScore(title=Title.of(t), score=s) for t, s in scores.items()]
