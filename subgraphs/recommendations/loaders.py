"""Per-request DataLoaders: one query per batch of keys, whatever asked for them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from subgraphs.common.loaders import mapped_loader
from subgraphs.recommendations.adapters.repository import RecommendationsRepository
from subgraphs.recommendations.domain.engine.adapter import AdapterState
from subgraphs.recommendations.domain.model import Feedback, Interaction, TitleSignal, UserTaste

__all__ = ["Loaders", "make_loaders"]


@dataclass(frozen=True)
class Loaders:
    signal: DataLoader[uuid.UUID, TitleSignal | None]
    interactions: DataLoader[uuid.UUID, list[Interaction] | None]
    feedback: DataLoader[uuid.UUID, list[Feedback] | None]
    taste: DataLoader[uuid.UUID, UserTaste | None]
    state: DataLoader[uuid.UUID, AdapterState | None]


def make_loaders(repo: RecommendationsRepository) -> Loaders:
    return Loaders(
        signal=mapped_loader(repo.signals_by_ids),
        interactions=mapped_loader(repo.interactions_by_users),
        feedback=mapped_loader(repo.feedback_by_users),
        taste=mapped_loader(repo.tastes_by_users),
        state=mapped_loader(repo.states_by_users),
    )
