"""SONA through the real router, on the seeded demo: the first model is built by the worker the
app starts once the seeded backlog is absorbed, and served without a restart."""

from __future__ import annotations

import time

import httpx
import pytest

from mediagateway.demo.devices import wait_for_consumers
from mediagateway.movielens import MovieLens
from mediagateway.stack import Stack
from tests.support.stack import Router

RECOMMEND = """
{ me { recommendations(first: 10) {
  totalCount
  edges { node { score reason reasonKind title { id title } because { id title } } } } } }
"""
FEEDBACK = """
mutation($t: ID!) { recommendationFeedback(titleId: $t, signal: NOT_INTERESTED) { signal } }
"""
SEARCH = """
query($q: String!) { search(query: $q, first: 10, filter: {region: "US"}) {
  missingParts edges { node { parts { personal } title { id } } } } }
"""


def _wait_for_model(stack: Stack, timeout: float = 600.0) -> str:
    url = stack.subgraph_url("recommendations").replace("/graphql", "/model")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        version = httpx.get(url, timeout=5).json().get("version")
        if version:
            return str(version)
        time.sleep(1)
    raise AssertionError("no recommendations model was served")


@pytest.fixture(scope="module")
def token(stack: Stack, router: Router) -> str:
    wait_for_consumers(stack.env["REDIS_URL"])
    _wait_for_model(stack)
    # The account other end-to-end tests sign in with: no sign-in of its own (10 a minute).
    return router.login(MovieLens().users[0].email)


def test_recommendations_cite_what_the_user_watched(router: Router, token: str) -> None:
    data = MovieLens()
    user = data.users[0]
    rated = {str(data.items[r.item_id - 1].id) for r in data.ratings if r.user_id == user.user_id}
    result = router.execute(RECOMMEND, token=token)
    assert "errors" not in result, result
    items = [edge["node"] for edge in result["data"]["me"]["recommendations"]["edges"]]
    assert len(items) == 10
    assert not {item["title"]["id"] for item in items} & rated
    cited = [item for item in items if item["reasonKind"] == "BECAUSE_WATCHED"]
    assert cited, [item["reason"] for item in items]
    for item in cited:
        assert item["because"] and {t["id"] for t in item["because"]} <= rated
        assert all(t["title"] in item["reason"] for t in item["because"])


def test_not_interested_hides_the_title_in_the_next_list(router: Router, token: str) -> None:
    first = router.execute(RECOMMEND, token=token)["data"]["me"]["recommendations"]["edges"]
    title = first[0]["node"]["title"]["id"]
    answer = router.execute(FEEDBACK, {"t": title}, token=token)
    assert answer["data"]["recommendationFeedback"]["signal"] == "NOT_INTERESTED", answer
    again = router.execute(RECOMMEND, token=token)["data"]["me"]["recommendations"]["edges"]
    assert title not in {edge["node"]["title"]["id"] for edge in again}


def test_signed_in_search_blends_in_the_personal_score(router: Router, token: str) -> None:
    signed = router.execute(SEARCH, {"q": "space adventure"}, token=token)["data"]["search"]
    assert "personal" not in signed["missingParts"]
    assert any(edge["node"]["parts"]["personal"] for edge in signed["edges"])
    anonymous = router.execute(SEARCH, {"q": "space adventure"})["data"]["search"]
    assert all(edge["node"]["parts"]["personal"] is None for edge in anonymous["edges"])
