"""Through the real router, on the seeded catalog: `titles` under every sort is in order and
pages through without repeating or skipping a title; filters; `onlyMySubscriptions`; bad input."""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest

from mediagateway.demo.devices import wait_for_consumers
from mediagateway.movielens import MovieLens
from mediagateway.stack import Stack
from subgraphs.content.catalog.domain.ordering import trend_score
from tests.support.stack import Router

PAGE = """
query($first: Int, $after: String, $filter: TitleFilter, $sort: TitleSort!, $order: SortOrder,
      $region: String!) {
  titles(first: $first, after: $after, filter: $filter, sortBy: $sort, sortOrder: $order) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id sortTitle popularity averageRating releaseYear genres { slug }
      offers(region: $region) { type price { amount } platform { slug } }
    } }
  }
}
"""
# About a hundred titles: every sort pages through all of them in pages of 7.
CRIME_90S = {"genres": ["crime"], "yearFrom": 1990, "yearTo": 1999}


@pytest.fixture(scope="module", autouse=True)
def _settled(stack: Stack) -> None:
    """Trending and the viewers' platforms come from the seeded events: read once they are in."""
    wait_for_consumers(stack.env["REDIS_URL"])


def _codes(result: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in result.get("errors", [])]


def _execute(router: Router, query: str, variables: dict[str, Any],
             token: str | None = None) -> dict[str, Any]:
    """As a client does: a part the router marks retryable (a subgraph slower than its timeout
    on a loaded machine) is asked again, a few times; any other error is the answer."""
    for _ in range(4):
        result = router.execute(query, variables, token=token)
        errors = result.get("errors") or []
        if not any((e.get("extensions") or {}).get("retryable") for e in errors):
            break
        time.sleep(1)
    return result


def _all_pages(router: Router, sort: str, order: str | None = None,
               filter: dict[str, Any] | None = None, region: str = "US",
               token: str | None = None, first: int = 7) -> tuple[list[dict[str, Any]], int]:
    nodes: list[dict[str, Any]] = []
    after, total = None, None
    while True:
        result = _execute(router, PAGE, {"first": first, "after": after, "filter": filter,
                                         "sort": sort, "order": order, "region": region},
                          token=token)
        assert "errors" not in result, result
        titles = result["data"]["titles"]
        assert total in (None, titles["totalCount"]), "the total holds across pages"
        total = titles["totalCount"]
        nodes += [edge["node"] for edge in titles["edges"]]
        if not titles["pageInfo"]["hasNextPage"]:
            return nodes, total
        after = titles["pageInfo"]["endCursor"]


def _in_order(nodes: list[dict[str, Any]], value: Any, descending: bool) -> None:
    """Valued titles first, each next one no better than the last, ties by id; then the rest
    by id."""
    keyed = [(value(node), node["id"]) for node in nodes]
    valued = [(v, i) for v, i in keyed if v is not None]
    empty = [i for v, i in keyed if v is None]
    assert keyed[:len(valued)] == valued, "titles without a value come last"
    for (a, id_a), (b, id_b) in itertools.pairwise(valued):
        assert (b < a if descending else b > a) or (a == b and id_a < id_b), (a, b)
    assert empty == sorted(empty)


def _no_repeats_or_gaps(nodes: list[dict[str, Any]], total: int) -> None:
    ids = [node["id"] for node in nodes]
    assert len(ids) == len(set(ids)) == total


def _price(node: dict[str, Any]) -> Decimal | None:
    prices = [Decimal(str(offer["price"]["amount"])) if offer["price"] else Decimal(0)
              for offer in node["offers"] if offer["type"] in ("RENT", "BUY", "FREE", "ADS")]
    return min(prices) if prices else None


COLUMNS = {
    "POPULARITY": (lambda node: node["popularity"], True),
    "RATING": (lambda node: node["averageRating"], True),
    "RELEASE_DATE": (lambda node: node["releaseYear"], True),
    "TITLE": (lambda node: node["sortTitle"].casefold(), False),
    "PRICE": (_price, False),
}


@pytest.mark.parametrize("sort", list(COLUMNS))
@pytest.mark.parametrize("direction", [None, "ASC", "DESC"])
def test_every_sort_orders_and_pages_without_repeats_or_gaps(
    router: Router, sort: str, direction: str | None
) -> None:
    value, natural = COLUMNS[sort]
    nodes, total = _all_pages(router, sort, direction, {**CRIME_90S, "region": "US"})
    assert 50 < total < 400, total
    _no_repeats_or_gaps(nodes, total)
    _in_order(nodes, value, natural if direction is None else direction == "DESC")
    for node in nodes:
        assert "crime" in {genre["slug"] for genre in node["genres"]}
        assert 1990 <= node["releaseYear"] <= 1999


