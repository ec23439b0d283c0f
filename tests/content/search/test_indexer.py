"""Incremental indexing: what ingestion calls per batch, against a real database and index."""

from __future__ import annotations

import uuid
from pathlib import Path

from mediagateway.migrate import migrate
from subgraphs.common.db import close_database, open_database
from subgraphs.content.adapters.orm import GenreRow, OfferRow, PlatformRow, TitleGenreRow, TitleRow
from subgraphs.content.catalog.adapters.repository import TortoiseContentRepository
from subgraphs.content.search.adapters.embeddings.cache import CachedEmbeddingProvider
from subgraphs.content.search.adapters.embeddings.local import LocalEmbeddingProvider
from subgraphs.content.search.adapters.engines.lancedb_index import LanceSearchIndex
from subgraphs.content.search.domain.model import SearchFilters
from subgraphs.content.search.indexer import TitleIndexer


async def test_changed_titles_are_reindexed_and_removed_ones_leave(
    database_url: str, tmp_path: Path
) -> None:
    await migrate("content", database_url)
    await open_database(database_url, "subgraphs.content.adapters.orm")
    try:
        await GenreRow.create(slug="horror", name="Horror")
        await PlatformRow.create(slug="netflix", name="Netflix", deep_link_template="n://{key}",
                                 web_url_template="https://n/{key}")
        ids = [uuid.uuid4(), uuid.uuid4()]
        await TitleRow.create(id=ids[0], source_key="t:1", kind="movie", title="Night Harbor",
                              release_year=2001)
        await TitleRow.create(id=ids[1], source_key="t:2", kind="movie", title="Glass Orchard",
                              release_year=2010)
        await TitleGenreRow.create(title_id=ids[0], genre_id="horror")
        await OfferRow.create(id=uuid.uuid4(), title_id=ids[0], platform_id="netflix",
                              region="DE", type="subscription", quality="hd",
                              deep_link="n://1", web_url="https://n/1")
        repo = TortoiseContentRepository()
        provider = CachedEmbeddingProvider(LocalEmbeddingProvider(Path("var/models")),
                                           tmp_path / "cache")
        index = LanceSearchIndex(tmp_path / "search", "titles_test_384", 384)
        indexer = TitleIndexer(repo, provider, index)

        titles = await repo.titles_by_ids(ids)
        assert await indexer.index_titles(list(titles.values())) == 2
        hits = await index.keyword("harbor", SearchFilters(regions=("DE",), genres=("horror",)),
                                   5)
        assert [hit.id for hit in hits] == [ids[0]]
        assert hits[0].availability and hits[0].year == 2001

        await TitleRow.filter(id=ids[1]).update(title="Iron Orchard Returns")
        changed = await repo.titles_by_ids([ids[1]])
        await indexer.index_titles(list(changed.values()))
        assert await index.count() == 2
        assert [h.id for h in await index.keyword("returns", SearchFilters(), 5)] == [ids[1]]
        assert await index.keyword("glass", SearchFilters(), 5) == []

        await indexer.remove_titles([ids[0]])
        assert await index.count() == 1
        provider.close()
    finally:
        await close_database()
