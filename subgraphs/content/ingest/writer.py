"""Writes resolved records to the content database, one transaction per batch.

A record whose content hash equals the stored one is not written at all. Offers are compared
with what the title had, so each offer that appears or goes becomes one availability change.
Rows go out as plain tuples through `store` (COPY on PostgreSQL, executemany on SQLite); only
titles that already exist are read back as models, to merge the record over what they hold.
"""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from subgraphs.common.events import Event
from subgraphs.content.adapters.orm import OfferRow, PlatformRow, TitleGenreRow, TitleRow
from subgraphs.content.adapters.repository import title_from_row
from subgraphs.content.domain.model import Title
from subgraphs.content.ingest.events import (
    AvailabilityChange,
    availability_changed,
    title_upserted,
)
from subgraphs.content.ingest.ids import stable_text
from subgraphs.content.ingest.records import OfferRecord, TitleRecord, json_text
from subgraphs.content.ingest.store import (
    CREDIT,
    OFFER,
    PERSON,
    TITLE,
    TITLE_GENRE,
    BulkStore,
    bulk_store,
)

__all__ = ["BatchResult", "CatalogWriter", "Resolved"]

_SCALARS = ("kind", "title", "original_title", "overview", "release_date", "release_year",
            "runtime_minutes", "popularity", "average_rating", "vote_count", "collection")
_OFFER_FIELDS = ("title_id", "platform_id", "region", "type", "quality", "price", "currency",
                 "deep_link", "web_url", "available_from", "available_until")
_KNOWN_PEOPLE = 500_000  # ids remembered as stored; past this the set starts again


@dataclass(frozen=True)
class Resolved:
    record: TitleRecord
    title_id: uuid.UUID
    content_hash: str

    @functools.cached_property
    def id_text(self) -> str:
        """The id as stored and sent (a title's rows repeat it)."""
        return str(self.title_id)


@dataclass
class BatchResult:
    created: list[uuid.UUID] = field(default_factory=list)
    updated: list[uuid.UUID] = field(default_factory=list)
    unchanged: list[uuid.UUID] = field(default_factory=list)
    changes: list[AvailabilityChange] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    titles: list[Title] = field(default_factory=list)

    @property
    def written(self) -> list[uuid.UUID]:
        return self.created + self.updated


@dataclass
class _Batch:
    """What one transaction wrote, for the events that follow it."""

    titles: list[Title] = field(default_factory=list)
    versions: dict[uuid.UUID, str] = field(default_factory=dict)
    offers: dict[uuid.UUID, list[tuple[Any, ...]]] = field(default_factory=dict)
    offers_before: dict[uuid.UUID, set[tuple[str, str, str]]] = field(
        default_factory=lambda: defaultdict(set))
    people: set[str] = field(default_factory=set)


