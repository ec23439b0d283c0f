"""Per-request DataLoaders: one query per batch of keys, whatever asked for them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from subgraphs.common.loaders import mapped_loader
from subgraphs.recommendations.adapters.cached_repository import (
    CachedRecommendationsRepository,
    UserSnapshot,
)
from subgraphs.recommendations.charts.domain.model import ChartEntry
from subgraphs.recommendations.charts.loaders import PositionKey, position_loader
from subgraphs.recommendations.charts.services import ChartBook
from subgraphs.recommendations.domain.model import TitleSignal

__all__ = ["Loaders", "make_loaders"]


@dataclass(frozen=True)
class Loaders:
    signal: DataLoader[uuid.UUID, TitleSignal | None]
    # A user's history, feedback, taste and adapter, as of their stamp.
    user: DataLoader[uuid.UUID, UserSnapshot | None]
    chart_position: DataLoader[PositionKey, ChartEntry | None]


def make_loaders(repo: CachedRecommendationsRepository, charts: ChartBook) -> Loaders:
    return Loaders(signal=mapped_loader(repo.signals_by_ids),
                   user=mapped_loader(repo.snapshots),
                   chart_position=position_loader(charts))
