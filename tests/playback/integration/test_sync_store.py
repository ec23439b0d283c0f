"""Sync persistence: compaction keeps everything, a restarted replica reads what another wrote."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from mediagateway.migrate import migrate
from subgraphs.common.db import close_database, open_database
from subgraphs.playback.adapters.sync_orm import SyncSnapshotRow, SyncUpdateRow
from subgraphs.playback.adapters.sync_store import TortoiseSyncStore
from subgraphs.playback.domain.sync import SyncDoc
from subgraphs.playback.settings import MODELS, NAME
from subgraphs.playback.sync_services import SyncMessage, SyncService


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
        writer = SyncService(TortoiseSyncStore(), _Hub(), compact_every=3)
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
        reader = SyncService(TortoiseSyncStore(), _Hub())
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
        service = SyncService(TortoiseSyncStore(), _Hub(), compact_every=4)
        vectors = []
        for title in titles:  # compacted after the 4th and the 8th
            vectors.append((await service.add_to_watchlist(user, "phone", title)).state_vector)
        assert await SyncUpdateRow.filter(user_id=user).count() == 2

        def added(message: SyncMessage) -> set[str]:
            return {c["title_id"] for c in message.changes if c["kind"] == "WATCHLIST_ADDED"}

        fresh = SyncService(TortoiseSyncStore(), _Hub())  # nothing cached: all from the rows
        # At the last compaction: exactly the one change made since.
        assert added(await fresh.catch_up(user, vectors[7])) == {str(titles[8])}
        # Behind it: every key changed since, at least (what folded is told whole).
        behind = await fresh.catch_up(user, vectors[1])
        assert {str(t) for t in titles[2:]} <= added(behind)
        device = SyncDoc.from_update((await fresh.catch_up(user, None)).update)
        assert device.view().watchlist == {str(t) for t in titles}
        assert added(await fresh.catch_up(user, vectors[8])) == set()
    finally:
        await close_database()


def test_compacted_rows_fold_and_a_device_still_learns_what_changed(database_url: str) -> None:
    asyncio.run(migrate(NAME, database_url))
    asyncio.run(_reconnects(database_url))
