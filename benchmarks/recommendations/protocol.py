"""The evaluation protocol of He et al. 2017 (NCF) on MovieLens-100K, and its baselines.

Every rating is an interaction. Per user, interactions are ordered by timestamp, ties by file
order; the latest is the test item, the second-latest the validation item (tuning only ever
sees the validation split: its training data drops both). Each held-out item is ranked against
99 titles the user never touched, sampled per seed (5 seeds); HR@10 and NDCG@10 are averaged
over users and seeds. Full ranking (every title the user has not interacted with in training)
gives Recall@20 and NDCG@20, and the share of the catalog in anyone's top 10 (coverage).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from mediagateway.movielens import MovieLens
from subgraphs.recommendations.domain.engine import collaborative
from subgraphs.recommendations.domain.engine.engagement import engagement
from subgraphs.recommendations.domain.engine.model import HistoryItem
from subgraphs.recommendations.domain.engine.training import CatalogItem, TrainingUser

__all__ = ["SEEDS", "Scorer", "Split", "baselines", "evaluate", "load_split"]

SEEDS = (0, 1, 2, 3, 4)
NEGATIVES = 99

Scorer = Callable[["Split"], np.ndarray]  # users x items scores


@dataclass
class Split:
    name: str  # "test" or "validation"
    items: list[CatalogItem]
    item_ids: list[uuid.UUID]
    user_keys: list[int]
    train: list[list[tuple[int, int, float]]]  # per user: (item index, rating, unix time)
    target: np.ndarray  # held-out item index per user
    negatives: dict[int, np.ndarray]  # seed -> users x 99 item indices

    @property
    def n_users(self) -> int:
        return len(self.user_keys)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    @cached_property
    def matrix(self) -> sp.csr_matrix:
        rows = [u for u, seq in enumerate(self.train) for _ in seq]
        cols = [i for seq in self.train for i, _, _ in seq]
        x = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)),
                          shape=(self.n_users, self.n_items))
        x.sum_duplicates()
        x.data[:] = 1.0
        return x

    def training_users(self) -> list[TrainingUser]:
        return [
            TrainingUser(key, [HistoryItem(self.item_ids[i], engagement(r, True), t)
                               for i, r, t in seq])
            for key, seq in zip(self.user_keys, self.train, strict=True)
        ]


def load_split(name: str, data: MovieLens | None = None) -> Split:
    data = data or MovieLens()
    people: dict[int, list[str]] = {}
    for credit in data.credits:  # what content's title.upserted carries, as the engine keeps it
        if credit.role in ("director", "writer") or (credit.role == "actor" and credit.order < 8):
            people.setdefault(credit.item_id, []).append(f"{credit.role}:{credit.person_key}")
    items = [CatalogItem(m.id, m.genres, m.year, tuple(dict.fromkeys(people.get(m.item_id, ()))))
             for m in data.items]
    item_ids = [m.id for m in data.items]
    column = {m.item_id: i for i, m in enumerate(data.items)}
    per_user: dict[int, list[tuple[float, int, int, int]]] = {}
    for order, r in enumerate(data.ratings):
        per_user.setdefault(r.user_id, []).append(
            (r.rated_at.timestamp(), order, column[r.item_id], r.rating))
    keys = sorted(per_user)
    cut = 1 if name == "test" else 2
    train, target, touched = [], [], []
    for key in keys:
        seq = sorted(per_user[key])
        train.append([(i, rating, t) for t, _, i, rating in seq[:-cut]])
        target.append(seq[-cut][2])
        touched.append({i for _, _, i, _ in seq})
    negatives = {}
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        sampled = np.empty((len(keys), NEGATIVES), np.int64)
        for u, seen in enumerate(touched):
            picked: list[int] = []
            while len(picked) < NEGATIVES:
                j = int(rng.integers(len(item_ids)))
                if j not in seen and j not in picked:
                    picked.append(j)
            sampled[u] = picked
        negatives[seed] = sampled
    return Split(name, items, item_ids, keys, train, np.array(target), negatives)


def _rank_metrics(ranks: np.ndarray, k: int) -> tuple[float, float]:
    hit = ranks < k
    return float(hit.mean()), float(np.where(hit, 1.0 / np.log2(ranks + 2.0), 0.0).mean())


def evaluate(split: Split, scores: np.ndarray) -> dict[str, float]:
    """HR@10 / NDCG@10 over 99 negatives, Recall@20 / NDCG@20 full-ranking, coverage@10."""
    users = np.arange(split.n_users)
    positive = scores[users, split.target][:, None]
    hr, ndcg = [], []
    for seed in SEEDS:
        negative = scores[users[:, None], split.negatives[seed]]
        # A tie counts half against the held-out title: ties neither help nor hurt on average.
        ranks = np.floor((negative > positive).sum(1) + 0.5 * (negative == positive).sum(1))
        h, n = _rank_metrics(ranks, 10)
        hr.append(h)
        ndcg.append(n)
    full = scores.astype(np.float64, copy=True)
    x = split.matrix
    full[x.nonzero()] = -np.inf
    ranks = (full > full[users, split.target][:, None]).sum(1)
    recall20, ndcg20 = _rank_metrics(ranks, 20)
    top10 = np.argpartition(-full, 10, axis=1)[:, :10]
    return {
        "HR@10": float(np.mean(hr)), "NDCG@10": float(np.mean(ndcg)),
        "Recall@20": recall20, "NDCG@20": ndcg20,
        "coverage@10": len(np.unique(top10)) / split.n_items,
    }


def item_pop(split: Split) -> np.ndarray:
    counts = np.asarray(split.matrix.sum(axis=0)).ravel()
    return np.tile(counts, (split.n_users, 1))


def item_knn(split: Split, k: int = 50) -> np.ndarray:
    return np.asarray((split.matrix @ collaborative.item_knn(split.matrix, k)).todense())


def ease(split: Split, lam: float = 300.0) -> np.ndarray:
    x = split.matrix
    gram = (x.T @ x).toarray().astype(np.float64)
    gram[np.diag_indices(split.n_items)] += lam
    p = np.linalg.inv(gram)
    b = -p / np.diag(p)
    np.fill_diagonal(b, 0.0)  # every weight kept, negative ones too: the published EASE
    return np.asarray(x @ b)


def ials(split: Split, factors: int = 64, regularization: float = 0.05, alpha: float = 2.0,
         iterations: int = 30) -> np.ndarray:
    from implicit.cpu.als import AlternatingLeastSquares
    model = AlternatingLeastSquares(factors=factors, regularization=regularization, alpha=alpha,
                                    iterations=iterations, random_state=0)
    model.fit(split.matrix, show_progress=False)
    return np.asarray(model.user_factors @ model.item_factors.T)


def baselines() -> dict[str, Scorer]:
    return {"ItemPop": item_pop, "item-kNN (k=50)": item_knn, "EASE (λ=300)": ease,
            "iALS (implicit, 64 factors)": ials}
