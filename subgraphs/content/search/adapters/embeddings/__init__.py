"""Embedding providers: local all-MiniLM-L6-v2 (default, offline) and OpenAI."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from subgraphs.content.search.adapters.embeddings.base import (
    BATCH_SIZE,
    EmbeddingError,
    EmbeddingProvider,
    batches,
    index_key,
)

__all__ = [
    "BATCH_SIZE",
    "EmbeddingError",
    "EmbeddingProvider",
    "batches",
    "index_key",
    "make_provider",
]


def make_provider(model_dir: Path, env: Mapping[str, str] | None = None) -> EmbeddingProvider:
    """OpenAI when `OPENAI_API_KEY` is set (and `MG_EMBEDDINGS` is not `local`), else MiniLM.

    MiniLM runs in `MG_EMBEDDING_PRECISION`: int8, the default (1.5x less CPU a text, the same
    search relevance), or fp32; each has its own index.
    """
    env = os.environ if env is None else env
    if env.get("OPENAI_API_KEY") and env.get("MG_EMBEDDINGS", "") != "local":
        from subgraphs.content.search.adapters.embeddings.openai_provider import (
            OpenAIEmbeddingProvider,
        )

        return OpenAIEmbeddingProvider(
            env["OPENAI_API_KEY"],
            base_url=env.get("OPENAI_BASE_URL") or None,
            dimensions=int(env.get("MG_OPENAI_EMBEDDING_DIMENSIONS", "512")),
        )
    from subgraphs.content.search.adapters.embeddings.local import LocalEmbeddingProvider

    return LocalEmbeddingProvider(model_dir, precision=env.get("MG_EMBEDDING_PRECISION") or "int8")
