"""Entity resolution: which catalog title a feed record is, if any.

In order: the same source key (a rerun), external ids (EIDR, then IMDb, then TMDb), a close
spelling of the title with the year within one (rapidfuzz ratio ≥ 92), then — when an embedding
provider is given — cosine similarity ≥ 0.92 of "title (year)" against the few candidates the
spelling step found closest. Records accepted during a run join the index, so a feed that lists
a title twice makes one title.
"""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz import fuzz, process

from subgraphs.common.ids import stable_id
from subgraphs.content.catalog.domain.model import ExternalIds
from subgraphs.content.catalog.domain.titles import normal_title
from subgraphs.content.ingest.records import TitleRecord

__all__ = ["CatalogEntry", "Embedder", "EntityResolver", "Match"]

FUZZY_MIN = 92.0
EMBEDDING_MIN = 0.92
_CANDIDATES = 8
# Spelling closer than this makes a candidate for the embedding step.
_NEAR = 70.0


class Embedder(Protocol):
    async def embed(self, texts: list[str]) -> list[list[float]]: ...


@dataclass(frozen=True)
class CatalogEntry:
    id: uuid.UUID
    source_key: str
    title: str
    release_year: int | None
    kind: str
    external_ids: ExternalIds


@dataclass(frozen=True)
class Match:
    """The title id a record gets, and how it was found ("new" when it was not)."""

    title_id: uuid.UUID
    how: str


def _label(title: str, year: int | None) -> str:
    return f"{title} ({year})" if year else title


class EntityResolver:
    def __init__(self, entries: Iterable[CatalogEntry], embedder: Embedder | None = None) -> None:
        self.embedder = embedder
        self._by_source: dict[str, uuid.UUID] = {}
        self._by_id: dict[str, uuid.UUID] = {}
        self._by_year: dict[int | None, dict[str, list[CatalogEntry]]] = defaultdict(
            lambda: defaultdict(list))
        self._names: dict[int | None, list[str]] = defaultdict(list)
        # Which feeds' titles the index holds ("movielens:"): spelling only looks across feeds.
        self._feeds: set[str] = set()
        self._vectors: dict[str, list[float]] = {}
        self.matches: dict[str, int] = defaultdict(int)
        for entry in entries:
            self.add(entry)

    def add(self, entry: CatalogEntry) -> None:
        """Index `entry` by source key and ids, and by its title's spelling."""
        self._keys(entry.id, entry.source_key, entry.external_ids)
        name = normal_title(entry.title)
        bucket = self._by_year[entry.release_year]
        if name not in bucket:
            self._names[entry.release_year].append(name)
        bucket[name].append(entry)

    def _fuzzy(self, record: TitleRecord) -> tuple[CatalogEntry | None, list[CatalogEntry]]:
        # A feed's own ids are authoritative among its records: spelling only matches titles
        # other sources brought (MovieLens lists a few films twice, under two ids).
        own = record.source_key.split(":", 1)[0] + ":"
        if self._feeds <= {own}:
            return None, []  # only this feed's titles so far: nothing to compare with
        name = normal_title(record.title)
        years = ([record.release_year - 1, record.release_year, record.release_year + 1]
                 if record.release_year else [None])
        best: tuple[float, CatalogEntry] | None = None
        near: list[tuple[float, CatalogEntry]] = []
        for year in years:
            bucket = self._by_year.get(year)
            if not bucket:
                continue
            if name in bucket:
                hits = [(name, 100.0, 0)]
            else:
                # WRatio (partial and token-set aware) finds candidates; the plain ratio decides.
                hits = process.extract(name, self._names[year], scorer=fuzz.WRatio,
                                       limit=_CANDIDATES, score_cutoff=_NEAR)
            for found, near_score, _ in hits:
                score = fuzz.ratio(name, found)
                for entry in bucket[found]:
                    if entry.kind != record.kind.value or entry.source_key.startswith(own):
                        continue
                    near.append((near_score, entry))
                    if score >= FUZZY_MIN and (best is None or score > best[0]):
                        best = (score, entry)
        near.sort(key=lambda item: -item[0])
        return (best[1] if best else None), [entry for _, entry in near[:_CANDIDATES]]

    async def _embedded(
        self, record: TitleRecord, candidates: list[CatalogEntry]
    ) -> CatalogEntry | None:
        if self.embedder is None or not candidates:
            return None
        labels = [_label(record.title, record.release_year)] + [
            _label(c.title, c.release_year) for c in candidates]
        missing = [label for label in labels if label not in self._vectors]
        if missing:
            for label, vector in zip(missing, await self.embedder.embed(missing), strict=True):
                self._vectors[label] = vector
        mine = self._vectors[labels[0]]
        scored = [(_cosine(mine, self._vectors[label]), c)
                  for label, c in zip(labels[1:], candidates, strict=True)]
        score, best = max(scored, key=lambda item: item[0])
        return best if score >= EMBEDDING_MIN else None

    def title_for(self, ref: str) -> uuid.UUID | None:
        """The title an external reference ("imdb:tt0113277", "tmdb:949") names, if known."""
        return self._by_id.get(ref)

    def _keys(self, title_id: uuid.UUID, source_key: str, ids: ExternalIds) -> None:
        self._by_source.setdefault(source_key, title_id)
        self._feeds.add(source_key.split(":", 1)[0] + ":")
        if ids.eidr:
            self._by_id.setdefault(f"eidr:{ids.eidr}", title_id)
        if ids.imdb:
            self._by_id.setdefault(f"imdb:{ids.imdb}", title_id)
        if ids.tmdb:
            self._by_id.setdefault(f"tmdb:{ids.tmdb}", title_id)

    async def resolve(self, record: TitleRecord) -> Match:
        """The id `record` is written under; `how` says which rule decided."""
        match = await self._decide(record)
        self.matches[match.how] += 1
        # The record's own keys now point at its title: a later duplicate in the run agrees.
        # Its spelling is not indexed: a run is one feed, and spelling never matches a feed's
        # titles against its own (ids decide there).
        self._keys(match.title_id, record.source_key, record.external_ids)
        return match

    async def _decide(self, record: TitleRecord) -> Match:
        if record.source_key in self._by_source:
            return Match(self._by_source[record.source_key], "source")
        ids = record.external_ids
        for scheme, value in (("eidr", ids.eidr), ("imdb", ids.imdb), ("tmdb", ids.tmdb)):
            # canonical order: EIDR > IMDb > TMDb
            if value and (found := self._by_id.get(f"{scheme}:{value}")) is not None:
                return Match(found, scheme)
        fuzzy, candidates = self._fuzzy(record)
        if fuzzy is not None:
            return Match(fuzzy.id, "title")
        embedded = await self._embedded(record, candidates)
        if embedded is not None:
            return Match(embedded.id, "embedding")
        return Match(stable_id("title", record.source_key), "new")


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0
