"""What a build of the engine produces: arrays over item indices, plus their title ids."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from subgraphs.recommendations.domain.engine.params import Params

__all__ = ["DAYPARTS", "WEEKDAY_ROW", "WEEKEND_ROW", "HistoryItem", "SonaModel", "daypart"]

# Morning 5-11, afternoon 12-16, evening 17-21, night 22-4: viewing habits differ most by these.
DAYPARTS = ("morning", "afternoon", "evening", "night")
# Rows of `daypart_features` after the dayparts: Monday-Friday, then the weekend.
WEEKDAY_ROW, WEEKEND_ROW = 4, 5


def daypart(hour: int) -> int:
    if 5 <= hour < 12:
        return 0
    if 12 <= hour < 17:
        return 1
    if 17 <= hour < 22:
        return 2
    return 3


@dataclass(frozen=True)
class HistoryItem:
    """One interaction in a user's history, oldest first: which title, how strong, when (Unix)."""

    title_id: uuid.UUID
    weight: float
    at: float


@dataclass(eq=False)
class SonaModel:
    version: str
    built_at: float
    params: Params
    item_ids: list[uuid.UUID]
    # Item -> item: collaborative weights (EASE or kNN, top-k per row) and next-title transitions.
    collaborative: sp.csr_matrix
    transitions: sp.csr_matrix
    # iALS item factors; their Gram matrix is derived on load.
    item_factors: np.ndarray
    # Content features per item (genres by idf, decade), rows L2-normalised; and their names.
    features: np.ndarray
    feature_names: list[str]
    # Titles x people (directors, writers, leading cast), rows L2-normalised.
    people: sp.csr_matrix
    # Rank-r item factors the per-user adapter works in, rows L2-normalised.
    factors: np.ndarray
    # Trending: decayed recent viewing per item, overall and per home region.
    trending: np.ndarray
    trending_by_region: dict[str, np.ndarray] = field(default_factory=dict)
    # Per daypart, then weekday and weekend: how much more (log ratio) each feature is watched
    # then than overall.
    daypart_features: np.ndarray = field(default_factory=lambda: np.zeros((6, 0), np.float32))
    stats: dict[str, float] = field(default_factory=dict)

    @cached_property
    def index(self) -> dict[uuid.UUID, int]:
        return {title_id: i for i, title_id in enumerate(self.item_ids)}

    @property
    def size(self) -> int:
        return len(self.item_ids)

    @cached_property
    def factor_gram(self) -> np.ndarray:
        y = self.item_factors.astype(np.float64)
        return y.T @ y

    @cached_property
    def collaborative_by_target(self) -> sp.csr_matrix:
        """`collaborative` transposed, as rows: which titles point at a title. A column of a
        CSR matrix scans every stored entry (60 ms at 100k titles); a row of this is direct."""
        return self.collaborative.T.tocsr()

    @cached_property
    def transitions_by_target(self) -> sp.csr_matrix:
        """`transitions` transposed, as rows: what is watched just before a title."""
        return self.transitions.T.tocsr()

    def derive(self) -> None:
        """Compute every derived array now, so a model is swapped in ready to serve."""
        _ = (self.index, self.embedding, self.factor_gram, self.has_factors,
             self.collaborative_by_target, self.transitions_by_target)

    @cached_property
    def has_factors(self) -> bool:
        """Whether iALS was trained (its factors not all zero); read once, not per request."""
        return bool(np.any(self.item_factors))

    @cached_property
    def genre_count(self) -> int:
        return sum(1 for name in self.feature_names if not name.startswith("decade:"))

    @cached_property
    def embedding(self) -> np.ndarray:
        """Factors and content side by side, for how alike two titles are (diversity)."""
        joined = np.hstack([self.factors, 0.5 * self.features]).astype(np.float32)
        norms = np.linalg.norm(joined, axis=1, keepdims=True)
        return joined / np.maximum(norms, 1e-9)

    def indices(self, title_ids: list[uuid.UUID]) -> np.ndarray:
        index = self.index
        return np.array([index.get(t, -1) for t in title_ids], dtype=np.int64)
