"""The search use case: intent, engine sides in parallel, fusion, facets, partial failure.

Knows nothing of GraphQL. Every part runs in its own task; a part that fails or times out
(say the embedding provider) is reported in `missing_parts` and the others still answer.
`SearchService.search` reads as its steps; the rules they apply are in `domain/` (`query`,
`ranking`, `facets`, `reasons`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from subgraphs.common.errors import BadInput
from subgraphs.content.catalog.adapters.repository import ContentRepository
from subgraphs.content.catalog.domain.ordering import TitleOrder, TitleSort, column_value, sort_by
from subgraphs.content.catalog.domain.titles import display_title
from subgraphs.content.intent.domain.contract import Intent, IntentParser, ParserFactory
from subgraphs.content.intent.domain.rules import RulesIntentParser
from subgraphs.content.intent.domain.vocabulary import Vocabulary
from subgraphs.content.search.adapters.embeddings.base import EmbeddingProvider
from subgraphs.content.search.adapters.engines.base import SearchIndex
from subgraphs.content.search.adapters.personal import NoPersonalScores, PersonalScores
from subgraphs.content.search.domain.facets import facets
from subgraphs.content.search.domain.fusion import DEFAULT_ALPHA, RELATIVE
from subgraphs.content.search.domain.model import (
    RawHit,
    ScoreParts,
    SearchFilters,
    SearchHit,
    SearchPage,
)
from subgraphs.content.search.domain.query import QueryPlan, plan_query
from subgraphs.content.search.domain.ranking import (
    Side,
    TitleMatches,
    candidates,
    choose_weights,
    fold_title_matches,
    rank,
    score,
)
from subgraphs.content.search.domain.reasons import Reasons
from subgraphs.content.search.domain.title_lookup import TitleLookup, TitleMatch

__all__ = ["CANDIDATES", "MAX_QUERY_LENGTH", "GraphNeighbours", "SearchService"]

log = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 500
CANDIDATES = 100  # per side; facets and totals count the fused candidates (200 cost ~5 ms more)
_EMBEDDING_CACHE = 4096  # query vectors kept (1.5 KB each at 384 dimensions)
_LOOKUP_TTL = 60.0  # seconds before the in-memory title list is read again
INDEX_REFRESH_SECONDS = 2.0  # how soon titles another process indexed become searchable
# A query that names a title should find it: fuzzy similarity 0.8 -> 0, 1.0 -> 1.
_FUZZY_FLOOR = 0.8
_RAW_CUTOFF = 0.9  # the raw query must name a title more clearly than the leftover text

GraphNeighbours = Callable[[Sequence[uuid.UUID]], Awaitable[dict[uuid.UUID, float]]]


async def _no_graph(ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, float]:
    return {}


class SearchService:
    """One per app; holds the engine, the provider and an in-memory title lookup.

    `parser` fixes the intent parser (tests, benchmarks); otherwise `parsers` makes one when
    the catalog's genres and platforms are first read (the app passes the one its settings
    chose at start-up; the rules by default).
    """

    def __init__(
        self,
        repo: ContentRepository,
        provider: EmbeddingProvider,
        index: SearchIndex,
        *,
        parser: IntentParser | None = None,
        parsers: ParserFactory = RulesIntentParser,
        graph: GraphNeighbours = _no_graph,
        personal: PersonalScores | None = None,
        alpha: float = DEFAULT_ALPHA,
        fusion: str = RELATIVE,
        embed_timeout: float = 2.0,
    ) -> None:
        self.repo = repo
        self.provider = provider
        self.index = index
        self.graph = graph
        self.personal = personal or NoPersonalScores()
        self.alpha = alpha
        self.fusion = fusion
        self.embed_timeout = embed_timeout
        self._parser = parser
        self._parsers = parsers
        self._lookup: TitleLookup | None = None
        self._lookup_at = 0.0
        self._lock = asyncio.Lock()
        self._provider_ready: asyncio.Future[Any] | None = None
        # Query text -> vector: popular queries repeat, and an embedding is the vector
        # side's main cost once the index answers in ~2 ms.
        self._vectors: OrderedDict[str, list[float]] = OrderedDict()

    async def warm(self) -> None:
        """Load the embedding model and the index before the first query (no database work:
        app start-up)."""
        await asyncio.gather(self._warm_provider(), self.index.warm())

    async def follow_index(self, stop: asyncio.Event,
                           interval: float = INDEX_REFRESH_SECONDS) -> None:
        """Take in other processes' index writes (the ingest CLI, other replicas) every
        `interval` seconds until `stop` is set."""
        while not stop.is_set():
            try:
                await self.index.refresh()
            except Exception:
                log.exception("search index refresh failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)

    async def prepare(self) -> None:
        """Also load the title lookup and the parser (benchmarks; otherwise the first search)."""
        await self._ensure_ready()
        await self.warm()

    async def search(
        self,
        query: str,
        filters: SearchFilters,
        offset: int,
        limit: int,
        viewer_id: uuid.UUID | None = None,
        order: TitleOrder | None = None,
    ) -> SearchPage:
        """One page of titles for `query` within `filters`, best first (or in `order`)."""
        started = time.perf_counter()
        if len(query) > MAX_QUERY_LENGTH:
            raise BadInput(f"`query` may have at most {MAX_QUERY_LENGTH} characters.",
                           field="query")
        parser, lookup = await self._ensure_ready()
        plan = plan_query(query, await self._understand(parser, query), filters, lookup)
        sides, named = await self._run_parts(plan, lookup)
        keyword = fold_title_matches(sides, named)
        found = candidates(sides)
        missing = [name for name, side in sides.items() if side.scores is None]
        personal = await self._personal(viewer_id, list(found))
        if personal is None:
            missing.append("personal")
            personal = {}
        weights = choose_weights(self.alpha, browsing=plan.browsing,
                                 references=bool(plan.references), personal=bool(personal),
                                 slots_only=plan.intent.text == "")
        parts = score(weights, sides, keyword, found, personal, named, self.fusion)
        ranked = rank(parts)
        if order is not None:
            ranked = await self._reorder(ranked, order)
        return SearchPage(
            hits=await self._page(plan, named, parts, ranked[offset : offset + limit]),
            total=len(ranked),
            facets=facets([found[i] for i in ranked if i in found], plan.filters),
            missing_parts=tuple(missing),
            search_time_ms=(time.perf_counter() - started) * 1000,
            intent=plan.intent,
        )

    # --- the steps of `search` ----------------------------------------------------------------

    async def _ensure_ready(self) -> tuple[IntentParser, TitleLookup]:
        async with self._lock:
            if self._lookup is None or time.monotonic() - self._lookup_at > _LOOKUP_TTL:
                names = await self.repo.title_names()
                self._lookup = await asyncio.to_thread(
                    TitleLookup,
                    [(n.id, display_title(n.title), n.year, n.popularity) for n in names],
                )
                self._lookup_at = time.monotonic()
            if self._parser is None:
                genres = {g.slug: g.name for g in await self.repo.all_genres()}
                platforms = {p.slug: p.name for p in await self.repo.all_platforms()}
                self._parser = self._parsers(Vocabulary.of(genres, platforms))
            return self._parser, self._lookup

    @staticmethod
    async def _understand(parser: IntentParser, query: str) -> Intent:
        """The query's slots; when the parser fails, the raw text is searched."""
        try:
            return await parser.parse(query)
        except Exception:
            log.warning("intent parser failed; searching the raw text", exc_info=True)
            return Intent(text=query.strip(), parser="none")

    async def _run_parts(self, plan: QueryPlan, lookup: TitleLookup
                         ) -> tuple[dict[str, Side], TitleMatches]:
        """The engine's sides and the title lookup, all at once."""
        tasks: dict[str, Awaitable[Side]] = {}
        if plan.vector_text:
            tasks["vector"] = self._part(
                "vector", self._vector_hits(plan.vector_text, plan.filters))
        if plan.keyword_text:
            tasks["keyword"] = self._part(
                "keyword", self.index.keyword(plan.keyword_text, plan.filters, CANDIDATES))
        if plan.references:
            tasks["graph"] = self._part("graph", self._graph_hits(plan.references, plan.filters))
        if plan.browsing:
            tasks["popularity"] = self._part(
                "popularity", self.index.browse(plan.filters, CANDIDATES))
        # Titles the query names are looked up alongside the engine's sides.
        named = asyncio.ensure_future(self._title_matches(plan, lookup))
        sides = dict(zip(tasks, await asyncio.gather(*tasks.values()), strict=True))
        try:
            matches = await named
        except Exception:
            log.warning("title lookup failed", exc_info=True)
            matches = TitleMatches()
        return sides, matches

    async def _part(self, name: str, work: Awaitable[list[RawHit]]) -> Side:
        try:
            hits = await work
        except Exception:  # one part failing must not fail the search
            log.warning("search part %s failed", name, exc_info=True)
            return Side(name, None, [])
        return Side(name, {hit.id: hit.score for hit in hits}, hits)

    async def _warm_provider(self) -> None:
        # Loading a local model takes a second or more: never count that against the timeout.
        if self._provider_ready is None:
            self._provider_ready = asyncio.ensure_future(self.provider.embed(["warm up"]))
        await asyncio.shield(self._provider_ready)

    async def _vector_hits(self, text: str, filters: SearchFilters) -> list[RawHit]:
        vector = self._vectors.get(text)
        if vector is None:
            await self._warm_provider()
            (vector,) = await asyncio.wait_for(self.provider.embed([text]), self.embed_timeout)
            self._vectors[text] = vector
            if len(self._vectors) > _EMBEDDING_CACHE:
                self._vectors.popitem(last=False)
        else:
            self._vectors.move_to_end(text)
        return await self.index.vector(vector, filters, CANDIDATES)

    async def _title_matches(self, plan: QueryPlan, lookup: TitleLookup) -> TitleMatches:
        """Titles the query names, typos allowed.

        The raw query is looked up too, checked against the caller's filters only: in "the
        sundance kid" the rules hear a genre ("kid"), yet the query names a title.
        """
        text = plan.intent.text
        from_text = {m.id: m.similarity for m in lookup.match(text)} if text else {}
        # Only when the rules left words over: a query made only of slots ("war dramas")
        # describes, and a title that happens to resemble it is noise.
        from_raw = ({m.id: m.similarity for m in lookup.match(plan.query, cutoff=_RAW_CUTOFF)}
                    if text and plan.query.strip() != text else {})
        found: dict[uuid.UUID, RawHit] = {}
        if from_text:
            found.update({h.id: h for h in await self.index.fetch(list(from_text),
                                                                  plan.filters)})
        raw_only = [i for i in from_raw if i not in found]
        if raw_only:
            loose = replace(plan.explicit, exclude_ids=plan.filters.exclude_ids)
            found.update({h.id: h for h in await self.index.fetch(raw_only, loose)})
        similarity = {**from_raw, **from_text}
        strength = {i: (similarity[i] - _FUZZY_FLOOR) / (1 - _FUZZY_FLOOR) for i in found}
        return TitleMatches(strength=strength, hits=found)

    async def _graph_hits(self, references: Sequence[TitleMatch], filters: SearchFilters
                          ) -> list[RawHit]:
        scores = await self.graph([m.id for m in references])
        allowed = await self.index.fetch(list(scores), filters)
        return [replace(hit, score=scores[hit.id]) for hit in allowed]

    async def _personal(self, viewer_id: uuid.UUID | None, ids: list[uuid.UUID]
                        ) -> dict[uuid.UUID, float] | None:
        """The viewer's scores ({} when none are known); None when asking for them failed."""
        if viewer_id is None or not ids:
            return {}
        try:
            return await self.personal.scores(viewer_id, ids)
        except Exception:  # like any part: the search answers without it
            log.warning("search part personal failed", exc_info=True)
            return None

    async def _reorder(self, ranked: list[uuid.UUID], order: TitleOrder) -> list[uuid.UUID]:
        """Every match, in `order` instead of relevance (ties by id, as `titles` orders)."""
        if order.sort is TitleSort.PRICE:
            prices = await self.repo.prices(ranked, order.region or "", datetime.now(UTC))
            return sort_by(ranked, prices.__getitem__, _same, order.descending)
        titles = await self.repo.titles_by_ids(ranked)
        found = [title_id for title_id in ranked if title_id in titles]
        return sort_by(found, lambda i: column_value(titles[i], order.sort), _same,
                       order.descending)

    async def _page(self, plan: QueryPlan, named: TitleMatches,
                    parts: dict[uuid.UUID, ScoreParts], page_ids: list[uuid.UUID]
                    ) -> list[SearchHit]:
        """The page's titles with their parts and reasons (a title deleted meanwhile drops)."""
        titles = await self.repo.titles_by_ids(page_ids)
        reasons_for = Reasons(plan.intent, plan.filters, named.strength, plan.references)
        return [
            SearchHit(title=titles[title_id], score=parts[title_id].total,
                      parts=parts[title_id], reasons=reasons_for(title_id, parts[title_id]))
            for title_id in page_ids if title_id in titles
        ]


def _same(title_id: uuid.UUID) -> uuid.UUID:
    return title_id
