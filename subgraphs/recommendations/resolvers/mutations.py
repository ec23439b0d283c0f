"""Mutation root: feedback on recommendations."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.common.ids import parse_id
from subgraphs.recommendations import services
from subgraphs.recommendations.context import Context
from subgraphs.recommendations.types import FeedbackSignal, Title

__all__ = ["FeedbackResult", "Mutation"]


@strawberry.type
class FeedbackResult:
    title: Title
    signal: FeedbackSignal
    recorded_at: str


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Tell recommendations what you think of a title: the next "
                                     "`recommendations` call reflects it (DISLIKE, "
                                     "NOT_INTERESTED and WATCHED also hide it).")
    async def recommendation_feedback(
        self, info: Info[Context, None], title_id: strawberry.ID, signal: FeedbackSignal
    ) -> FeedbackResult:
        user_id = info.context.viewer.require_user()
        title = parse_id(title_id, "title id")
        feedback = await services.give_feedback(
            info.context.repo, info.context.models.model, user_id, title, signal)
        return FeedbackResult(title=Title.of(title), signal=feedback.signal,
                              recorded_at=feedback.occurred_at.isoformat())
