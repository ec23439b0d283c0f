"""Build a `SonaModel` from every user's history and the catalog's facts; pure, no I/O."""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import svds

from subgraphs.recommendations.domain.engine import collaborative
from subgraphs.recommendations.domain.engine.model import (
    WEEKDAY_ROW,
    WEEKEND_ROW,
    HistoryItem,
    SonaModel,
    daypart,
)
from subgraphs.recommendations.domain.engine.params import Params

__all__ = ["CatalogItem", "TrainingUser", "build"]

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class CatalogItem:
    title_id: uuid.UUID
    genres: tuple[str, ...] = ()
    release_year: int | None = None


@dataclass(frozen=True)
class TrainingUser:
    user_id: Hashable
    history: Sequence[HistoryItem]  # oldest first
    region: str | None = None


def _no_progress(stage: str, done: int, total: int) -> None:
    del stage, done, total


def _item_space(
    catalog: Sequence[CatalogItem], users: Sequence[TrainingUser]
) -> tuple[list[uuid.UUID], dict[uuid.UUID, int]]:
    ids = list(dict.fromkeys([c.title_id for c in catalog]
                             + [h.title_id for u in users for h in u.history]))
    return ids, {t: i for i, t in enumerate(ids)}


def _interactions(users: Sequence[TrainingUser], index: dict[uuid.UUID, int], n: int
                  ) -> sp.csr_matrix:
    rows = [u for u, user in enumerate(users) for _ in user.history]
    cols = [index[h.title_id] for user in users for h in user.history]
    x = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(users), n))
    x.sum_duplicates()
    x.data[:] = 1.0  # watched or not: rewatches do not make a title count twice
    return x


def _transitions(users: Sequence[TrainingUser], index: dict[uuid.UUID, int], n: int,
                 params: Params) -> sp.csr_matrix:
    rows, cols, vals = [], [], []
    for user in users:
        seq = np.array([index[h.title_id] for h in user.history if h.weight > 0], np.int64)
        for step in range(1, params.window + 1):
            if len(seq) <= step:
                break
            rows.append(seq[:-step])
            cols.append(seq[step:])
            vals.append(np.full(len(seq) - step, params.window_gamma ** (step - 1), np.float32))
    if not rows:
        return sp.csr_matrix((n, n), dtype=np.float32)
    t = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                      shape=(n, n), dtype=np.float32)
    t.sum_duplicates()
    if params.backward:
        t = (t + params.backward * t.T).tocsr()
    t.setdiag(0)
    t.eliminate_zeros()
    return t


