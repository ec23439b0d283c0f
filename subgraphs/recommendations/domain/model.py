"""What the recommender knows: per-title signals, viewing interactions and signup tastes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

__all__ = ["Interaction", "Recommendation", "TitleFacts", "TitleSignal", "UserTaste"]


@dataclass(frozen=True)
class TitleFacts:
    """A title as the catalog announced it (`title.upserted`)."""

    title_id: uuid.UUID
    genres: tuple[str, ...]
    release_year: int | None = None
    popularity: float = 0.0
    average_rating: float | None = None
    vote_count: int = 0


@dataclass(frozen=True)
class TitleSignal:
    """A title's catalog facts plus what our own viewers did with it."""

    title_id: uuid.UUID
    genres: tuple[str, ...] = ()
    release_year: int | None = None
    popularity: float = 0.0
    average_rating: float | None = None
    vote_count: int = 0
    rating_sum: int = 0
    rating_count: int = 0
    view_count: int = 0
    score: float = 0.0


@dataclass(frozen=True)
class Interaction:
    """One viewing event (`viewing.recorded`); `event_id` makes recording it idempotent."""

    event_id: str
    user_id: uuid.UUID
    title_id: uuid.UUID
    rating: int | None
    completed: bool
    occurred_at: datetime


@dataclass(frozen=True)
class UserTaste:
    """The genres a user picked at signup (`user.registered`), for the cold start."""

    user_id: uuid.UUID
    preferred_genres: tuple[str, ...]


@dataclass(frozen=True)
class Recommendation:
    title_id: uuid.UUID
    score: float
    reason: str
