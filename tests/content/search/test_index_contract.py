"""One contract for every search engine: LanceDB always, Weaviate when WEAVIATE_URL is set.

(`docker compose up weaviate` starts one; the development machine of this project has no Docker,
so there the Weaviate leg is skipped.)
"""

from __future__ import annotations

import math
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from subgraphs.content.search.adapters.engines.base import SearchIndex
from subgraphs.content.search.domain.model import IndexedTitle, SearchFilters, availability_tokens

DIMS = 8


def _vec(*hot: int) -> list[float]:
    raw = [1.0 if i in hot else 0.0 for i in range(DIMS)]
    norm = math.sqrt(sum(x * x for x in raw)) or 1.0
    return [x / norm for x in raw]


def _id(n: int) -> uuid.UUID:
    return uuid.UUID(int=n + 1)


def _title(n: int, title: str, text: str = "", vector: list[float] | None = None,
           **fields: object) -> IndexedTitle:
    return IndexedTitle(id=_id(n), title=title, text=text or title,
                        vector=vector or _vec(n % DIMS), **fields)  # type: ignore[arg-type]


CATALOG = [
    _title(0, "Toy Story", "Toy Story (1995) - Animation, Family, Comedy.", _vec(0),
           genres=("animation", "family", "comedy"), year=1995, runtime=81, rating=3.9,
           popularity=0.9, availability=availability_tokens("US", "disney_plus", "subscription")),
    _title(1, "Blade Runner", "Blade Runner (1982) - Science Fiction, Thriller. Replicants.",
           _vec(1), genres=("science-fiction", "thriller"), year=1982, runtime=117, rating=4.1,
           popularity=0.6, age_rating=16,
           availability=availability_tokens("DE", "netflix", "subscription")),
    _title(2, "Alien", "Alien (1979) - Horror, Science Fiction. A story in space.", _vec(1, 2),
           genres=("horror", "science-fiction"), year=1979, runtime=117, rating=4.0,
           popularity=0.7, age_rating=16,
           availability=(*availability_tokens("US", "hulu", "rent"),
                         *availability_tokens("DE", "netflix", "subscription"))),
    _title(3, "Babe", "Babe (1995) - Family, Comedy. A pig and a toy.", _vec(3),
           genres=("family", "comedy"), year=1995, runtime=91, rating=3.5, popularity=0.4,
           age_rating=0, availability=availability_tokens("GB", "bbc_iplayer", "free")),
    _title(4, "Heat", "Heat (1995) - Crime, Thriller.", _vec(4), kind="movie",
           genres=("crime", "thriller"), year=1995, runtime=170, rating=None, popularity=0.5),
]

ENGINES = ["lancedb", pytest.param("weaviate", marks=pytest.mark.skipif(
    not os.environ.get("WEAVIATE_URL"), reason="WEAVIATE_URL not set (needs a Weaviate server)"))]


def _engine(kind: str, directory: Path, name: str) -> SearchIndex:
    if kind == "lancedb":
        from subgraphs.content.search.adapters.engines.lancedb_index import LanceSearchIndex

        return LanceSearchIndex(directory / "search", name, DIMS)
    from subgraphs.content.search.adapters.engines.weaviate_index import WeaviateSearchIndex

    return WeaviateSearchIndex(os.environ["WEAVIATE_URL"], name, DIMS)


@pytest.fixture(params=ENGINES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path, str]:
    """Where one index lives: engine, directory, collection name."""
    return request.param, tmp_path, f"titles_contract_{uuid.uuid4().hex[:8]}_{DIMS}"


@pytest.fixture
async def index(store: tuple[str, Path, str]) -> AsyncIterator[SearchIndex]:
    engine = _engine(*store)
    await engine.upsert(CATALOG)
    try:
        yield engine
    finally:
        if store[0] == "weaviate":
            client = engine._client  # type: ignore[attr-defined]
            await client.collections.delete(engine.name)
        await engine.close()


@pytest.fixture
async def other_process(store: tuple[str, Path, str]) -> AsyncIterator[SearchIndex]:
    """A second handle on the same index, as the ingest CLI or another replica holds."""
    engine = _engine(*store)
    try:
        yield engine
    finally:
        await engine.close()


def _ids(hits: list) -> list[uuid.UUID]:
    return [hit.id for hit in hits]


async def test_counts_and_upserts_replace_by_id(index: SearchIndex) -> None:
    assert await index.count() == len(CATALOG)
    await index.upsert([_title(0, "Toy Story Renamed", vector=_vec(0), year=1995)])
    assert await index.count() == len(CATALOG)
    assert _ids(await index.keyword("renamed", SearchFilters(), 5)) == [_id(0)]


