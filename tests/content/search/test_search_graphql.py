"""`search` on the content subgraph over the seeded MovieLens catalog and a real LanceDB index."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from redis.asyncio import Redis

from mediagateway.demo import content as seed
from mediagateway.migrate import migrate
from mediagateway.movielens import MovieLens
from mediagateway.redis_server import free_port
from subgraphs.common.auth import CLAIMS_HEADER, SECRET_HEADER, encode_claims
from subgraphs.common.db import close_database, open_database
from subgraphs.common.events import Event, RedisEventBus
from tests.content.search.fake_recommendations import FakeRecommendations, fake_recommendations
from tests.support.databases import fresh_database
from tests.support.inprocess import SECRET, SubgraphClient, run_subgraph

SEARCH = """
query($q: String!, $filter: SearchFilter, $first: Int, $after: String) {
  search(query: $q, filter: $filter, first: $first, after: $after) {
    totalCount searchTimeMs missingParts
    pageInfo { hasNextPage endCursor }
    intent { text genres yearFrom yearTo platforms regions references parser }
    facets { genres { value count } platforms { value count } decades { value count } }
    edges { node {
      score matchReasons
      parts { vector keyword graph popularity personal }
      title { id title releaseYear genres { slug } }
      bestOffer { platform { slug } region type }
    } }
  }
}
"""


async def _seed(database_url: str, redis_url: str) -> None:
    await migrate("content", database_url)
    await open_database(database_url, "subgraphs.content.adapters.orm")
    client = Redis.from_url(redis_url)
    try:
        assert await seed.seed(MovieLens(), RedisEventBus(client))
    finally:
        await client.aclose()
        await close_database()


@pytest.fixture(scope="module")
def catalog_db(
    tmp_path_factory: pytest.TempPathFactory, redis_server: str
) -> Iterator[tuple[str, str]]:
    """A seeded catalog and its index in a data dir of its own: (database URL, Redis URL)."""
    redis_url = f"{redis_server}/3"
    redis.Redis.from_url(redis_url).flushdb()
    data_dir = tmp_path_factory.mktemp("search-data")
    previous = os.environ.get("MG_DATA_DIR")
    os.environ["MG_DATA_DIR"] = str(data_dir)
    try:
        with fresh_database(tmp_path_factory.mktemp("search-db"), "search") as url:
            asyncio.run(_seed(url, redis_url))
            assert any(Path(data_dir, "search").iterdir()), "seeding built the index"
            yield url, redis_url
    finally:
        if previous is None:
            os.environ.pop("MG_DATA_DIR", None)
        else:
            os.environ["MG_DATA_DIR"] = previous


@pytest.fixture
def catalog(catalog_db: tuple[str, str]) -> Iterator[SubgraphClient]:
    # One app per test: Tortoise allows one app per process, and the partial-failure test
    # needs an app of its own.
    with run_subgraph("content", *catalog_db) as client:
        yield client


def _search(client: SubgraphClient, query: str, **variables: object) -> dict:
    result = client.execute(SEARCH, {"q": query, **variables})
    assert "errors" not in result, result
    return result["data"]["search"]


def _titles(page: dict) -> list[str]:
    return [edge["node"]["title"]["title"] for edge in page["edges"]]


@pytest.mark.parametrize(("query", "expected"), [
    ("toy story", "Toy Story"),
    ("toy stroy", "Toy Story"),
    ("shawshank", "The Shawshank Redemption"),
    ("blade runer", "Blade Runner"),
])
def test_known_titles_come_first_despite_typos(
    catalog: SubgraphClient, query: str, expected: str
) -> None:
    page = _search(catalog, query, first=5)
    assert _titles(page)[0] == expected
    top = page["edges"][0]["node"]
    assert top["parts"]["keyword"] > 0
    assert top["score"] == pytest.approx(
        sum(value or 0 for value in top["parts"].values()), abs=1e-6)
    assert page["missingParts"] == []


def test_query_slots_become_filters(catalog: SubgraphClient) -> None:
    page = _search(catalog, "90s comedy on netflix in germany", first=20)
    intent = page["intent"]
    assert intent["genres"] == ["comedy"]
    assert (intent["yearFrom"], intent["yearTo"]) == (1990, 1999)
    assert intent["platforms"] == ["netflix"] and intent["regions"] == ["DE"]
    assert page["totalCount"] > 0
    for edge in page["edges"]:
        node = edge["node"]
        assert 1990 <= node["title"]["releaseYear"] <= 1999
        assert "comedy" in {g["slug"] for g in node["title"]["genres"]}
    assert {f["value"] for f in page["facets"]["decades"]} == {"1990"}
    assert {f["value"] for f in page["facets"]["genres"]} >= {"comedy"}


def test_explicit_filters_and_blocked_genres(catalog: SubgraphClient) -> None:
    page = _search(catalog, "space adventure", first=30, filter={
        "region": "us", "yearFrom": 1977, "yearTo": 1990, "blockedGenres": ["comedy"],
        "platforms": ["netflix", "hulu"],
    })
    assert page["edges"]
    for edge in page["edges"]:
        node = edge["node"]
        assert 1977 <= node["title"]["releaseYear"] <= 1990
        assert "comedy" not in {g["slug"] for g in node["title"]["genres"]}
        assert node["bestOffer"] is not None and node["bestOffer"]["region"] == "US"
    # Facets count every platform the matching titles are on, the filtered ones among them.
    assert {f["value"] for f in page["facets"]["platforms"]} & {"netflix", "hulu"}


def test_like_a_title_blends_the_graph_and_popularity(catalog: SubgraphClient) -> None:
    page = _search(catalog, "like toy story", first=10)
    assert page["intent"]["references"]
    titles = _titles(page)
    assert "Toy Story" not in titles, "the referenced title itself is not a result"
    node = page["edges"][0]["node"]
    assert node["parts"]["popularity"] is not None
    assert node["parts"]["vector"] is not None


def test_pages_do_not_overlap(catalog: SubgraphClient) -> None:
    first = _search(catalog, "war", first=5)
    second = _search(catalog, "war", first=5, after=first["pageInfo"]["endCursor"])
    assert first["pageInfo"]["hasNextPage"]
    assert not set(_titles(first)) & set(_titles(second))


def test_too_long_query_is_bad_input(catalog: SubgraphClient) -> None:
    result = catalog.execute(SEARCH, {"q": "x" * 501})
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert result["data"] is None


@pytest.mark.parametrize("first", [0, 101])
def test_page_size_outside_limits_is_bad_input(catalog: SubgraphClient, first: int) -> None:
    result = catalog.execute(SEARCH, {"q": "alien", "first": first})
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_malformed_region_is_bad_input(catalog: SubgraphClient) -> None:
    result = catalog.execute(SEARCH, {"q": "alien", "filter": {"region": "Germany"}})
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.fixture
def slow_embeddings() -> Iterator[None]:
    """The next app's embedding provider gets one microsecond: the vector part always times out."""
    os.environ["MG_CONTENT_EMBED_TIMEOUT"] = "0.000001"
    try:
        yield
    finally:
        os.environ.pop("MG_CONTENT_EMBED_TIMEOUT", None)


