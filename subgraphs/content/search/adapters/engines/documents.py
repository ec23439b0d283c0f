"""How a catalog title becomes an indexed document: its texts and filterable fields."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from subgraphs.content.catalog.domain.model import Genre, Offer, Title
from subgraphs.content.catalog.domain.offers import is_available
from subgraphs.content.catalog.domain.titles import display_title
from subgraphs.content.search.domain.model import IndexedTitle, availability_tokens

__all__ = ["document_text", "indexed_title"]

def document_text(title: Title, genres: Sequence[Genre]) -> str:
    """What is embedded and matched by BM25 besides the title: year, genres, kind, overview."""
    parts = [display_title(title.title)]
    if title.release_year:
        parts.append(f"({title.release_year})")
    if genres:
        parts.append("- " + ", ".join(genre.name for genre in genres) + ".")
    if title.kind.value != "movie":
        parts.append(title.kind.value.capitalize() + ".")
    if title.overview:
        parts.append(title.overview)
    return " ".join(parts)


def indexed_title(
    title: Title,
    genres: Sequence[Genre],
    offers: Iterable[Offer],
    vector: Sequence[float],
    now: datetime,
) -> IndexedTitle:
    tokens: set[str] = set()
    for offer in offers:
        if is_available(offer, now):
            tokens.update(availability_tokens(offer.region, offer.platform_slug, offer.type.value))
    return IndexedTitle(
        id=title.id,
        title=display_title(title.title),
        text=document_text(title, genres),
        kind=title.kind.value,
        genres=tuple(genre.slug for genre in genres),
        availability=tuple(sorted(tokens)),
        year=title.release_year,
        runtime=title.runtime_minutes,
        rating=title.average_rating,
        age_rating=title.age_rating,
        popularity=title.popularity / 100.0,
        vector=vector,
    )
