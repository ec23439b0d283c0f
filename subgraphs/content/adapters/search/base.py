"""The engine-neutral search index: what is stored per title and what a query returns."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from subgraphs.content.domain.search import SearchFilters

__all__ = ["IndexedTitle", "RawHit", "SearchIndex"]


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
    """One engine answer; `score` is the side's raw score (BM25, cosine similarity or fused)."""

    id: uuid.UUID
    score: float
    genres: tuple[str, ...] = ()
    availability: tuple[str, ...] = ()
    year: int | None = None
    popularity: float = 0.0


class SearchIndex(Protocol):
    """A full-text + vector index over titles with pre-filters; one per vector space."""

    name: str
    # Vectors of any other length are refused: they come from another provider's space.
    dimensions: int

    async def upsert(self, titles: Sequence[IndexedTitle]) -> None:
        """Insert or replace titles by id."""

    async def delete(self, ids: Sequence[uuid.UUID]) -> None: ...

    async def count(self) -> int: ...

    async def keyword(self, query: str, filters: SearchFilters, limit: int) -> list[RawHit]:
        """BM25 over title (boosted) and text, best first."""

    async def vector(
        self, vector: Sequence[float], filters: SearchFilters, limit: int
    ) -> list[RawHit]:
        """Cosine similarity (1 = same direction), best first."""

    async def fetch(self, ids: Sequence[uuid.UUID], filters: SearchFilters) -> list[RawHit]:
        """Those of `ids` that pass `filters` (score 0), to check candidates found elsewhere."""

    async def browse(self, filters: SearchFilters, limit: int) -> list[RawHit]:
        """Titles passing `filters`, most popular first (score = popularity)."""

    async def hybrid(
        self,
        query: str,
        vector: Sequence[float],
        filters: SearchFilters,
        limit: int,
        alpha: float,
        fusion: str,
    ) -> list[RawHit]:
        """Both sides fused by `fusion` ("relativeScore" or "ranked"), as Weaviate does."""

    async def warm(self) -> None:
        """Load what the first query would need (called at app start, in the background)."""

    async def refresh(self) -> int:
        """Take in what other processes wrote since the last call; how many rows it read."""

    async def close(self) -> None: ...
