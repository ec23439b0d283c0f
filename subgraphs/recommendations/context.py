"""The recommendations subgraph's per-request context."""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.common.context import BaseContext
from subgraphs.recommendations.adapters.artifact import ModelHolder
from subgraphs.recommendations.adapters.cached_repository import CachedRecommendationsRepository
from subgraphs.recommendations.charts.services import ChartBook
from subgraphs.recommendations.loaders import Loaders
from subgraphs.recommendations.services import ScoresMemo

__all__ = ["Context"]


@dataclass
class Context(BaseContext):
    repo: CachedRecommendationsRepository
    loaders: Loaders
    models: ModelHolder
    scores_memo: ScoresMemo
    charts: ChartBook
