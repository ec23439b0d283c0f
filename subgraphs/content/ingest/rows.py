"""A batch's rows as the store takes them (plain tuples in each table's column order), and
what the catalog already holds for the titles a batch updates."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from subgraphs.common.events import Event
from subgraphs.content.adapters.orm import CreditRow, OfferRow, TitleGenreRow, TitleRow
from subgraphs.content.availability.domain.changes import diff_offers
from subgraphs.content.availability.domain.model import OfferChange, OfferState
from subgraphs.content.catalog.domain.model import Title
from subgraphs.content.catalog.domain.titles import sort_title
from subgraphs.content.ingest.events import PersonCredit
from subgraphs.content.ingest.ids import stable_text
from subgraphs.content.ingest.records import OfferRecord, Resolved, TitleRecord, json_text
from subgraphs.content.ingest.store import OFFER, OFFER_HISTORY, TITLE_GENRE, Delete, Insert, Step

__all__ = ["Existing", "enum_value", "genre_steps", "history_steps", "merge_record", "new_title",
           "offer_steps", "offer_values", "outbox_values", "read_existing", "row_values",
           "title_values"]

_SCALARS = ("kind", "title", "original_title", "overview", "release_date", "release_year",
            "runtime_minutes", "popularity", "average_rating", "vote_count", "collection")
_OFFER_FIELDS = ("title_id", "platform_id", "region", "type", "quality", "price", "currency",
                 "deep_link", "web_url", "available_from", "available_until")


@dataclass
class Existing:
    """What the catalog holds for the titles a batch updates (committed, so current)."""

    rows: dict[str, TitleRow] = field(default_factory=dict)
    genres: dict[str, list[str]] = field(default_factory=dict)
    offers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Only for titles whose record leaves credits out (their event lists the stored ones).
    credits: dict[str, list[PersonCredit]] = field(default_factory=dict)


async def read_existing(
    title_ids: Sequence[uuid.UUID], credits_of: Sequence[uuid.UUID] = ()
) -> Existing:
    """The rows, genres and offers of `title_ids`, and the credits of `credits_of` (one query
    each)."""
    existing = Existing(rows={str(row.id): row for row in await TitleRow.filter(
        id__in=title_ids)})
    for title_id, slug in await TitleGenreRow.filter(title_id__in=title_ids).values_list(
        "title_id", "genre_id"
    ):
        existing.genres.setdefault(str(title_id), []).append(slug)
    for offer in await OfferRow.filter(title_id__in=title_ids).order_by(
        "platform_id", "region", "type"
    ).values(*_OFFER_FIELDS):
        existing.offers.setdefault(str(offer["title_id"]), []).append(offer)
    if credits_of:
        stored = sorted(
            (str(title_id), enum_value(role), order, source_key, str(person_id))
            for title_id, person_id, role, order, source_key in await CreditRow.filter(
                title_id__in=credits_of).values_list(
                "title_id", "person_id", "role", "order", "person__source_key")
        )
        # Sorted as a record's credits are (role, order, the person's source key).
        for title_id, role, order, _, person_id in stored:
            existing.credits.setdefault(title_id, []).append((person_id, role, order))
    return existing


def genre_steps(todo: Sequence[Resolved], old: dict[str, TitleRow]) -> list[Step]:
    items = [item for item in todo if item.record.genres is not None]
    # A new title has no rows to replace: only titles that existed are cleared first.
    return [Delete("title_genre", "title_id", [item.id_text for item in items
                                               if item.id_text in old]),
            Insert(TITLE_GENRE, [(item.id_text, slug) for item in items
                                 for slug in item.record.genres or ()])]


def offer_steps(
    todo: Sequence[Resolved], old: dict[str, TitleRow], links: dict[str, tuple[str, str]]
) -> tuple[list[Step], dict[str, list[tuple[Any, ...]]]]:
    items = [item for item in todo if item.record.offers is not None]
    offers: dict[str, list[tuple[Any, ...]]] = {}
    for item in items:
        title_id = item.id_text
        # Without links from the feed, the platform's templates with our source id stand in.
        key = item.record.source_key.split(":", 1)[1]
        mine = offers[title_id] = []
        for offer in item.record.offers or ():
            deep, web = links[offer.platform]
            mine.append(offer_values(title_id, offer, offer.deep_link or deep.format(key=key),
                                      offer.web_url or web.format(key=key)))
    replaced = [item.id_text for item in items if item.id_text in old]
    return [Delete("offer", "title_id", replaced),
            Insert(OFFER, [row for rows in offers.values() for row in rows])], offers


def history_steps(todo: Sequence[Resolved], existing: Existing, now: datetime) -> list[Step]:
    """The offer history rows of `todo`: each offer that appeared, left or changed its price
    against what the title had. Applied with the offer rows, so a change and its record are
    committed (or rolled back) together."""
    changes: list[OfferChange] = []
    for item in todo:
        if item.record.offers is None:
            continue  # offers left out: the catalog's stay as they are
        before = [OfferState(offer["platform_id"], offer["region"], offer["type"],
                             offer["quality"], offer["price"], offer["currency"],
                             offer["available_from"])
                  for offer in existing.offers.get(item.id_text, ())]
        after = [OfferState(offer.platform, offer.region, offer.type, offer.quality,
                            offer.price, offer.currency, offer.available_from)
                 for offer in item.record.offers]
        changes += diff_offers(item.title_id, before, after, now)
    return [Insert(OFFER_HISTORY, [history_values(change) for change in changes])]


def history_values(change: OfferChange) -> tuple[Any, ...]:
    """A change's row in `OFFER_HISTORY.columns` order."""
    title_id, kind = str(change.title_id), enum_value(change.type)
    # The offer's own id (see `offer_values`): the lists join history to offers by it.
    return (stable_text("offer", title_id, change.platform, change.region, kind), title_id,
            change.platform, change.region, kind,
            enum_value(change.quality), str(change.kind), change.old_price, change.new_price,
            change.currency, change.at)


