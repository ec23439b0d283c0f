"""The search use case: intent, engine sides in parallel, fusion, facets, partial failure.

Knows nothing of GraphQL. Every part runs in its own task; a part that fails or times out
(say the embedding provider) is reported in `missing_parts` and the others still answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from subgraphs.common.errors import BadInput
from subgraphs.content.adapters.embeddings.base import EmbeddingProvider
from subgraphs.content.adapters.personal import NoPersonalScores, PersonalScores
from subgraphs.content.adapters.repository import ContentRepository
from subgraphs.content.adapters.search.base import RawHit, SearchIndex
from subgraphs.content.domain.fusion import DEFAULT_ALPHA, RELATIVE, Weights, blend, min_max
from subgraphs.content.domain.intent import Intent, IntentParser, Vocabulary
from subgraphs.content.domain.search import Facets, SearchFilters, SearchHit, SearchPage
from subgraphs.content.domain.title_lookup import TitleLookup
from subgraphs.content.domain.titles import display_title

__all__ = ["MAX_QUERY_LENGTH", "GraphNeighbours", "SearchService", "merge_intent"]

log = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 500
CANDIDATES = 100  # per side; facets and totals count the fused candidates (200 cost ~5 ms more)
_EMBEDDING_CACHE = 4096  # query vectors kept (1.5 KB each at 384 dimensions)
_LOOKUP_TTL = 60.0  # seconds before the in-memory title list is read again
INDEX_REFRESH_SECONDS = 2.0  # how soon titles another process indexed become searchable
# A query that names a title should find it: fuzzy similarity 0.8 -> 0, 1.0 -> 1.
_FUZZY_FLOOR = 0.8
# Added to the keyword part of a title the query names (times the match's strength): a typo
# ("titanik") leaves BM25 and the embedding with nothing, and relative fusion would otherwise
# tie the named title with whatever the vector side happened to rank first.
TITLE_MATCH_BONUS = 0.5
_RAW_CUTOFF = 0.9  # the raw query must name a title more clearly than the leftover text

GraphNeighbours = Callable[[Sequence[uuid.UUID]], Awaitable[dict[uuid.UUID, float]]]


async def _no_graph(ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, float]:
    return {}


def merge_intent(filters: SearchFilters, intent: Intent) -> SearchFilters:
    """Slots the query states become filters, unless the caller's filters already say."""
    def pick(explicit: tuple[str, ...], parsed: tuple[str, ...]) -> tuple[str, ...]:
        return explicit or tuple(parsed)

    return replace(
        filters,
        all_genres=tuple(dict.fromkeys((*filters.all_genres, *intent.genres))),
        blocked_genres=tuple(dict.fromkeys((*filters.blocked_genres, *intent.excluded_genres))),
        platforms=pick(filters.platforms, intent.platforms),
        regions=pick(filters.regions, intent.regions),
        offer_types=pick(filters.offer_types, intent.offer_types),
        kinds=pick(filters.kinds, intent.kinds),
        year_from=filters.year_from if filters.year_from is not None else intent.year_from,
        year_to=filters.year_to if filters.year_to is not None else intent.year_to,
        runtime_min=filters.runtime_min if filters.runtime_min is not None
        else intent.runtime_min,
        runtime_max=filters.runtime_max if filters.runtime_max is not None
        else intent.runtime_max,
    )


def _vector_text(intent: Intent, reference_names: Sequence[str]) -> str:
    """What the vector side embeds: the free text plus the words the rules turned into slots."""
    words = [intent.text, *intent.moods, *(g.replace("-", " ") for g in intent.genres),
             *reference_names, *intent.people]
    return " ".join(word for word in words if word).strip()


@dataclass
class _Side:
    name: str
    scores: dict[uuid.UUID, float] | None  # None = failed
    hits: list[RawHit]


