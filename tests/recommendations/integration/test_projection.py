"""The event projection against a real database: idempotent, and fast enough for the demo seed."""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import UTC, datetime
from pathlib import Path

from subgraphs.common.events import Event
from subgraphs.recommendations.adapters.artifact import ModelHolder
from subgraphs.recommendations.adapters.repository import TortoiseRecommendationsRepository
from subgraphs.recommendations.consumers import handlers
from tests.recommendations.events import title_event, viewing_event

BATCH = 500  # what RedisEventBus hands a handler at most


def _seeded_events(users: int, titles: int, views: int) -> tuple[list[Event], list[Event]]:
    rng = random.Random(7)
    genres = ["drama", "comedy", "action", "horror", "romance", "thriller", "war"]
    title_ids = [uuid.uuid4() for _ in range(titles)]
    user_ids = [uuid.uuid4() for _ in range(users)]
    catalog = [title_event(t, rng.sample(genres, 2), rng.randint(0, 500), 3.5) for t in title_ids]
    viewings = [
        viewing_event(rng.choice(user_ids), rng.choice(title_ids), rng.randint(1, 5))
        for _ in range(views)
    ]
    return catalog, viewings


async def _absorb(events: list[Event]) -> None:
    # No model served: projection only, as before the first build.
    by_stream = handlers(TortoiseRecommendationsRepository(), ModelHolder(Path("/nonexistent")))
    for start in range(0, len(events), BATCH):
        batch = events[start : start + BATCH]
        await by_stream[batch[0].type](batch)


def test_every_viewing_event_is_counted_once(loop: asyncio.AbstractEventLoop) -> None:
    catalog, viewings = _seeded_events(users=943, titles=1_682, views=20_000)
    loop.run_until_complete(_absorb(catalog))
    loop.run_until_complete(_absorb(viewings))

    repo = TortoiseRecommendationsRepository()
    signals = loop.run_until_complete(repo.top_signals(None, (), 2_000))
    assert sum(s.view_count for s in signals) == 20_000
    assert sum(s.rating_count for s in signals) == 20_000


def test_redelivered_events_change_nothing(loop: asyncio.AbstractEventLoop) -> None:
    catalog, viewings = _seeded_events(users=5, titles=20, views=300)
    loop.run_until_complete(_absorb(catalog + viewings))
    repo = TortoiseRecommendationsRepository()
    before = loop.run_until_complete(repo.top_signals(None, (), 100))
    # Same facts again, the views both in their own batch and mixed into one with new events.
    loop.run_until_complete(_absorb(catalog + viewings))
    assert loop.run_until_complete(repo.top_signals(None, (), 100)) == [
        s for s in before
    ]


def test_views_before_the_catalog_event_are_kept(loop: asyncio.AbstractEventLoop) -> None:
    user, title = uuid.uuid4(), uuid.uuid4()
    loop.run_until_complete(_absorb([viewing_event(user, title, 5)]))
    loop.run_until_complete(_absorb([title_event(title, ["drama"], 10, 4.0)]))
    repo = TortoiseRecommendationsRepository()
    signal = loop.run_until_complete(repo.signals_by_ids([title]))[title]
    assert (signal.genres, signal.view_count, signal.rating_sum) == (("drama",), 1, 5)
    interactions = loop.run_until_complete(repo.interactions_by_users([user]))[user]
    assert [i.title_id for i in interactions] == [title]
    assert interactions[0].occurred_at <= datetime.now(UTC)


def test_malformed_events_are_skipped_not_retried_forever(
    loop: asyncio.AbstractEventLoop,
) -> None:
    good = viewing_event(uuid.uuid4(), uuid.uuid4(), 4)
    bad = Event(type="viewing.recorded", payload={"user_id": "nope"})
    loop.run_until_complete(_absorb([bad, good]))
    repo = TortoiseRecommendationsRepository()
    user = uuid.UUID(good.payload["user_id"])
    assert len(loop.run_until_complete(repo.interactions_by_users([user]))[user]) == 1
