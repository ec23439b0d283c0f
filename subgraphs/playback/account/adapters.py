"""Every playback table holding a user's rows, and their deletion."""

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
from subgraphs.playback.sync.adapters.orm import SyncSnapshotRow, SyncUpdateRow

__all__ = ["USER_TABLES", "delete_user_rows"]

# Every table with rows of a user; children before the devices they point at.
USER_TABLES = (RemoteCommandRow, PlaybackSessionRow, ResumePointRow, NoticeRow, WatchlistFactRow,
               ViewerFactRow, ProfileLimitRow, SyncUpdateRow, SyncSnapshotRow, DeviceRow)


async def delete_user_rows(user_id: uuid.UUID) -> None:
    """In one transaction; idempotent: a second delete finds nothing."""
    async with in_transaction() as connection:
        for row in USER_TABLES:
            await row.filter(user_id=user_id).using_db(connection).delete()
