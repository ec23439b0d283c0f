"""Household profiles through the real router: a token acting as a kid profile searches and is
recommended within the profile's limits, which reach content and recommendations as events."""

from __future__ import annotations

import time

import pytest

from mediagateway.demo.devices import wait_for_consumers
from mediagateway.movielens import MovieLens
from mediagateway.stack import Stack
from tests.support.stack import Router

CREATE = """
mutation($name: String!) { createProfile(input: {name: $name, isKid: true, avatar: "kid-cat",
  blockedGenres: ["horror", "thriller"]}) { profile { id isKid maxAgeRating } } }
"""
SWITCH = """
mutation($id: ID!) { switchProfile(profileId: $id) { accessToken profile { id name } } }
"""
SEARCH = """
query($q: String!) { search(query: $q, first: 20) {
  edges { node { title { id genres { slug } } } } } }
"""
RECOMMEND = """
query($p: ID) { me { activeProfile { id }
  recommendations(first: 20, context: {profileId: $p}) {
    edges { node { title { id genres { slug } } } } } } }
"""
BLOCKED = {"horror", "thriller"}


def _genres(edges: list[dict]) -> list[set[str]]:
    return [{g["slug"] for g in e["node"]["title"]["genres"]} for e in edges]


@pytest.fixture(scope="module")
def household(stack: Stack, router: Router) -> tuple[str, str, str]:
    """(the grown-up's token, the kid profile's id, a token acting as it)."""
    wait_for_consumers(stack.env["REDIS_URL"])
    token = router.login(MovieLens().users[2].email)
    created = router.execute(CREATE, {"name": f"Kid {time.time_ns() % 10**6}"}, token=token)
    assert "errors" not in created, created
    kid = created["data"]["createProfile"]["profile"]
    assert kid["isKid"] and kid["maxAgeRating"] == "PG"
    switched = router.execute(SWITCH, {"id": kid["id"]}, token=token)
    assert "errors" not in switched, switched
    return token, kid["id"], switched["data"]["switchProfile"]["accessToken"]


def test_a_kid_profile_searches_within_its_limits(
    router: Router, household: tuple[str, str, str]
) -> None:
    token, _, kid_token = household
    grown = router.execute(SEARCH, {"q": "scary horror movies"}, token=token)["data"]["search"]
    assert any(g & BLOCKED for g in _genres(grown["edges"]))
    # The limits arrive by event: wait for content to have them.
    deadline = time.monotonic() + 20
    while True:
        kid = router.execute(SEARCH, {"q": "scary horror movies"}, token=kid_token)
        assert "errors" not in kid, kid
        found = _genres(kid["data"]["search"]["edges"])
        if not any(g & BLOCKED for g in found) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert not any(g & BLOCKED for g in found), found


def test_a_kid_profile_is_recommended_within_its_limits_and_only_its_own(
    router: Router, household: tuple[str, str, str]
) -> None:
    token, kid_id, kid_token = household
    deadline = time.monotonic() + 20
    while True:
        answer = router.execute(RECOMMEND, {"p": None}, token=kid_token)
        assert "errors" not in answer, answer
        found = _genres(answer["data"]["me"]["recommendations"]["edges"])
        if (found and not any(g & BLOCKED for g in found)) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert answer["data"]["me"]["activeProfile"]["id"] == kid_id
    assert found and not any(g & BLOCKED for g in found), found
    # The kid's token cannot ask for the grown-up's list; the grown-up can look at the kid's.
    me = router.execute("{ me { profiles { id isKid } } }", token=token)["data"]["me"]
    grown_up = next(p["id"] for p in me["profiles"] if not p["isKid"])
    refused = router.execute(RECOMMEND, {"p": grown_up}, token=kid_token)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN", refused
    looked = router.execute(RECOMMEND, {"p": kid_id}, token=token)
    assert "errors" not in looked, looked
    assert not any(g & BLOCKED for g in _genres(looked["data"]["me"]["recommendations"]["edges"]))
