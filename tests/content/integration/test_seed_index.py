"""A catalog that exists gets its search index built at start only when that index is empty."""

from __future__ import annotations

import json
from pathlib import Path

from mediagateway.demo.content import GENRE_NAMES, PLATFORMS
from mediagateway.migrate import migrate
from subgraphs.common.db import close_database, open_database
from subgraphs.content.ingest import IngestPipeline, ensure_vocabulary
from subgraphs.content.ingest.feeds import JsonLinesFeed
from subgraphs.content.reindex import index_catalog
from subgraphs.content.search.settings import SearchSettings


async def test_an_empty_index_is_built_and_a_full_one_left_alone(
    database_url: str, tmp_path: Path
) -> None:
    await migrate("content", database_url)
    await open_database(database_url, "subgraphs.content.adapters.orm")
    try:
        await ensure_vocabulary(GENRE_NAMES, PLATFORMS)
        feed = tmp_path / "feed.jsonl"
        feed.write_text("".join(json.dumps({"source_id": str(n), "title": title}) + "\n"
                                for n, title in enumerate(["Heat", "Ronin", "Thief"])))
        await IngestPipeline().run("t", JsonLinesFeed(feed, "t").items(), progress=False)
        env = {"MG_DATA_DIR": str(tmp_path / "data"),
               "MG_CONTENT_EMBEDDING_CACHE_DIR": str(tmp_path / "cache")}
        int8 = SearchSettings.from_env({**env, "MG_CONTENT_EMBEDDING_PRECISION": "int8"})
        assert await index_catalog(int8, only_if_empty=True) == 3
        assert await index_catalog(int8, only_if_empty=True) == 0
        # Another precision is another vector space, with an index of its own: built anew.
        fp32 = SearchSettings.from_env({**env, "MG_CONTENT_EMBEDDING_PRECISION": "fp32"})
        assert await index_catalog(fp32, only_if_empty=True) == 3
    finally:
        await close_database()
