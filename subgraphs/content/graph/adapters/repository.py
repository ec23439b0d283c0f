"""The title graph in the content database: building edges, co-watching, neighbour look-ups.

Search asks `TitleGraph.neighbours(ids)` for the titles a query refers to ("like Toy Story"),
once its title lookup turned the names into ids. Edges are rebuilt from the catalog at
seed/ingestion time (`rebuild_content_edges`) and from viewing events (`record_viewings` +
`rebuild_cowatch`); each rebuild replaces the edges of the titles it covers.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TypeVar

from tortoise.transactions import in_transaction

from subgraphs.content.adapters.orm import (
    CreditRow,
    TitleEdgeRow,
    TitleGenreRow,
    TitleRow,
    TitleViewerRow,
)
from subgraphs.content.catalog.domain.model import CreditRole
from subgraphs.content.graph.domain.edges import (
    Edge,
    EdgeKind,
    GraphTitle,
    combine,
    content_edges,
    cowatch_edges,
    strongest,
    traverse,
)

__all__ = ["TitleGraph", "viewer_key"]

T = TypeVar("T")
_TOP_K = 20
_WRITE_BATCH = 1_000
_CATALOG_KINDS = [kind.value for kind in EdgeKind if kind not in (EdgeKind.COWATCH,
                                                                    EdgeKind.SIMILAR)]


def viewer_key(user_id: uuid.UUID | str) -> str:
    """A stable stand-in for a user: content tells audiences apart without holding user ids."""
    return hashlib.sha256(f"viewer:{user_id}".encode()).hexdigest()[:32]


class TitleGraph:
    """Reads and rebuilds the graph (stateless: one per app is plenty)."""

    # --- reading ------------------------------------------------------------------------------

    async def adjacency(
        self, title_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, dict[uuid.UUID, float]]:
        ids = list(set(title_ids))
        if not ids:
            return {}
        rows = await TitleEdgeRow.filter(src_id__in=ids).values_list("src_id", "dst_id", "weight")
        reasons: dict[tuple[uuid.UUID, uuid.UUID], list[float]] = defaultdict(list)
        for src, dst, weight in rows:
            reasons[(_uuid(src), _uuid(dst))].append(weight)
        found: dict[uuid.UUID, dict[uuid.UUID, float]] = defaultdict(dict)
        for (src, dst), weights in reasons.items():
            found[src][dst] = combine(weights)
        return found

    async def neighbours(
        self, title_ids: Sequence[uuid.UUID], max_hops: int = 2, limit: int = 200
    ) -> dict[uuid.UUID, float]:
        """Titles within `max_hops` of `title_ids` with a score in (0, 1], best `limit` only."""
        seeds = set(title_ids)
        adjacency = await self.adjacency(seeds)
        if max_hops >= 2:
            second = {dst for edges in adjacency.values() for dst in edges} - seeds
            adjacency.update(await self.adjacency(second))
        scores = traverse(adjacency, seeds, max_hops)
        best = sorted(scores.items(), key=lambda item: (-item[1], str(item[0])))[:limit]
        return dict(best)

    # --- building from the catalog ------------------------------------------------------------

    async def _catalog(self) -> list[GraphTitle]:
        titles = await TitleRow.all().values_list("id", "title", "release_year", "popularity",
                                                  "collection")
        genres: dict[uuid.UUID, list[str]] = defaultdict(list)
        for title_id, slug in await TitleGenreRow.all().values_list("title_id", "genre_id"):
            genres[_uuid(title_id)].append(slug)
        directors: dict[uuid.UUID, list[str]] = defaultdict(list)
        cast: dict[uuid.UUID, list[str]] = defaultdict(list)
        credits = await CreditRow.filter(
            role__in=[CreditRole.DIRECTOR, CreditRole.ACTOR]
        ).values_list("title_id", "person_id", "role")
        for title_id, person_id, role in credits:
            bucket = directors if role == CreditRole.DIRECTOR else cast
            bucket[_uuid(title_id)].append(str(person_id))
        similar: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        for src, dst in await TitleEdgeRow.filter(kind=EdgeKind.SIMILAR.value).values_list(
            "src_id", "dst_id"
        ):
            similar[_uuid(src)].append(_uuid(dst))
        return [
            GraphTitle(
                id=(key := _uuid(title_id)), title=title, release_year=year,
                popularity=popularity or 0.0, genres=tuple(sorted(genres[key])),
                directors=tuple(directors[key]), cast=tuple(cast[key]), collection=collection,
                similar=tuple(similar[key]),
            )
            for title_id, title, year, popularity, collection in titles
        ]

    async def rebuild_content_edges(self, only: Iterable[uuid.UUID] | None = None) -> int:
        """Replace the catalog-derived edges of `only` (every title when None); returns how
        many edges were written. Co-watching and explicit similar-to edges are kept."""
        catalog = await self._catalog()
        edges = content_edges(catalog)
        wanted = None if only is None else set(only)
        if wanted is not None:
            # A new sequel changes its franchise's neighbours too: rebuild whoever it touches.
            wanted |= {edge.dst for edge in edges if edge.src in wanted}
            edges = [edge for edge in edges if edge.src in wanted]
        kept = [edge for edge in strongest(edges, _TOP_K)
                if edge.kind not in (EdgeKind.SIMILAR, EdgeKind.COWATCH)]
        async with in_transaction():
            query = TitleEdgeRow.filter(kind__in=_CATALOG_KINDS)
            if wanted is not None:
                for chunk in _chunks(list(wanted), 500):
                    await query.filter(src_id__in=chunk).delete()
            else:
                await query.delete()
            await _write(kept)
        return len(kept)

    async def link_similar(self, pairs: Iterable[tuple[uuid.UUID, uuid.UUID]]) -> int:
        """Explicit similar-to links from a feed, both ways; existing ones are left alone."""
        edges = {(a, b) for a, b in pairs if a != b} | {(b, a) for a, b in pairs if a != b}
        rows = [TitleEdgeRow(src_id=a, dst_id=b, kind=EdgeKind.SIMILAR.value, weight=1.0)
                for a, b in sorted(edges, key=str)]
        for chunk in _chunks(rows, _WRITE_BATCH):
            await TitleEdgeRow.bulk_create(chunk, ignore_conflicts=True)
        return len(rows)

    # --- co-watching --------------------------------------------------------------------------

    async def record_viewings(
        self, viewings: Iterable[tuple[uuid.UUID, uuid.UUID]]
    ) -> set[uuid.UUID]:
        """Remember (title, user) pairs; returns the titles that gained a viewer.

        Idempotent: a redelivered event finds its pair stored and changes nothing. Titles this
        catalog does not hold are ignored.
        """
        pairs = {(title_id, viewer_key(user_id)) for title_id, user_id in viewings}
        if not pairs:
            return set()
        title_ids = list({title_id for title_id, _ in pairs})
        known = {_uuid(value) for value in
                 await TitleRow.filter(id__in=title_ids).values_list("id", flat=True)}
        existing = {
            (_uuid(title_id), key)
            for title_id, key in await TitleViewerRow.filter(
                title_id__in=list(known), viewer_key__in=list({k for _, k in pairs})
            ).values_list("title_id", "viewer_key")
        }
        new = sorted((pair for pair in pairs if pair[0] in known and pair not in existing),
                     key=lambda pair: (str(pair[0]), pair[1]))
        for chunk in _chunks(new, _WRITE_BATCH):
            await TitleViewerRow.bulk_create(
                [TitleViewerRow(title_id=title_id, viewer_key=key) for title_id, key in chunk],
                ignore_conflicts=True,  # a concurrent consumer stored the same pair
            )
        return {title_id for title_id, _ in new}

    async def forget_viewer(self, user_id: uuid.UUID) -> int:
        """Account deletion: the user's viewings go, and the co-watching edges they made are
        recomputed without them. Idempotent; how many viewings went."""
        key = viewer_key(user_id)
        titles = await TitleViewerRow.filter(viewer_key=key).values_list("title_id", flat=True)
        if not titles:
            return 0
        await TitleViewerRow.filter(viewer_key=key).delete()
        await self.rebuild_cowatch(set(titles))
        return len(titles)

    async def rebuild_cowatch(self, only: Iterable[uuid.UUID] | None = None) -> int:
        """Replace the co-watching edges of `only` (every watched title when None)."""
        rows = await TitleViewerRow.all().values_list("title_id", "viewer_key")
        wanted = None if only is None else set(only)
        # Seconds of CPU for a large audience table: off the event loop, so the app answers.
        targets, edges = await asyncio.to_thread(_cowatch, rows, wanted)
        async with in_transaction():
            for chunk in _chunks(targets, 500):
                await TitleEdgeRow.filter(kind=EdgeKind.COWATCH.value, src_id__in=chunk).delete()
            await _write(edges)
        return len(edges)


def _cowatch(
    rows: Sequence[tuple[object, str]], wanted: set[uuid.UUID] | None
) -> tuple[list[uuid.UUID], list[Edge]]:
    bit_of: dict[str, int] = {}
    audiences: dict[uuid.UUID, int] = defaultdict(int)
    for title_id, key in rows:
        bit = bit_of.setdefault(key, len(bit_of))
        audiences[_uuid(title_id)] |= 1 << bit
    targets = list(audiences) if wanted is None else [t for t in wanted if t in audiences]
    return targets, cowatch_edges(audiences, targets, top_k=_TOP_K)


async def _write(edges: Sequence[Edge]) -> None:
    rows = [TitleEdgeRow(src_id=e.src, dst_id=e.dst, kind=e.kind.value, weight=e.weight)
            for e in edges]
    for chunk in _chunks(rows, _WRITE_BATCH):
        await TitleEdgeRow.bulk_create(chunk)


def _chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _uuid(value: object) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
