"""What the users subgraph holds of a user, for the data export."""

from __future__ import annotations

import uuid
from typing import Any

from subgraphs.common.data_export import ExportedTable, export_rows
from subgraphs.users.adapters.orm import (
    ProfileRow,
    RefreshFamilyRow,
    UserRow,
    ViewingEventRow,
    WatchlistItemRow,
)

__all__ = ["export_user"]

TABLES = (
    ExportedTable(UserRow, "id"),
    ExportedTable(ProfileRow),
    ExportedTable(WatchlistItemRow),
    ExportedTable(ViewingEventRow),
    ExportedTable(RefreshFamilyRow),  # the sign-ins: which app, which scopes, when
)


async def export_user(user_id: uuid.UUID) -> dict[str, list[Any]]:
    return await export_rows(TABLES, user_id)
