"""Content's part of a user's data export: the profiles' limits it keeps and the viewings it
counts for co-watching (under the hashed viewer key, which is how content knows the user)."""

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
from subgraphs.content.adapters.orm import ProfileLimitRow, TitleViewerRow
from subgraphs.content.graph.adapters.repository import viewer_key

__all__ = ["DataExport"]

TABLES = (ExportedTable(ProfileLimitRow),
          ExportedTable(TitleViewerRow, "viewer_key", viewer_key))


@strawberry.federation.type(keys=["id"], description=EXPORT_DESCRIPTION)
class DataExport:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> DataExport:
        return cls(id=id)

    @strawberry.field(description="Profiles' limits and the viewings counted for co-watching.")
    async def content(self, info: Info[Any, None]) -> JSON:
        return await export_rows(TABLES, may_export(info.context.viewer, self.id))