class SearchService:
    """One per app; holds the engine, the provider and an in-memory title lookup."""

    def __init__(
        self,
        repo: ContentRepository,
        provider: EmbeddingProvider,
        index: SearchIndex,
        *,
        parser: IntentParser | None = None,
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

    async def _warm_provider(self) -> None:
        # Loading a local model takes a second or more: never count that against the timeout.
        if self._provider_ready is None:
            self._provider_ready = asyncio.ensure_future(self.provider.embed(["warm up"]))
        await asyncio.shield(self._provider_ready)

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
                # GPT-4o-mini when OPENAI_API_KEY is set (rules on failure), else the rules.
                from subgraphs.content.adapters.intent_llm import intent_parser_from_env

                self._parser = intent_parser_from_env(Vocabulary.of(genres, platforms))
            return self._parser, self._lookup

    async def _part(self, name: str, work: Awaitable[list[RawHit]]) -> _Side:
        try:
            hits = await work
        except Exception:  # one part failing must not fail the search
            log.warning("search part %s failed", name, exc_info=True)
            return _Side(name, None, [])
        return _Side(name, {hit.id: hit.score for hit in hits}, hits)

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

    async def search(
        self,
        query: str,
        filters: SearchFilters,
        offset: int,
        limit: int,
        viewer_id: uuid.UUID | None = None,
    ) -> SearchPage:
        started = time.perf_counter()
        if len(query) > MAX_QUERY_LENGTH:
            raise BadInput(f"`query` may have at most {MAX_QUERY_LENGTH} characters.",
                           field="query")
        parser, lookup = await self._ensure_ready()
        try:
            intent = await parser.parse(query)
        except Exception:
            log.warning("intent parser failed; searching the raw text", exc_info=True)
            intent = Intent(text=query.strip(), parser="none")
        explicit = filters
        filters = merge_intent(filters, intent)
        references = [m for m in (lookup.best(ref) for ref in intent.references) if m]
        if references:
            filters = replace(filters, exclude_ids=(*filters.exclude_ids,
                                                    *(m.id for m in references)))
        missing: list[str] = []

        vector_text = _vector_text(intent, [m.title for m in references])
        keyword_text = " ".join(filter(None, [intent.text, *intent.people]))
        tasks: dict[str, Awaitable[_Side]] = {}
        if vector_text:
            tasks["vector"] = self._part("vector", self._vector_hits(vector_text, filters))
        if keyword_text:
            tasks["keyword"] = self._part(
                "keyword", self.index.keyword(keyword_text, filters, CANDIDATES))
        if references:
            tasks["graph"] = self._part("graph", self._graph_hits(references, filters))
        if not vector_text and not keyword_text and not references:
            tasks["popularity"] = self._part("popularity", self.index.browse(filters, CANDIDATES))
        # Titles the query names are looked up alongside the engine's sides.
        named = asyncio.ensure_future(self._title_matches(query, intent, explicit, filters))
        sides = dict(zip(tasks, await asyncio.gather(*tasks.values()), strict=True))
        missing = [name for name, side in sides.items() if side.scores is None]

        try:
            fuzzy, fuzzy_ok = await named
        except Exception:
            log.warning("title lookup failed", exc_info=True)
            fuzzy, fuzzy_ok = {}, {}
        keyword = sides.get("keyword")
        keyword_scores = None
        if (keyword is not None and keyword.scores is not None) or fuzzy_ok:
            keyword_scores = min_max(keyword.scores or {}) if keyword else {}
            for title_id in fuzzy_ok:
                keyword_scores[title_id] = max(keyword_scores.get(title_id, 0.0),
                                               fuzzy[title_id])
            sides.setdefault("keyword", _Side("keyword", keyword_scores, []))
            sides["keyword"].hits.extend(fuzzy_ok.values())

        hits_by_id: dict[uuid.UUID, RawHit] = {}
        for side in sides.values():
            for hit in side.hits:
                hits_by_id.setdefault(hit.id, hit)
        popularity = {title_id: min(max(hit.popularity, 0.0), 1.0)
                      for title_id, hit in hits_by_id.items()}
        personal = await self._personal(viewer_id, list(hits_by_id))
        if personal is None:
            missing.append("personal")
            personal = {}
        browsing = "popularity" in sides
        weights = (Weights(vector=0.0, keyword=0.0, popularity=1.0) if browsing
                   else Weights.for_query(self.alpha, bool(references), bool(personal)))
        if not references and intent.text == "" and not browsing:
            # Only slots ("90s comedies"): meaning alone ranks poorly, popularity helps.
            weights = replace(weights, vector=weights.vector * 0.7, keyword=weights.keyword * 0.7,
                              popularity=0.3)
        vector_side = sides.get("vector")
        graph_side = sides.get("graph")
        parts = blend(
            weights,
            vector=vector_side.scores if vector_side else None,
            keyword=keyword_scores,
            graph=graph_side.scores if graph_side else None,
            popularity=popularity if weights.popularity else None,
            personal=personal or None,
            fusion=self.fusion,
        )
        for title_id in fuzzy_ok:
            if title_id in parts:
                part = parts[title_id]
                parts[title_id] = replace(part, keyword=(part.keyword or 0.0)
                                          + TITLE_MATCH_BONUS * fuzzy[title_id])
        totals = {title_id: part.total for title_id, part in parts.items()}
        ranked = sorted(parts.items(), key=lambda item: (-totals[item[0]], str(item[0])))
        page_ids = [title_id for title_id, _ in ranked[offset : offset + limit]]
        titles = await self.repo.titles_by_ids(page_ids)
        reasons_for = _Reasons(intent, filters, fuzzy, references, sides)
        hits = [
            SearchHit(title=titles[title_id], score=parts[title_id].total,
                      parts=parts[title_id], reasons=reasons_for(title_id, parts[title_id]))
            for title_id in page_ids if title_id in titles
        ]
        return SearchPage(
            hits=hits,
            total=len(ranked),
            facets=_facets([hits_by_id[i] for i, _ in ranked if i in hits_by_id], filters),
            missing_parts=tuple(missing),
            search_time_ms=(time.perf_counter() - started) * 1000,
            intent=intent,
        )

    async def _title_matches(
        self, query: str, intent: Intent, explicit: SearchFilters, filters: SearchFilters
    ) -> tuple[dict[uuid.UUID, float], dict[uuid.UUID, RawHit]]:
        """Titles the query names, typos allowed: strength 0..1 and their index rows.

        The raw query is looked up too, checked against the caller's filters only: in "the
        sundance kid" the rules hear a genre ("kid"), yet the query names a title.
        """
        assert self._lookup is not None
        from_text = ({m.id: m.similarity for m in self._lookup.match(intent.text)}
                     if intent.text else {})
        # Only when the rules left words over: a query made only of slots ("war dramas")
        # describes, and a title that happens to resemble it is noise.
        from_raw = ({m.id: m.similarity for m in self._lookup.match(query, cutoff=_RAW_CUTOFF)}
                    if intent.text and query.strip() != intent.text else {})
        found: dict[uuid.UUID, RawHit] = {}
        if from_text:
            found.update({h.id: h for h in await self.index.fetch(list(from_text), filters)})
        raw_only = [i for i in from_raw if i not in found]
        if raw_only:
            loose = replace(explicit, exclude_ids=filters.exclude_ids)
            found.update({h.id: h for h in await self.index.fetch(raw_only, loose)})
        similarity = {**from_raw, **from_text}
        strength = {i: (similarity[i] - _FUZZY_FLOOR) / (1 - _FUZZY_FLOOR) for i in found}
        return strength, found

    async def _graph_hits(self, references: Sequence[Any], filters: SearchFilters
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


class _Reasons:
    """Why a title matched, in words a client can show."""

    def __init__(self, intent: Intent, filters: SearchFilters, fuzzy: dict[uuid.UUID, float],
                 references: Sequence[Any], sides: dict[str, _Side]) -> None:
        self.intent = intent
        self.filters = filters
        self.fuzzy = fuzzy
        self.references = ", ".join(m.title for m in references)
        self.sides = sides

    def __call__(self, title_id: uuid.UUID, parts: Any) -> tuple[str, ...]:
        out = []
        if self.fuzzy.get(title_id, 0) > 0:
            out.append("title matches the query")
        elif parts.keyword:
            out.append("words of the query in the title or description")
        if parts.vector and parts.vector >= 0.5 * (parts.total or 1):
            out.append("similar in meaning")
        if parts.graph:
            out.append(f"related to {self.references}")
        if genres := (*self.filters.all_genres, *self.filters.genres):
            out.append("genre: " + ", ".join(dict.fromkeys(genres)))
        if self.filters.year_from or self.filters.year_to:
            out.append(f"year {self.filters.year_from or ''}-{self.filters.year_to or ''}")
        if self.filters.platforms:
            out.append("on " + ", ".join(self.filters.platforms))
        if self.intent.moods:
            out.append("mood: " + ", ".join(self.intent.moods))
        if parts.popularity and parts.popularity >= 0.5 * (parts.total or 1):
            out.append("popular")
        return tuple(out)


@lru_cache(maxsize=8192)
def _platforms_in(availability: tuple[str, ...], region: str) -> frozenset[str]:
    """Platforms of a title's availability tokens in `region` ("*" = any); titles share a
    few hundred distinct token tuples, so this runs once per tuple, not once per hit."""
    return frozenset(token.split(":")[1] for token in availability
                     if token.startswith(f"{region}:") and token.endswith(":*")
                     and token.split(":")[1] != "*")


def _facets(hits: Sequence[RawHit], filters: SearchFilters) -> Facets:
    region = filters.regions[0] if len(filters.regions) == 1 else "*"
    genres: Counter[str] = Counter()
    platforms: Counter[str] = Counter()
    decades: Counter[int] = Counter()
    for hit in hits:
        genres.update(hit.genres)
        platforms.update(_platforms_in(hit.availability, region))
        if hit.year:
            decades[hit.year // 10 * 10] += 1
    return Facets(genres=dict(genres.most_common()), platforms=dict(platforms.most_common()),
                  decades=dict(sorted(decades.items())))
