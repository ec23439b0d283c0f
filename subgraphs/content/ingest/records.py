"""What one feed record becomes once normalised: the shape the pipeline resolves and writes."""

from __future__ import annotations

import functools
import hashlib
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

import orjson

from subgraphs.content.catalog.domain.model import (
    CreditRole,
    ExternalIds,
    OfferType,
    TitleKind,
    VideoQuality,
)

if TYPE_CHECKING:
    from hashlib import _Hash

__all__ = ["BadRecord", "CreditRecord", "FeedItem", "OfferRecord", "Resolved", "TitleRecord",
           "assemble", "digest", "json_text", "salted_digest"]

_Record = TypeVar("_Record")


class BadRecord(ValueError):
    """A record that cannot be ingested; the message says why, for the report."""


@dataclass(frozen=True)
class FeedItem:
    """One record as a feed read it: `ref` names it in reports (file:line, API id)."""

    ref: str
    data: dict[str, object] | None = None
    error: str | None = None


@dataclass(frozen=True)
class CreditRecord:
    person_key: str
    name: str
    role: CreditRole
    order: int = 0
    character: str | None = None


@dataclass(frozen=True)
class OfferRecord:
    platform: str
    region: str
    type: OfferType
    quality: VideoQuality = VideoQuality.HD
    price: Decimal | None = None
    currency: str | None = None
    deep_link: str | None = None
    web_url: str | None = None
    available_from: datetime | None = None
    available_until: datetime | None = None
    audio_languages: tuple[str, ...] = ()
    subtitle_languages: tuple[str, ...] = ()

    @functools.cached_property
    def key(self) -> tuple[str, str, str]:
        # Cached: offers are compared, sorted and written by it, and feeds repeat a few offers.
        return self.platform, self.region, str(self.type)


@dataclass(frozen=True)
class TitleRecord:
    """A normalised title. `None` for genres/credits/offers means "the feed says nothing":
    what the catalog holds is kept; an empty tuple means "none" and clears it."""

    source_key: str
    title: str
    kind: TitleKind = TitleKind.MOVIE
    original_title: str | None = None
    overview: str | None = None
    release_date: date | None = None
    release_year: int | None = None
    runtime_minutes: int | None = None
    popularity: float | None = None
    average_rating: float | None = None
    vote_count: int | None = None
    external_ids: ExternalIds = field(default_factory=ExternalIds)
    collection: str | None = None
    genres: tuple[str, ...] | None = None
    # Sorted by role, order and person key (`Normaliser.record`; `title.upserted` relies on it).
    credits: tuple[CreditRecord, ...] | None = None
    offers: tuple[OfferRecord, ...] | None = None
    similar: tuple[str, ...] = ()
    # Hash of the feed data the record came from (see `digest`); equal means nothing to write.
    digest: str = field(default="", compare=False)

    def content_hash(self) -> str:
        return self.digest or digest(asdict(self))


_DIGEST_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


@dataclass(slots=True)
class Resolved:
    """A record and the catalog title it was resolved to (`resolve.py`)."""

    record: TitleRecord
    title_id: uuid.UUID
    content_hash: str
    id_text: str = field(init=False)  # the id as stored and sent (a title's rows repeat it)

    def __post_init__(self) -> None:
        self.id_text = str(self.title_id)


def digest(data: object, salt: bytes = b"") -> str:
    """A stable hash of JSON-like data (plus `salt`): the same feed record always hashes the
    same. orjson, because this runs once per record and the stdlib encoder cost 30 µs of it."""
    return salted_digest(hashlib.sha256(salt), data)


def salted_digest(salted: _Hash, data: object) -> str:
    """`digest(data, salt)` given `hashlib.sha256(salt)`: a feed hashes its salt once, not per
    record."""
    hashed = salted.copy()
    hashed.update(orjson.dumps(data, option=_DIGEST_OPTIONS, default=str))
    return hashed.hexdigest()


def assemble(cls: type[_Record], **fields: object) -> _Record:
    """`cls(**fields)` for a frozen dataclass without `__post_init__` (the records above,
    `ExternalIds`), skipping its `__init__`: that sets each field through `object.__setattr__`,
    4 µs for a `TitleRecord`, and ingestion builds a title and its credits per record. Every
    field must be given, already checked: no defaults are applied."""
    record: _Record = object.__new__(cls)
    record.__dict__.update(fields)
    return record


def json_text(values: tuple[str, ...]) -> str:
    """A JSON column's text; offers repeat a few language lists endlessly."""
    return _json_text(values) if values else "[]"


@functools.lru_cache(maxsize=4096)
def _json_text(values: tuple[str, ...]) -> str:
    return orjson.dumps(values).decode()
