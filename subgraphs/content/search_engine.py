"""Composition root of search: provider, engine, indexer and service from `SearchSettings`."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from subgraphs.content.adapters.embeddings import EmbeddingProvider, index_key, make_provider
from subgraphs.content.adapters.embeddings.cache import CachedEmbeddingProvider
from subgraphs.content.adapters.repository import ContentRepository
from subgraphs.content.adapters.search.base import SearchIndex
from subgraphs.content.adapters.search.indexer import TitleIndexer
from subgraphs.content.search import GraphNeighbours, SearchService
from subgraphs.content.search_settings import SearchSettings

__all__ = ["Search", "build_search", "make_index"]

log = logging.getLogger(__name__)


def make_index(settings: SearchSettings, provider: EmbeddingProvider) -> SearchIndex:
    """The engine; its index is named by the provider and dimensions, so spaces never mix."""
    name = index_key(provider)
    if settings.engine == "weaviate":
        from subgraphs.content.adapters.search.weaviate_index import WeaviateSearchIndex

        assert settings.weaviate_url is not None
        return WeaviateSearchIndex(settings.weaviate_url, name, provider.dimensions)
    from subgraphs.content.adapters.search.lancedb_index import LanceSearchIndex

    return LanceSearchIndex(settings.data_dir / "search", name, provider.dimensions)


def _graph_neighbours() -> GraphNeighbours | None:
    """The title graph's traversal when the graph adapter is installed (its own module)."""
    try:
        from subgraphs.content.adapters import graph  # type: ignore[attr-defined]
    except ImportError:
        return None
    function = getattr(graph, "graph_neighbours", None)
    if function is None:
        return None

    async def neighbours(ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, float]:
        return await function(ids, max_hops=2, limit=200)

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
) -> Search:
    """Cheap: the model and the engine open on first use, not here."""
    settings = settings or SearchSettings.from_env()
    provider = provider or make_provider(settings.model_dir, os.environ)
    index = make_index(settings, provider)
    cached = CachedEmbeddingProvider(provider, settings.cache_dir)
    service_kwargs = {}
    if graph := _graph_neighbours():
        service_kwargs["graph"] = graph
    service = SearchService(repo, provider, index, alpha=settings.alpha, fusion=settings.fusion,
                            embed_timeout=settings.embed_timeout, **service_kwargs)
    return Search(service=service, indexer=TitleIndexer(repo, cached, index), index=index)
