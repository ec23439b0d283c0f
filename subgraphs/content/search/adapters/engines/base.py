"""The port every search engine implements; what it stores and returns is in the domain
(`IndexedTitle`, `RawHit`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Protocol

from subgraphs.content.search.domain.model import IndexedTitle, RawHit, SearchFilters

__all__ = ["SearchIndex"]


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

    async def warm(self) -> None:
        """Load what the first query would need (called at app start, in the background)."""

    async def refresh(self) -> int:
        """Take in what other processes wrote since the last call; how many rows it read."""

    async def close(self) -> None: ...
