"""SONA as a scorer of the protocol: built and queried exactly as the subgraph serves it."""

from __future__ import annotations

import numpy as np

from benchmarks.recommendations.protocol import Split
from subgraphs.recommendations.domain.engine import adapter, scoring, training
from subgraphs.recommendations.domain.engine.model import SonaModel
from subgraphs.recommendations.domain.engine.params import Params

__all__ = ["build", "scores"]

VIEWING_TARGET = 1.0


def build(split: Split, params: Params | None = None) -> SonaModel:
    return training.build(split.items, split.training_users(), params, version="benchmark")


def scores(split: Split, model: SonaModel, with_adapter: bool = True) -> np.ndarray:
    out = np.empty((split.n_users, split.n_items), np.float64)
    order = model.indices(split.item_ids)
    for u, user in enumerate(split.training_users()):
        history = list(user.history)
        state = None
        if with_adapter:
            events = [(model.index.get(h.title_id, -1), VIEWING_TARGET, h.at) for h in history]
            state = adapter.replay(model, events).array()
        now = history[-1].at if history else 0.0
        scored = scoring.score(model, scoring.Query(history=history, adapter=state, now=now))
        out[u] = scored.total[order]
    return out
