"""Writes resolved records to the content database, one transaction per batch.

A record whose content hash equals the stored one is not written at all. Offers are compared
with what the title had, so each offer that appears or goes becomes one availability change.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from tortoise.transactions import in_transaction

from subgraphs.common.events import Event
from subgraphs.common.ids import stable_id
from subgraphs.content.adapters.orm import (
    CreditRow,
    OfferRow,
    PersonRow,
    PlatformRow,
    TitleGenreRow,
    TitleRow,
)
from subgraphs.content.adapters.repository import title_from_row
from subgraphs.content.domain.model import OfferType, Title
from subgraphs.content.ingest.bulk import insert_rows
from subgraphs.content.ingest.events import (
    AvailabilityChange,
    availability_changed,
    title_upserted,
)
from subgraphs.content.ingest.records import OfferRecord, TitleRecord

__all__ = ["BatchResult", "CatalogWriter", "Resolved"]

_SCALARS = ("kind", "title", "original_title", "overview", "release_date", "release_year",
            "runtime_minutes", "popularity", "average_rating", "vote_count", "collection")
_UPDATED = (*_SCALARS, "imdb_id", "tmdb_id", "eidr_id", "content_hash", "updated_at")
_OFFER_FIELDS = ("title_id", "platform_id", "region", "type", "quality", "price", "currency",
                 "deep_link", "web_url", "available_from", "available_until")


@dataclass(frozen=True)
class Resolved:
    record: TitleRecord
    title_id: uuid.UUID
    content_hash: str


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


class CatalogWriter:
    def __init__(self) -> None:
        self._platforms: dict[str, PlatformRow] | None = None
        self._people: dict[str, uuid.UUID] = {}

    async def _platform(self, slug: str) -> PlatformRow:
        if self._platforms is None:
            self._platforms = {row.slug: row for row in await PlatformRow.all()}
        return self._platforms[slug]

    async def write(self, batch: Sequence[Resolved], events: bool = True) -> BatchResult:
        """Upsert `batch` (each title at most once) in one transaction; events are returned,
        not published: the caller publishes them once the transaction has committed."""
        result = BatchResult()
        existing = {row.id: row for row in
                    await TitleRow.filter(id__in=[item.title_id for item in batch])}
        todo = []
        for item in batch:
            row = existing.get(item.title_id)
            if row is not None and row.content_hash == item.content_hash:
                result.unchanged.append(item.title_id)
            else:
                todo.append(item)
        if not todo:
            return result
        now = datetime.now(UTC)
        created: list[Any] = []
        updated: list[TitleRow] = []
        for item in todo:
            row = existing.get(item.title_id)
            if row is None:
                # A plain namespace, not a model: building thousands of models costs more
                # than the INSERT itself.
                row = SimpleNamespace(**{
                    **dict.fromkeys(_UPDATED), "id": item.title_id,
                    "source_key": item.record.source_key, "popularity": 0.0, "vote_count": 0,
                    "parent_id": None, "season_number": None, "episode_number": None})
                created.append(row)
            else:
                updated.append(row)
            _merge(row, item.record, item.content_hash, now)
        offers_before: dict[uuid.UUID, set[tuple[str, str, str]]] = defaultdict(set)
        async with in_transaction():
            if created:
                await insert_rows(TitleRow, [vars(row) for row in created])
            if updated:
                await TitleRow.bulk_update(updated, fields=list(_UPDATED))
            await self._genres(todo)
            await self._credits(todo)
            offer_items = [item for item in todo if item.record.offers is not None]
            if offer_items:
                ids = [item.title_id for item in offer_items]
                for title_id, platform, region, kind in await OfferRow.filter(
                    title_id__in=ids
                ).values_list("title_id", "platform_id", "region", "type"):
                    offers_before[_uuid(title_id)].add((platform, region, _value(kind)))
                await OfferRow.filter(title_id__in=ids).delete()
                await insert_rows(OfferRow, [
                    await self._offer_row(item, offer) for item in offer_items
                    for offer in item.record.offers or ()
                ])
        result.created = [row.id for row in created]
        result.updated = [row.id for row in updated]
        for item in todo:
            if item.record.offers is None:
                continue
            after = {offer.key for offer in item.record.offers}
            before = offers_before.get(item.title_id, set())
            result.changes += [(item.title_id, *key, True) for key in sorted(after - before)]
            result.changes += [(item.title_id, *key, False) for key in sorted(before - after)]
        if events:
            await self._events(result, created + updated)
        else:
            result.titles = [title_from_row(row) for row in created + updated]
        return result

    async def _genres(self, todo: Sequence[Resolved]) -> None:
        items = [item for item in todo if item.record.genres is not None]
        if not items:
            return
        await TitleGenreRow.filter(title_id__in=[item.title_id for item in items]).delete()
        await insert_rows(TitleGenreRow, [
            {"title_id": item.title_id, "genre_id": slug}
            for item in items for slug in item.record.genres or ()
        ])

    async def _credits(self, todo: Sequence[Resolved]) -> None:
        items = [item for item in todo if item.record.credits is not None]
        if not items:
            return
        people = {c.person_key: c.name for item in items for c in item.record.credits or ()}
        ids = {key: self._person_id(key) for key in people}
        known: set[uuid.UUID] = set()
        for chunk in _chunks(list(ids.values()), 500):
            known.update(_uuid(value) for value in
                         await PersonRow.filter(id__in=chunk).values_list("id", flat=True))
        # People already known keep their row (and name).
        await insert_rows(PersonRow, [
            {"id": ids[key], "source_key": key, "name": name}
            for key, name in sorted(people.items()) if ids[key] not in known
        ])
        await CreditRow.filter(title_id__in=[item.title_id for item in items]).delete()
        await insert_rows(CreditRow, [
            {"title_id": item.title_id, "person_id": ids[c.person_key], "role": c.role,
             "character": c.character, "order": c.order}
            for item in items for c in item.record.credits or ()
        ])

    def _person_id(self, key: str) -> uuid.UUID:
        found = self._people.get(key)
        if found is None:
            found = self._people[key] = stable_id("person", key)
            if len(self._people) > 200_000:
                self._people.clear()
        return found

    async def _offer_row(self, item: Resolved, offer: OfferRecord) -> dict[str, object]:
        platform = await self._platform(offer.platform)
        # Without links from the feed, the platform's templates with our source id stand in.
        key = item.record.source_key.split(":", 1)[1]
        return {
            "id": stable_id("offer", item.title_id, *offer.key),
            "title_id": item.title_id, "platform_id": offer.platform, "region": offer.region,
            "type": offer.type, "price": offer.price, "currency": offer.currency,
            "quality": offer.quality, "audio_languages": list(offer.audio_languages),
            "subtitle_languages": list(offer.subtitle_languages),
            "available_from": offer.available_from, "available_until": offer.available_until,
            "deep_link": offer.deep_link or platform.deep_link_template.format(key=key),
            "web_url": offer.web_url or platform.web_url_template.format(key=key),
        }

    async def _events(self, result: BatchResult, rows: Sequence[Any]) -> None:
        ids = [row.id for row in rows]
        genres: dict[uuid.UUID, list[str]] = defaultdict(list)
        for title_id, slug in await TitleGenreRow.filter(title_id__in=ids).values_list(
            "title_id", "genre_id"
        ):
            genres[_uuid(title_id)].append(slug)
        offers: dict[uuid.UUID, list[dict[str, object]]] = defaultdict(list)
        for offer in await OfferRow.filter(title_id__in=ids).order_by(
            "platform_id", "region", "type"
        ).values(*_OFFER_FIELDS):
            offers[_uuid(offer.pop("title_id"))].append(offer)
        version = {row.id: row.content_hash or "" for row in rows}
        result.events += [availability_changed(change, version[change[0]])
                          for change in result.changes]
        result.events += [title_upserted(row, sorted(genres[row.id]), offers[row.id])
                          for row in rows]
        result.titles = [title_from_row(row) for row in rows]


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


def _chunks(items: list[uuid.UUID], size: int) -> list[list[uuid.UUID]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _uuid(value: object) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _value(kind: object) -> str:
    return kind.value if isinstance(kind, OfferType) else str(kind)
