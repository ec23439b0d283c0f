"""The session ingestion writes through: its own connection, savepoints, COPY on PostgreSQL."""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from tortoise import Tortoise

from mediagateway.demo.content import PLATFORMS
from mediagateway.migrate import migrate
from subgraphs.common.db import close_database, open_database
from subgraphs.content.adapters.orm import OfferRow, PersonRow, TitleRow
from subgraphs.content.catalog.domain.model import OfferType, TitleKind
from subgraphs.content.ingest import ensure_vocabulary
from subgraphs.content.ingest.store import (
    OFFER,
    PERSON,
    TITLE,
    Delete,
    Insert,
    Update,
    ingest_session,
)


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
            170, 1.5, 8.2, 10, "tt0113277", None, None, None, "hash", when, name.casefold())


async def test_rows_round_trip_through_the_session(catalog: None) -> None:
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    when = datetime(2026, 11, 26, 1, 2, 3, tzinfo=UTC)
    person = str(uuid.uuid4())
    changed = title(second, "Ronin", when)
    async with ingest_session() as session:
        await session.apply([
            Insert(TITLE, [title(first, "Heat", when), title(second, "Ronin", when)]),
            Insert(OFFER, [(
                str(uuid.uuid4()), first, "netflix", "US", "rent", "uhd", Decimal("3.99"), "USD",
                '["en"]', "[]", when, None, "n://heat", "https://n/heat")]),
            Insert(PERSON, [(person, "imdb:nm1", "Michael Mann")], missing_only=True),
            # Known people keep their row; the new one is added.
            Insert(PERSON, [(person, "imdb:nm1", "Renamed"),
                            (str(uuid.uuid4()), "imdb:nm2", "Al Pacino")], missing_only=True),
            Update(TITLE, [(*changed[:3], "Ronin (1998)", *changed[4:])]),
        ])
        rows = await session.select(("id", "content_hash"), "title", "id", [first, second])
        assert sorted((str(i), h) for i, h in rows) == sorted([(first, "hash"), (second, "hash")])
        await session.commit()
    heat = await TitleRow.get(id=first)
    assert (heat.kind, heat.release_date, heat.imdb_id, heat.updated_at) == (
        TitleKind.MOVIE, date(1995, 12, 15), "tt0113277", when)
    assert (await TitleRow.get(id=second)).title == "Ronin (1998)"
    offer = await OfferRow.get(title_id=first)
    assert (offer.type, offer.price, offer.audio_languages, offer.available_from) == (
        OfferType.RENT, Decimal("3.99"), ["en"], when)
    assert sorted(await PersonRow.all().values_list("name", flat=True)) == [
        "Al Pacino", "Michael Mann"]

    async with ingest_session() as session:
        await session.apply([Delete("offer", "title_id", [first])])
        await session.commit()
    assert await OfferRow.all().count() == 0


async def test_a_failed_step_list_leaves_nothing_of_itself_and_keeps_the_rest(
    catalog: None,
) -> None:
    when = datetime(2026, 11, 26, tzinfo=UTC)
    kept, same = str(uuid.uuid4()), str(uuid.uuid4())
    async with ingest_session() as session:
        await session.apply([Insert(TITLE, [title(kept, "Heat", when)])])
        with pytest.raises(Exception):  # noqa: B017 - each driver names the conflict its own way
            await session.apply([
                Insert(TITLE, [title(str(uuid.uuid4()), "Ronin", when)]),
                Insert(TITLE, [title(same, "Thief", when), title(same, "Thief", when)]),
            ])
        assert session.dirty
        await session.commit()
        assert not session.dirty
    assert await TitleRow.all().values_list("title", flat=True) == ["Heat"]


async def test_uncommitted_steps_are_the_sessions_own_and_go_when_it_ends(catalog: None) -> None:
    when = datetime(2026, 11, 26, tzinfo=UTC)
    first = str(uuid.uuid4())
    with pytest.raises(RuntimeError):
        async with ingest_session() as session:
            await session.apply([Insert(TITLE, [title(first, "Heat", when)])])
            # The session reads its own writes; the app's connection does not see them.
            assert len(await session.select(("id",), "title", "id", [first])) == 1
            assert await TitleRow.all().count() == 0
            raise RuntimeError("the run stops")
    assert await TitleRow.all().count() == 0


async def test_the_apps_connection_keeps_its_own_settings(catalog: None) -> None:
    connection = Tortoise.get_connection("default")
    sqlite = connection.capabilities.dialect == "sqlite"
    # Each database's durability setting, as the app's connection sees it.
    query = "PRAGMA synchronous" if sqlite else "SHOW synchronous_commit"

    async def durability() -> str:
        _, rows = await connection.execute_query(query)
        return str(next(iter(dict(rows[0]).values())))

    # A run relaxes durability on its own connection only (SQLite: synchronous=NORMAL), and
    # shortens the GIL switch interval only while a SQLite run lasts (its writer thread).
    app, interval = await durability(), sys.getswitchinterval()
    async with ingest_session() as session:
        assert (sys.getswitchinterval() < interval) is sqlite
        await session.apply([Insert(TITLE, [title(str(uuid.uuid4()), "Heat", datetime.now(UTC))])])
        assert await durability() == app
        await session.commit()
    assert await durability() == app == ("2" if sqlite else "on")  # SQLite FULL; PostgreSQL on
    assert sys.getswitchinterval() == interval
