"""The recommendations database, migrated and open on an event loop the test drives."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from mediagateway.migrate import migrate
from subgraphs.common.db import close_database, open_database
from subgraphs.recommendations.settings import MODELS, NAME


@pytest.fixture
def loop(database_url: str) -> Iterator[asyncio.AbstractEventLoop]:
    asyncio.run(migrate(NAME, database_url))
    loop = asyncio.new_event_loop()
    loop.run_until_complete(open_database(database_url, MODELS))
    yield loop
    loop.run_until_complete(close_database())
    loop.close()
