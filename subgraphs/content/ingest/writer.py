"""Writes resolved records to the content database through an ingestion session.

Each batch is applied all or nothing (a savepoint); a batch that fails is applied again record
by record, so one bad row costs only itself. Batches share a transaction until 5,000 titles or
two seconds have gone by (see `store` for why); `write` returns the results a commit has
made final, and only those may be published or indexed.

A record whose content hash equals the stored one is not written at all. The stored hashes are
read with the catalog when the run starts and kept up to date by the run, so a batch needs no
query before it is written (concurrent runs are not coordinated; a title another run created
meanwhile fails its insert and is reported). Offers are compared
with what the title had, so each offer that appears or goes becomes one availability change.
Rows go out as plain tuples; only titles that already exist are read back as models, to merge
the record over what they hold.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from subgraphs.common.events import Event
from subgraphs.content.adapters.orm import PlatformRow, TitleRow
from subgraphs.content.catalog.adapters.repository import title_from_row
from subgraphs.content.catalog.domain.model import Title
from subgraphs.content.ingest.events import (
    AvailabilityChange,
    PersonCredit,
    availability_changed,
    title_upserted,
)
from subgraphs.content.ingest.ids import stable_text
from subgraphs.content.ingest.records import Resolved
from subgraphs.content.ingest.rows import (
    Existing,
    genre_steps,
    history_steps,
    merge_record,
    new_title,
    offer_steps,
    outbox_values,
    read_existing,
    row_values,
    title_values,
)
from subgraphs.content.ingest.store import (
    CREDIT,
    OFFER,
    OUTBOX,
    PERSON,
    TITLE,
    Delete,
    IngestSession,
    Insert,
    Step,
    Update,
)

__all__ = ["GROUP_SECONDS", "GROUP_TITLES", "BatchResult", "CatalogWriter"]

logger = logging.getLogger("mediagateway.content.ingest")

GROUP_TITLES = 5_000  # titles written before a commit at most
GROUP_SECONDS = 2.0  # ... or seconds since the first uncommitted batch, for slow feeds

_KNOWN_PEOPLE = 500_000  # ids remembered as stored; past this the set starts again
_PERSON_IDS = 200_000  # person key -> id memo; past this it starts again


@dataclass
class BatchResult:
    created: list[uuid.UUID] = field(default_factory=list)
    updated: list[uuid.UUID] = field(default_factory=list)
    unchanged: list[uuid.UUID] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source key, reason)
    changes: list[AvailabilityChange] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    titles: list[Title] = field(default_factory=list)
    people: set[str] = field(default_factory=set)  # person ids this batch stored

    @property
    def written(self) -> list[uuid.UUID]:
        return self.created + self.updated


class CatalogWriter:
    def __init__(self, session: IngestSession, stored: dict[str, str | None], *,
                 events: bool = True, titles: bool = True,
                 clock: Callable[[], datetime] | None = None) -> None:
        """`stored`: the content hash of every title in the catalog, by id (text); `events`:
        build `availability.changed` and `title.upserted` events; `titles`: list the written
        titles (for the search index). Runs that need neither skip the work. `clock`: when the
        offer history dates the changes it sees (now; the demo seed backdates its own)."""
        self.session = session
        self._clock = clock or (lambda: datetime.now(UTC))
        self._stored = stored
        self.events = events
        self.titles = titles or events
        self._links: dict[str, tuple[str, str]] | None = None
        self._people: dict[str, str] = {}  # person key -> id (text)
        # Person ids a committed batch stored: later batches need not send them again.
        self._stored_people: set[str] = set()
        self._pending: list[BatchResult] = []  # applied, not committed yet
        self._pending_titles = 0
        self._group_started = 0.0
        self._committed: list[BatchResult] = []
        # Events the caller published after their commit: their outbox rows go in the next one.
        self._published: list[str] = []

    async def write(self, batch: Sequence[Resolved]) -> list[BatchResult]:
        """Apply `batch` (each title at most once). Returns the results now committed, this
        batch's and earlier ones', in feed order; events and titles are for the caller to
        publish and index."""
        # `_apply` may commit (and replace `_pending`): its result is added after it returns.
        try:
            results = [await self._apply(batch)]
        except Exception as error:  # one bad row must not sink its 99 neighbours
            logger.info("batch failed (%s); writing its records one by one", error)
            results = []
            for item in batch:
                try:
                    results.append(await self._apply([item]))
                except Exception as single:
                    results.append(BatchResult(
                        skipped=[(item.record.source_key, f"database: {single}")]))
        self._pending += results
        if (self._pending_titles >= GROUP_TITLES
                or time.monotonic() - self._group_started >= GROUP_SECONDS):
            await self._commit()
        committed, self._committed = self._committed, []
        return committed

    async def finish(self) -> list[BatchResult]:
        """Commit what is pending; returns those results."""
        await self._commit()
        committed, self._committed = self._committed, []
        return committed

    def published(self, event_ids: Sequence[str]) -> None:
        """These committed events reached Redis: their outbox rows are deleted with the next
        commit, on this run's own connection (another connection's delete would wait for
        this run's open transaction on SQLite)."""
        self._published += event_ids

    async def _commit(self) -> None:
        if self._published:
            await self.session.apply(
                [Delete(OUTBOX.name, "event_id", self._published, kind="text")])
            self._published = []
        if self.session.dirty:
            await self.session.commit()
        # Committed: what it stored can be relied on from now on.
        for result in self._pending:
            self._stored_people |= result.people
        if len(self._stored_people) > _KNOWN_PEOPLE:
            self._stored_people.clear()
        self._committed += self._pending
        self._pending = []
        self._pending_titles = 0

    async def _platform_links(self) -> dict[str, tuple[str, str]]:
        if self._links is None:
            self._links = {row.slug: (row.deep_link_template, row.web_url_template)
                           for row in await PlatformRow.all()}
        return self._links

    async def _apply(self, batch: Sequence[Resolved]) -> BatchResult:
        result = BatchResult()
        todo: list[Resolved] = []
        for item in batch:
            content_hash = self._stored.get(item.id_text, False)
            if content_hash == item.content_hash:
                result.unchanged.append(item.title_id)
            else:
                todo.append(item)
                (result.updated if content_hash is not False else result.created).append(
                    item.title_id)
        if not todo:
            return result
        existing = Existing()
        if result.updated:
            # Existing titles are read as models through the app's connection, which sees
            # committed rows only: commit first, so a title written earlier in this run counts.
            await self._commit()
            updated = set(result.updated)
            existing = await read_existing(result.updated, [
                item.title_id for item in todo
                if item.record.credits is None and item.title_id in updated
            ] if self.events else [])
        links = await self._platform_links()
        steps, offers, credits = self._plan(todo, existing, links, result)
        steps += history_steps(todo, existing, self._clock())
        _changes(result, todo, existing)
        if self.events:
            _events(result, todo, existing, offers, credits)
            # Staged with the rows: a committed batch's events are published even when the
            # run dies right after its commit (the relay sends them), a failed one's never.
            steps.append(Insert(OUTBOX, [outbox_values(event) for event in result.events]))
        await self.session.apply(steps)
        self._stored.update((item.id_text, item.content_hash) for item in todo)
        if not self._pending_titles:
            self._group_started = time.monotonic()
        self._pending_titles += len(todo)
        return result

    def _plan(
        self, todo: Sequence[Resolved], existing: Existing, links: dict[str, tuple[str, str]],
        result: BatchResult,
    ) -> tuple[list[Step], dict[str, list[tuple[Any, ...]]], dict[str, list[PersonCredit]]]:
        """The steps that write `todo`, and each title's offer rows and credits (for its event;
        credits only when events are built)."""
        now = datetime.now(UTC)
        old = existing.rows
        new = [item for item in todo if item.id_text not in old]
        steps: list[Step] = [Insert(TITLE, [title_values(item, now) for item in new])]
        if self.titles:
            result.titles += [new_title(item) for item in new]
        if old:
            by_id = {item.id_text: item for item in todo}
            for title_id, row in old.items():
                item = by_id[title_id]
                merge_record(row, item.record, item.content_hash, now)
            steps.append(Update(TITLE, [row_values(row) for row in old.values()]))
            result.titles += [title_from_row(row) for row in old.values()]
        steps += genre_steps(todo, old)
        credits: dict[str, list[PersonCredit]] = {}
        steps += self._credit_steps(todo, old, result, credits)
        offer_rows, offers = offer_steps(todo, old, links)
        return steps + offer_rows, offers, credits

    def _credit_steps(
        self, todo: Sequence[Resolved], old: dict[str, TitleRow], result: BatchResult,
        credits: dict[str, list[PersonCredit]],
    ) -> list[Step]:
        """The steps that write `todo`'s credits; with events on, each title's credits go in
        `credits` as well (in the record's order), for its `title.upserted`."""
        items = [item for item in todo if item.record.credits is not None]
        people: dict[str, tuple[str, str, str]] = {}
        rows = []
        for item in items:
            mine: list[PersonCredit] | None = None
            if self.events:
                mine = credits[item.id_text] = []
            for credit in item.record.credits or ():
                person_id = self._person_id(credit.person_key)
                if person_id not in self._stored_people and person_id not in people:
                    people[person_id] = (person_id, credit.person_key, credit.name)
                role = str(credit.role)
                rows.append((item.id_text, person_id, role, credit.character, credit.order))
                if mine is not None:
                    mine.append((person_id, role, credit.order))
        result.people.update(people)
        return [
            # People already known keep their row (and name).
            Insert(PERSON, sorted(people.values(), key=lambda row: row[1]), missing_only=True),
            Delete("credit", "title_id", [item.id_text for item in items if item.id_text in old]),
            Insert(CREDIT, rows),
        ]

    def _person_id(self, key: str) -> str:
        found = self._people.get(key)
        if found is None:
            if len(self._people) >= _PERSON_IDS:
                self._people.clear()
            found = self._people[key] = stable_text("person", key)
        return found


