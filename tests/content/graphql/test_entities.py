"""Entity references from other subgraphs resolve in batches."""

from __future__ import annotations

import asyncio
import logging
import uuid

import pytest

from mediagateway.migrate import migrate
from subgraphs.common.db import close_database, open_database
from subgraphs.content.adapters.orm import TitleRow
from subgraphs.content.catalog.domain.model import TitleKind
from tests.support.inprocess import run_subgraph

ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Title { id title releaseYear } }
}
"""


async def _insert_titles(database_url: str, count: int) -> list[uuid.UUID]:
    await migrate("content", database_url)
    await open_database(database_url, "subgraphs.content.adapters.orm")
    try:
        rows = [
            TitleRow(id=uuid.uuid4(), source_key=f"test:{n}", kind=TitleKind.MOVIE,
                     title=f"Film {n}", release_year=1990 + n % 30)
            for n in range(count)
        ]
        await TitleRow.bulk_create(rows)
        return [row.id for row in rows]
    finally:
        await close_database()


class _QueryCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.statements.append(record.getMessage())


@pytest.fixture
def query_log() -> list[str]:
    logger = logging.getLogger("tortoise.db_client")
    counter = _QueryCounter()
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    yield counter.statements
    logger.removeHandler(counter)
    logger.setLevel(previous)


def test_fifty_title_references_cost_one_query(
    database_url: str, redis_url: str, query_log: list[str]
) -> None:
    ids = asyncio.run(_insert_titles(database_url, 50))
    with run_subgraph("content", database_url, redis_url) as content:
        query_log.clear()
        result = content.execute(
            ENTITIES, {"representations": [{"__typename": "Title", "id": str(i)} for i in ids]}
        )
    assert "errors" not in result
    assert [entity["id"] for entity in result["data"]["_entities"]] == [str(i) for i in ids]
    selects = [s for s in query_log if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, selects


def test_unknown_references_resolve_to_null(database_url: str, redis_url: str) -> None:
    asyncio.run(_insert_titles(database_url, 1))
    with run_subgraph("content", database_url, redis_url) as content:
        result = content.execute(
            ENTITIES, {"representations": [{"__typename": "Title", "id": str(uuid.uuid4())}]}
        )
    assert result["data"]["_entities"] == [None]