class CatalogWriter:
    def __init__(self) -> None:
        self._links: dict[str, tuple[str, str]] | None = None
        self._people: dict[str, str] = {}  # person key -> id (text)
        # Person ids a committed batch stored: later batches need not send them again.
        self._stored_people: set[str] = set()

    async def _platform_links(self) -> dict[str, tuple[str, str]]:
        if self._links is None:
            self._links = {row.slug: (row.deep_link_template, row.web_url_template)
                           for row in await PlatformRow.all()}
        return self._links

    async def write(self, batch: Sequence[Resolved], events: bool = True) -> BatchResult:
        """Upsert `batch` (each title at most once) in one transaction; events are returned,
        not published: the caller publishes them once the transaction has committed."""
        result = BatchResult()
        links = await self._platform_links()
        written = _Batch()
        async with in_transaction() as connection:
            store = bulk_store(connection)
            stored = {str(title_id): content_hash for title_id, content_hash in await store.select(
                ("id", "content_hash"), "title", "id", [item.id_text for item in batch])}
            todo: list[Resolved] = []
            for item in batch:
                content_hash = stored.get(item.id_text, False)
                if content_hash == item.content_hash:
                    result.unchanged.append(item.title_id)
                else:
                    todo.append(item)
                    (result.updated if content_hash is not False else result.created).append(
                        item.title_id)
            if not todo:
                return result
            now = datetime.now(UTC)
            old = {str(title_id) for title_id in result.updated}
            new = [item for item in todo if item.id_text not in old]
            await store.insert(TITLE, [_title_values(item, now) for item in new])
            written.titles += [_title(item) for item in new]
            if old:
                rows = await TitleRow.filter(id__in=result.updated).using_db(connection)
                by_id = {item.id_text: item for item in todo}
                for row in rows:
                    item = by_id[str(row.id)]
                    _merge(row, item.record, item.content_hash, now)
                await store.update(TITLE, [_row_values(row) for row in rows])
                written.titles += [title_from_row(row) for row in rows]
            written.versions = {item.title_id: item.content_hash for item in todo}
            await self._genres(store, todo, old)
            await self._credits(store, todo, old, written)
            await self._offers(store, todo, old, links, written)
        # Committed: what it stored can be relied on from now on.
        self._stored_people |= written.people
        if len(self._stored_people) > _KNOWN_PEOPLE:
            self._stored_people.clear()
        for item in todo:
            if item.record.offers is None:
                continue
            after = {offer.key for offer in item.record.offers}
            before = written.offers_before.get(item.title_id, set())
            result.changes += [(item.title_id, *key, True) for key in sorted(after - before)]
            result.changes += [(item.title_id, *key, False) for key in sorted(before - after)]
        if events:
            await self._events(result, todo, written)
        result.titles = written.titles
        return result

    async def _genres(self, store: BulkStore, todo: Sequence[Resolved], old: set[str]) -> None:
        items = [item for item in todo if item.record.genres is not None]
        # A new title has no rows to replace: only titles that existed are cleared first.
        await store.delete("title_genre", "title_id",
                           [item.id_text for item in items if item.id_text in old])
        await store.insert(TITLE_GENRE, [(item.id_text, slug) for item in items
                                         for slug in item.record.genres or ()])

    async def _credits(
        self, store: BulkStore, todo: Sequence[Resolved], old: set[str], written: _Batch
    ) -> None:
        items = [item for item in todo if item.record.credits is not None]
        people: dict[str, tuple[str, str, str]] = {}
        for item in items:
            for credit in item.record.credits or ():
                person_id = self._person_id(credit.person_key)
                if person_id not in self._stored_people and person_id not in people:
                    people[person_id] = (person_id, credit.person_key, credit.name)
        # People already known keep their row (and name).
        await store.insert_missing(PERSON, sorted(people.values(), key=lambda row: row[1]))
        written.people.update(people)
        await store.delete("credit", "title_id",
                           [item.id_text for item in items if item.id_text in old])
        await store.insert(CREDIT, [
            (item.id_text, self._person_id(c.person_key), str(c.role), c.character,
             c.order)
            for item in items for c in item.record.credits or ()
        ])

    def _person_id(self, key: str) -> str:
        found = self._people.get(key)
        if found is None:
            found = self._people[key] = stable_text("person", key)
            if len(self._people) > 200_000:
                self._people.clear()
        return found

    async def _offers(
        self, store: BulkStore, todo: Sequence[Resolved], old: set[str],
        links: dict[str, tuple[str, str]], written: _Batch,
    ) -> None:
        items = [item for item in todo if item.record.offers is not None]
        replaced = [item.id_text for item in items if item.id_text in old]
        if replaced:
            for title_id, platform, region, kind in await store.select(
                ("title_id", "platform_id", "region", "type"), "offer", "title_id", replaced
            ):
                written.offers_before[_uuid(title_id)].add((platform, region, kind))
            await store.delete("offer", "title_id", replaced)
        rows = []
        for item in items:
            title_id = item.id_text
            # Without links from the feed, the platform's templates with our source id stand in.
            key = item.record.source_key.split(":", 1)[1]
            mine = written.offers[item.title_id] = []
            for offer in item.record.offers or ():
                deep, web = links[offer.platform]
                mine.append(_offer_values(title_id, offer,
                                          offer.deep_link or deep.format(key=key),
                                          offer.web_url or web.format(key=key)))
            rows += mine
        await store.insert(OFFER, rows)

    async def _events(
        self, result: BatchResult, todo: Sequence[Resolved], written: _Batch
    ) -> None:
        # Genres and offers a record left out are the catalog's: read those back.
        keep_genres = [item.title_id for item in todo if item.record.genres is None]
        keep_offers = [item.title_id for item in todo if item.record.offers is None]
        genres: dict[uuid.UUID, list[str]] = {
            item.title_id: list(item.record.genres) for item in todo
            if item.record.genres is not None}
        if keep_genres:
            for title_id, slug in await TitleGenreRow.filter(
                title_id__in=keep_genres
            ).values_list("title_id", "genre_id"):
                genres.setdefault(_uuid(title_id), []).append(slug)
        offers: dict[uuid.UUID, list[dict[str, object]]] = {
            title_id: [dict(zip(OFFER.columns, values, strict=True)) for values in rows]
            for title_id, rows in written.offers.items()}
        if keep_offers:
            for offer in await OfferRow.filter(title_id__in=keep_offers).order_by(
                "platform_id", "region", "type"
            ).values(*_OFFER_FIELDS):
                offers.setdefault(_uuid(offer.pop("title_id")), []).append(offer)
        result.events += [availability_changed(change, written.versions[change[0]])
                          for change in result.changes]
        result.events += [
            title_upserted(title, written.versions[title.id], sorted(genres.get(title.id, [])),
                           offers.get(title.id, []))
            for title in written.titles]


