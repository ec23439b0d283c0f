"""An in-memory mirror of the search table: vectors, BM25 text and filter columns.

LanceDB stays the store of record; each of its queries costs 10-30 ms at 100k titles (IVF_PQ
with refine, FTS, pre-filters read through its scalar indices, Arrow results), while a faiss
IVF-Flat search under a numpy pre-filter mask takes ~2 ms and scores exactly, and BM25 in
tantivy's RAM index ~1 ms (`memory_text.py`). The owning adapter keeps the mirror in step with
its own upserts and deletes.

Rows live at integer positions (reused after deletes); faiss ids are those positions, so a
pre-filter is a bitmap over positions.
"""

from __future__ import annotations

import math
import threading
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import faiss
import numpy as np

from subgraphs.content.search.adapters.engines.memory_text import TextIndex
from subgraphs.content.search.domain.model import RawHit, SearchFilters

__all__ = ["EXACT_BELOW", "MemoryMirror"]

# Below this many rows one list is scanned whole (exact, ~2 ms at 20k); above, IVF lists of
# ~sqrt(n) rows each, 32 of them probed: at 100k, 1.7 ms and recall@100 0.95 against exact.
EXACT_BELOW = 20_000
_PROBES = 32
# A filter leaving fewer expected candidates than this many times `limit` in the probed lists
# scans every list instead (only the rows passing the filter are scored, so it stays cheap).
_MIN_CANDIDATES = 10
_LABEL_COLUMNS = ("genres", "availability", "kind")
_NUMBERS = ("year", "runtime", "rating", "age_rating", "popularity")


def _unit(vectors: Any, dimensions: int) -> np.ndarray:
    """Cosine similarity as inner product: rows scaled to length 1 (zero rows stay zero)."""
    out = np.array(vectors, dtype=np.float32, order="C").reshape(-1, dimensions)  # a copy
    faiss.normalize_L2(out)
    return out


