"""Demo accounts from MovieLens-100K: 943 users with their ratings as viewing history.

Every demo account signs in with the password `mediagateway-demo`.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from argon2 import PasswordHasher
from tortoise.transactions import in_transaction
from tqdm import tqdm

from mediagateway.movielens import MovieLens, MovieLensRating, MovieLensUser
from subgraphs.common.events import Event, RedisEventBus
from subgraphs.common.ids import stable_id
from subgraphs.users import events
from subgraphs.users.adapters.orm import ProfileRow, UserRow, ViewingEventRow, WatchlistItemRow
from subgraphs.users.adapters.rows import profile_to_row, user_to_row, viewing_to_row
from subgraphs.users.domain.model import PLATFORMS, Profile, User, ViewingEvent
from subgraphs.users.oauth.demo_clients import register_demo_clients

__all__ = ["DEMO_PASSWORD", "REGIONS", "home_region", "seed", "subscribed_platforms"]

DEMO_PASSWORD = "mediagateway-demo"
REGIONS = ("US", "GB", "DE", "FR", "JP")
WATCHLIST_SIZE = 5
BATCH = 1_000

T = TypeVar("T")


def _batches(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _platforms(user_id: int) -> tuple[str, ...]:
    """Two or three neighbouring slugs, chosen by the MovieLens user id."""
    count = 2 + user_id % 2
    start = (user_id * 7) % len(PLATFORMS)
    return tuple(PLATFORMS[(start + i) % len(PLATFORMS)] for i in range(count))


def home_region(user_id: int) -> str:
    """A demo account's region, by its MovieLens user id."""
    return REGIONS[user_id % len(REGIONS)]


def subscribed_platforms(user_id: int) -> tuple[str, ...]:
    return _platforms(user_id)


def _account(source: MovieLensUser, now: datetime) -> User:
    return User(
        id=source.id,
        email=source.email,
        display_name=f"Demo user {source.user_id}",
        home_region=home_region(source.user_id),
        subscribed_platforms=_platforms(source.user_id),
        preferred_genres=(),
        created_at=now,
    )


def _favourites(ratings: list[MovieLensRating]) -> list[MovieLensRating]:
    """The user's latest ratings of 5: their demo watchlist."""
    fives = [rating for rating in ratings if rating.rating == 5]
    fives.sort(key=lambda rating: (rating.rated_at, rating.item_id), reverse=True)
    return fives[:WATCHLIST_SIZE]


async def seed(data: MovieLens, bus: RedisEventBus, with_history: bool = True) -> bool:
    """Write the demo accounts in one transaction, then publish their events.

    `with_history=False` leaves out the viewing history and watchlists (the accounts only), for
    benchmarks that send viewings through the API themselves. Returns False, writing nothing,
    when the database already has users.
    """
    await register_demo_clients()
    if await UserRow.exists():
        return False
    now = datetime.now(UTC)
    # One hash for every account: argon2 is slow on purpose.
    password_hash = await asyncio.to_thread(PasswordHasher().hash, DEMO_PASSWORD)
    title_ids = {item.item_id: item.id for item in data.items}
    users = {source.user_id: _account(source, now) for source in data.users}

    ratings: dict[int, list[MovieLensRating]] = defaultdict(list)
    for rating in data.ratings if with_history else ():
        if rating.user_id in users and rating.item_id in title_ids:
            ratings[rating.user_id].append(rating)

    viewings = [
        ViewingEvent(
            id=stable_id("viewing", rating.user_id, rating.item_id),
            user_id=users[rating.user_id].id,
            title_id=title_ids[rating.item_id],
            progress=1.0,
            occurred_at=rating.rated_at,
            completed=True,
            rating=rating.rating,
        )
        for user_ratings in ratings.values()
        for rating in user_ratings
    ]
    watchlist = [
        WatchlistItemRow(
            user_id=users[user_id].id,
            title_id=title_ids[rating.item_id],
            added_at=rating.rated_at,
        )
        for user_id, user_ratings in ratings.items()
        for rating in _favourites(user_ratings)
    ]
    profiles = [Profile(id=stable_id("profile", user.id), user_id=user.id, name=user.display_name)
                for user in users.values()]

    async with in_transaction():
        for batch in _batches([user_to_row(user, password_hash) for user in users.values()]):
            await UserRow.bulk_create(batch)
        for batch in _batches([profile_to_row(profile) for profile in profiles]):
            await ProfileRow.bulk_create(batch)
        for batch in _batches(watchlist):
            await WatchlistItemRow.bulk_create(batch)
        with tqdm(total=len(viewings), desc="users: viewing history", unit="event") as progress:
            for batch in _batches(viewings):
                await ViewingEventRow.bulk_create([viewing_to_row(event) for event in batch])
                progress.update(len(batch))

    published: list[Event] = [events.user_registered(user) for user in users.values()]
    published += [events.profile_changed(profile, now, created=True) for profile in profiles]
    published += [events.viewing_recorded(event) for event in viewings]
    for batch in _batches(published):
        await bus.publish_many(list(batch))
    return True
