"""Viewings that arrive together share one commit, each stored with its event or not at all:
one that cannot be stored (its user is gone) fails alone, and stages nothing."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher
from tortoise.exceptions import IntegrityError

from subgraphs.common.events import Event
from subgraphs.common.outbox import OutboxEvent
from subgraphs.users import events, services, sync_facts
from subgraphs.users.adapters import keys as key_store
from subgraphs.users.adapters.orm import ViewingEventRow
from subgraphs.users.adapters.repository import TortoiseUsersRepository
from subgraphs.users.domain.model import ViewingEvent
from subgraphs.users.domain.passwords import Passwords
from subgraphs.users.tokens import TokenIssuer
from tests.users.integration.test_staged_events import NoLimits


class CountingOutbox:
    """The outbox's immediate send: counts the tries (what the relay would publish stays)."""

    flushes = 0

    async def flush(self) -> int:
        self.flushes += 1
        return 0


async def _user(repo: TortoiseUsersRepository) -> uuid.UUID:
    passwords = Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    user, _ = await services.register(
        repo=repo, passwords=passwords, tokens=TokenIssuer(await key_store.ensure_signing_key()),
        outbox=CountingOutbox(), limiter=NoLimits(), client="test",
        registration=services.Registration(f"v-{uuid.uuid4().hex[:8]}@example.com",
                                           "a-password-0", "Viewer"))
    return user.id


def _viewing(user_id: uuid.UUID) -> ViewingEvent:
    return ViewingEvent.record(user_id=user_id, title_id=uuid.uuid4(), progress=0.5,
                               occurred_at=datetime.now(UTC))


async def _staged_viewings() -> list[str]:
    return [row.event().payload["event_id"] for row in
            await OutboxEvent.filter(type="viewing.recorded").order_by("seq")]


async def test_a_batch_is_stored_with_its_events_and_a_bad_viewing_fails_alone(
    database: str
) -> None:
    repo = TortoiseUsersRepository()
    user_id = await _user(repo)
    await OutboxEvent.all().delete()
    good = [_viewing(user_id) for _ in range(3)]
    ghost = _viewing(uuid.uuid4())  # no such user: the foreign key refuses it
    batch = [(v, [events.viewing_recorded(v)]) for v in (good[0], ghost, *good[1:])]

    outcomes = await repo.add_viewings(batch)

    assert outcomes[0] is None and outcomes[2] is None and outcomes[3] is None
    assert isinstance(outcomes[1], IntegrityError)
    stored = set(await ViewingEventRow.filter(user_id=user_id).values_list("id", flat=True))
    assert stored == {v.id for v in good}
    assert not await ViewingEventRow.filter(id=ghost.id).exists()
    assert await _staged_viewings() == [str(v.id) for v in good]


async def test_concurrent_viewings_share_commits_and_each_is_stored_once(database: str) -> None:
    repo = TortoiseUsersRepository()
    user_id = await _user(repo)
    await OutboxEvent.all().delete()
    outbox = CountingOutbox()
    log = services.ViewingLog(repo, outbox)
    viewings = [_viewing(user_id) for _ in range(40)]

    await asyncio.gather(*(log.record(v) for v in viewings))

    stored = await ViewingEventRow.filter(user_id=user_id).values_list("id", flat=True)
    assert sorted(stored) == sorted(v.id for v in viewings)
    assert sorted(await _staged_viewings()) == sorted(str(v.id) for v in viewings)
    assert log.group.batches < 40 and outbox.flushes == log.group.batches


async def test_one_viewing_at_a_time_is_its_own_commit(database: str) -> None:
    repo = TortoiseUsersRepository()
    user_id = await _user(repo)
    log = services.ViewingLog(repo, CountingOutbox(), max_batch=1)
    await asyncio.gather(*(log.record(_viewing(user_id)) for _ in range(5)))
    assert log.group.batches == 5
    with pytest.raises(IntegrityError):
        await log.record(_viewing(uuid.uuid4()))


def _progress(user_id: uuid.UUID, **payload: object) -> Event:
    event_id = uuid.uuid4()
    return Event(type="sync.progress_reported", id=str(event_id), payload={
        "event_id": str(event_id), "user_id": str(user_id), "title_id": str(uuid.uuid4()),
        "progress": 0.25, "completed": False, "position_seconds": 600,
        "duration_seconds": 2400, "device_id": "tv", "hlc": "1764892800000.0.tv",
        "at": datetime.now(UTC).isoformat(), **payload})


async def test_a_batch_of_devices_progress_is_stored_once_each_in_one_commit(
    database: str
) -> None:
    repo = TortoiseUsersRepository()
    user_id = await _user(repo)
    await OutboxEvent.all().delete()
    outbox = CountingOutbox()
    reports = [_progress(user_id) for _ in range(5)]
    malformed = _progress(user_id, progress="most of it")

    await sync_facts.absorb(repo, outbox, [*reports[:3], malformed, *reports[3:]])
    await sync_facts.absorb(repo, outbox, reports[1:3])  # redelivered: nothing more

    stored = await ViewingEventRow.filter(user_id=user_id).values_list("id", flat=True)
    assert sorted(map(str, stored)) == sorted(e.id for e in reports)
    staged = await OutboxEvent.filter(type="viewing.recorded").order_by("seq")
    assert sorted(row.event().payload["event_id"] for row in staged) == sorted(
        e.id for e in reports)
    assert all(row.event().payload["origin"] == "sync" for row in staged)
    assert outbox.flushes == 1, "one publish for the batch, none for the redelivery"
