"""The users database, migrated and open, for tests that call the repository directly."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from mediagateway.migrate import migrate
from subgraphs.common.db import close_database, open_database
from subgraphs.users.settings import MODELS


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[str]:
    await migrate("users", database_url)
    await open_database(database_url, MODELS)
    try:
        yield database_url
    finally:
        await close_database()
