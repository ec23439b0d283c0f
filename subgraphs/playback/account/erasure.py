"""Account deletion in playback: every row of the user, and the sync document this process
holds in memory. Called by the erasure consumer (`subgraphs.common.erasure`)."""

from __future__ import annotations

import uuid
from typing import Protocol

from subgraphs.playback.account.adapters import delete_user_rows

__all__ = ["erase_user"]


class _Documents(Protocol):
    """The sync documents' cache (`sync.documents.SyncDocuments`)."""

    def forget(self, user_id: uuid.UUID) -> None: ...


async def erase_user(user_id: uuid.UUID, sync: _Documents) -> None:
    """Idempotent: a second erase finds nothing."""
    await delete_user_rows(user_id)
    sync.forget(user_id)