async def test_deletes(index: SearchIndex) -> None:
    await index.delete([_id(1)])
    assert await index.count() == len(CATALOG) - 1
    assert _id(1) not in _ids(await index.keyword("blade runner", SearchFilters(), 5))


async def test_keyword_prefers_the_title(index: SearchIndex) -> None:
    hits = await index.keyword("toy", SearchFilters(), 5)
    # "toy" is in Toy Story's title and only in Babe's description: the title is boosted.
    assert _ids(hits)[:2] == [_id(0), _id(3)]
    assert hits[0].score > hits[1].score > 0
    assert hits[0].genres == ("animation", "family", "comedy") and hits[0].year == 1995


async def test_vector_nearest_first(index: SearchIndex) -> None:
    hits = await index.vector(_vec(1), SearchFilters(), 3)
    assert _ids(hits)[:2] == [_id(1), _id(2)]
    assert hits[0].score == pytest.approx(1.0, abs=1e-3)
    assert hits[1].score == pytest.approx(1 / math.sqrt(2), abs=1e-3)


@pytest.mark.parametrize(("filters", "expected"), [
    (SearchFilters(genres=("science-fiction",)), {1, 2}),
    (SearchFilters(genres=("family", "crime")), {0, 3, 4}),
    (SearchFilters(all_genres=("family", "comedy")), {0, 3}),
    (SearchFilters(genres=("family", "crime"), all_genres=("comedy",)), {0, 3}),
    (SearchFilters(blocked_genres=("comedy", "horror")), {1, 4}),
    (SearchFilters(year_from=1980, year_to=1995), {0, 1, 3, 4}),
    (SearchFilters(runtime_min=90, runtime_max=120), {1, 2, 3}),
    (SearchFilters(min_rating=3.9), {0, 1, 2}),  # unknown rating is left out
    (SearchFilters(max_age_rating=12), {3}),  # unknown age rating is left out
    (SearchFilters(regions=("DE",)), {1, 2}),
    (SearchFilters(regions=("US",), platforms=("hulu", "netflix")), {2}),
    (SearchFilters(offer_types=("free", "rent")), {2, 3}),
    (SearchFilters(regions=("US",), offer_types=("subscription",)), {0}),
    (SearchFilters(kinds=("movie",)), {0, 1, 2, 3, 4}),
    (SearchFilters(exclude_ids=(_id(0), _id(1))), {2, 3, 4}),
])
async def test_prefilters(index: SearchIndex, filters: SearchFilters, expected: set[int]) -> None:
    wanted = {_id(n) for n in expected}
    assert set(_ids(await index.vector(_vec(0), filters, 10))) == wanted
    assert set(_ids(await index.fetch([t.id for t in CATALOG], filters))) == wanted
    assert set(_ids(await index.browse(filters, 10))) == wanted


async def test_keyword_applies_filters(index: SearchIndex) -> None:
    hits = await index.keyword("toy", SearchFilters(genres=("animation",)), 5)
    assert _ids(hits) == [_id(0)]


async def test_browse_is_most_popular_first(index: SearchIndex) -> None:
    assert _ids(await index.browse(SearchFilters(), 3)) == [_id(0), _id(2), _id(1)]


async def test_rejects_vectors_of_another_space(index: SearchIndex) -> None:
    with pytest.raises(ValueError):
        await index.upsert([_title(9, "Wrong", vector=[1.0] * (DIMS + 1))])


async def test_refresh_takes_in_another_process_writes(
    index: SearchIndex, other_process: SearchIndex
) -> None:
    assert _ids(await index.keyword("toy", SearchFilters(), 5))  # this handle is serving reads
    await other_process.upsert([
        _title(7, "Zardoz", "Zardoz (1974) - Science Fiction.", _vec(5), year=1974),
        _title(0, "Toy Story Remastered", vector=_vec(0), year=1995),
    ])
    await other_process.delete([_id(4)])
    await index.refresh()
    assert _ids(await index.keyword("zardoz", SearchFilters(), 5)) == [_id(7)]
    assert _ids(await index.keyword("remastered", SearchFilters(), 5)) == [_id(0)]
    assert _id(4) not in _ids(await index.browse(SearchFilters(), 10))
    assert _ids(await index.vector(_vec(5), SearchFilters(), 1)) == [_id(7)]
    assert await index.refresh() == 0  # nothing new: nothing read
