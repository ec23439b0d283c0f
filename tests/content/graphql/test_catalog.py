"""Listing and filtering the seeded MovieLens catalog through the content schema."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
import redis
from redis.asyncio import Redis

from mediagateway.demo import content as seed
from mediagateway.demo.feed import MovieLensFeed
from mediagateway.migrate import migrate
from mediagateway.movielens import MovieLens
from subgraphs.common.db import close_database, open_database
from subgraphs.common.events import Event, RedisEventBus
from subgraphs.common.ids import stable_id
from subgraphs.content.ingest.ids import stable_text
from tests.support.databases import fresh_database
from tests.support.inprocess import SubgraphClient, run_subgraph

TITLES = """
query($filter: TitleFilter, $first: Int, $after: String) {
  titles(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id title releaseYear genres { slug } offers(region: "DE") { platform { slug } }
    } }
  }
}
"""


async def _seed(database_url: str, redis_url: str) -> None:
    await migrate("content", database_url)
    await open_database(database_url, "subgraphs.content.adapters.orm")
    redis = Redis.from_url(redis_url)
    try:
        assert await seed.seed(MovieLens(), RedisEventBus(redis))
        assert not await seed.seed(MovieLens(), RedisEventBus(redis)), "a second run is a no-op"
        # One event a title, and a second for each title whose rentals the demo made cheaper
        # lately (written again at today's price: `mediagateway.demo.content._drop_prices`).
        events = await redis.xrange("title.upserted")
        titles = [orjson.loads(fields[b"payload"])["title_id"] for _, fields in events]
        assert len(set(titles)) == len(MovieLens().items)
        assert len(titles) == len(MovieLens().items) + sum(
            len(ids) for ids in MovieLensFeed().price_drops().values())
    finally:
        await redis.aclose()
        await close_database()


@pytest.fixture(scope="module")
def catalog(
    tmp_path_factory: pytest.TempPathFactory, redis_server: str
) -> Iterator[SubgraphClient]:
    redis_url = f"{redis_server}/2"
    redis.Redis.from_url(redis_url).flushdb()
    with fresh_database(tmp_path_factory.mktemp("catalog"), "catalog") as url:
        asyncio.run(_seed(url, redis_url))
        with run_subgraph("content", url, redis_url) as client:
            yield client


def test_everything_is_listed_most_popular_first(catalog: SubgraphClient) -> None:
    page = catalog.execute(TITLES, {"first": 3})["data"]["titles"]
    assert page["totalCount"] == 1682
    assert page["edges"][0]["node"]["title"] == "Star Wars"  # the most rated film of the set


def test_filters_combine(catalog: SubgraphClient) -> None:
    variables = {"first": 100, "filter": {"genres": ["science-fiction"], "yearFrom": 1990,
                                          "yearTo": 1999, "platforms": ["netflix"],
                                          "region": "de"}}
    result = catalog.execute(TITLES, variables)
    assert "errors" not in result, result
    nodes = [edge["node"] for edge in result["data"]["titles"]["edges"]]
    assert nodes
    for node in nodes:
        assert "science-fiction" in {g["slug"] for g in node["genres"]}
        assert 1990 <= node["releaseYear"] <= 1999
        assert "netflix" in {o["platform"]["slug"] for o in node["offers"]}


def test_pages_follow_each_other(catalog: SubgraphClient) -> None:
    first = catalog.execute(TITLES, {"first": 5})["data"]["titles"]
    second = catalog.execute(TITLES, {"first": 5, "after": first["pageInfo"]["endCursor"]})
    ids = [e["node"]["id"] for e in first["edges"]]
    more = [e["node"]["id"] for e in second["data"]["titles"]["edges"]]
    assert len(more) == 5 and not set(ids) & set(more)


def test_bad_region_is_bad_input(catalog: SubgraphClient) -> None:
    result = catalog.execute(TITLES, {"filter": {"region": "Germany"}})
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_title_upserted_lists_the_offers_playback_picks_from(
    catalog: SubgraphClient, redis_server: str
) -> None:
    """Playback chooses offers from this payload, never from content's tables."""
    client = redis.Redis.from_url(f"{redis_server}/2")
    try:
        _, fields = client.xrange("title.upserted", count=1)[0]
    finally:
        client.close()
    payload = Event.decode(fields).payload
    # MovieLens has neither age ratings nor runtimes: both are announced, as unknown.
    assert (payload["age_rating"], payload["runtime_minutes"]) == (None, None)
    query = """query($id: ID!) { title(id: $id) { offers(region: "US") {
      type quality deepLink webUrl platform { slug } price { amount currency } } } }"""
    offers = catalog.execute(query, {"id": payload["title_id"]})["data"]["title"]["offers"]
    announced = [o for o in payload["offers"] if o["region"] == "US"]
    assert offers and len(announced) == len(offers)
    assert {(o["platform"], o["type"].upper(), o["quality"].upper(), o["deep_link"], o["web_url"])
            for o in announced} == {
        (o["platform"]["slug"], o["type"], o["quality"], o["deepLink"], o["webUrl"])
        for o in offers}


