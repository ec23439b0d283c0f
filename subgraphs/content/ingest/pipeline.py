"""The ingestion pipeline: feed items -> normalised records -> resolved ids -> batched upserts.

Batches of 100 are applied all or nothing (if one fails, each record is applied on its own, so
one bad row costs only itself); once a commit has made batches final, their events are
published (`availability.changed` per offer that appeared or went, `title.upserted` per written
title) and the search indexer is called with their titles. At the end the title graph is
rebuilt around what changed. Records that cannot be ingested are reported with the reason and
skipped, never half-written. While one batch is written, published and indexed, the next is
normalised and resolved.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from redis.exceptions import RedisError
from tqdm import tqdm

from subgraphs.common.events import Event
from subgraphs.common.outbox import OutboxRelay, publish_staged
from subgraphs.content.adapters.orm import GenreRow, PlatformRow, TitleRow
from subgraphs.content.catalog.domain.model import ExternalIds, Title
from subgraphs.content.graph.adapters.repository import TitleGraph
from subgraphs.content.ingest.normalise import Normaliser
from subgraphs.content.ingest.records import BadRecord, FeedItem, Resolved, TitleRecord
from subgraphs.content.ingest.resolve import CatalogEntry, Embedder, EntityResolver
from subgraphs.content.ingest.store import ingest_session
from subgraphs.content.ingest.writer import BatchResult, CatalogWriter
from subgraphs.content.intent.domain.vocabulary import Vocabulary

__all__ = ["BATCH_SIZE", "IngestPipeline", "IngestReport", "Publisher", "TitleIndexer",
           "ensure_vocabulary"]

logger = logging.getLogger("mediagateway.content.ingest")

BATCH_SIZE = 100
_YIELD_EVERY = 5  # records normalised between two steps of the batch being written


class Publisher(Protocol):
    async def publish_many(self, events: list[Event]) -> None: ...


class TitleIndexer(Protocol):
    async def index_titles(self, titles: Sequence[Title], progress: bool = False) -> int: ...


@dataclass
class IngestReport:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    events: int = 0
    availability_changes: int = 0
    indexed: int = 0
    graph_edges: int = 0
    matches: dict[str, int] = field(default_factory=dict)
    unknown_genres: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"read {self.read}: {self.created} created, {self.updated} updated, "
                f"{self.unchanged} unchanged, {len(self.skipped)} skipped; "
                f"{self.availability_changes} availability changes, {self.events} events, "
                f"{self.indexed} indexed, {self.graph_edges} graph edges in {self.seconds:.1f} s")


async def ensure_vocabulary(
    genres: Mapping[str, str], platforms: Mapping[str, tuple[str, str, str]]
) -> None:
    """Create missing genres (slug -> name) and platforms (slug -> name, deep link, web URL)."""
    await GenreRow.bulk_create([GenreRow(slug=slug, name=name) for slug, name in genres.items()],
                               ignore_conflicts=True)
    await PlatformRow.bulk_create(
        [PlatformRow(slug=slug, name=name, deep_link_template=deep, web_url_template=web)
         for slug, (name, deep, web) in platforms.items()],
        ignore_conflicts=True,
    )


class IngestPipeline:
    def __init__(
        self,
        publisher: Publisher | None = None,
        *,
        indexer: TitleIndexer | None = None,
        embedder: Embedder | None = None,
        graph: TitleGraph | None = None,
        batch_size: int = BATCH_SIZE,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """`clock`: when the offer history dates the changes this run makes (default now)."""
        self.publisher = publisher
        self.clock = clock
        self.indexer = indexer
        self.embedder = embedder
        self.graph = graph
        self.batch_size = batch_size

    async def _catalog(self) -> tuple[EntityResolver, dict[str, str | None]]:
        """The resolver over the catalog's titles, and each title's content hash by id."""
        rows = await TitleRow.all().values_list(
            "id", "source_key", "title", "release_year", "kind", "imdb_id", "tmdb_id", "eidr_id",
            "content_hash")
        entries = [
            CatalogEntry(uuid.UUID(str(title_id)), source_key, title, year, str(getattr(
                kind, "value", kind)), ExternalIds(imdb=imdb, tmdb=tmdb, eidr=eidr))
            for title_id, source_key, title, year, kind, imdb, tmdb, eidr, _ in rows
        ]
        stored = {str(row[0]): row[-1] for row in rows}
        return EntityResolver(entries, self.embedder), stored

    async def _normaliser(self) -> Normaliser:
        genres = {row.slug: row.name for row in await GenreRow.all()}
        platforms = {row.slug: row.name for row in await PlatformRow.all()}
        return Normaliser(Vocabulary.of(genres, platforms))

    async def run(
        self,
        feed: str,
        items: AsyncIterable[FeedItem],
        *,
        total: int | None = None,
        progress: bool = True,
    ) -> IngestReport:
        """Ingest every item of one feed; `feed` prefixes the records' source ids."""
        started = time.perf_counter()
        report = IngestReport()
        if self.publisher is not None:
            # What an earlier run left staged goes first, before this run's session opens.
            await publish_staged(OutboxRelay(self.publisher))
        normaliser = await self._normaliser()
        resolver, stored = await self._catalog()
        written: set[uuid.UUID] = set()
        similar: list[tuple[uuid.UUID, str]] = []
        batch: list[Resolved] = []
        in_batch: set[uuid.UUID] = set()
        bar = tqdm(total=total, desc=f"ingest {feed}", unit="title", disable=not progress)
        # One batch is written (and published, indexed) while the next is normalised: the
        # database (SQLite's thread, PostgreSQL's server) and the embedder work beside us.
        # Batches still commit one after the other, in feed order.
        writing: asyncio.Task[None] | None = None

        async def flush() -> None:
            nonlocal writing
            if batch:
                if writing is not None:
                    await writing
                writing = asyncio.create_task(self._flush(writer, list(batch), report, written))
                bar.update(len(batch))
                batch.clear()
                in_batch.clear()

        async with ingest_session() as session:
            writer = CatalogWriter(session, stored, events=self.publisher is not None,
                                   titles=self.indexer is not None, clock=self.clock)
            try:
                async for item in items:
                    report.read += 1
                    if report.read % _YIELD_EVERY == 0:
                        await asyncio.sleep(0)  # lets the batch being written take its next step
                    try:
                        record = self._record(item, normaliser, feed)
                    except BadRecord as error:
                        report.skipped.append((item.ref, str(error)))
                        bar.update(1)
                        continue
                    match = await resolver.resolve(record)
                    if match.title_id in in_batch:
                        await flush()  # the same title twice: the later record wins, in order
                    batch.append(Resolved(record, match.title_id, record.content_hash()))
                    in_batch.add(match.title_id)
                    similar += [(match.title_id, ref) for ref in record.similar]
                    if len(batch) >= self.batch_size:
                        await flush()
                await flush()
            finally:
                if writing is not None:
                    await writing
            await self._committed(await writer.finish(), report, written, writer)
            await writer.finish()  # the last published events' outbox rows
        bar.close()
        if self.graph is not None:
            report.graph_edges = await self._link(similar, resolver, written)
        report.matches = dict(resolver.matches)
        report.unknown_genres = dict(Counter(normaliser.unknown_genres))
        report.seconds = time.perf_counter() - started
        for ref, reason in report.skipped:
            logger.warning("skipped %s: %s", ref, reason)
        return report

    @staticmethod
    def _record(item: FeedItem, normaliser: Normaliser, feed: str) -> TitleRecord:
        if item.error is not None or item.data is None:
            raise BadRecord(item.error or "empty record")
        return normaliser.record(item.data, feed)

    async def _flush(
        self, writer: CatalogWriter, batch: list[Resolved], report: IngestReport,
        written: set[uuid.UUID],
    ) -> None:
        await self._committed(await writer.write(batch), report, written, writer)

    async def _committed(
        self, results: list[BatchResult], report: IngestReport, written: set[uuid.UUID],
        writer: CatalogWriter,
    ) -> None:
        """Count, publish and index what a commit made final."""
        for result in results:
            report.created += len(result.created)
            report.updated += len(result.updated)
            report.unchanged += len(result.unchanged)
            report.skipped += result.skipped
            report.availability_changes += len(result.changes)
            written.update(result.written)
            report.events += len(result.events)
        events = [event for result in results for event in result.events]
        if events and self.publisher is not None:
            # Staged with their rows and committed: sent now from memory. Should Redis be
            # away, the rows stay and the content app's relay sends them once it is back.
            try:
                await self.publisher.publish_many(events)
            except (RedisError, OSError):
                logger.warning("publishing %d events failed; the outbox relay will retry",
                               len(events))
            else:
                writer.published([event.id for event in events])
        # One call for the whole commit: each engine write has a fixed cost (~25 ms on LanceDB).
        titles = [title for result in results for title in result.titles]
        if titles and self.indexer is not None:
            report.indexed += await self.indexer.index_titles(titles)

    async def _link(
        self, similar: list[tuple[uuid.UUID, str]], resolver: EntityResolver,
        written: set[uuid.UUID],
    ) -> int:
        assert self.graph is not None
        pairs = [(title_id, other) for title_id, ref in similar
                 if (other := resolver.title_for(ref)) is not None]
        edges = await self.graph.link_similar(pairs) if pairs else 0
        if written:
            edges += await self.graph.rebuild_content_edges(only=written)
        return edges
