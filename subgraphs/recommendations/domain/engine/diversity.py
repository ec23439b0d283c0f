"""Maximal marginal relevance (Carbonell & Goldstein 1998) over the model's title embedding."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["mmr"]


def mmr(embedding: np.ndarray, items: Sequence[int], relevance: np.ndarray, count: int,
        lam: float) -> list[int]:
    """Pick `count` of `items` greedily by lam * relevance - (1 - lam) * max similarity to the
    picked ones; relevance is min-max scaled to 0..1 first so lam means the same for everyone.
    `lam = 1` keeps the relevance order."""
    if not len(items):
        return []
    count = min(count, len(items))
    if lam >= 1.0:
        return list(items[:count])
    span = float(relevance.max() - relevance.min()) or 1.0
    rel = (relevance - relevance.min()) / span
    vectors = embedding[np.asarray(items)]
    closest = np.full(len(items), -np.inf)
    chosen: list[int] = []
    available = np.ones(len(items), bool)
    for _ in range(count):
        penalty = np.where(np.isfinite(closest), closest, 0.0)
        gain = np.where(available, lam * rel - (1.0 - lam) * penalty, -np.inf)
        best = int(np.argmax(gain))
        chosen.append(best)
        available[best] = False
        closest = np.maximum(closest, vectors @ vectors[best])
    return [items[i] for i in chosen]