def outbox_values(event: Event) -> tuple[str, str, str, str]:
    """An event's row in `OUTBOX.columns` order."""
    return (event.id, event.type, event.occurred_at, orjson.dumps(event.payload).decode())


def new_title(item: Resolved) -> Title:
    record = item.record
    return Title(
        id=item.title_id, kind=record.kind, title=record.title,
        original_title=record.original_title, overview=record.overview,
        release_date=record.release_date, release_year=record.release_year,
        runtime_minutes=record.runtime_minutes, popularity=record.popularity or 0.0,
        average_rating=record.average_rating, vote_count=record.vote_count or 0,
        external_ids=record.external_ids,
    )


def title_values(item: Resolved, now: datetime) -> tuple[Any, ...]:
    """A new title's row in `TITLE.columns` order."""
    record = item.record
    ids = record.external_ids
    return (item.id_text, record.source_key, str(record.kind), record.title,
            record.original_title, record.overview, record.release_date, record.release_year,
            record.runtime_minutes, record.popularity or 0.0, record.average_rating,
            record.vote_count or 0, ids.imdb, ids.tmdb, ids.eidr, record.collection,
            item.content_hash, now, sort_title(record.title).casefold())


def row_values(row: TitleRow) -> tuple[Any, ...]:
    """An existing title's merged row in `TITLE.columns` order."""
    return (str(row.id), row.source_key, enum_value(row.kind), row.title, row.original_title,
            row.overview, row.release_date, row.release_year, row.runtime_minutes,
            row.popularity, row.average_rating, row.vote_count, row.imdb_id, row.tmdb_id,
            row.eidr_id, row.collection, row.content_hash, row.updated_at,
            sort_title(row.title).casefold())


def offer_values(title_id: str, offer: OfferRecord, deep_link: str,
                  web_url: str) -> tuple[Any, ...]:
    """An offer's row in `OFFER.columns` order."""
    platform, region, kind = offer.key
    return (stable_text("offer", title_id, platform, region, kind), title_id, platform,
            region, kind, str(offer.quality), offer.price, offer.currency,
            json_text(offer.audio_languages), json_text(offer.subtitle_languages),
            offer.available_from, offer.available_until, deep_link, web_url)


def merge_record(row: Any, record: TitleRecord, content_hash: str, now: datetime) -> None:
    """The record's values over the row's; what the record leaves empty stays as it was."""
    for name in _SCALARS:
        value = getattr(record, name)
        if value is not None:
            setattr(row, name, value)
    ids = record.external_ids
    row.imdb_id = ids.imdb or row.imdb_id
    row.tmdb_id = ids.tmdb or row.tmdb_id
    row.eidr_id = ids.eidr or row.eidr_id
    row.content_hash = content_hash
    row.updated_at = now


def enum_value(kind: object) -> str:
    return str(getattr(kind, "value", kind))
