"""The TMDb feed against a local server speaking the v3 API, rate limits and failures included."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from subgraphs.content.ingest.feeds import RateLimiter, TmdbFeed
from tests.support.http_server import serve


class FakeTmdb:
    """Two pages of two films; film 3 answers 429 once, film 4 always 500."""

    def __init__(self) -> None:
        self.hits: list[tuple[str, float]] = []
        self.throttled: set[str] = set()

    async def discover(self, request: Request) -> JSONResponse:
        self.hits.append(("discover", time.monotonic()))
        assert request.query_params["api_key"] == "k"
        page = int(request.query_params["page"])
        ids = {1: [1, 2], 2: [3, 4]}[page]
        return JSONResponse({"page": page, "total_pages": 2,
                             "results": [{"id": movie_id} for movie_id in ids]})

    async def movie(self, request: Request) -> JSONResponse:
        movie_id = request.path_params["movie_id"]
        self.hits.append((movie_id, time.monotonic()))
        if movie_id == "3" and "3" not in self.throttled:
            self.throttled.add("3")
            return JSONResponse({"status_message": "slow down"}, 429,
                                headers={"Retry-After": "0.2"})
        if movie_id == "4":
            return JSONResponse({"status_message": "broken"}, 500)
        return JSONResponse(self.film(int(movie_id)))

    @staticmethod
    def film(movie_id: int) -> dict[str, Any]:
        return {
            "id": movie_id, "title": f"Film {movie_id}", "original_title": f"Film {movie_id}",
            "release_date": "1999-03-31", "runtime": 136, "overview": "Neo.",
            "genres": [{"id": 878, "name": "Science Fiction"}, {"id": 28, "name": "Action"}],
            "imdb_id": f"tt{movie_id:07d}", "popularity": 80.1, "vote_average": 8.2,
            "vote_count": 2000, "belongs_to_collection": {"id": 2344, "name": "Films"},
            "credits": {"cast": [{"id": 6384, "name": "Keanu Reeves", "character": "Neo",
                                  "order": 0}],
                        "crew": [{"id": 9340, "name": "Lana W.", "job": "Director"},
                                 {"id": 1, "name": "Someone", "job": "Editor"}]},
            "watch/providers": {"results": {
                "US": {"link": "https://example.test/w", "flatrate": [{"provider_id": 8}],
                       "rent": [{"provider_id": 2}, {"provider_id": 99999}]},
                "BR": {"flatrate": [{"provider_id": 8}]}}},
            "similar": {"results": [{"id": 1 + movie_id % 2}]},
        }

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/3/discover/movie", self.discover),
            Route("/3/movie/{movie_id}", self.movie),
        ])


@pytest.fixture(scope="module")
def tmdb() -> Iterator[tuple[FakeTmdb, str]]:
    fake = FakeTmdb()
    with serve(fake.app()) as url:
        yield fake, url


async def test_pages_become_records_and_failures_are_reported(tmdb) -> None:
    _, url = tmdb
    feed = TmdbFeed(url, "k", pages=5, regions=("US",), rate=50, retries=2)
    items = [item async for item in feed.items()]
    by_ref = {item.ref: item for item in items}
    assert set(by_ref) == {"tmdb:1", "tmdb:2", "tmdb:3", "tmdb:4"}, "stops at total_pages"
    assert by_ref["tmdb:4"].error is not None and "500" in by_ref["tmdb:4"].error
    assert by_ref["tmdb:3"].data is not None, "a 429 is retried after Retry-After"
    record = by_ref["tmdb:1"].data
    assert record is not None
    assert record["ids"] == {"imdb": "tt0000001", "tmdb": "1"}
    assert record["genres"] == ["Science Fiction", "Action"]
    assert record["offers"] == [
        {"platform": "netflix", "region": "US", "type": "subscription",
         "web_url": "https://example.test/w"},
        {"platform": "apple_tv_plus", "region": "US", "type": "rent",
         "web_url": "https://example.test/w"},
    ]
    assert [c["role"] for c in record["credits"]] == ["actor", "director"]
    assert record["collection"] == "Films" and record["similar"] == ["tmdb:2"]


async def test_requests_keep_to_the_rate(tmdb) -> None:
    fake, url = tmdb
    fake.hits.clear()
    feed = TmdbFeed(url, "k", pages=1, rate=5, concurrency=1, retries=0)
    started = time.monotonic()
    _ = [item async for item in feed.items()]
    # 3 requests at 5/s with a burst of 1: the last cannot start before 0.4 s.
    assert feed.requests == 3
    assert fake.hits[-1][1] - started >= 0.35


async def test_rate_limiter_spaces_acquisitions() -> None:
    limiter = RateLimiter(rate=20, burst=2)
    started = time.monotonic()
    await asyncio.gather(*(limiter.acquire() for _ in range(6)))
    assert time.monotonic() - started >= (6 - 2) / 20 * 0.9


async def test_tmdb_titles_are_ingested_with_graph_links(tmdb, database_url: str) -> None:
    from mediagateway.demo.content import GENRE_NAMES, PLATFORMS
    from mediagateway.migrate import migrate
    from subgraphs.common.db import close_database, open_database
    from subgraphs.content.adapters.orm import OfferRow, TitleEdgeRow, TitleRow
    from subgraphs.content.graph.adapters.repository import TitleGraph
    from subgraphs.content.ingest import IngestPipeline, ensure_vocabulary

    _, url = tmdb
    await migrate("content", database_url)
    await open_database(database_url, "subgraphs.content.adapters.orm")
    try:
        await ensure_vocabulary(GENRE_NAMES, PLATFORMS)
        feed = TmdbFeed(url, "k", pages=1, regions=("US",), rate=50, retries=0)
        graph = TitleGraph()
        report = await IngestPipeline(graph=graph).run(feed.name, feed.items(), progress=False)
        assert (report.created, len(report.skipped)) == (2, 0)
        one = await TitleRow.get(tmdb_id="1")
        two = await TitleRow.get(tmdb_id="2")
        assert (one.imdb_id, one.collection, one.runtime_minutes) == ("tt0000001", "Films", 136)
        assert await OfferRow.filter(title_id=one.id).count() == 2
        # Film 1 lists film 2 as similar; same collection, director, cast and genres too.
        kinds = set(await TitleEdgeRow.filter(src_id=one.id, dst_id=two.id).values_list(
            "kind", flat=True))
        assert kinds == {"similar", "franchise", "director", "cast", "genres"}
        assert (await graph.neighbours([one.id], max_hops=1)) == {two.id: pytest.approx(1.0)}
    finally:
        await close_database()