def _upserted(redis_server: str) -> list[dict[str, Any]]:
    client = redis.Redis.from_url(f"{redis_server}/2")
    try:
        return [dict(Event.decode(fields).payload)
                for _, fields in client.xrange("title.upserted")]
    finally:
        client.close()


def test_title_upserted_lists_the_people_recommendations_compare(
    catalog: SubgraphClient, redis_server: str
) -> None:
    """Directors, writers and the first 8 actors of every seeded title, keyed by the person's
    id in content (the same in every title); [] for the titles MovieLens gives no credits."""
    data = MovieLens()
    credits: defaultdict[int, list[Any]] = defaultdict(list)
    for credit in data.credits:
        credits[credit.item_id].append(credit)
    expected = {}
    for item in data.items:
        mine = sorted(credits[item.item_id], key=lambda c: (c.order, c.person_key))
        expected[str(stable_id("title", f"movielens:{item.item_id}"))] = [
            {"key": stable_text("person", c.person_key), "role": c.role, "order": c.order}
            for c in [*[c for c in mine if c.role == "director"],
                      *[c for c in mine if c.role == "writer"],
                      *[c for c in mine if c.role == "actor"][:8]]
        ]
    announced = {payload["title_id"]: payload["people"] for payload in _upserted(redis_server)}
    assert announced == expected
    assert sum(people == [] for people in announced.values()) >= 87, "titles without credits"
    # The keys are the ids the schema gives the people.
    toy_story = str(stable_id("title", "movielens:1"))
    query = """query($id: ID!) { title(id: $id) { credits { role order person { id } } } }"""
    listed = catalog.execute(query, {"id": toy_story})["data"]["title"]["credits"]
    people = {(c["person"]["id"], c["role"].lower(), c["order"]) for c in listed}
    assert announced[toy_story]
    assert {(p["key"], p["role"], p["order"]) for p in announced[toy_story]} <= people


def test_titles_read_as_people_say_them_and_sort_without_their_article(
    catalog: SubgraphClient, redis_server: str
) -> None:
    """MovieLens files "American President, The": shown with the article in front,
    sorted without it, announced to the other subgraphs as shown."""
    data = MovieLens()
    title_id = str(next(i for i in data.items if i.title == "American President, The").id)
    query = """query($id: ID!) { title(id: $id) { title sortTitle
      offers(region: "US") { type } offerCount(region: "US")
      rentals: offerCount(region: "US", types: [RENT]) } }"""
    title = catalog.execute(query, {"id": title_id})["data"]["title"]
    assert (title["title"], title["sortTitle"]) == ("The American President",
                                                    "American President")
    assert title["offerCount"] == len(title["offers"]) > 0
    assert title["rentals"] == sum(o["type"] == "RENT" for o in title["offers"])
    announced = next(p for p in _upserted(redis_server) if p["title_id"] == title_id)
    assert announced["title"] == "The American President"
