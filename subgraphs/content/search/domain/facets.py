"""Counts of genres, platforms and decades over a search's fused candidates."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from subgraphs.content.search.domain.model import Facets, RawHit, SearchFilters

__all__ = ["facets"]


@lru_cache(maxsize=8192)
def _platforms_in(availability: tuple[str, ...], region: str) -> frozenset[str]:
    """Platforms of a title's availability tokens in `region` ("*" = any); titles share a
    few hundred distinct token tuples, so this runs once per tuple, not once per hit."""
    return frozenset(token.split(":")[1] for token in availability
                     if token.startswith(f"{region}:") and token.endswith(":*")
                     and token.split(":")[1] != "*")


def facets(hits: Sequence[RawHit], filters: SearchFilters) -> Facets:
    region = filters.regions[0] if len(filters.regions) == 1 else "*"
    genres: Counter[str] = Counter()
    platforms: Counter[str] = Counter()
    decades: Counter[int] = Counter()
    for hit in hits:
        genres.update(hit.genres)
        platforms.update(_platforms_in(hit.availability, region))
        if hit.year:
            decades[hit.year // 10 * 10] += 1
    return Facets(genres=dict(genres.most_common()), platforms=dict(platforms.most_common()),
                  decades=dict(sorted(decades.items())))
