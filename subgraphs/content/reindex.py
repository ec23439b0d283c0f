"""Re-index the whole catalog: `python -m subgraphs.content.reindex`.

For a new embedding provider or engine (each has its own index) or after restoring a database.
"""

from __future__ import annotations

import asyncio
import sys

from subgraphs.common.db import close_database, open_database
from subgraphs.content.catalog.adapters.repository import TortoiseContentRepository
from subgraphs.content.search.build import build_search
from subgraphs.content.search.settings import SearchSettings
from subgraphs.content.settings import MODELS, Settings

__all__ = ["index_catalog", "main"]


async def index_catalog(
    search_settings: SearchSettings | None = None, only_if_empty: bool = False
) -> int:
    """Embed and index every title (cached embeddings make reruns take seconds)."""
    search = build_search(TortoiseContentRepository(), search_settings)
    try:
        if only_if_empty and await search.index.count():
            return 0
        return await search.indexer.index_all(progress=True)
    finally:
        await search.close()


async def main() -> int:
    settings = Settings.from_env()
    await open_database(settings.database_url, MODELS)
    try:
        return await index_catalog(settings.search)
    finally:
        await close_database()


if __name__ == "__main__":
    print(f"content: indexed {asyncio.run(main())} titles", file=sys.stderr)
