"""The port charts read their facts and keep their snapshots through (adapters/repository.py)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Protocol

from subgraphs.recommendations.charts.domain.model import ChartHistory, ChartKey, Play, View

__all__ = ["ChartsRepository", "Markets"]

# (regions, platforms) the catalog offers titles in.
Markets = tuple[set[str], set[str]]


class ChartsRepository(Protocol):
    async def views_after(self, cursor: int, limit: int) -> tuple[list[View], int]:
        """Views stored after `cursor` (a row id), oldest first, and the new cursor."""
        ...

    async def plays_after(self, cursor: int, limit: int) -> tuple[list[Play], int]: ...

    async def regions_since(self, since: datetime | None
                            ) -> tuple[dict[uuid.UUID, str], datetime | None]:
        """Viewers' home regions written since `since` (all with None), and the newest write."""
        ...

    async def markets(self) -> Markets: ...

    async def catalog_stamp(self) -> int | None: ...

    async def record_plays(self, plays: Sequence[Play]) -> int:
        """Store sessions not seen before (the session id makes it idempotent)."""
        ...

    async def save_rankings(self, day: date,
                            rankings: Mapping[ChartKey, Sequence[uuid.UUID]]) -> None:
        """These charts' ranks as published on `day` (replacing what that day held)."""
        ...

    async def history(self, before: date) -> dict[ChartKey, ChartHistory]: ...

    async def erase_user(self, user_id: uuid.UUID) -> None: ...