def _title(item: Resolved) -> Title:
    record = item.record
    return Title(
        id=item.title_id, kind=record.kind, title=record.title,
        original_title=record.original_title, overview=record.overview,
        release_date=record.release_date, release_year=record.release_year,
        runtime_minutes=record.runtime_minutes, popularity=record.popularity or 0.0,
        average_rating=record.average_rating, vote_count=record.vote_count or 0,
        external_ids=record.external_ids,
    )


def _title_values(item: Resolved, now: datetime) -> tuple[Any, ...]:
    """A new title's row in `TITLE.columns` order."""
    record = item.record
    ids = record.external_ids
    return (item.id_text, record.source_key, str(record.kind), record.title,
            record.original_title, record.overview, record.release_date, record.release_year,
            record.runtime_minutes, record.popularity or 0.0, record.average_rating,
            record.vote_count or 0, ids.imdb, ids.tmdb, ids.eidr, record.collection,
            item.content_hash, now)


def _row_values(row: TitleRow) -> tuple[Any, ...]:
    """An existing title's merged row in `TITLE.columns` order."""
    return (str(row.id), row.source_key, _value(row.kind), row.title, row.original_title,
            row.overview, row.release_date, row.release_year, row.runtime_minutes,
            row.popularity, row.average_rating, row.vote_count, row.imdb_id, row.tmdb_id,
            row.eidr_id, row.collection, row.content_hash, row.updated_at)


def _offer_values(title_id: str, offer: OfferRecord, deep_link: str,
                  web_url: str) -> tuple[Any, ...]:
    """An offer's row in `OFFER.columns` order."""
    platform, region, kind = offer.key
    return (stable_text("offer", title_id, platform, region, kind), title_id, platform,
            region, kind, str(offer.quality), offer.price, offer.currency,
            json_text(offer.audio_languages), json_text(offer.subtitle_languages),
            offer.available_from, offer.available_until, deep_link, web_url)


def _merge(row: Any, record: TitleRecord, content_hash: str, now: datetime) -> None:
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


def _uuid(value: object) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _value(kind: object) -> str:
    return str(getattr(kind, "value", kind))
