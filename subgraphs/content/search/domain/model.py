"""What a search asks for and what it answers, free of GraphQL and of any engine."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import product

from subgraphs.content.catalog.domain.model import Title
from subgraphs.content.intent.domain.contract import Intent

__all__ = [
    "PARTS",
    "Facets",
    "IndexedTitle",
    "RawHit",
    "ScoreParts",
    "SearchFilters",
    "SearchHit",
    "SearchPage",
    "availability_tokens",
]

# The parts a total score is made of, in the order the API lists them.
PARTS = ("vector", "keyword", "graph", "popularity", "personal")


def availability_tokens(region: str, platform: str, offer_type: str) -> tuple[str, ...]:
    """Tokens indexed for one offer, so any combination of region/platform/type is one lookup.

    `*` stands for "any"; a filter asks for the tokens of its own combination
    (see `SearchFilters.availability_any`).
    """
    return tuple(
        f"{r}:{p}:{t}" for r, p, t in product((region, "*"), (platform, "*"), (offer_type, "*"))
    )


@dataclass(frozen=True)
class SearchFilters:
    """Hard constraints, applied inside the engine before ranking (pre-filters)."""

    genres: tuple[str, ...] = ()
    # Every one of these genres ("sci-fi horror" asks for both); `genres` asks for any.
    all_genres: tuple[str, ...] = ()
    blocked_genres: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    offer_types: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    runtime_min: int | None = None
    runtime_max: int | None = None
    min_rating: float | None = None
    # Highest minimum age allowed; titles with no known age rating are left out when set.
    max_age_rating: int | None = None
    exclude_ids: tuple[uuid.UUID, ...] = ()

    def availability_any(self) -> tuple[str, ...]:
        """Tokens of which a title must have at least one; empty when availability is free."""
        if not (self.platforms or self.regions or self.offer_types):
            return ()
        return tuple(
            f"{r}:{p}:{t}"
            for r, p, t in product(
                self.regions or ("*",), self.platforms or ("*",), self.offer_types or ("*",)
            )
        )

    @property
    def is_empty(self) -> bool:
        return self == SearchFilters()


@dataclass(frozen=True)
class ScoreParts:
    """Each signal's contribution after weighting; `None` = the part did not take part."""

    vector: float | None = None
    keyword: float | None = None
    graph: float | None = None
    popularity: float | None = None
    personal: float | None = None

    @property
    def total(self) -> float:
        return sum(getattr(self, name) or 0.0 for name in PARTS)


@dataclass(frozen=True)
class SearchHit:
    title: Title
    score: float
    parts: ScoreParts
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Facets:
    genres: dict[str, int] = field(default_factory=dict)
    platforms: dict[str, int] = field(default_factory=dict)
    decades: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit]
    total: int
    facets: Facets
    missing_parts: tuple[str, ...]
    search_time_ms: float
    intent: Intent


@dataclass(frozen=True)
class IndexedTitle:
    """One title as the engines store it: text fields, filterable fields and its vector."""

    id: uuid.UUID
    title: str
    text: str
    kind: str = "movie"
    genres: tuple[str, ...] = ()
    availability: tuple[str, ...] = ()
    year: int | None = None
    runtime: int | None = None
    rating: float | None = None
    age_rating: int | None = None
    popularity: float = 0.0
    vector: Sequence[float] = field(default=(), repr=False)


@dataclass(frozen=True)
class RawHit:
    """One engine answer; `score` is the side's raw score (BM25, cosine similarity, popularity)."""

    id: uuid.UUID
    score: float
    genres: tuple[str, ...] = ()
    availability: tuple[str, ...] = ()
    year: int | None = None
    popularity: float = 0.0
