"""Score every title for one user: four standardised parts fused, plus their adapter.

Parts: collaborative (the history through EASE/kNN, recent titles weighing more), graph
(next-title transitions from the last few titles), content (the user's genre and decade
profile, seeded by signup genres and mood) and context (trending where they live, what is
watched at this time of day). Each part is standardised over the catalog so their weights mean
what they say; a part with nothing to say is left out.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from subgraphs.recommendations.domain.engine import collaborative
from subgraphs.recommendations.domain.engine.engagement import decay_array
from subgraphs.recommendations.domain.engine.model import (
    WEEKDAY_ROW,
    WEEKEND_ROW,
    HistoryItem,
    SonaModel,
    daypart,
)

__all__ = ["PARTS", "Query", "Scored", "score", "standardise"]

PARTS = ("collaborative", "content", "graph", "context")


@dataclass(frozen=True)
class Query:
    history: Sequence[HistoryItem] = ()  # oldest first
    seed_genres: Sequence[str] = ()  # signup genres and mood genres
    region: str | None = None
    hour: int | None = None
    weekday: int | None = None  # 0 = Monday
    adapter: np.ndarray | None = None
    now: float = field(default_factory=time.time)
    # Where what depends only on the history and the model is kept between requests (the
    # caller's per-user copy); None keeps nothing.
    memo: dict[str, object] | None = field(default=None, compare=False)


@dataclass
class Scored:
    """Fused scores over the model's items, and what went into them (for explanations)."""

    total: np.ndarray
    parts: dict[str, np.ndarray]  # standardised, unweighted
    scale: dict[str, float]  # the std each part was divided by
    history: np.ndarray  # item indices of the history used
    history_weights: np.ndarray  # collaborative weight per history item
    last: np.ndarray  # item indices the graph part started from
    last_weights: np.ndarray
    profile: np.ndarray | None  # the content preference vector
    # The history's rows of the collaborative and transition matrices, as used for the
    # scores: explanations read a few candidates' columns of them.
    history_rows: sp.csr_matrix | None = None
    last_rows: sp.csr_matrix | None = None