def test_a_failing_part_is_reported_and_the_others_answer(
    catalog_db: tuple[str, str], slow_embeddings: None
) -> None:
    with run_subgraph("content", *catalog_db) as degraded:
        page = _search(degraded, "toy stroy", first=5)
    assert page["missingParts"] == ["vector"]
    assert _titles(page)[0] == "Toy Story"
    top = page["edges"][0]["node"]
    assert top["parts"]["vector"] is None and top["parts"]["keyword"] > 0


def test_best_offer_defaults_to_the_signed_in_viewers_home_region(
    catalog: SubgraphClient,
) -> None:
    query = """query { search(query: "star wars", first: 5) {
      edges { node { bestOffer { region } } } } }"""
    anonymous = catalog.execute(query)["data"]["search"]["edges"]
    assert anonymous and all(e["node"]["bestOffer"] is None for e in anonymous)
    headers = catalog.headers_for(None)
    headers[CLAIMS_HEADER] = encode_claims({"sub": str(uuid.uuid4()), "scope": "",
                                            "home_region": "de"})
    signed_in = catalog.http.post("/graphql", json={"query": query}, headers=headers).json()
    regions = [e["node"]["bestOffer"]["region"]
               for e in signed_in["data"]["search"]["edges"] if e["node"]["bestOffer"]]
    assert regions and set(regions) == {"DE"}


@pytest.fixture
def recommendations(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeRecommendations]:
    """A real HTTP server playing recommendations' personal-scores endpoint; the next app is
    told its address the way the stack tells it (RECOMMENDATIONS_URL names the GraphQL URL)."""
    with fake_recommendations() as fake:
        monkeypatch.setenv("RECOMMENDATIONS_URL", f"{fake.url}/graphql")
        monkeypatch.setenv("MG_CONTENT_PERSONAL_TIMEOUT", "0.5")  # roomy on a busy CI machine
        yield fake


def _signed_in_search(client: SubgraphClient, query: str) -> dict:
    result = client.execute(SEARCH, {"q": query, "first": 10}, user_id=VIEWER)
    assert "errors" not in result, result
    return result["data"]["search"]


VIEWER = uuid.uuid4()


