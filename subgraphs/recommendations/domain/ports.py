"""The port the recommender's services read and write its projections through; implemented
by adapters/repository.py (Tortoise) and adapters/cached_repository.py (held in memory)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Protocol

from subgraphs.recommendations.domain.engine.adapter import AdapterState
from subgraphs.recommendations.domain.model import (
    Feedback,
    Interaction,
    ProfileLimits,
    TitleFacts,
    TitleSignal,
    UserTaste,
)

__all__ = ["RecommendationsRepository"]


class RecommendationsRepository(Protocol):
    async def signals_by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, TitleSignal]: ...

    async def genres_by_titles(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[str]]: ...

    async def top_signals(
        self, genres: Collection[str] | None, exclude: Collection[uuid.UUID], limit: int
    ) -> list[TitleSignal]: ...

    async def interactions_by_users(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[Interaction]]: ...

    async def tastes_by_users(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, UserTaste]: ...

    async def upsert_titles(self, titles: Sequence[TitleFacts]) -> int: ...

    async def record_interactions(self, interactions: Sequence[Interaction]) -> int: ...

    async def remember_tastes(self, tastes: Sequence[UserTaste]) -> int: ...

    async def feedback_by_users(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[Feedback]]: ...

    async def add_feedback(self, feedback: Feedback) -> None: ...

    async def states_by_users(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, AdapterState]: ...

    async def save_states(self, states: dict[uuid.UUID, AdapterState]) -> None: ...

    async def profiles_by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ProfileLimits]: ...

    async def remember_profiles(self, profiles: Sequence[ProfileLimits]) -> int: ...

    async def erase_user(self, user_id: uuid.UUID) -> None: ...

    async def training_data(self) -> tuple[list[TitleSignal], list[Interaction], list[Feedback],
                                           dict[uuid.UUID, str]]: ...

    async def event_count(self) -> int: ...

    async def stamps(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
        """The current stamp of each user (or CATALOG); a missing one was never written."""
        ...
