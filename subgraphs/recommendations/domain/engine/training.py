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
)
from subgraphs.recommendations.domain.engine.params import Params

__all__ = ["CatalogItem", "TrainingUser", "build"]

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class CatalogItem:
    title_id: uuid.UUID
    genres: tuple[str, ...] = ()
    release_year: int | None = None
    people: tuple[str, ...] = ()  # "director:<key>", "actor:<key>", ...: the title graph's
    # same-director and shared-cast edges, as features


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


@dataclass(frozen=True)
class _Events:
    """Every positive interaction as flat arrays, users' histories one after another."""

    user: np.ndarray  # int32, index into `users`
    item: np.ndarray  # int32
    at: np.ndarray  # float64, Unix seconds
    starts: np.ndarray  # int64, where each user's run begins (len(users) + 1)


def _events(users: Sequence[TrainingUser], index: dict[uuid.UUID, int]) -> _Events:
    sizes = np.zeros(len(users) + 1, np.int64)
    items: list[int] = []
    times: list[float] = []
    for u, user in enumerate(users):
        kept = [h for h in user.history if h.weight > 0]
        items.extend(index[h.title_id] for h in kept)
        times.extend(h.at for h in kept)
        sizes[u + 1] = len(kept)
    starts = np.cumsum(sizes)
    owner = np.repeat(np.arange(len(users), dtype=np.int32), np.diff(starts))
    return _Events(owner, np.asarray(items, np.int32), np.asarray(times, np.float64), starts)


def _interactions(events: _Events, n_users: int, n: int) -> sp.csr_matrix:
    x = sp.csr_matrix((np.ones(len(events.item), np.float32), (events.user, events.item)),
                      shape=(n_users, n))
    x.sum_duplicates()
    x.data[:] = 1.0  # watched or not: rewatches do not make a title count twice
    return x


def _transitions(events: _Events, n: int, params: Params) -> sp.csr_matrix:
    """Pairs (a, b) where b came `step` titles after a in one user's history; coalesced a
    step at a time so memory stays near the size of the result."""
    t = sp.csr_matrix((n, n), dtype=np.float32)
    for step in range(1, params.window + 1):
        if len(events.item) <= step:
            break
        same_user = events.user[:-step] == events.user[step:]
        a, b = events.item[:-step][same_user], events.item[step:][same_user]
        if not len(a):
            break
        weight = np.float32(params.window_gamma ** (step - 1))
        t = t + sp.csr_matrix((np.full(len(a), weight, np.float32), (a, b)), shape=(n, n))
    if params.backward:
        t = (t + params.backward * t.T).tocsr()
    t.setdiag(0)
    t.eliminate_zeros()
    return t.astype(np.float32)


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


def _people(catalog: Sequence[CatalogItem], index: dict[uuid.UUID, int], n: int
            ) -> sp.csr_matrix:
    """Titles x people, idf-weighted (a prolific actor says less), rows L2-normalised."""
    column: dict[str, int] = {}
    rows, cols = [], []
    for c in catalog:
        for person in dict.fromkeys(c.people):
            rows.append(index[c.title_id])
            cols.append(column.setdefault(person, len(column)))
    p = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(n, len(column)))
    if not p.nnz:
        return p
    df = np.diff(p.tocsc().indptr)
    p = (p @ sp.diags((np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32))).tocsr()
    norms = np.sqrt(np.asarray(p.multiply(p).sum(axis=1)).ravel())
    return (sp.diags(1.0 / np.maximum(norms, 1e-9)).astype(np.float32) @ p).tocsr()


def _factors(x: sp.csr_matrix, rank: int) -> np.ndarray:
    n = x.shape[1]
    if min(x.shape) <= rank + 1 or x.nnz == 0:
        return np.zeros((n, rank), np.float32)
    # Rows scaled so heavy viewers do not define the space alone.
    scaled = sp.diags(1.0 / np.sqrt(np.maximum(np.asarray(x.sum(axis=1)).ravel(), 1.0))) @ x
    _, s, vt = svds(scaled.astype(np.float64), k=rank, random_state=0)
    v = (vt.T * np.sqrt(s)).astype(np.float32)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)


def _trending(events: _Events, regions: list[str | None], n: int, half_life_days: float
              ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    if not len(events.at):
        return np.zeros(n, np.float32), {}
    rate = math.log(2) / (half_life_days * 86_400.0)
    value = np.exp(-rate * np.maximum(events.at.max() - events.at, 0.0))
    overall = np.bincount(events.item, weights=value, minlength=n).astype(np.float32)
    region_of = np.array([r or "" for r in regions], dtype=object)[events.user]
    regional = {}
    for region in sorted({r for r in regions if r}):
        mask = region_of == region
        regional[region] = np.bincount(events.item[mask], weights=value[mask],
                                       minlength=n).astype(np.float32)
    return overall, regional


def _dayparts(events: _Events, f: np.ndarray) -> np.ndarray:
    n = f.shape[0]
    seconds = events.at.astype(np.int64)
    hours = (seconds // 3600) % 24
    weekdays = ((seconds // 86_400) + 3) % 7  # 1970-01-01 was a Thursday (Monday = 0)
    part = np.select([(hours >= 5) & (hours < 12), (hours >= 12) & (hours < 17),
                      (hours >= 17) & (hours < 22)], [0, 1, 2], 3)
    counts = np.zeros((6, f.shape[1]), np.float64)
    for row, mask in [*((d, part == d) for d in range(4)),
                      (WEEKDAY_ROW, weekdays < 5), (WEEKEND_ROW, weekdays >= 5)]:
        counts[row] = np.bincount(events.item[mask], minlength=n) @ f
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
    events = _events(users, index)
    x = _interactions(events, len(users), n)
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
    transitions = _transitions(events, n, params)
    features, names = _features(catalog, index, n)
    people = _people(catalog, index, n)
    factors = _factors(x, params.adapter_rank)
    trending, regional = _trending(events, [u.region for u in users], n,
                                   params.trending_half_life_days)
    dayparts = _dayparts(events, features)
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
        people=people,
        factors=factors,
        trending=trending,
        trending_by_region=regional,
        daypart_features=dayparts,
        stats={"titles": n, "users": len(users), "interactions": float(x.nnz),
               "build_seconds": round(time.monotonic() - started, 3)},
    )
