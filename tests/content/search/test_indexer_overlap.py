"""The indexer reads a batch's offers while it embeds: both results are used, failures are clean."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from typing import Any

import pytest

from subgraphs.content.catalog.domain.model import Genre, Title, TitleKind
from subgraphs.content.search.adapters.embeddings import EmbeddingError
from subgraphs.content.search.indexer import TitleIndexer


class SlowOffersRepo:
    """Offers answer only once the embedder has started: a serial indexer would deadlock."""

    def __init__(self, embedding_started: asyncio.Event) -> None:
        self.embedding_started = embedding_started
        self.offers_cancelled = False

    async def genres_by_titles(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Genre]]:
        return {i: [Genre(slug="drama", name="Drama")] for i in ids}

    async def offers_for_titles(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Any]]:
        try:
            await self.embedding_started.wait()
        except asyncio.CancelledError:
            self.offers_cancelled = True
            raise
        return {}


class Embedder:
    name = "fake"
    dimensions = 2

    def __init__(self, started: asyncio.Event, fail: bool = False) -> None:
        self.started = started
        self.fail = fail
        self.texts: list[str] = []

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.started.set()
        await asyncio.sleep(0)
        if self.fail:
            raise EmbeddingError("model gone")
        self.texts.extend(texts)
        return [[1.0, 0.0] for _ in texts]


class Index:
    def __init__(self) -> None:
        self.rows: list[Any] = []

    async def upsert(self, titles: Sequence[Any]) -> None:
        self.rows.extend(titles)


def _titles() -> list[Title]:
    return [Title(id=uuid.uuid4(), kind=TitleKind.MOVIE, title=f"Night Harbor {i}",
                  release_year=2001) for i in range(3)]


async def test_offers_are_read_while_embedding() -> None:
    started = asyncio.Event()
    repo, provider, index = SlowOffersRepo(started), Embedder(started), Index()
    indexer = TitleIndexer(repo, provider, index)  # type: ignore[arg-type]
    assert await asyncio.wait_for(indexer.index_titles(_titles()), 10) == 3
    assert len(index.rows) == 3
    assert provider.texts[0] == "Night Harbor 0 (2001) - Drama."


async def test_a_failed_embedding_cancels_the_offers_read() -> None:
    started = asyncio.Event()
    repo = SlowOffersRepo(asyncio.Event())  # never answers
    index = Index()
    indexer = TitleIndexer(repo, Embedder(started, fail=True), index)  # type: ignore[arg-type]
    with pytest.raises(EmbeddingError):
        await asyncio.wait_for(indexer.index_titles(_titles()), 10)
    assert repo.offers_cancelled
    assert index.rows == []
