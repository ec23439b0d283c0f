"""Search's part of the composition root: provider, engine, indexer and service from settings.

Called once per process at start-up (`create_app`, the re-index and ingest CLIs, benchmarks).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from subgraphs.content.catalog.adapters.repository import ContentRepository
from subgraphs.content.graph.adapters.repository import TitleGraph
from subgraphs.content.intent.build import intent_parsers
from subgraphs.content.intent.domain.contract import ParserFactory
from subgraphs.content.intent.settings import IntentSettings
from subgraphs.content.search.adapters.embeddings import (
    EmbeddingProvider,
    index_key,
    make_provider,
)
from subgraphs.content.search.adapters.embeddings.cache import CachedEmbeddingProvider
from subgraphs.content.search.adapters.engines.base import SearchIndex
from subgraphs.content.search.indexer import TitleIndexer
from subgraphs.content.search.services import GraphNeighbours, SearchService
from subgraphs.content.search.settings import SearchSettings

__all__ = ["Search", "build_search", "make_index"]

# How far search looks from the titles a query refers to ("like Toy Story").
_GRAPH_HOPS = 2
_GRAPH_LIMIT = 200


def make_index(settings: SearchSettings, provider: EmbeddingProvider) -> SearchIndex:
    """The engine; its index is named by the provider and dimensions, so spaces never mix."""
    name = index_key(provider)
    if settings.engine == "weaviate":
        from subgraphs.content.search.adapters.engines.weaviate_index import WeaviateSearchIndex

        assert settings.weaviate_url is not None
        return WeaviateSearchIndex(settings.weaviate_url, name, provider.dimensions)
    from subgraphs.content.search.adapters.engines.lancedb_index import LanceSearchIndex

    return LanceSearchIndex(settings.data_dir / "search", name, provider.dimensions)


def _neighbours(graph: TitleGraph) -> GraphNeighbours:
    async def neighbours(ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, float]:
        return await graph.neighbours(ids, max_hops=_GRAPH_HOPS, limit=_GRAPH_LIMIT)

    return neighbours


@dataclass
class Search:
    service: SearchService
    indexer: TitleIndexer
    index: SearchIndex

    async def close(self) -> None:
        await self.index.close()


def build_search(
    repo: ContentRepository,
    settings: SearchSettings | None = None,
    provider: EmbeddingProvider | None = None,
    *,
    graph: TitleGraph | None = None,
    parsers: ParserFactory | None = None,
) -> Search:
    """Cheap: the model and the engine open on first use, not here. Settings, the intent
    parser and the graph not given are read from the environment and made here, once."""
    settings = settings or SearchSettings.from_env()
    provider = provider or make_provider(settings)
    parsers = parsers or intent_parsers(IntentSettings.from_env())
    index = make_index(settings, provider)
    cached = CachedEmbeddingProvider(provider, settings.cache_dir)
    service = SearchService(repo, provider, index, parsers=parsers,
                            graph=_neighbours(graph or TitleGraph()), alpha=settings.alpha,
                            fusion=settings.fusion, embed_timeout=settings.embed_timeout)
    return Search(service=service, indexer=TitleIndexer(repo, cached, index), index=index)
