"""Account deletion in playback: every row of the user, and the sync document this process
holds in memory."""

from __future__ import annotations

import uuid

from tortoise.transactions import in_transaction

from subgraphs.playback.adapters.orm import (
    DeviceRow,
    NoticeRow,
    PlaybackSessionRow,
    ProfileLimitRow,
    RemoteCommandRow,
    ResumePointRow,
    ViewerFactRow,
    WatchlistFactRow,
)
from subgraphs.playback.adapters.sync_orm import SyncSnapshotRow, SyncUpdateRow
from subgraphs.playback.sync_services import SyncService

__all__ = ["USER_TABLES", "erase_user"]

# Every table with rows of a user; children before the devices they point at.
USER_TABLES = (RemoteCommandRow, PlaybackSessionRow, ResumePointRow, NoticeRow, WatchlistFactRow,
               ViewerFactRow, ProfileLimitRow, SyncUpdateRow, SyncSnapshotRow, DeviceRow)


async def erase_user(user_id: uuid.UUID, sync: SyncService) -> None:
    """Idempotent: a second erase finds nothing."""
    async with in_transaction() as connection:
        for row in USER_TABLES:
            await row.filter(user_id=user_id).using_db(connection).delete()
    sync.forget(user_id)
