"""The per-user adapter: a rank-8 vector in the model's item-factor space, learnt online.

Each feedback or viewing event nudges the vector towards (or away from) the title's factors by
one step of logistic regression; the vector fades by 0.95 per 30 days between events, so old
taste gives way to new. Replaying the same events in order gives the same vector, which is how
lost state is rebuilt and how a new model version re-bases it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from subgraphs.recommendations.domain.engine.engagement import DECAY_PER_PERIOD, DECAY_PERIOD_DAYS
from subgraphs.recommendations.domain.engine.model import SonaModel

__all__ = ["AdapterState", "update"]

_LN_DECAY = math.log(DECAY_PER_PERIOD) / (DECAY_PERIOD_DAYS * 86_400.0)


@dataclass(frozen=True)
class AdapterState:
    version: str  # of the model whose factors `vector` lives in
    vector: tuple[float, ...]
    updated_at: float  # Unix seconds of the newest event applied
    events: int = 0

    @classmethod
    def empty(cls, model: SonaModel) -> AdapterState:
        return cls(model.version, (0.0,) * model.factors.shape[1], 0.0, 0)

    def array(self) -> np.ndarray:
        return np.asarray(self.vector, dtype=np.float32)


def update(state: AdapterState, model: SonaModel, item: int, target: float, at: float
           ) -> AdapterState:
    """One step towards `target` in [-1, 1] for title `item`; an unknown title only ages."""
    u = state.array()
    if state.updated_at and at > state.updated_at:
        u *= math.exp(_LN_DECAY * (at - state.updated_at))
    if item >= 0:
        v = model.factors[item]
        predicted = math.tanh(float(u @ v))
        u = u + model.params.adapter_rate * (target - predicted) * v
    return AdapterState(state.version, tuple(float(x) for x in u),
                        max(at, state.updated_at), state.events + 1)


def replay(model: SonaModel, events: list[tuple[int, float, float]],
           state: AdapterState | None = None) -> AdapterState:
    """Apply (item index, target, Unix time) events in order, from `state` or from empty."""
    state = state or AdapterState.empty(model)
    for item, target, at in events:
        state = update(state, model, item, target, at)
    return state
