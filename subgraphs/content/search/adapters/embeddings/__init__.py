"""Embedding providers: local all-MiniLM-L6-v2 (default, offline) and OpenAI."""

from __future__ import annotations

from typing import TYPE_CHECKING

from subgraphs.content.search.adapters.embeddings.base import (
    BATCH_SIZE,
    EmbeddingError,
    EmbeddingProvider,
    batches,
    index_key,
)

if TYPE_CHECKING:
    from subgraphs.content.search.settings import SearchSettings

__all__ = [
    "BATCH_SIZE",
    "EmbeddingError",
    "EmbeddingProvider",
    "batches",
    "index_key",
    "make_provider",
]


def make_provider(settings: SearchSettings) -> EmbeddingProvider:
    """OpenAI when `OPENAI_API_KEY` is set (and `MG_CONTENT_EMBEDDINGS` is not `local`), else
    MiniLM.

    MiniLM runs in `MG_CONTENT_EMBEDDING_PRECISION`: int8, the default (1.5x less CPU a text,
    the same search relevance), or fp32; each has its own index.
    """
    if settings.openai_api_key and settings.embeddings != "local":
        from subgraphs.content.search.adapters.embeddings.openai_provider import (
            OpenAIEmbeddingProvider,
        )

        return OpenAIEmbeddingProvider(
            settings.openai_api_key,
            base_url=settings.openai_base_url,
            dimensions=settings.openai_embedding_dimensions,
        )
    from subgraphs.content.search.adapters.embeddings.local import LocalEmbeddingProvider

    return LocalEmbeddingProvider(settings.model_dir, precision=settings.embedding_precision)
