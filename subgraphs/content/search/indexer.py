"""Keeping the search index in step with the catalog: at seed time and per ingestion batch."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from tqdm import tqdm

from subgraphs.content.catalog.adapters.repository import ContentRepository
from subgraphs.content.catalog.domain.model import Title
from subgraphs.content.search.adapters.embeddings.base import EmbeddingProvider
from subgraphs.content.search.adapters.engines.base import SearchIndex
from subgraphs.content.search.adapters.engines.documents import document_text, indexed_title

__all__ = ["INDEX_BATCH", "TitleIndexer"]

INDEX_BATCH = 256  # titles per engine write; embeddings go in batches of 32 inside


class TitleIndexer:
    """Embeds titles with the provider and upserts them into the index."""

    def __init__(
        self, repo: ContentRepository, provider: EmbeddingProvider, index: SearchIndex
    ) -> None:
        self.repo = repo
        self.provider = provider
        self.index = index

    async def index_titles(self, titles: Sequence[Title], progress: bool = False) -> int:
        """Index (or re-index) `titles`; call after every batch of catalog upserts."""
        done = 0
        bar = tqdm(total=len(titles), desc="content: search index", unit="title",
                   disable=not progress)
        for start in range(0, len(titles), INDEX_BATCH):
            chunk = titles[start : start + INDEX_BATCH]
            ids = [title.id for title in chunk]
            genres = await self.repo.genres_by_titles(ids)
            texts = [document_text(title, genres.get(title.id, [])) for title in chunk]
            # Offers are needed only for the upsert: read them while the embedder (in its own
            # threads) runs, instead of leaving a core idle before it starts.
            offers_read = asyncio.ensure_future(self.repo.offers_for_titles(ids))
            try:
                vectors = await self.provider.embed(texts)
            except BaseException:
                offers_read.cancel()
                await asyncio.gather(offers_read, return_exceptions=True)
                raise
            offers = await offers_read
            now = datetime.now(UTC)
            await self.index.upsert([
                indexed_title(title, genres.get(title.id, []), offers.get(title.id, []), vector,
                              now)
                for title, vector in zip(chunk, vectors, strict=True)
            ])
            done += len(chunk)
            bar.update(len(chunk))
        bar.close()
        return done

    async def index_all(self, progress: bool = False) -> int:
        """Re-index the whole catalog (seed time, or after switching provider or engine)."""
        ids = [entry.id for entry in await self.repo.title_names()]
        total = 0
        for start in range(0, len(ids), 5_000):
            titles = await self.repo.titles_by_ids(ids[start : start + 5_000])
            total += await self.index_titles(list(titles.values()), progress=progress)
        return total

    async def remove_titles(self, ids: Sequence[uuid.UUID]) -> None:
        await self.index.delete(ids)
