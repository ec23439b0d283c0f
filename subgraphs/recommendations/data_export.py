"""Recommendations' part of a user's data export: interactions, feedback, taste, the learned
adapter and the profiles' limits."""

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
from subgraphs.recommendations.adapters.orm import (
    ChartPlayRow,
    FeedbackRow,
    InteractionRow,
    ProfileRow,
    UserStampRow,
    UserStateRow,
    UserTasteRow,
)

__all__ = ["DataExport"]

TABLES = tuple(ExportedTable(row) for row in (
    InteractionRow, FeedbackRow, UserTasteRow, UserStateRow, ProfileRow, UserStampRow,
    ChartPlayRow))


@strawberry.federation.type(keys=["id"], description=EXPORT_DESCRIPTION)
class DataExport:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> DataExport:
        return cls(id=id)

    @strawberry.field(description="Interactions, feedback, taste, the learned adapter and the "
                                  "playback sessions counted in charts.")
    async def recommendations(self, info: Info[Any, None]) -> JSON:
        return await export_rows(TABLES, may_export(info.context.viewer, self.id))
