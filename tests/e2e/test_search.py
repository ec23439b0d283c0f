"""Through the real router: hybrid search over the seeded, indexed MovieLens catalog."""

from __future__ import annotations

from tests.support.stack import Router

SEARCH = """
query($q: String!, $filter: SearchFilter, $first: Int) {
  search(query: $q, filter: $filter, first: $first) {
    totalCount searchTimeMs missingParts
    intent { text genres references regions }
    facets { genres { value count } decades { value count } }
    edges { node {
      score matchReasons parts { vector keyword graph popularity personal }
      title { id title releaseYear }
      bestOffer { region type platform { slug name } }
    } }
  }
}
"""


def test_search_finds_a_misspelled_title_with_where_to_watch_it(router: Router) -> None:
    result = router.execute(SEARCH, {"q": "toy stroy", "first": 5, "filter": {"region": "US"}})
    assert "errors" not in result, result
    page = result["data"]["search"]
    top = page["edges"][0]["node"]
    assert top["title"]["title"] == "Toy Story"
    assert top["bestOffer"]["region"] == "US" and top["bestOffer"]["platform"]["name"]
    assert top["matchReasons"]
    assert page["missingParts"] == [] and page["searchTimeMs"] > 0


def test_search_like_a_title_for_a_signed_in_viewer(router: Router) -> None:
    token = router.login("user1@demo.mediagateway.dev")
    result = router.execute(SEARCH, {"q": "something like toy story from the 90s", "first": 10},
                            token=token)
    assert "errors" not in result, result
    page = result["data"]["search"]
    assert page["intent"]["references"]
    assert page["edges"]
    assert all(1990 <= e["node"]["title"]["releaseYear"] <= 1999 for e in page["edges"])
    assert "Toy Story" not in {e["node"]["title"]["title"] for e in page["edges"]}
    assert {f["value"] for f in page["facets"]["decades"]} == {"1990"}
    # No region asked for: bestOffer is in the viewer's home region, from the token's claims.
    me = router.execute("{ me { homeRegion } }", token=token)["data"]["me"]
    regions = {e["node"]["bestOffer"]["region"] for e in page["edges"] if e["node"]["bestOffer"]}
    assert regions == {me["homeRegion"]}


def test_search_rejects_a_query_over_500_characters(router: Router) -> None:
    result = router.execute(SEARCH, {"q": "a" * 501})
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
