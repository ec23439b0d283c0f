"""The in-memory mirror past the exact size: IVF lists, pre-filter bitmaps, writes kept in step.

(The index contract tests run it through `LanceSearchIndex` on five titles, one exact list.)
"""

from __future__ import annotations

import uuid
from typing import Any

import numpy as np
import pytest

from subgraphs.content.search.adapters.engines import memory_mirror
from subgraphs.content.search.adapters.engines.memory_mirror import MemoryMirror
from subgraphs.content.search.domain.model import SearchFilters

DIMS = 16
ROWS = 600


def _rows(ids: list[uuid.UUID], rng: np.random.Generator) -> dict[str, list[Any]]:
    return {
        "id": [str(i) for i in ids],
        "title": ["River Story" if n % 5 == 0 else "Quiet Night" for n in range(len(ids))],
        "text": [f"Film number {n}." for n in range(len(ids))],
        "kind": ["movie"] * len(ids),
        "genres": [("drama",) if n % 3 == 0 else ("comedy",) for n in range(len(ids))],
        "availability": [("US:*:*",) if n % 2 == 0 else () for n in range(len(ids))],
        "year": [1950 + n % 70 for n in range(len(ids))],
        "runtime": [None] * len(ids),
        "rating": [None] * len(ids),
        "age_rating": [None] * len(ids),
        "popularity": list(rng.random(len(ids))),
    }


@pytest.fixture
def mirror(monkeypatch: pytest.MonkeyPatch) -> tuple[MemoryMirror, list[uuid.UUID], np.ndarray]:
    # 600 rows past a threshold of 100: sqrt(600) = 24 lists, a few probed.
    monkeypatch.setattr(memory_mirror, "EXACT_BELOW", 100)
    monkeypatch.setattr(memory_mirror, "_PROBES", 4)
    rng = np.random.default_rng(3)
    ids = [uuid.UUID(int=n + 1) for n in range(ROWS)]
    vectors = rng.standard_normal((ROWS, DIMS)).astype(np.float32)
    built = MemoryMirror(DIMS)
    built.reset(_rows(ids, rng), vectors)
    return built, ids, vectors


def test_nearest_is_the_row_itself_with_cosine_one(mirror: Any) -> None:
    index, ids, vectors = mirror
    for n in (0, 17, 599):
        hits = index.vector(vectors[n], SearchFilters(), 5)
        assert hits[0].id == ids[n]
        assert hits[0].score == pytest.approx(1.0, abs=1e-5)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_prefilters_hold_and_a_narrow_filter_is_searched_whole(mirror: Any) -> None:
    index, ids, vectors = mirror
    wide = index.vector(vectors[1], SearchFilters(regions=("US",)), 20)
    assert len(wide) == 20 and all("US:*:*" in h.availability for h in wide)
    # Drama, in the US, in 1950: rows n with n % 6 == 0 and n % 70 == 0 -> 0, 210, 420.
    narrow = SearchFilters(regions=("US",), genres=("drama",), year_from=1950, year_to=1950)
    assert {h.id for h in index.vector(vectors[5], narrow, 10)} == {ids[0], ids[210], ids[420]}
    assert {h.id for h in index.fetch(ids[:300], narrow)} == {ids[0], ids[210]}
    assert index.vector(vectors[5], SearchFilters(min_rating=1.0), 10) == []  # unknown fails


def test_upserts_and_deletes_are_seen_by_every_read(mirror: Any) -> None:
    index, ids, vectors = mirror
    rng = np.random.default_rng(4)
    rows = _rows([ids[3]], rng)
    rows["genres"] = [("horror",)]
    index.upsert(rows, vectors[[10]])  # title 3 now points where title 10 does
    hits = index.vector(vectors[10], SearchFilters(genres=("horror",)), 5)
    assert [h.id for h in hits] == [ids[3]]
    assert {h.id for h in index.vector(vectors[10], SearchFilters(), 2)} == {ids[3], ids[10]}
    assert index.vector(vectors[3], SearchFilters(), 1)[0].id != ids[3]
    index.delete([ids[3], ids[10]])
    assert len(index) == ROWS - 2
    assert not {ids[3], ids[10]} & {h.id for h in index.vector(vectors[10], SearchFilters(), 50)}
    assert index.fetch([ids[3]], SearchFilters()) == []
    assert index.browse(SearchFilters(genres=("horror",)), 5) == []
    new = uuid.UUID(int=10_000)  # takes a freed position
    index.upsert(_rows([new], rng), vectors[[3]])
    assert index.vector(vectors[3], SearchFilters(), 1)[0].id == new


def test_keyword_finds_stemmed_title_words_under_filters(mirror: Any) -> None:
    index, ids, _ = mirror
    hits = index.keyword("rivers", SearchFilters(genres=("drama",)), 500)
    # Title "River Story" (n % 5 == 0) and drama (n % 3 == 0): every n % 15 == 0.
    assert {h.id for h in hits} == {ids[n] for n in range(0, ROWS, 15)}
    assert index.keyword("night", SearchFilters(exclude_ids=(ids[1],)), 1000)[0].score > 0
    assert ids[1] not in {h.id for h in index.keyword("night", SearchFilters(
        exclude_ids=(ids[1],)), 1000)}
    index.delete([ids[0]])
    assert ids[0] not in {h.id for h in index.keyword("river", SearchFilters(), 1000)}
    assert index.keyword("the and", SearchFilters(), 10) == []  # stop words only


def test_browse_is_most_popular_first(mirror: Any) -> None:
    index, _, _ = mirror
    hits = index.browse(SearchFilters(genres=("drama",)), 10)
    assert len(hits) == 10 and all(h.genres == ("drama",) for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    best = max(index.fetch([h.id for h in index.browse(SearchFilters(genres=("drama",)), 200)],
                           SearchFilters()), key=lambda h: h.popularity)
    assert hits[0].id == best.id


def test_growth_past_the_lists_asks_for_a_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory_mirror, "EXACT_BELOW", 100)
    rng = np.random.default_rng(5)
    index = MemoryMirror(DIMS)
    ids = [uuid.UUID(int=n + 1) for n in range(150)]
    index.reset(_rows(ids[:50], rng), rng.standard_normal((50, DIMS)))
    assert not index.needs_rebuild  # one exact list for 50 rows
    index.upsert(_rows(ids[50:], rng), rng.standard_normal((100, DIMS)))
    assert index.needs_rebuild  # 150 rows would get 12 lists
