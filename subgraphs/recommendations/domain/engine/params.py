"""The engine's knobs, with the values tuned on MovieLens-100K's validation split.

`benchmarks/recommendations_quality.py --tune` searches them on each user's second-latest
interaction (never the test item); the defaults below are what it chose.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Params", "PartWeights"]


@dataclass(frozen=True)
class PartWeights:
    """Shares of the fused score; each part is standardised per user before weighting.

    The reference mix is 0.35 / 0.25 / 0.30 / 0.10; tuned on validation, the benchmark's
    context (trending, no time of day) adds nothing, and it stays in for real requests only
    through their time of day, weekday, mood and device.
    """

    collaborative: float = 0.5
    content: float = 0.1
    graph: float = 0.3
    context: float = 0.0


@dataclass(frozen=True)
class Params:
    # Collaborative: EASE up to `dense_limit` titles, sparse item-kNN past it.
    ease_lambda: float = 500.0
    dense_limit: int = 20_000
    neighbours: int = 400
    # iALS (implicit) factors, folded in per request from the current history, blended into
    # the collaborative part with this share.
    ials_factors: int = 64
    ials_regularization: float = 0.05
    ials_alpha: float = 2.0
    ials_iterations: int = 15
    ials_share: float = 0.4
    # Share of shared people (director, writers, cast) within the content part; flat on
    # MovieLens' validation split (its collaborative signal is dense), kept for titles nobody
    # has watched yet, which only content can place.
    people_share: float = 0.1
    # A history item's weight falls by e per `recency_tau` newer items the user watched since.
    recency_tau: float = 10.0
    # Graph: next-title transitions up to `window` steps ahead, fading by `window_gamma` a step,
    # queried from the last `last_k` titles, fading by `last_decay` per step back.
    # `backward` weighs the reverse direction: titles watched just before one are alike too.
    window: int = 10
    window_gamma: float = 0.8
    backward: float = 1.0
    last_k: int = 5
    last_decay: float = 0.5
    # Context: trending counts fade with this half-life (days) from the newest event.
    trending_half_life_days: float = 7.0
    # The per-user adapter: rank, learning rate, weight of its score.
    adapter_rank: int = 8
    adapter_rate: float = 0.2
    adapter_weight: float = 0.5
    weights: PartWeights = field(default_factory=PartWeights)
    # Added to the context part's weight when a request says when it is (hour or weekday):
    # the reference 0.10, untuned, since MovieLens carries no context to tune it on.
    context_signals: float = 0.10

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Params:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if isinstance(known.get("weights"), dict):
            known["weights"] = PartWeights(**known["weights"])
        return cls(**known)
