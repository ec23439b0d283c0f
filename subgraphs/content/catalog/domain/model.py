"""The catalog's entities and value objects."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from subgraphs.common.vocabulary import OfferType, VideoQuality
from subgraphs.content.catalog.domain.titles import sort_title

__all__ = [
    "Credit",
    "CreditRole",
    "ExternalIds",
    "Genre",
    "Offer",
    "OfferType",
    "Person",
    "Platform",
    "Title",
    "TitleFilter",
    "TitleKind",
    "VideoQuality",
]


class TitleKind(enum.StrEnum):
    MOVIE = "movie"
    SERIES = "series"
    SEASON = "season"
    EPISODE = "episode"


class CreditRole(enum.StrEnum):
    ACTOR = "actor"
    DIRECTOR = "director"
    WRITER = "writer"
    PRODUCER = "producer"


@dataclass(frozen=True)
class ExternalIds:
    imdb: str | None = None
    tmdb: str | None = None
    eidr: str | None = None

    @property
    def canonical(self) -> str | None:
        """The id other systems should match on first: EIDR, then IMDb, then TMDb."""
        if self.eidr:
            return f"eidr:{self.eidr}"
        if self.imdb:
            return f"imdb:{self.imdb}"
        if self.tmdb:
            return f"tmdb:{self.tmdb}"
        return None


@dataclass(frozen=True)
class Genre:
    slug: str
    name: str


@dataclass(frozen=True)
class Title:
    id: uuid.UUID
    kind: TitleKind
    title: str
    original_title: str | None = None
    overview: str | None = None
    release_date: date | None = None
    release_year: int | None = None
    runtime_minutes: int | None = None
    popularity: float = 0.0
    average_rating: float | None = None
    vote_count: int = 0
    # Minimum viewer age in years: what search's `max_age_rating` filter compares with and what
    # `title.upserted` announces. No feed or column supplies one yet, so it is always None.
    age_rating: int | None = None
    external_ids: ExternalIds = field(default_factory=ExternalIds)
    parent_id: uuid.UUID | None = None
    season_number: int | None = None
    episode_number: int | None = None
    genre_slugs: tuple[str, ...] = ()
    # log2 of recent viewing, decayed (`ordering.trend_score`); None: nobody watched it.
    trending: float | None = None

    @property
    def sort_key(self) -> str:
        """What a sort by name compares: the sort title, case folded (the `sort_title` column)."""
        return sort_title(self.title).casefold()


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class Credit:
    title_id: uuid.UUID
    person_id: uuid.UUID
    role: CreditRole
    character: str | None = None
    order: int = 0


@dataclass(frozen=True)
class Platform:
    slug: str
    name: str
    deep_link_template: str
    web_url_template: str

    def deep_link(self, external_key: str) -> str:
        return self.deep_link_template.format(key=external_key)

    def web_url(self, external_key: str) -> str:
        return self.web_url_template.format(key=external_key)


@dataclass(frozen=True)
class Offer:
    id: uuid.UUID
    title_id: uuid.UUID
    platform_slug: str
    region: str
    type: OfferType
    quality: VideoQuality
    deep_link: str
    web_url: str
    price: Decimal | None = None
    currency: str | None = None
    audio_languages: tuple[str, ...] = ()
    subtitle_languages: tuple[str, ...] = ()
    available_from: datetime | None = None
    available_until: datetime | None = None


@dataclass(frozen=True)
class TitleFilter:
    """Which titles a listing returns; empty fields do not filter."""

    kinds: tuple[TitleKind, ...] = ()
    genres: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    platforms: tuple[str, ...] = ()
    region: str | None = None
    # Only titles with a subscription offer on one of these platforms (in `region` if set):
    # the signed-in viewer's, for `onlyMySubscriptions`.
    subscribed: tuple[str, ...] | None = None
