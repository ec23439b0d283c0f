"""The recommendations subgraph's per-request context."""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.common.context import BaseContext
from subgraphs.recommendations.adapters.artifact import ModelHolder
from subgraphs.recommendations.adapters.repository import RecommendationsRepository
from subgraphs.recommendations.loaders import Loaders

__all__ = ["Context"]


@dataclass
class Context(BaseContext):
    repo: RecommendationsRepository
    loaders: Loaders
    models: ModelHolder
