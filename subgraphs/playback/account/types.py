"""Playback's part of a user's data export: devices, sessions, resume points, remote commands,
the sync document's updates (binary, base64) and the facts kept about the user."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from subgraphs.common.data_export import (
    EXPORT_DESCRIPTION,
    ExportedTable,
    export_rows,
    may_export,
)
from subgraphs.playback.account.adapters import USER_TABLES

__all__ = ["DataExport"]

TABLES = tuple(ExportedTable(row) for row in USER_TABLES)


@strawberry.federation.type(keys=["id"], description=EXPORT_DESCRIPTION)
class DataExport:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> DataExport:
        return cls(id=id)

    @strawberry.field(description="Devices, sessions, resume points, commands and sync data.")
    async def playback(self, info: Info[Any, None]) -> JSON:
        return await export_rows(TABLES, may_export(info.context.viewer, self.id))
