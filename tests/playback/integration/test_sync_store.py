"""Sync persistence: compaction keeps everything, a restarted replica reads what another wrote."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable
from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from mediagateway.migrate import migrate
from subgraphs.common.db import close_database, open_database
from subgraphs.common.errors import BadInput
from subgraphs.common.outbox import OutboxEvent
from subgraphs.playback.settings import MODELS, NAME
from subgraphs.playback.sync.adapters.orm import SyncSnapshotRow, SyncUpdateRow
from subgraphs.playback.sync.adapters.store import TortoiseSyncStore
from subgraphs.playback.sync.documents import COMPACT_EVERY, SyncDocuments
from subgraphs.playback.sync.domain.doc import SyncDoc
from subgraphs.playback.sync.domain.hlc import Clock
from subgraphs.playback.sync.messages import SyncMessage
from subgraphs.playback.sync.services import SyncService


class _Everyone:
    """Every device registered and every title in the catalog (not what this test is about)."""

    async def is_registered(self, user_id: uuid.UUID, device_id: str) -> bool:
        return True

    async def known_titles(self, title_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        return set(title_ids)


def _service(compact_every: int = COMPACT_EVERY) -> SyncService:
    return SyncService(SyncDocuments(TortoiseSyncStore(), _Hub(), compact_every=compact_every),
                       devices=_Everyone(), titles=_Everyone())


class _Hub:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def publish(self, user_id: uuid.UUID, message: dict[str, Any]) -> None:
        self.messages.append(message)


async def _scenario(database_url: str) -> None:
    await open_database(database_url, MODELS)
    try:
        user = uuid.uuid4()
        titles = [uuid.uuid4() for _ in range(7)]
        writer = _service(3)
        for title in titles:
            await writer.add_to_watchlist(user, "phone", title)
        await writer.remove_from_watchlist(user, "phone", titles[0])
        await writer.report_progress(user, "tv", titles[1], 30, 60)

        snapshot = await SyncSnapshotRow.get(user_id=user)
        assert snapshot.through_id > 0 and snapshot.since_snapshot < 3
        rows = await SyncUpdateRow.filter(user_id=user).order_by("id")
        # The compacted changes folded into one summary row, the later ones one row each.
        assert [r.id for r in rows if r.id <= snapshot.through_id] == [snapshot.through_id]
        assert len(rows) == 1 + snapshot.since_snapshot
        assert all(r.update is None for r in rows if r.id <= snapshot.through_id)
        assert all(r.update is not None for r in rows if r.id > snapshot.through_id)

        # Another replica (or this one after a restart) starts from the database alone.
        reader = _service()
        everything = await reader.catch_up(user, None)
        kinds = sorted((c["kind"], c["title_id"]) for c in everything.changes)
        assert ("WATCHLIST_REMOVED", str(titles[0])) in kinds
        assert {t for k, t in kinds if k == "WATCHLIST_ADDED"} == {str(t) for t in titles[1:]}
        assert ("PROGRESS_CHANGED", str(titles[1])) in kinds

        # It writes on top of what it read; the first replica sees that write too.
        await reader.remove_from_watchlist(user, "web", titles[2])
        # The first replica's next write starts from that remove, not from its cached copy.
        repeated = await writer.remove_from_watchlist(user, "phone", titles[2])
        assert repeated.changes == []
        again = await writer.catch_up(user, None)
        added = {c["title_id"] for c in again.changes if c["kind"] == "WATCHLIST_ADDED"}
        assert added == {str(t) for t in titles[3:]} | {str(titles[1])}
    finally:
        await close_database()


def test_compaction_and_a_second_replica_lose_nothing(database_url: str) -> None:
    asyncio.run(migrate(NAME, database_url))
    asyncio.run(_scenario(database_url))


async def _reconnects(database_url: str) -> None:
    await open_database(database_url, MODELS)
    try:
        user = uuid.uuid4()
        titles = [uuid.uuid4() for _ in range(9)]
        service = _service(4)
        vectors = []
        for title in titles:  # compacted after the 4th and the 8th
            vectors.append((await service.add_to_watchlist(user, "phone", title)).state_vector)
        assert await SyncUpdateRow.filter(user_id=user).count() == 2

        def added(message: SyncMessage) -> set[str]:
            return {c["title_id"] for c in message.changes if c["kind"] == "WATCHLIST_ADDED"}

        fresh = _service()  # nothing cached: all from the rows
        # At the last compaction: exactly the one change made since.
        assert added(await fresh.catch_up(user, vectors[7])) == {str(titles[8])}
        # Behind it: exactly the keys changed since, though most of them folded.
        behind = await fresh.catch_up(user, vectors[1])
        assert added(behind) == {str(t) for t in titles[2:]}
        device = SyncDoc.from_update((await fresh.catch_up(user, None)).update)
        assert device.view().watchlist == {str(t) for t in titles}
        assert added(await fresh.catch_up(user, vectors[8])) == set()
    finally:
        await close_database()


def test_compacted_rows_fold_and_a_device_still_learns_what_changed(database_url: str) -> None:
    asyncio.run(migrate(NAME, database_url))
    asyncio.run(_reconnects(database_url))


async def _missed_one(database_url: str) -> None:
    await open_database(database_url, MODELS)
    try:
        user = uuid.uuid4()
        service = _service(50)
        phone, web, tv = SyncDoc(), SyncDoc(), SyncDoc()
        phones, webs = Clock("phone"), Clock("web")
        for n in range(150):  # three compactions' worth, one change of the web's among them
            if n == 70:
                missed = web.report_progress(str(uuid.uuid4()), 10, 100, webs.now()).update
                await service.apply_update(user, "web", missed)
                continue
            change = phone.report_progress(str(uuid.uuid4()), n, 200, phones.now())
            applied = await service.apply_update(user, "phone", change.update)
            tv.merge(applied.update)
        assert await SyncUpdateRow.filter(user_id=user).count() < 50
        caught_up = await _service().catch_up(user, tv.state_vector())
        assert [(c["kind"], c["device_id"]) for c in caught_up.changes] == [
            ("PROGRESS_CHANGED", "web")]
    finally:
        await close_database()


def test_catch_up_after_missing_one_change_sends_only_that_change(database_url: str) -> None:
    asyncio.run(migrate(NAME, database_url))
    asyncio.run(_missed_one(database_url))


class _RedisAway:
    """The outbox's immediate send while Redis is down."""

    async def flush(self) -> int:
        raise RedisConnectionError("Connection refused")


