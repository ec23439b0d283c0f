"""The content database, migrated and open, with MovieLens's genres and the demo platforms
(a test module that needs another catalog defines its own `catalog`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from mediagateway.demo.content import PLATFORMS
from mediagateway.migrate import migrate
from mediagateway.movielens import GENRES
from subgraphs.common.db import close_database, open_database
from subgraphs.content.ingest import ensure_vocabulary


@pytest.fixture
async def catalog(database_url: str) -> AsyncIterator[None]:
    await migrate("content", database_url)
    await open_database(database_url, "subgraphs.content.adapters.orm")
    try:
        await ensure_vocabulary({slug: label for label, slug in GENRES.items()}, PLATFORMS)
        yield
    finally:
        await close_database()