def test_personal_scores_from_recommendations_join_a_signed_in_search(
    catalog_db: tuple[str, str], recommendations: FakeRecommendations
) -> None:
    with run_subgraph("content", *catalog_db) as client:
        anonymous = _search(client, "toy story", first=10)
        assert recommendations.requests == [], "nobody to personalise for"
        liked = anonymous["edges"][3]["node"]["title"]
        recommendations.scores = {liked["id"]: 1.0}
        page = _signed_in_search(client, "toy story")
    assert page["missingParts"] == []
    # Every candidate is asked about, at most 100 a request.
    requests = recommendations.requests
    assert requests and all(0 < len(r["json"]["title_ids"]) <= 100 for r in requests)
    assert all(r["headers"][SECRET_HEADER] == SECRET for r in requests)
    assert {r["json"]["user_id"] for r in requests} == {str(VIEWER)}
    assert liked["id"] in {i for r in requests for i in r["json"]["title_ids"]}
    parts = {e["node"]["title"]["id"]: e["node"]["parts"] for e in page["edges"]}
    assert parts[liked["id"]]["personal"] > 0
    # The part ran: a title recommendations has no score for adds nothing.
    assert all(p["personal"] == 0 for i, p in parts.items() if i != liked["id"])
    node = next(e["node"] for e in page["edges"] if e["node"]["title"]["id"] == liked["id"])
    assert node["score"] == pytest.approx(sum(v or 0 for v in node["parts"].values()), abs=1e-6)
    assert _titles(page).index(liked["title"]) < 3, "the viewer's liking lifted it"


def test_no_scores_is_not_a_missing_part(
    catalog_db: tuple[str, str], recommendations: FakeRecommendations
) -> None:
    with run_subgraph("content", *catalog_db) as client:
        page = _signed_in_search(client, "toy story")
    assert recommendations.requests, "asked, and told nothing"
    assert page["missingParts"] == []
    assert all(e["node"]["parts"]["personal"] is None for e in page["edges"])


@pytest.mark.parametrize("failure", ["slow", "error", "bad json", "nobody listening"])
def test_a_failing_personal_call_is_a_missing_part_and_search_answers(
    catalog_db: tuple[str, str], recommendations: FakeRecommendations,
    monkeypatch: pytest.MonkeyPatch, failure: str,
) -> None:
    if failure == "slow":
        recommendations.delay = 2.0
        monkeypatch.setenv("MG_CONTENT_PERSONAL_TIMEOUT", "0.05")
    elif failure == "error":
        recommendations.status = 503
    elif failure == "bad json":
        recommendations.body = "<html>"
    else:
        monkeypatch.setenv("RECOMMENDATIONS_URL", f"http://127.0.0.1:{free_port()}")
    with run_subgraph("content", *catalog_db) as client:
        page = _signed_in_search(client, "toy stroy")
    assert page["missingParts"] == ["personal"]
    assert _titles(page)[0] == "Toy Story"
    assert all(e["node"]["parts"]["personal"] is None for e in page["edges"])
    if failure == "slow":
        assert page["searchTimeMs"] < 1_000, "given up after the timeout, not after the answer"


def test_personalisation_switched_off_asks_nobody(
    catalog_db: tuple[str, str], recommendations: FakeRecommendations,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MG_CONTENT_PERSONAL_SCORES", "off")
    with run_subgraph("content", *catalog_db) as client:
        page = _signed_in_search(client, "toy story")
    assert recommendations.requests == [] and page["missingParts"] == []


def _ids_as(client: SubgraphClient, query: str, user: uuid.UUID, profile: uuid.UUID | None,
            **filters: object) -> list[str]:
    result = client.execute(SEARCH, {"q": query, "first": 30, "filter": filters or None},
                            user_id=user, claims={"profile": str(profile)} if profile else None)
    assert "errors" not in result, result
    return [e["node"]["title"]["id"] for e in result["data"]["search"]["edges"]]


def test_a_sign_in_acting_as_a_kid_profile_searches_within_its_limits(
    catalog: SubgraphClient, catalog_db: tuple[str, str]
) -> None:
    user, kid, stranger = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    query = "scary monsters"
    everything = _ids_as(catalog, query, user, None)
    limited = _ids_as(catalog, query, user, None, maxAgeRating=7, blockedGenres=["horror"])
    assert everything and everything != limited
    # Content has not heard of the profile yet: no limits known, none applied.
    assert _ids_as(catalog, query, user, kid) == everything
    redis.Redis.from_url(catalog_db[1]).xadd("profile.changed", Event(
        type="profile.changed", payload={
            "profile_id": str(kid), "user_id": str(user), "name": "Kid", "is_kid": True,
            "max_age": 7, "max_age_rating": "PG", "blocked_genres": ["horror"],
            "deleted": False}).encode())  # type: ignore[arg-type]
    for _ in range(100):
        if _ids_as(catalog, query, user, kid) != everything:
            break
        time.sleep(0.1)
    assert _ids_as(catalog, query, user, kid) == limited
    # The caller's filter cannot loosen the profile's limits, only tighten them.
    assert _ids_as(catalog, query, user, kid, maxAgeRating=18) == limited
    # A token naming another household's profile gets no limits of it (and sees nothing of it).
    assert _ids_as(catalog, query, stranger, kid) == everything
