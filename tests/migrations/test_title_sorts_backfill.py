"""Migration 6 gives the titles already stored their sort title (SQLite, or PostgreSQL when
DATABASE_URL says so)."""

from __future__ import annotations

import asyncio
import importlib
import uuid

from tortoise import Tortoise

from mediagateway.migrate import migrate
from mediagateway.registry import SUBGRAPHS
from subgraphs.common.db import tortoise_config

sorts = importlib.import_module("migrations.content.models.6_title_sorts")


async def _backfilled(database_url: str) -> dict[str, str | None]:
    await Tortoise.init(config=tortoise_config(database_url, SUBGRAPHS["content"].models))
    try:
        db = Tortoise.get_connection("default")
        names = ["American President, The", "The Matrix", "Heat"]
        for name in names:
            # As a title written before the migration: no sort title.
            await db.execute_query(
                'INSERT INTO "title" ("id", "source_key", "kind", "title", "popularity", '
                '"vote_count", "updated_at") VALUES '
                + ("(?, ?, 'movie', ?, 0, 0, CURRENT_TIMESTAMP)"
                   if db.capabilities.dialect == "sqlite"
                   else "($1, $2, 'movie', $3, 0, 0, CURRENT_TIMESTAMP)"),
                [str(uuid.uuid4()), f"t:{name}", name])
        await sorts.backfill(db)
        _, rows = await db.execute_query('SELECT "title", "sort_title" FROM "title"')
        return {row["title"]: row["sort_title"] for row in rows}
    finally:
        await Tortoise.close_connections()


def test_stored_titles_get_their_sort_title(database_url: str) -> None:
    asyncio.run(migrate("content", database_url))
    assert asyncio.run(_backfilled(database_url)) == {
        "American President, The": "american president", "The Matrix": "matrix",
        "Heat": "heat"}