def _features(catalog: Sequence[CatalogItem], index: dict[uuid.UUID, int], n: int
              ) -> tuple[np.ndarray, list[str]]:
    genres = sorted({g for c in catalog for g in c.genres})
    decades = sorted({(c.release_year // 10) * 10 for c in catalog if c.release_year})
    names = genres + [f"decade:{d}" for d in decades]
    column = {name: j for j, name in enumerate(names)}
    f = np.zeros((n, len(names)), np.float32)
    for c in catalog:
        i = index[c.title_id]
        for g in c.genres:
            f[i, column[g]] = 1.0
        if c.release_year:
            f[i, column[f"decade:{(c.release_year // 10) * 10}"]] = 0.5
    # Rare genres say more about a title than common ones.
    df = (f[:, : len(genres)] > 0).sum(axis=0)
    f[:, : len(genres)] *= np.log((1 + n) / (1 + df)).astype(np.float32) + 1.0
    f /= np.maximum(np.linalg.norm(f, axis=1, keepdims=True), 1e-9)
    return f, names


def _factors(x: sp.csr_matrix, rank: int) -> np.ndarray:
    n = x.shape[1]
    if min(x.shape) <= rank + 1 or x.nnz == 0:
        return np.zeros((n, rank), np.float32)
    # Rows scaled so heavy viewers do not define the space alone.
    scaled = sp.diags(1.0 / np.sqrt(np.maximum(np.asarray(x.sum(axis=1)).ravel(), 1.0))) @ x
    _, s, vt = svds(scaled.astype(np.float64), k=rank, random_state=0)
    v = (vt.T * np.sqrt(s)).astype(np.float32)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)


def _trending(users: Sequence[TrainingUser], index: dict[uuid.UUID, int], n: int,
              half_life_days: float) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    newest = max((h.at for u in users for h in u.history), default=0.0)
    rate = math.log(2) / (half_life_days * 86_400.0)
    overall = np.zeros(n, np.float32)
    regional: dict[str, np.ndarray] = {}
    for user in users:
        target = None
        if user.region:
            target = regional.setdefault(user.region, np.zeros(n, np.float32))
        for h in user.history:
            if h.weight <= 0:
                continue
            value = math.exp(-rate * max(newest - h.at, 0.0))
            overall[index[h.title_id]] += value
            if target is not None:
                target[index[h.title_id]] += value
    return overall, regional


def _dayparts(users: Sequence[TrainingUser], index: dict[uuid.UUID, int], f: np.ndarray
              ) -> np.ndarray:
    counts = np.zeros((6, f.shape[1]), np.float64)
    for user in users:
        for h in user.history:
            if h.weight > 0:
                moment = time.gmtime(h.at)
                counts[daypart(moment.tm_hour)] += f[index[h.title_id]]
                counts[WEEKEND_ROW if moment.tm_wday >= 5 else WEEKDAY_ROW] += f[index[h.title_id]]
    total = counts[:4].sum(axis=0, keepdims=True)  # each event once: in its daypart
    share = (counts + 1.0) / (counts.sum(axis=1, keepdims=True) + f.shape[1])
    overall = (total + 1.0) / (total.sum() + f.shape[1])
    return np.log(share / overall).astype(np.float32)


def build(
    catalog: Sequence[CatalogItem], users: Sequence[TrainingUser], params: Params | None = None,
    version: str | None = None, progress: Progress = _no_progress,
) -> SonaModel:
    """Every part of the model from the same histories; `progress(stage, done, total)`."""
    params = params or Params()
    started = time.monotonic()
    ids, index = _item_space(catalog, users)
    n = len(ids)
    progress("interactions", 0, 1)
    x = _interactions(users, index, n)
    progress("interactions", 1, 1)
    if n <= params.dense_limit:
        progress("collaborative (EASE)", 0, 1)
        collab = collaborative.ease(x, params.ease_lambda, params.neighbours)
        progress("collaborative (EASE)", 1, 1)
    else:
        done = [0]

        def step(rows: int) -> None:
            done[0] += rows
            progress("collaborative (item-kNN)", done[0], n)

        collab = collaborative.item_knn(x, params.neighbours, step)
    progress("iALS factors", 0, 1)
    item_factors = collaborative.ials(x, params.ials_factors, params.ials_regularization,
                                      params.ials_alpha, params.ials_iterations)
    progress("iALS factors", 1, 1)
    progress("transitions", 0, 1)
    transitions = _transitions(users, index, n, params)
    features, names = _features(catalog, index, n)
    factors = _factors(x, params.adapter_rank)
    trending, regional = _trending(users, index, n, params.trending_half_life_days)
    dayparts = _dayparts(users, index, features)
    progress("transitions", 1, 1)
    return SonaModel(
        version=version or uuid.uuid4().hex[:12],
        built_at=time.time(),
        params=params,
        item_ids=ids,
        collaborative=collab,
        item_factors=item_factors,
        transitions=transitions,
        features=features,
        feature_names=names,
        factors=factors,
        trending=trending,
        trending_by_region=regional,
        daypart_features=dayparts,
        stats={"titles": n, "users": len(users), "interactions": float(x.nnz),
               "build_seconds": round(time.monotonic() - started, 3)},
    )
