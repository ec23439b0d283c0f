"""How a catalog title becomes an indexed document: its texts and filterable fields."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from subgraphs.content.adapters.search.base import IndexedTitle
from subgraphs.content.domain.model import Genre, Offer, Title
from subgraphs.content.domain.offers import is_available
from subgraphs.content.domain.search import availability_tokens

__all__ = ["document_text", "indexed_title", "natural_title"]

# MovieLens-style "Usual Suspects, The" -> "The Usual Suspects".
_ARTICLE = re.compile(r"^(?P<rest>.+), (?P<article>The|A|An|Les|Le|La|L'|Il|Das|Der|Die|El)$",
                      re.IGNORECASE)


def natural_title(title: str) -> str:
    match = _ARTICLE.match(title.strip())
    if not match:
        return title.strip()
    article = match["article"]
    joiner = "" if article.endswith("'") else " "
    return f"{article}{joiner}{match['rest']}"


def document_text(title: Title, genres: Sequence[Genre]) -> str:
    """What is embedded and matched by BM25 besides the title: year, genres, kind, overview."""
    parts = [natural_title(title.title)]
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
        title=natural_title(title.title),
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
