"""Through the real router: one query across all four subgraphs returns the right data."""

from __future__ import annotations

from mediagateway.demo.devices import wait_for_consumers
from mediagateway.movielens import MovieLens
from mediagateway.stack import Stack
from subgraphs.content.catalog.domain.titles import display_title
from tests.support.stack import Router

ACROSS_ALL = """
{
  me {
    id
    watchlist(first: 10) {
      totalCount
      edges { node { title { id title offers(region: "US") { type platform { slug name } } } } }
    }
    devices { name kind }
    recommendations(first: 5) { edges { node { title { id title } score reason } } }
  }
}
"""


def test_one_query_reaches_all_four_subgraphs(stack: Stack, router: Router) -> None:
    data = MovieLens()
    user = data.users[0]
    token = router.login(user.email)
    # As people read them: "The Truth About Cats & Dogs" where MovieLens files it "..., The".
    titles = {str(item.id): display_title(item.title) for item in data.items}
    five_stars = {str(data.items[r.item_id - 1].id) for r in data.ratings
                  if r.user_id == user.user_id and r.rating == 5}
    rated = {str(data.items[r.item_id - 1].id) for r in data.ratings if r.user_id == user.user_id}

    # Recommendations learn from events: ask once the seeded history has been absorbed, or a
    # title whose viewing is still queued could be recommended.
    wait_for_consumers(stack.env["REDIS_URL"])
    result = router.execute(ACROSS_ALL, token=token)
    assert "errors" not in result, result
    me = result["data"]["me"]

    assert me["id"] == str(user.id)
    watchlist = [edge["node"]["title"] for edge in me["watchlist"]["edges"]]
    assert len(watchlist) == min(5, len(five_stars))
    for title in watchlist:
        assert title["id"] in five_stars
        assert title["title"] == titles[title["id"]]
        assert title["offers"], "every demo title has an offer in the US"
    assert sorted(device["kind"] for device in me["devices"]) == ["PHONE", "TV"]
    recommendations = [edge["node"] for edge in me["recommendations"]["edges"]]
    recommended = [item["title"]["id"] for item in recommendations]
    assert recommended, "recommendations arrived"
    assert not set(recommended) & rated, "titles already watched are not recommended"
    assert all(item["title"]["title"] == titles[item["title"]["id"]] for item in recommendations)
    assert all(item["reason"] for item in recommendations)
