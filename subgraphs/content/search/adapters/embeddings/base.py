"""What every embedding provider offers, and how texts are cut into batches."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

__all__ = ["BATCH_SIZE", "EmbeddingError", "EmbeddingProvider", "batches", "index_key"]

BATCH_SIZE = 32


class EmbeddingError(Exception):
    """The provider could not embed (timeout, refused, malformed answer)."""


@runtime_checkable
class EmbeddingProvider(Protocol):
    """Turns texts into unit-length vectors; `name` + `dimensions` identify the vector space."""

    name: str
    dimensions: int

    async def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


def batches(texts: Sequence[str], size: int = BATCH_SIZE) -> Iterator[Sequence[str]]:
    for start in range(0, len(texts), size):
        yield texts[start : start + size]


def index_key(provider: EmbeddingProvider) -> str:
    """Name of the index a provider's vectors live in: vectors of two providers never mix."""
    safe = "".join(ch if ch.isalnum() else "_" for ch in provider.name.lower())
    return f"titles_{safe}_{provider.dimensions}"