def test_default_order_is_popularity_across_the_whole_catalog(router: Router) -> None:
    nodes, total = _all_pages(router, "POPULARITY", first=50)
    # The whole seeded catalog, and whatever other tests ingested into this stack beside it.
    assert {str(item.id) for item in MovieLens().items} <= {node["id"] for node in nodes}
    _no_repeats_or_gaps(nodes, total)
    _in_order(nodes, COLUMNS["POPULARITY"][0], True)
    first_page = _execute(router, "{ titles(first: 20) { edges { node { id } } } }", {})
    assert [e["node"]["id"] for e in first_page["data"]["titles"]["edges"]] == \
        [node["id"] for node in nodes[:20]], "no sortBy is the popularity order"


def test_trending_is_decayed_viewing_and_moves_after_a_viewing(
    stack: Stack, router: Router
) -> None:
    data = MovieLens()
    wait_for_consumers(stack.env["REDIS_URL"])
    ids = {item.item_id: str(item.id) for item in data.items}
    times: dict[str, list[Any]] = defaultdict(list)
    for rating in data.ratings:
        times[ids[rating.item_id]].append(rating.rated_at)
    expected = {title_id: trend_score(at) for title_id, at in times.items()}

    nodes, total = _all_pages(router, "TRENDING", filter=CRIME_90S)
    _no_repeats_or_gaps(nodes, total)
    scores = [expected.get(node["id"]) for node in nodes]
    valued = [s for s in scores if s is not None]
    assert valued == scores[:len(valued)], "titles nobody watched come last"
    assert all(b <= a + 1e-9 for a, b in itertools.pairwise(valued)), \
        "most watched lately first"

    # A fresh viewing outweighs every 1998 one: the least trending title jumps to the top.
    last = nodes[len(valued) - 1]["id"]
    token = router.login(data.users[5].email)
    viewed = router.execute(
        "mutation($t: ID!) { recordViewing(input: {titleId: $t, progress: 1.0}) { id } }",
        {"t": last}, token=token)
    assert "errors" not in viewed, viewed
    wait_for_consumers(stack.env["REDIS_URL"])
    top = _execute(router, PAGE, {"first": 1, "filter": CRIME_90S, "sort": "TRENDING",
                                  "region": "US"})
    assert top["data"]["titles"]["edges"][0]["node"]["id"] == last


def test_only_my_subscriptions_for_a_signed_in_viewer(stack: Stack, router: Router) -> None:
    user = MovieLens().users[2]
    token = router.login(user.email)
    wait_for_consumers(stack.env["REDIS_URL"])
    me = router.execute("{ me { homeRegion subscribedPlatforms } }", token=token)["data"]["me"]
    mine, region = set(me["subscribedPlatforms"]), me["homeRegion"]
    assert mine

    nodes, total = _all_pages(router, "TITLE", filter={**CRIME_90S, "onlyMySubscriptions": True},
                              region=region, token=token)
    _, everything = _all_pages(router, "TITLE", filter=CRIME_90S, region=region, first=50)
    assert 0 < total < everything
    _no_repeats_or_gaps(nodes, total)
    for node in nodes:
        included = {offer["platform"]["slug"] for offer in node["offers"]
                    if offer["type"] == "SUBSCRIPTION"}
        assert included & mine, (node["id"], included, mine)

    anonymous = router.execute(PAGE, {"filter": {"onlyMySubscriptions": True},
                                      "sort": "POPULARITY", "region": "US"})
    assert _codes(anonymous) == ["UNAUTHENTICATED"]


def test_price_sort_takes_the_viewers_home_region(stack: Stack, router: Router) -> None:
    user = MovieLens().users[3]
    token = router.login(user.email)
    region = router.execute("{ me { homeRegion } }", token=token)["data"]["me"]["homeRegion"]
    nodes, total = _all_pages(router, "PRICE", filter=CRIME_90S, region=region, token=token,
                              first=25)
    _no_repeats_or_gaps(nodes, total)
    _in_order(nodes, _price, False)
    assert any(_price(node) for node in nodes), "some titles are for rent"


