"""Where sync documents live: accepted updates appended in order, folded into snapshots."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Protocol

from tortoise.transactions import in_transaction

from subgraphs.playback.adapters.sync_orm import SyncSnapshotRow, SyncUpdateRow

__all__ = ["StoredDoc", "SyncLogEntry", "SyncStore", "TortoiseSyncStore"]


@dataclass(frozen=True)
class StoredDoc:
    """A snapshot (or None) and the updates accepted after it, oldest first."""

    snapshot: bytes | None
    through_id: int
    updates: list[tuple[int, bytes]]

    @property
    def last_id(self) -> int:
        return self.updates[-1][0] if self.updates else self.through_id


@dataclass(frozen=True)
class SyncLogEntry:
    id: int
    clock: dict[int, int]
    touched: dict[str, Any]


class SyncStore(Protocol):
    def writing(self, user_id: uuid.UUID) -> contextlib.AbstractAsyncContextManager[None]: ...

    async def load(self, user_id: uuid.UUID, after_id: int = 0) -> StoredDoc: ...

    async def append(
        self, user_id: uuid.UUID, update: bytes, clock: dict[int, int],
        touched: dict[str, Any], device_id: str | None,
    ) -> tuple[int, int]: ...

    async def compact(self, user_id: uuid.UUID, state: bytes, through_id: int) -> None: ...

    async def log_since(self, user_id: uuid.UUID, after_id: int) -> list[SyncLogEntry]: ...


class TortoiseSyncStore:
    @contextlib.asynccontextmanager
    async def writing(self, user_id: uuid.UUID) -> AsyncIterator[None]:
        """A transaction holding the user's snapshot row: one writer at a time appends, so
        update ids follow the order updates were accepted in."""
        async with in_transaction():
            await SyncSnapshotRow.get_or_create(user_id=user_id, defaults={"state": b""})
            await SyncSnapshotRow.select_for_update().get(user_id=user_id)
            yield

    async def load(self, user_id: uuid.UUID, after_id: int = 0) -> StoredDoc:
        """The document past `after_id`: from the snapshot when it is further along."""
        snapshot = await SyncSnapshotRow.get_or_none(user_id=user_id)
        state, through = None, after_id
        if snapshot is not None and snapshot.through_id > after_id and snapshot.state:
            state, through = bytes(snapshot.state), snapshot.through_id
        rows = await SyncUpdateRow.filter(
            user_id=user_id, id__gt=through, update__isnull=False
        ).order_by("id").values_list("id", "update")
        return StoredDoc(state, through, [(int(i), bytes(u)) for i, u in rows])

    async def append(
        self, user_id: uuid.UUID, update: bytes, clock: dict[int, int],
        touched: dict[str, Any], device_id: str | None,
    ) -> tuple[int, int]:
        """Returns the update's id and how many updates now follow the snapshot."""
        row = await SyncUpdateRow.create(
            user_id=user_id, update=update, touched=touched, device_id=device_id,
            clock={str(client): value for client, value in clock.items()},
        )
        snapshot = await SyncSnapshotRow.get(user_id=user_id)
        snapshot.since_snapshot += 1
        await snapshot.save(update_fields=["since_snapshot"])
        return int(row.id), snapshot.since_snapshot

    async def compact(self, user_id: uuid.UUID, state: bytes, through_id: int) -> None:
        """The snapshot now holds every update up to `through_id`; their bytes go."""
        await SyncSnapshotRow.filter(user_id=user_id).update(
            state=state, through_id=through_id, since_snapshot=0
        )
        await SyncUpdateRow.filter(user_id=user_id, id__lte=through_id).update(update=None)

    async def log_since(self, user_id: uuid.UUID, after_id: int) -> list[SyncLogEntry]:
        rows = await SyncUpdateRow.filter(user_id=user_id, id__gt=after_id).order_by(
            "id"
        ).values_list("id", "clock", "touched")
        return [
            SyncLogEntry(int(i), {int(k): int(v) for k, v in clock.items()}, touched)
            for i, clock, touched in rows
        ]
