"""What requests read, held in memory: current after every kind of write, on every replica."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from subgraphs.recommendations.adapters.cached_repository import CachedRecommendationsRepository
from subgraphs.recommendations.domain.engine.adapter import AdapterState
from subgraphs.recommendations.domain.model import (
    Feedback,
    FeedbackSignal,
    Interaction,
    ProfileLimits,
    TitleFacts,
    UserTaste,
)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _viewing(user: uuid.UUID, title: uuid.UUID) -> Interaction:
    return Interaction(str(uuid.uuid4()), user, title, 5, True, datetime.now(UTC), 1.0)


def _title(title: uuid.UUID, name: str, age: int | None = None) -> TitleFacts:
    return TitleFacts(title_id=title, name=name, genres=("drama",), release_year=2001,
                      popularity=1.0, average_rating=4.0, vote_count=10, age_rating=age)


def test_a_users_facts_are_read_again_only_after_a_write(
    loop: asyncio.AbstractEventLoop,
) -> None:
    run = loop.run_until_complete
    serving, other_replica = CachedRecommendationsRepository(), CachedRecommendationsRepository()
    user, title = uuid.uuid4(), uuid.uuid4()

    empty = run(serving.snapshot(user))
    assert not empty.facts.interactions and empty.state is None
    assert run(serving.snapshot(user)) is empty, "unchanged: the held copy"

    run(other_replica.record_interactions([_viewing(user, title)]))
    viewed = run(serving.snapshot(user))
    assert [i.title_id for i in viewed.facts.interactions] == [title]
    assert run(serving.snapshot(user)) is viewed

    run(other_replica.add_feedback(Feedback(user, title, FeedbackSignal.LIKE,
                                            datetime.now(UTC))))
    liked = run(serving.snapshot(user))
    assert [f.signal for f in liked.facts.feedback] == [FeedbackSignal.LIKE]

    run(other_replica.remember_tastes([UserTaste(user, ("comedy",), "DE")]))
    tasted = run(serving.snapshot(user))
    assert tasted.facts.taste is not None and tasted.facts.taste.home_region == "DE"

    run(other_replica.save_states({user: AdapterState("v2", (0.5,) * 8, 1.0, 1)}))
    adapted = run(serving.snapshot(user))
    assert adapted.state is not None and adapted.state.version == "v2"
    assert len({empty.stamp, viewed.stamp, liked.stamp, tasted.stamp, adapted.stamp}) == 5


def test_concurrent_reads_of_one_user_load_once(loop: asyncio.AbstractEventLoop) -> None:
    repo = CachedRecommendationsRepository()
    user = uuid.uuid4()
    loop.run_until_complete(repo.record_interactions([_viewing(user, uuid.uuid4())]))
    calls = 0
    original = repo.interactions_by_users

    async def counted(ids):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return await original(ids)

    repo.interactions_by_users = counted  # type: ignore[method-assign]

    async def three() -> list:
        return await asyncio.gather(*(repo.snapshot(user) for _ in range(3)))

    first, second, third = loop.run_until_complete(three())
    assert calls == 1
    assert first is second is third


def test_catalog_facts_follow_the_catalog_stamp(loop: asyncio.AbstractEventLoop) -> None:
    run = loop.run_until_complete
    clock = Clock()
    serving = CachedRecommendationsRepository(catalog_poll=1.0, clock=clock)
    ingest = CachedRecommendationsRepository()
    title, unknown = uuid.uuid4(), uuid.uuid4()
    run(ingest.upsert_titles([_title(title, "Alien")]))

    assert run(serving.signals_by_ids([title, unknown]))[title].name == "Alien"
    run(ingest.upsert_titles([_title(title, "Aliens", age=16), _title(unknown, "Brazil")]))
    held = run(serving.signals_by_ids([title, unknown]))
    assert held[title].name == "Alien" and unknown not in held, "within the poll: held"

    clock.now += 1.5
    fresh = run(serving.signals_by_ids([title, unknown]))
    assert fresh[title].name == "Aliens" and fresh[title].age_rating == 16
    assert fresh[unknown].name == "Brazil"


def test_profile_limits_follow_the_profiles_stamp(loop: asyncio.AbstractEventLoop) -> None:
    run = loop.run_until_complete
    clock = Clock()
    serving = CachedRecommendationsRepository(catalog_poll=1.0, clock=clock)
    consumer = CachedRecommendationsRepository()  # another replica's event consumer
    user, kid, unknown = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    run(consumer.remember_profiles([ProfileLimits(kid, user, True, 12, ())]))

    assert run(serving.profiles_by_ids([kid, unknown]))[kid].max_age == 12
    run(consumer.remember_profiles([ProfileLimits(kid, user, True, 7, ("horror",)),
                                    ProfileLimits(unknown, user, False, None, ())]))
    held = run(serving.profiles_by_ids([kid, unknown]))
    assert held[kid].max_age == 12 and unknown not in held, "within the poll: held"

    clock.now += 1.5
    fresh = run(serving.profiles_by_ids([kid, unknown]))
    assert fresh[kid].max_age == 7 and fresh[kid].blocked_genres == ("horror",)
    assert unknown in fresh

    # A write through the serving replica itself is seen at once.
    run(serving.remember_profiles([ProfileLimits(kid, user, True, 7, (), deleted=True)]))
    assert run(serving.profiles_by_ids([kid]))[kid].deleted
