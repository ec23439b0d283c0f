"""What the recommender knows: per-title signals, viewing interactions and signup tastes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from subgraphs.common.parental import ProfileLimits  # shared with content and playback

__all__ = [
    "Feedback",
    "FeedbackSignal",
    "Interaction",
    "ProfileLimits",
    "Reason",
    "ReasonKind",
    "Recommendation",
    "RecommendationContext",
    "TitleFacts",
    "TitleSignal",
    "UserTaste",
]


@dataclass(frozen=True)
class TitleFacts:
    """A title as the catalog announced it (`title.upserted`)."""

    title_id: uuid.UUID
    genres: tuple[str, ...]
    release_year: int | None = None
    popularity: float = 0.0
    average_rating: float | None = None
    vote_count: int = 0
    name: str = ""
    age_rating: int | None = None
    runtime_minutes: int | None = None
    people: tuple[str, ...] = ()  # "role:key" of directors, writers and leading cast
    # (region, platform, available from as Unix seconds or None) of the offers now.
    offers: tuple[tuple[str, str, float | None], ...] = ()


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
    name: str = ""
    age_rating: int | None = None
    runtime_minutes: int | None = None
    people: tuple[str, ...] = ()
    # {region: {platform: first seen, Unix seconds}}
    offers: dict[str, dict[str, float]] | None = None


@dataclass(frozen=True)
class Interaction:
    """One viewing event (`viewing.recorded`); `event_id` makes recording it idempotent."""

    event_id: str
    user_id: uuid.UUID
    title_id: uuid.UUID
    rating: int | None
    completed: bool
    occurred_at: datetime
    progress: float | None = None


@dataclass(frozen=True)
class UserTaste:
    """The genres a user picked at signup (`user.registered`), for the cold start."""

    user_id: uuid.UUID
    preferred_genres: tuple[str, ...]
    home_region: str | None = None
    subscribed_platforms: tuple[str, ...] = ()


class FeedbackSignal(StrEnum):
    LIKE = "like"
    DISLIKE = "dislike"
    NOT_INTERESTED = "not_interested"
    WATCHED = "watched"

    @property
    def target(self) -> float:
        """What the adapter learns from it, in [-1, 1]."""
        return -1.0 if self in (FeedbackSignal.DISLIKE, FeedbackSignal.NOT_INTERESTED) else 1.0

    @property
    def hides(self) -> bool:
        """Titles the user has said no to, or has seen, never come back."""
        return self is not FeedbackSignal.LIKE


@dataclass(frozen=True)
class Feedback:
    user_id: uuid.UUID
    title_id: uuid.UUID
    signal: FeedbackSignal
    occurred_at: datetime


@dataclass(frozen=True)
class RecommendationContext:
    hour: int | None = None  # 0-23, the viewer's local time
    weekday: int | None = None  # 0 = Monday
    device_kind: str | None = None
    mood: str | None = None
    profile_id: uuid.UUID | None = None


class ReasonKind(StrEnum):
    BECAUSE_WATCHED = "because_watched"
    TRENDING = "trending"
    NEW_ON_PLATFORM = "new_on_platform"
    TASTE = "taste"
    SIGNUP = "signup"
    MOOD = "mood"
    POPULAR = "popular"


@dataclass(frozen=True)
class Reason:
    kind: ReasonKind
    text: str
    cited: tuple[uuid.UUID, ...] = ()


@dataclass(frozen=True)
class Recommendation:
    title_id: uuid.UUID
    score: float
    reason: str
    kind: ReasonKind = ReasonKind.POPULAR
    cited: tuple[uuid.UUID, ...] = ()