def _history_arrays(model: SonaModel, query: Query
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The history titles the model knows, as item indices, engagement weights and times; kept
    in the query's memo for this history and model (the title lookups are most of it)."""
    key = (model.version, id(model), id(query.history), len(query.history))
    held = query.memo.get("history") if query.memo is not None else None
    if isinstance(held, tuple) and held[0] == key:
        return held[1]
    known = [(model.index.get(h.title_id, -1), h) for h in query.history if h.weight > 0]
    known = [(i, h) for i, h in known if i >= 0]
    arrays = (np.array([i for i, _ in known], np.int64),
              np.array([h.weight for _, h in known], np.float64),
              np.array([h.at for _, h in known], np.float64))
    if query.memo is not None:
        query.memo["history"] = (key, arrays)
    return arrays


def standardise(values: np.ndarray) -> tuple[np.ndarray, float] | None:
    """(values - mean) / std in float32 (half the memory traffic of float64 over a large
    catalog); None for a part that says the same of every title."""
    values = values.astype(np.float32, copy=False)
    if not len(values):
        return None
    # The spread from the centred values' dot product (BLAS): `mean` and `std` with a
    # float64 accumulator were 5x slower, most of a scoring's time at 100k titles.
    mean = float(values.sum()) / len(values)
    out = values - np.float32(mean)
    std = math.sqrt(float(np.dot(out, out)) / len(values))
    if not math.isfinite(std) or std < 1e-6 * max(abs(mean), 1.0):
        return None
    out /= np.float32(std)
    return out, std


def _factor_scores(model: SonaModel, idx: np.ndarray, memo: dict[str, object] | None
                   ) -> np.ndarray | None:
    p = model.params
    if not model.has_factors:
        return None
    # The fold-in is a solve per history: the same until the history or the model changes.
    key = (model.version, id(model))
    held = memo.get("fold-in") if memo is not None else None
    if isinstance(held, tuple) and held[0] == key:
        user = held[1]
    else:
        # In the factors' own precision: a float64 vector would copy the whole matrix up.
        user = collaborative.fold_in(model.item_factors, model.factor_gram, np.unique(idx),
                                     p.ials_alpha, p.ials_regularization).astype(np.float32)
        if memo is not None:
            memo["fold-in"] = (key, user)
    return model.item_factors @ user


def _people_scores(model: SonaModel, idx: np.ndarray, weights: np.ndarray
                   ) -> np.ndarray | None:
    if not len(idx) or not model.people.nnz:
        return None
    liked = np.asarray(model.people[idx].T @ weights.astype(np.float32)).ravel()
    return np.asarray(model.people @ liked).ravel()


def _blend(main: np.ndarray, extra: np.ndarray | None, share: float) -> np.ndarray:
    first = standardise(main)
    second = standardise(extra) if extra is not None else None
    if first is None or second is None:
        return main if first is not None or extra is None else extra
    return first[0] + share * second[0]


def score(model: SonaModel, query: Query) -> Scored:
    p = model.params
    n = model.size
    idx, engaged, at = _history_arrays(model, query)
    positions = np.arange(len(idx) - 1, -1, -1, dtype=np.float64)
    base = engaged * decay_array(query.now - at)
    weights = base * np.exp(-positions / p.recency_tau) if len(idx) else base
    last = idx[-p.last_k:][::-1] if len(idx) else idx
    last_w = (p.last_decay ** np.arange(len(last))) * base[-p.last_k:][::-1] if len(idx) else base
    history_rows = model.collaborative[idx] if len(idx) else None
    last_rows = model.transitions[last] if len(last) and model.transitions.nnz else None
    features = model.features
    raw: dict[str, np.ndarray] = {}
    if history_rows is not None:
        neighbours = np.asarray(history_rows.T @ weights, dtype=np.float32).ravel()
        raw["collaborative"] = _blend(neighbours, _factor_scores(model, idx, query.memo),
                                      p.ials_share)
    if last_rows is not None:
        raw["graph"] = np.asarray(last_rows.T @ last_w, dtype=np.float32).ravel()
    profile = None
    if len(idx) or query.seed_genres:
        profile = (weights @ model.features[idx]) if len(idx) else np.zeros(
            model.features.shape[1], np.float64)
        for genre in query.seed_genres:
            if genre in model.feature_names:
                profile[model.feature_names.index(genre)] += 1.0
        if np.any(profile):
            profile = profile / np.linalg.norm(profile)
            raw["content"] = _blend(features @ profile.astype(np.float32),
                                    _people_scores(model, idx, weights), p.people_share)
        else:
            profile = None
    trend = model.trending_by_region.get(query.region or "", model.trending)
    context = np.log1p(trend.astype(np.float32))
    if query.hour is not None and model.daypart_features.size:
        context = context + features @ model.daypart_features[daypart(query.hour)]
    if query.weekday is not None and len(model.daypart_features) > WEEKEND_ROW:
        row = WEEKEND_ROW if query.weekday >= 5 else WEEKDAY_ROW
        context = context + features @ model.daypart_features[row]
    raw["context"] = context

    parts: dict[str, np.ndarray] = {}
    scale: dict[str, float] = {}
    total = np.zeros(n, np.float32)
    for name in PARTS:
        if name not in raw:
            continue
        standard = standardise(raw[name])
        if standard is None:
            continue
        parts[name], scale[name] = standard
        weight = getattr(p.weights, name)
        if name == "context" and (query.hour is not None or query.weekday is not None):
            weight += p.context_signals
        total += np.float32(weight) * parts[name]
    if query.adapter is not None and np.any(query.adapter):
        total += np.float32(p.adapter_weight) * (model.factors @ query.adapter.astype(np.float32))
    return Scored(total, parts, scale, idx, weights, last, np.asarray(last_w), profile,
                  history_rows, last_rows)
