"""Recommendation use cases: plain async functions over the repository, raising domain errors."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from subgraphs.recommendations.adapters.repository import RecommendationsRepository
from subgraphs.recommendations.domain import ranker
from subgraphs.recommendations.domain.errors import InvalidCount
from subgraphs.recommendations.domain.model import (
    Interaction,
    Recommendation,
    TitleFacts,
    TitleSignal,
    UserTaste,
)

__all__ = [
    "MAX_FIRST",
    "absorb_interactions",
    "absorb_tastes",
    "absorb_titles",
    "check_first",
    "recommend",
    "similar_titles",
]

MAX_FIRST = 100
# Candidates drawn from the index per request; the ranker re-orders them by genre match.
_CANDIDATES = 300


def check_first(first: int) -> int:
    if not 1 <= first <= MAX_FIRST:
        raise InvalidCount(first, MAX_FIRST)
    return first


async def recommend(
    repo: RecommendationsRepository,
    interactions: Sequence[Interaction],
    taste: UserTaste | None,
    first: int,
) -> list[Recommendation]:
    """Rank titles for the user whose `interactions` and signup `taste` are given."""
    check_first(first)
    watched = {interaction.title_id for interaction in interactions}
    chosen = ranker.plan(
        interactions,
        await repo.genres_by_titles(list(watched)),
        taste.preferred_genres if taste else (),
    )
    candidates: list[TitleSignal] = []
    if chosen.genres:
        candidates = await repo.top_signals(
            chosen.genres.keys(), chosen.watched, max(_CANDIDATES, 3 * first)
        )
    popular = await repo.top_signals(None, chosen.watched, 2 * first)
    return ranker.rank(chosen, candidates, popular, first)


async def similar_titles(
    repo: RecommendationsRepository, source: TitleSignal | None, first: int
) -> list[uuid.UUID]:
    check_first(first)
    if source is None or not source.genres:
        return []
    candidates = await repo.top_signals(
        source.genres, {source.title_id}, max(_CANDIDATES, 3 * first)
    )
    return ranker.similar(source, candidates, first)


async def absorb_titles(repo: RecommendationsRepository, titles: Sequence[TitleFacts]) -> int:
    return await repo.upsert_titles(titles)


async def absorb_interactions(
    repo: RecommendationsRepository, interactions: Sequence[Interaction]
) -> int:
    return await repo.record_interactions(interactions)


async def absorb_tastes(repo: RecommendationsRepository, tastes: Sequence[UserTaste]) -> int:
    return await repo.remember_tastes(tastes)