class MemoryMirror:
    """Vectors in faiss, BM25 in tantivy, filter columns in numpy; thread-safe (one lock)."""

    def __init__(self, dimensions: int) -> None:
        self.dimensions = dimensions
        self._lock = threading.Lock()
        self._clear()

    def _clear(self) -> None:
        self._positions: dict[uuid.UUID, int] = {}
        self._ids: list[uuid.UUID | None] = []
        self._free: list[int] = []
        self._labels: dict[str, list[tuple[str, ...]]] = {c: [] for c in _LABEL_COLUMNS}
        self._numbers = {name: np.zeros(0) for name in _NUMBERS}
        self._alive = np.zeros(0, dtype=bool)
        # (column, label) -> rows having it; built when a filter first asks, then kept up to date.
        self._label_masks: dict[tuple[str, str], np.ndarray] = {}
        self._index: Any = None
        self._lists = 1
        self._text = TextIndex()
        # Titles share a few hundred distinct genre and availability lists: one tuple each.
        self._tuples: dict[tuple[str, ...], tuple[str, ...]] = {}

    def __len__(self) -> int:
        return len(self._positions)

    @property
    def needs_rebuild(self) -> bool:
        """Lists trained for far fewer rows than held now probe too many rows each."""
        return self._lists < max(1, _list_count(len(self._positions)) // 2)

    # -- writes ---------------------------------------------------------------------------

    def reset(self, rows: Mapping[str, Sequence[Any]], vectors: np.ndarray) -> None:
        """Replace everything with `rows` (columns of the table) and their vectors."""
        with self._lock:
            self._clear()
            vectors = _unit(vectors, self.dimensions)
            self._lists = _list_count(len(vectors))
            self._index = _new_index(self.dimensions, self._lists, vectors)
            self._put(rows, vectors)

    def upsert(self, rows: Mapping[str, Sequence[Any]], vectors: np.ndarray) -> None:
        with self._lock:
            vectors = _unit(vectors, self.dimensions)
            if self._index is None:
                self._index = _new_index(self.dimensions, self._lists, vectors)
            self._put(rows, vectors)

    def delete(self, ids: Iterable[uuid.UUID]) -> None:
        with self._lock:
            gone = [self._positions.pop(i) for i in ids if i in self._positions]
            if not gone:
                return
            self._index.remove_ids(np.asarray(gone, dtype=np.int64))
            for position in gone:
                self._set_row(position, None, {c: () for c in _LABEL_COLUMNS},
                              dict.fromkeys(_NUMBERS, math.nan))
                self._text.remove(position)
                self._free.append(position)
            self._text.commit()

    def _put(self, rows: Mapping[str, Sequence[Any]], vectors: np.ndarray) -> None:
        ids = [uuid.UUID(str(i)) for i in rows["id"]]
        if len(set(ids)) < len(ids):  # the last row of an id wins, as in a merge
            last = list({title_id: n for n, title_id in enumerate(ids)}.values())
            rows = {name: [values[n] for n in last] for name, values in rows.items()}
            vectors, ids = vectors[last], [ids[n] for n in last]
        replaced = [self._positions[i] for i in ids if i in self._positions]
        if replaced:
            self._index.remove_ids(np.asarray(replaced, dtype=np.int64))
        positions = []
        for n, title_id in enumerate(ids):
            position = self._positions.get(title_id)
            replacing = position is not None or bool(self._free)
            if position is None:
                position = self._free.pop() if self._free else self._grow()
                self._positions[title_id] = position
            positions.append(position)
            labels = {"genres": self._shared(rows["genres"][n]),
                      "availability": self._shared(rows["availability"][n]),
                      "kind": self._shared([rows["kind"][n]] if rows["kind"][n] else ())}
            numbers = {name: _number(rows[name][n]) for name in _NUMBERS}
            self._set_row(position, title_id, labels, numbers)
            self._text.put(position, rows["title"][n], rows["text"][n], labels,
                           {name: rows[name][n] for name in _NUMBERS}, replacing=replacing)
        if positions:
            self._index.add_with_ids(vectors, np.asarray(positions, dtype=np.int64))
            self._text.commit()

    def _shared(self, values: Iterable[str] | None) -> tuple[str, ...]:
        values = tuple(values or ())
        return self._tuples.setdefault(values, values)

    def _grow(self) -> int:
        position = len(self._ids)
        if position >= len(self._alive):
            size = max(1024, 2 * len(self._alive))
            self._alive = _resized(self._alive, size, False)
            self._numbers = {k: _resized(v, size, math.nan) for k, v in self._numbers.items()}
            self._label_masks = {k: _resized(v, size, False)
                                 for k, v in self._label_masks.items()}
        self._ids.append(None)
        for column in _LABEL_COLUMNS:
            self._labels[column].append(())
        return position

    def _set_row(self, position: int, title_id: uuid.UUID | None,
                 labels: Mapping[str, tuple[str, ...]], numbers: Mapping[str, float]) -> None:
        for column, values in labels.items():
            for label in self._labels[column][position]:
                if (mask := self._label_masks.get((column, label))) is not None:
                    mask[position] = False
            for label in values:
                if (mask := self._label_masks.get((column, label))) is not None:
                    mask[position] = True
            self._labels[column][position] = values
        for name, value in numbers.items():
            self._numbers[name][position] = value
        self._ids[position] = title_id
        self._alive[position] = title_id is not None

    # -- reads ----------------------------------------------------------------------------

    def vector(self, vector: Sequence[float], filters: SearchFilters, limit: int
               ) -> list[RawHit]:
        query = _unit(vector, len(vector))
        with self._lock:
            if self._index is None or not self._positions or limit <= 0:
                return []
            mask = self._mask(filters)
            selected = int(mask.sum())
            if selected == 0:
                return []
            probes = min(_PROBES, self._lists)
            if selected * probes / self._lists < _MIN_CANDIDATES * limit:
                probes = self._lists
            bits = np.packbits(mask, bitorder="little")
            selector = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bits))
            params = faiss.SearchParametersIVF(sel=selector, nprobe=probes)
            scores, found = self._index.search(query, limit, params=params)
            return [self._hit(int(p), float(s))
                    for s, p in zip(scores[0], found[0], strict=True) if p >= 0]

    def keyword(self, query: str, filters: SearchFilters, limit: int) -> list[RawHit]:
        """BM25 over title (boosted) and text, best first."""
        with self._lock:
            excluded = [p for i in filters.exclude_ids
                        if (p := self._positions.get(i)) is not None]
            return [self._hit(p, score)
                    for p, score in self._text.search(query, filters, excluded, limit)]

    def fetch(self, ids: Sequence[uuid.UUID], filters: SearchFilters) -> list[RawHit]:
        with self._lock:
            positions = [p for i in dict.fromkeys(ids) if (p := self._positions.get(i)) is not None]
            if not positions:
                return []
            mask = self._mask(filters)
            return [self._hit(p, 0.0) for p in positions if mask[p]]

    def browse(self, filters: SearchFilters, limit: int) -> list[RawHit]:
        with self._lock:
            mask = self._mask(filters)
            selected = np.flatnonzero(mask)
            if len(selected) == 0 or limit <= 0:
                return []
            popularity = np.nan_to_num(self._numbers["popularity"][selected], nan=0.0)
            if len(selected) > limit:
                # Twice the page, so ties at its edge are still ordered by id below.
                keep = np.argpartition(-popularity, min(2 * limit, len(selected) - 1))
                selected = selected[keep[: 2 * limit]]
            hits = [self._hit(int(p), 0.0) for p in selected]
            hits.sort(key=lambda h: (-h.popularity, str(h.id)))
            return [RawHit(id=h.id, score=h.popularity, genres=h.genres,
                           availability=h.availability, year=h.year, popularity=h.popularity)
                    for h in hits[:limit]]

    def _hit(self, position: int, score: float) -> RawHit:
        title_id = self._ids[position]
        assert title_id is not None
        year = self._numbers["year"][position]
        popularity = self._numbers["popularity"][position]
        return RawHit(id=title_id, score=score, genres=self._labels["genres"][position],
                      availability=self._labels["availability"][position],
                      year=None if math.isnan(year) else int(year),
                      popularity=0.0 if math.isnan(popularity) else float(popularity))

    def _label_mask(self, column: str, label: str) -> np.ndarray:
        mask = self._label_masks.get((column, label))
        if mask is None:
            mask = np.zeros(len(self._alive), dtype=bool)
            rows = self._labels[column]
            mask[: len(rows)] = np.fromiter((label in values for values in rows), bool,
                                            count=len(rows))
            self._label_masks[(column, label)] = mask
        return mask

    def _any(self, column: str, labels: Iterable[str]) -> np.ndarray:
        out = np.zeros(len(self._alive), dtype=bool)
        for label in labels:
            out |= self._label_mask(column, label)
        return out

    def _mask(self, filters: SearchFilters) -> np.ndarray:
        """The rows passing `filters`: the same rules as `filters.lance_where`."""
        mask = self._alive.copy()
        if filters.genres:
            mask &= self._any("genres", filters.genres)
        for genre in filters.all_genres:
            mask &= self._label_mask("genres", genre)
        if filters.blocked_genres:
            mask &= ~self._any("genres", filters.blocked_genres)
        if tokens := filters.availability_any():
            mask &= self._any("availability", tokens)
        if filters.kinds:
            mask &= self._any("kind", filters.kinds)
        numbers = self._numbers
        with np.errstate(invalid="ignore"):  # NaN (unknown) fails every bound, as NULL does
            for name, value, at_least in (
                ("year", filters.year_from, True), ("year", filters.year_to, False),
                ("runtime", filters.runtime_min, True), ("runtime", filters.runtime_max, False),
                ("rating", filters.min_rating, True),
                ("age_rating", filters.max_age_rating, False),
            ):
                if value is not None:
                    mask &= numbers[name] >= value if at_least else numbers[name] <= value
        for title_id in filters.exclude_ids:
            if (position := self._positions.get(title_id)) is not None:
                mask[position] = False
        return mask


def _list_count(rows: int) -> int:
    return 1 if rows < EXACT_BELOW else int(math.sqrt(rows))


def _new_index(dimensions: int, lists: int, sample: np.ndarray) -> Any:
    quantizer = faiss.IndexFlatIP(dimensions)
    index = faiss.IndexIVFFlat(quantizer, dimensions, lists, faiss.METRIC_INNER_PRODUCT)
    if lists == 1:
        # One list holds every row: no clustering to learn.
        quantizer.add(np.zeros((1, dimensions), dtype=np.float32))
        index.is_trained = True
    else:
        rng = np.random.default_rng(0)
        take = rng.choice(len(sample), min(len(sample), 40 * lists), replace=False)
        index.train(sample[take])
    return index


def _number(value: Any) -> float:
    return math.nan if value is None else float(value)


def _resized(array: np.ndarray, size: int, fill: Any) -> np.ndarray:
    out = np.full(size, fill, dtype=array.dtype)
    out[: len(array)] = array
    return out