def _changes(result: BatchResult, todo: Sequence[Resolved], existing: Existing) -> None:
    """Each offer that appeared or went, as one availability change."""
    for item in todo:
        if item.record.offers is None:
            continue
        after = {offer.key for offer in item.record.offers}
        before = {(offer["platform_id"], offer["region"], str(offer["type"]))
                  for offer in existing.offers.get(item.id_text, ())}
        result.changes += [(item.title_id, *key, True) for key in sorted(after - before)]
        result.changes += [(item.title_id, *key, False) for key in sorted(before - after)]


def _events(result: BatchResult, todo: Sequence[Resolved], existing: Existing,
            offers: dict[str, list[tuple[Any, ...]]],
            credits: dict[str, list[PersonCredit]]) -> None:
    by_id = {item.title_id: item for item in todo}
    result.events += [availability_changed(change, by_id[change[0]].content_hash)
                      for change in result.changes]
    for title in result.titles:
        item = by_id[title.id]
        # Genres, offers and credits a record left out are the catalog's.
        genres = (list(item.record.genres) if item.record.genres is not None
                  else existing.genres.get(item.id_text, []))
        listed = ([dict(zip(OFFER.columns, values, strict=True))
                   for values in offers[item.id_text]] if item.record.offers is not None
                  else existing.offers.get(item.id_text, []))
        people = (credits[item.id_text] if item.record.credits is not None
                  else existing.credits.get(item.id_text, ()))
        result.events.append(title_upserted(title, item.content_hash, sorted(genres), listed,
                                            people))
