"""Streaming charts through the real router on the seeded demo: a region's chart and a
platform's, a chart that moves after viewings recorded through the API, `Title.chartPosition`,
paging and its limits, bad input and a kid profile's limits."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from mediagateway.demo.devices import wait_for_consumers
from mediagateway.demo.users import home_region
from mediagateway.movielens import MovieLens
from mediagateway.stack import Stack
from tests.support.stack import Router

CHART = """
query($r: String!, $p: String, $n: Int!, $a: String) {
  streamingCharts(region: $r, platform: $p, first: $n, after: $a) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { rank previousRank rankChange trend daysInTop10 daysInTop100
      title { id title genres { slug } } } } } }
"""
# Ranks and ids only: recommendations alone, no content fetch (what the polling loops read).
RANKS = """
query($r: String!, $n: Int!) { streamingCharts(region: $r, first: $n) {
  edges { node { rank title { id } } } } }
"""
POSITION = """
query($t: ID!, $r: String!, $p: String) { title(id: $t) { id
  chartPosition(region: $r, platform: $p) { rank trend daysInTop10 title { id } } } }
"""
POSITIONS = """
query($r: String!) { titles(first: 20) { edges { node { id
  chartPosition(region: $r) { rank } } } } }
"""
RECORD = """
mutation($t: ID!) { recordViewing(input: {titleId: $t, progress: 1.0}) { id } }
"""
CREATE = """
mutation($name: String!) { createProfile(input: {name: $name, isKid: true, avatar: "kid-cat",
  blockedGenres: ["drama"]}) { profile { id } } }