@pytest.mark.parametrize(("variables", "why"), [
    ({"sort": "CHEAPEST_FIRST"}, "an unknown sort"),
    ({"sort": "PRICE"}, "price without a region, signed out"),
    ({"sort": "PRICE", "filter": {"region": "USA"}}, "a malformed region"),
    ({"sort": "POPULARITY", "first": 101}, "a page too large"),
    ({"sort": "POPULARITY", "after": "bm9wZQ=="}, "a malformed cursor"),
])
def test_bad_input_is_refused(router: Router, variables: dict[str, Any], why: str) -> None:
    result = router.execute(PAGE, {"region": "US", **variables})
    assert _codes(result) == ["BAD_USER_INPUT"], why


def test_a_cursor_resumes_only_its_own_order(router: Router) -> None:
    four = router.execute(PAGE, {"first": 4, "sort": "RATING", "region": "US"})
    ids = [edge["node"]["id"] for edge in four["data"]["titles"]["edges"]]
    cursor = four["data"]["titles"]["edges"][1]["cursor"]
    assert _codes(router.execute(PAGE, {"sort": "TITLE", "after": cursor, "region": "US"})) == \
        ["BAD_USER_INPUT"]
    resumed = router.execute(PAGE, {"first": 2, "sort": "RATING", "after": cursor,
                                    "region": "US"})
    assert [edge["node"]["id"] for edge in resumed["data"]["titles"]["edges"]] == ids[2:]


def test_the_cost_limit_applies_under_every_sort(router: Router) -> None:
    query = """query($sort: TitleSort!) { titles(first: 100, sortBy: $sort) { edges { node {
      similar(first: 100) { similar(first: 100) { id title } } } } } }"""
    for sort in [*COLUMNS, "TRENDING"]:
        assert "COST_ESTIMATED_TOO_EXPENSIVE" in _codes(router.execute(query, {"sort": sort}))


SEARCH = """
query($q: String!, $sort: SearchSort!, $order: SortOrder, $after: String, $filter: SearchFilter) {
  search(query: $q, first: 10, after: $after, sortBy: $sort, sortOrder: $order,
         filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { score title { id sortTitle popularity releaseYear } } }
  }
}
"""


@pytest.mark.parametrize(("sort", "order", "value", "descending"), [
    ("TITLE", None, lambda title: title["sortTitle"].casefold(), False),
    ("POPULARITY", "ASC", lambda title: title["popularity"], False),
    ("RELEASE_DATE", None, lambda title: title["releaseYear"], True),
])
def test_search_orders_its_matches_by_another_key(
    router: Router, sort: str, order: str | None, value: Any, descending: bool
) -> None:
    variables = {"q": "heist crime thriller", "sort": sort, "order": order}
    relevance = router.execute(SEARCH, {**variables, "sort": "RELEVANCE", "order": None})
    titles, after = [], None
    while True:
        result = _execute(router, SEARCH, {**variables, "after": after})
        assert "errors" not in result, result
        page = result["data"]["search"]
        titles += [edge["node"]["title"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"] or len(titles) >= 60:
            break
        after = page["pageInfo"]["endCursor"]
    assert page["totalCount"] == relevance["data"]["search"]["totalCount"], "the same matches"
    assert len({title["id"] for title in titles}) == len(titles)
    _in_order(titles, value, descending)


def test_search_by_price_needs_a_region(router: Router) -> None:
    refused = router.execute(SEARCH, {"q": "crime", "sort": "PRICE"})
    assert _codes(refused) == ["BAD_USER_INPUT"]
    priced = router.execute(SEARCH, {"q": "crime", "sort": "PRICE", "filter": {"region": "US"}})
    assert "errors" not in priced, priced


def test_search_only_my_subscriptions(stack: Stack, router: Router) -> None:
    user = MovieLens().users[2]
    token = router.login(user.email)
    me = router.execute("{ me { homeRegion subscribedPlatforms } }", token=token)["data"]["me"]
    query = """query($region: String!) {
      search(query: "crime", first: 30, filter: {onlyMySubscriptions: true}) {
        totalCount edges { node { title { id offers(region: $region) {
          type platform { slug } } } } } } }"""
    result = router.execute(query, {"region": me["homeRegion"]}, token=token)
    assert "errors" not in result, result
    edges = result["data"]["search"]["edges"]
    assert edges
    for edge in edges:
        included = {offer["platform"]["slug"] for offer in edge["node"]["title"]["offers"]
                    if offer["type"] == "SUBSCRIPTION"}
        assert included & set(me["subscribedPlatforms"]), edge
    assert _codes(router.execute(query, {"region": "US"})) == ["UNAUTHENTICATED"]
