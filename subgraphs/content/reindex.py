"""Re-index the whole catalog: `python -m subgraphs.content.reindex`.

For a new embedding provider or engine (each has its own index) or after restoring a database.
"""

from __future__ import annotations

import asyncio
import sys

from subgraphs.common.db import close_database, open_database
from subgraphs.content.seed import index_catalog
from subgraphs.content.settings import MODELS, NAME, Settings

__all__ = ["main"]


async def main() -> int:
    settings = Settings.from_env(NAME)
    await open_database(settings.database_url, MODELS)
    try:
        return await index_catalog()
    finally:
        await close_database()


if __name__ == "__main__":
    print(f"content: indexed {asyncio.run(main())} titles", file=sys.stderr)