"""
SWITCH = "mutation($id: ID!) { switchProfile(profileId: $id) { accessToken } }"
LIMIT = "query($n: Int!) { streamingCharts(region: \"US\", first: $n) { totalCount } }"
# Under a kid's age limit a title without an age rating (MovieLens has none) passes only when
# it is for families; this kid also blocks drama.
FAMILY = {"family", "animation"}
TOO_COSTLY = """{ streamingCharts(region: "US", first: 100) { edges { node { title {
  similar(first: 10) { id similar(first: 10) { id } } } } } } }"""
# Demo accounts living in France (users[7] is MovieLens user 8): nobody else's tests view as them.
VIEWER, PARENT = MovieLens().users[7], MovieLens().users[12]


def _codes(result: dict[str, Any]) -> list[str]:
    assert "Traceback" not in json.dumps(result)
    return [e.get("extensions", {}).get("code") for e in result.get("errors", [])]


def _retryable(result: dict[str, Any]) -> bool:
    errors = result.get("errors") or []
    return bool(errors) and all((e.get("extensions") or {}).get("retryable") for e in errors)


def _chart(router: Router, region: str, platform: str | None = None, first: int = 100,
           after: str | None = None, token: str | None = None,
           query: str = CHART) -> dict[str, Any]:
    variables = {"r": region, "p": platform, "n": first, "a": after}
    if query is RANKS:
        variables = {"r": region, "n": first}
    result = _execute(router, query, variables, token)
    assert "errors" not in result, result
    return result["data"]["streamingCharts"]


def _execute(router: Router, query: str, variables: dict[str, Any],
             token: str | None = None) -> dict[str, Any]:
    for _ in range(5):
        result = router.execute(query, variables, token=token)
        # A loaded machine: content may not answer in time ("retry shortly"), as a client would.
        if not _retryable(result):
            break
        time.sleep(1)
    return result


def _nodes(chart: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in chart["edges"]]


@pytest.fixture(scope="module")
def seeded(stack: Stack) -> None:
    wait_for_consumers(stack.env["REDIS_URL"])


def test_a_region_chart_on_the_seeded_demo(router: Router, seeded: None) -> None:
    chart = _chart(router, "US")
    entries = _nodes(chart)
    assert chart["totalCount"] == 100 and len(entries) == 100
    assert [e["rank"] for e in entries] == list(range(1, 101))
    assert all(e["title"]["title"] for e in entries)  # content resolves each reference
    assert len({e["title"]["id"] for e in entries}) == 100
    for entry in entries:
        assert entry["daysInTop100"] >= 1
        assert entry["daysInTop10"] >= (1 if entry["rank"] <= 10 else 0)
        if entry["previousRank"] is None:
            assert (entry["trend"], entry["rankChange"]) == ("NEW", None)
        else:
            assert entry["rankChange"] == entry["previousRank"] - entry["rank"]
    # Regions rank their own viewers' viewing.
    assert [e["title"]["id"] for e in _nodes(_chart(router, "JP"))] != [
        e["title"]["id"] for e in entries]


def test_a_platform_chart_on_the_seeded_demo(router: Router, seeded: None) -> None:
    netflix = _nodes(_chart(router, "GB", "netflix", first=20))
    assert len(netflix) == 20
    everything = {e["title"]["id"] for e in _nodes(_chart(router, "GB"))}
    assert [e["title"]["id"] for e in netflix] != [e["title"]["id"] for e in
                                                   _nodes(_chart(router, "GB", first=20))]
    assert {e["title"]["id"] for e in netflix} & everything


def _rank(router: Router, region: str, title_id: str) -> int | None:
    entries = _nodes(_chart(router, region, query=RANKS))
    return next((e["rank"] for e in entries if e["title"]["id"] == title_id), None)


def test_the_chart_moves_after_viewings(router: Router, seeded: None) -> None:
    region = home_region(VIEWER.user_id)
    assert region == "FR"
    entries = _nodes(_chart(router, region))
    climber = entries[60]["title"]["id"]
    token = router.login(VIEWER.email)
    recorded = router.execute(RECORD, {"t": climber}, token=token)
    assert "errors" not in recorded, recorded
    # The viewing reaches recommendations as an event; charts read it at their next refresh.
    deadline = time.monotonic() + 60
    while (rank := _rank(router, region, climber)) == 61 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert rank is not None and rank < 61
    position = _execute(router, POSITION, {"t": climber, "r": region.lower()})
    assert "errors" not in position, position
    placed = position["data"]["title"]["chartPosition"]
    assert placed["rank"] == _rank(router, region, climber)
    assert placed["title"]["id"] == climber
    assert placed["daysInTop10"] >= (1 if placed["rank"] <= 10 else 0)


def test_chart_positions_of_a_list_and_of_titles_outside_the_chart(
    router: Router, seeded: None
) -> None:
    result = _execute(router, POSITIONS, {"r": "DE"})
    assert "errors" not in result, result
    charted = {e["title"]["id"]: e["rank"] for e in _nodes(_chart(router, "DE"))}
    for edge in result["data"]["titles"]["edges"]:
        node = edge["node"]
        expected = charted.get(node["id"])
        assert (node["chartPosition"] or {}).get("rank") == expected


def test_pages_follow_each_other_within_the_limits(router: Router, seeded: None) -> None:
    first = _chart(router, "US", first=5)
    assert first["pageInfo"]["hasNextPage"] and not first["pageInfo"]["hasPreviousPage"]
    second = _chart(router, "US", first=5, after=first["pageInfo"]["endCursor"])
    assert [e["rank"] for e in _nodes(second)] == [6, 7, 8, 9, 10]
    assert second["pageInfo"]["hasPreviousPage"]
    last = _chart(router, "US", first=10, after=_chart(router, "US", first=95)
                  ["pageInfo"]["endCursor"])
    assert [e["rank"] for e in _nodes(last)] == [96, 97, 98, 99, 100]
    assert not last["pageInfo"]["hasNextPage"]
    for first_arg in (0, 101):
        refused = router.execute(LIMIT, {"n": first_arg})
        assert _codes(refused) == ["BAD_USER_INPUT"]
    assert _codes(router.execute(TOO_COSTLY)) == ["COST_ESTIMATED_TOO_EXPENSIVE"]


@pytest.mark.parametrize(("variables", "field"), [
    ({"r": "XX", "n": 5}, "region"),
    ({"r": "US", "p": "no_such_platform", "n": 5}, "platform"),
    ({"r": "US", "n": 5, "a": "not-a-cursor"}, "after"),
])
def test_bad_input_is_bad_user_input(router: Router, seeded: None, variables: dict[str, Any],
                                     field: str) -> None:
    result = router.execute(CHART, variables)
    assert _codes(result) == ["BAD_USER_INPUT"], result
    assert field in result["errors"][0]["message"].lower() or field == "after"


def test_chart_position_of_an_unknown_region_is_bad_user_input(
    router: Router, seeded: None
) -> None:
    title = MovieLens().items[0].id
    result = router.execute(POSITION, {"t": str(title), "r": "ZZ"})
    assert _codes(result) == ["BAD_USER_INPUT"], result


def test_a_kid_profile_sees_the_chart_within_its_limits(router: Router, seeded: None) -> None:
    token = router.login(PARENT.email)
    region = home_region(PARENT.user_id)
    # A family film the grown-up watches now: at the top of their region's chart.
    family_film = str(MovieLens().items[0].id)  # Toy Story
    assert "errors" not in router.execute(RECORD, {"t": family_film}, token=token)
    created = router.execute(CREATE, {"name": f"Kid {time.time_ns() % 10**6}"}, token=token)
    assert "errors" not in created, created
    switched = router.execute(SWITCH, {"id": created["data"]["createProfile"]["profile"]["id"]},
                              token=token)
    assert "errors" not in switched, switched
    kid = switched["data"]["switchProfile"]["accessToken"]
    # The viewing and the limits reach recommendations as events: until the family film leads
    # the kid's chart and the kid's chart is shorter.
    deadline = time.monotonic() + 90
    while True:
        everyone = _nodes(_chart(router, region, query=RANKS))
        limited = _nodes(_chart(router, region, token=kid, query=RANKS))
        arrived = bool(limited) and limited[0]["title"]["id"] == family_film
        if (arrived and len(limited) < len(everyone)) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    named = {e["title"]["id"]: e for e in _nodes(_chart(router, region))}

    def allowed(title_id: str) -> bool:
        genres = {g["slug"] for g in named[title_id]["title"]["genres"]}
        return "drama" not in genres and bool(genres & FAMILY)

    expected = [(e["rank"], e["title"]["id"]) for e in everyone if allowed(e["title"]["id"])]
    assert (expected[0][1] if expected else None) == family_film
    # The chart's own ranks, with what the profile may not see left out.
    assert [(e["rank"], e["title"]["id"]) for e in limited] == expected
    assert len(everyone) == 100 > len(limited)