async def _staged_facts(database_url: str) -> None:
    await open_database(database_url, MODELS)
    try:
        await OutboxEvent.all().delete()
        user, title = uuid.uuid4(), uuid.uuid4()
        service = SyncService(SyncDocuments(TortoiseSyncStore(), _Hub(), _RedisAway()),
                              devices=_Everyone(), titles=_Everyone())
        # Redis is away after the commit: the add is done and said so; its fact waits.
        message = await service.add_to_watchlist(user, "phone", title)
        assert [c["kind"] for c in message.changes] == ["WATCHLIST_ADDED"]
        staged = [row.event() for row in await OutboxEvent.all()]
        assert [(e.type, e.payload["title_id"]) for e in staged] == [
            ("sync.watchlist_changed", str(title))]

        # A refused write stages nothing: the quota leaves no room for a second title.
        full = SyncService(
            SyncDocuments(TortoiseSyncStore(), _Hub(), _RedisAway(), quota_bytes=1),
            devices=_Everyone(), titles=_Everyone())
        with pytest.raises(BadInput):
            await full.add_to_watchlist(user, "phone", uuid.uuid4())
        assert await OutboxEvent.all().count() == 1
        assert await SyncUpdateRow.filter(user_id=user).count() == 1
    finally:
        await close_database()


def test_a_devices_sync_fact_is_staged_with_its_update(database_url: str) -> None:
    asyncio.run(migrate(NAME, database_url))
    asyncio.run(_staged_facts(database_url))
