"""Item-to-item collaborative weights: EASE while the catalog is small enough, kNN past it.

EASE (Steck 2019) solves a dense titles x titles system, which stops fitting in memory near
~20k titles; past `Params.dense_limit` item-kNN (cosine over co-watching) is computed in
chunks of rows so no dense titles x titles matrix ever exists. Either way only the top
`neighbours` weights per row are kept, so serving reads a sparse matrix.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

__all__ = ["ease", "fold_in", "ials", "item_knn", "top_k_rows"]

_CHUNK = 512


def top_k_rows(dense: np.ndarray, k: int, offset: int = 0) -> tuple[np.ndarray, ...]:
    """(rows, cols, values) of each row's k largest positive entries; rows start at `offset`."""
    k = min(k, dense.shape[1] - 1)
    if k <= 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0, np.float32)
    cols = np.argpartition(-dense, k, axis=1)[:, :k]
    values = np.take_along_axis(dense, cols, axis=1)
    rows = np.repeat(np.arange(dense.shape[0]) + offset, k)
    keep = values.ravel() > 0
    return rows[keep], cols.ravel()[keep], values.ravel()[keep].astype(np.float32)


def _assemble(parts: list[tuple[np.ndarray, ...]], n: int) -> sp.csr_matrix:
    rows = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int64)
    cols = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.int64)
    vals = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, np.float32)
    return sp.csr_matrix((vals, (rows, cols)), shape=(n, n), dtype=np.float32)


def ease(x: sp.csr_matrix, lam: float, k: int) -> sp.csr_matrix:
    """B = I - P diagMat(1/diag(P)), P = (X'X + λI)^-1, zero diagonal; top-k per row."""
    n = x.shape[1]
    gram = (x.T @ x).toarray().astype(np.float64)
    gram[np.diag_indices(n)] += lam
    p = np.linalg.inv(gram)
    del gram
    b = -p / np.diag(p)
    del p
    np.fill_diagonal(b, 0.0)
    return _assemble([top_k_rows(b, k)], n)


def item_knn(
    x: sp.csr_matrix, k: int, progress: Callable[[int], None] | None = None
) -> sp.csr_matrix:
    """Cosine similarity of titles by who watched them, top-k per row, built chunk by chunk."""
    binary = x.copy().tocsc()
    binary.data[:] = 1.0
    norms = np.sqrt(np.asarray(binary.sum(axis=0)).ravel()) + 1e-9
    xt = binary.T.tocsr()
    n = x.shape[1]
    parts = []
    for start in range(0, n, _CHUNK):
        stop = min(start + _CHUNK, n)
        block = (xt[start:stop] @ binary).toarray().astype(np.float32)
        block /= norms[start:stop, None]
        block /= norms[None, :]
        block[np.arange(stop - start), np.arange(start, stop)] = 0.0
        parts.append(top_k_rows(block, k, offset=start))
        if progress:
            progress(stop - start)
    return _assemble(parts, n)


def ials(x: sp.csr_matrix, factors: int, regularization: float, alpha: float, iterations: int
         ) -> np.ndarray:
    """Item factors of implicit's iALS (Hu, Koren & Volinsky 2008), seeded, one BLAS thread."""
    from implicit.cpu.als import AlternatingLeastSquares
    from threadpoolctl import threadpool_limits

    n = x.shape[1]
    if x.nnz == 0 or min(x.shape) <= factors:
        return np.zeros((n, factors), np.float32)
    with threadpool_limits(1, "blas"):
        model = AlternatingLeastSquares(
            factors=factors, regularization=regularization, alpha=alpha,
            iterations=iterations, random_state=0, calculate_training_loss=False)
        model.fit(x, show_progress=False)
    return np.ascontiguousarray(model.item_factors, dtype=np.float32)


def fold_in(factors: np.ndarray, gram: np.ndarray, history: np.ndarray, alpha: float,
            regularization: float) -> np.ndarray:
    """The user vector iALS would learn from `history` (item indices), given item factors:
    (Y'Y + alpha Y_h'Y_h + λI) u = (1 + alpha) Y_h'1."""
    y = factors[history].astype(np.float64)
    a = gram + alpha * (y.T @ y)
    a[np.diag_indices_from(a)] += regularization
    return np.linalg.solve(a, (1.0 + alpha) * y.sum(axis=0))
