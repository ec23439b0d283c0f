"""Charts' per-request DataLoader: the chart positions of many titles in one batch."""

from __future__ import annotations

import uuid

from strawberry.dataloader import DataLoader

from subgraphs.common.loaders import mapped_loader
from subgraphs.recommendations.charts.domain.model import ChartEntry, ChartKey
from subgraphs.recommendations.charts.services import ChartBook

__all__ = ["PositionKey", "position_loader"]

PositionKey = tuple[uuid.UUID, ChartKey]


def position_loader(book: ChartBook) -> DataLoader[PositionKey, ChartEntry | None]:
    async def fetch(keys: list[PositionKey]) -> dict[PositionKey, ChartEntry]:
        await book.wait_ready()
        return book.positions(keys)

    return mapped_loader(fetch)  # type: ignore[arg-type]
