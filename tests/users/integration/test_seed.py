"""The demo seed on a miniature MovieLens: accounts, history, watchlists and events, once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from redis.asyncio import Redis

from mediagateway.demo.users import DEMO_PASSWORD, seed
from mediagateway.migrate import migrate
from mediagateway.movielens import MovieLens
from subgraphs.common.db import close_database, open_database
from subgraphs.common.events import Event, RedisEventBus
from subgraphs.common.ids import stable_id
from subgraphs.users.adapters.orm import ProfileRow, UserRow, ViewingEventRow, WatchlistItemRow
from subgraphs.users.settings import MODELS

FILES = {
    "item": ["item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq",
             *(f"{i}\tFilm {i}\t1995\tDrama" for i in range(1, 9))],
    "user": ["user_id:token\tage:token\tgender:token\toccupation:token\tzip_code:token",
             "1\t24\tM\ttechnician\t85711", "2\t53\tF\tother\t94043"],
    "inter": ["user_id:token\titem_id:token\trating:float\ttimestamp:float",
              # User 1 rated seven films 5: the latest five make the watchlist.
              *(f"1\t{i}\t5\t{880000000 + i}" for i in range(1, 8)),
              "1\t8\t2\t880000100",
              "2\t1\t3\t880000000", "2\t2\t4\t880000001"],
    "kg": ["head_id:token\trelation_id:token\ttail_id:token"],
    "link": ["item_id:token\tentity_id:token"],
}


@pytest.fixture
def movielens(tmp_path: Path) -> MovieLens:
    root = tmp_path / "ml-100k"
    root.mkdir()
    for name, lines in FILES.items():
        (root / f"ml-100k.{name}").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return MovieLens(root=root)


@pytest.fixture
async def bus(database_url: str, redis_url: str) -> AsyncIterator[RedisEventBus]:
    await migrate("users", database_url)
    await open_database(database_url, MODELS)
    redis = Redis.from_url(redis_url)
    try:
        yield RedisEventBus(redis)
    finally:
        await redis.aclose()
        await close_database()


async def _events(bus: RedisEventBus, stream: str, ids: set[str]) -> list[Event]:
    entries = await bus.redis.xrange(stream)
    return [e for e in (Event.decode(fields) for _, fields in entries) if e.id in ids]


async def test_seed_writes_demo_data_once(movielens: MovieLens, bus: RedisEventBus) -> None:
    assert await seed(movielens, bus) is True

    users = {row.email: row for row in await UserRow.all()}
    assert set(users) == {"user1@demo.mediagateway.dev", "user2@demo.mediagateway.dev"}
    first = users["user1@demo.mediagateway.dev"]
    assert first.id == movielens.users[0].id
    assert first.display_name == "Demo user 1"
    assert first.home_region in {"US", "GB", "DE", "FR", "JP"}
    assert 2 <= len(first.subscribed_platforms) <= 3 and first.preferred_genres == []
    assert first.password_hash == users["user2@demo.mediagateway.dev"].password_hash
    assert PasswordHasher().verify(first.password_hash, DEMO_PASSWORD)
    assert await ProfileRow.all().count() == 2

    titles = {item.item_id: item.id for item in movielens.items}
    watchlist = await WatchlistItemRow.filter(user_id=first.id).order_by("-added_at")
    assert [row.title_id for row in watchlist] == [titles[i] for i in (7, 6, 5, 4, 3)]
    assert await WatchlistItemRow.filter(user_id=movielens.users[1].id).count() == 0

    viewings = await ViewingEventRow.all()
    assert len(viewings) == 10
    assert all(row.completed and row.progress == 1.0 for row in viewings)
    viewing = await ViewingEventRow.get(id=stable_id("viewing", 2, 2))
    assert (viewing.title_id, viewing.rating) == (titles[2], 4)

    ids = {str(row.id) for row in viewings}
    published = await _events(bus, "viewing.recorded", ids)
    assert {event.id for event in published} == ids
    assert next(e for e in published if e.id == str(viewing.id)).payload == {
        "event_id": str(viewing.id), "user_id": str(movielens.users[1].id),
        "title_id": str(titles[2]), "progress": 1.0, "completed": True, "rating": 4,
        "occurred_at": viewing.occurred_at.isoformat(),
    }
    registered = await _events(bus, "user.registered", {str(row.id) for row in users.values()})
    assert len(registered) == 2

    # One profile.changed per seeded profile, as registration publishes one.
    profiles = {str(row.id): row for row in await ProfileRow.all()}
    changed = [Event.decode(fields) for _, fields in await bus.redis.xrange("profile.changed")]
    assert sorted(e.payload["profile_id"] for e in changed) == sorted(profiles)
    first_profile = next(e for e in changed if e.payload["user_id"] == str(first.id))
    assert first_profile.payload == {
        "profile_id": str(stable_id("profile", first.id)), "user_id": str(first.id),
        "name": "Demo user 1", "is_kid": False, "max_age": None, "max_age_rating": None,
        "blocked_genres": [], "deleted": False, "occurred_at": first_profile.occurred_at,
    }

    # Again: nothing is written or published twice.
    streams = ("viewing.recorded", "user.registered", "profile.changed")
    lengths = [await bus.redis.xlen(s) for s in streams]
    assert await seed(movielens, bus) is False
    assert await UserRow.all().count() == 2
    assert await ViewingEventRow.all().count() == 10
    assert [await bus.redis.xlen(s) for s in streams] == lengths
