"""The bulk store ingestion writes through: COPY on PostgreSQL, executemany on SQLite."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from mediagateway.migrate import migrate
from subgraphs.common.db import close_database, open_database
from subgraphs.content.adapters.orm import OfferRow, PersonRow, TitleRow
from subgraphs.content.domain.model import OfferType, TitleKind
from subgraphs.content.ingest import ensure_vocabulary
from subgraphs.content.ingest.store import OFFER, PERSON, TITLE, bulk_load, bulk_store
from subgraphs.content.seed import PLATFORMS


@pytest.fixture
async def catalog(database_url: str) -> AsyncIterator[None]:
    await migrate("content", database_url)
    await open_database(database_url, "subgraphs.content.adapters.orm")
    try:
        await ensure_vocabulary({"drama": "Drama"}, PLATFORMS)
        yield
    finally:
        await close_database()


def title(title_id: str, name: str, when: datetime) -> tuple[object, ...]:
    return (title_id, f"t:{name}", "movie", name, None, "An overview.", date(1995, 12, 15), 1995,
            170, 1.5, 8.2, 10, "tt0113277", None, None, None, "hash", when)


async def test_rows_round_trip_through_the_store(catalog: None) -> None:
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    when = datetime(2026, 11, 26, 1, 2, 3, tzinfo=UTC)
    async with in_transaction() as connection:
        store = bulk_store(connection)
        await store.insert(TITLE, [title(first, "Heat", when), title(second, "Ronin", when)])
        await store.insert(OFFER, [(
            str(uuid.uuid4()), first, "netflix", "US", "rent", "uhd", Decimal("3.99"), "USD",
            '["en"]', "[]", when, None, "n://heat", "https://n/heat")])
        person = str(uuid.uuid4())
        await store.insert_missing(PERSON, [(person, "imdb:nm1", "Michael Mann")])
        # Known people keep their row; the new one is added.
        await store.insert_missing(PERSON, [(person, "imdb:nm1", "Renamed"),
                                            (str(uuid.uuid4()), "imdb:nm2", "Al Pacino")])
        changed = title(second, "Ronin", when)
        await store.update(TITLE, [(*changed[:3], "Ronin (1998)", *changed[4:])])
        rows = await store.select(("id", "content_hash"), "title", "id", [first, second])
        assert sorted((str(i), h) for i, h in rows) == sorted([(first, "hash"), (second, "hash")])
    heat = await TitleRow.get(id=first)
    assert (heat.kind, heat.release_date, heat.imdb_id, heat.updated_at) == (
        TitleKind.MOVIE, date(1995, 12, 15), "tt0113277", when)
    assert (await TitleRow.get(id=second)).title == "Ronin (1998)"
    offer = await OfferRow.get(title_id=first)
    assert (offer.type, offer.price, offer.audio_languages, offer.available_from) == (
        OfferType.RENT, Decimal("3.99"), ["en"], when)
    assert sorted(await PersonRow.all().values_list("name", flat=True)) == [
        "Al Pacino", "Michael Mann"]

    async with in_transaction() as connection:
        await bulk_store(connection).delete("offer", "title_id", [first])
    assert await OfferRow.all().count() == 0


async def test_a_failed_transaction_leaves_nothing(catalog: None) -> None:
    when = datetime(2026, 11, 26, tzinfo=UTC)
    same = str(uuid.uuid4())
    with pytest.raises(Exception):  # noqa: B017 - each driver names the conflict its own way
        async with in_transaction() as connection:
            store = bulk_store(connection)
            await store.insert(TITLE, [title(str(uuid.uuid4()), "Heat", when)])
            await store.insert(TITLE, [title(same, "Ronin", when), title(same, "Ronin", when)])
    assert await TitleRow.all().count() == 0


async def test_a_bulk_load_skips_sqlite_fsyncs_only_while_it_lasts(catalog: None) -> None:
    connection = Tortoise.get_connection("default")
    if connection.capabilities.dialect != "sqlite":
        async with bulk_load():  # nothing to change on PostgreSQL
            assert await TitleRow.all().count() == 0
        return

    async def synchronous() -> int:
        _, rows = await connection.execute_query("PRAGMA synchronous")
        return int(rows[0][0])

    before = await synchronous()
    async with bulk_load():
        assert await synchronous() == 1  # NORMAL
    assert await synchronous() == before == 2  # FULL, SQLite's default
