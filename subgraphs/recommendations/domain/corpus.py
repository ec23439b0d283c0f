"""The engine's training input from the facts this subgraph keeps; pure."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence

from subgraphs.recommendations.domain.engine.training import CatalogItem, TrainingUser
from subgraphs.recommendations.domain.model import Feedback, Interaction, TitleSignal
from subgraphs.recommendations.domain.recommender import history

__all__ = ["catalog_items", "training_users"]


def catalog_items(titles: Sequence[TitleSignal]) -> list[CatalogItem]:
    return [CatalogItem(t.title_id, t.genres, t.release_year, t.people) for t in titles]


def training_users(
    interactions: Sequence[Interaction], feedback: Sequence[Feedback],
    regions: Mapping[uuid.UUID, str],
) -> list[TrainingUser]:
    """One user per id seen, histories oldest first, in a stable order."""
    by_user: dict[uuid.UUID, list[Interaction]] = defaultdict(list)
    for i in interactions:
        by_user[i.user_id].append(i)
    said: dict[uuid.UUID, list[Feedback]] = defaultdict(list)
    for f in feedback:
        said[f.user_id].append(f)
    users = sorted(set(by_user) | set(said))
    return [TrainingUser(u, history(by_user.get(u, []), said.get(u, [])), regions.get(u))
            for u in users]
