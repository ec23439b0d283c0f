"""Recommendations before any model is built (the popularity ranker), fed through Redis streams."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from redis import Redis

from subgraphs.common.events import Event
from subgraphs.recommendations.settings import Settings
from tests.recommendations.events import publish, title_event, viewing_event, wait_absorbed
from tests.support.inprocess import SECRET, SubgraphClient, run_subgraph

RECOMMENDATIONS = """
query($id: ID!, $first: Int!) {
  _entities(representations: [{__typename: "User", id: $id}]) {
    ... on User {
      recommendations(first: $first) { edges { node { title { id } score reason } } }
    }
  }
}
"""
SIMILAR = """
query($id: ID!) {
  _entities(representations: [{__typename: "Title", id: $id}]) {
    ... on Title { similar(first: 3) { id } }
  }
}
"""
STREAMS = ["title.upserted", "viewing.recorded", "user.registered"]


@pytest.fixture
def recommendations(database_url: str, redis_url: str, tmp_path: Path
                    ) -> Iterator[SubgraphClient]:
    # No model directory content and no training: the popularity ranker answers.
    settings = Settings(name="recommendations", database_url=database_url, redis_url=redis_url,
                        router_secret=SECRET, model_dir=tmp_path / "models", retrain_seconds=0)
    with run_subgraph("recommendations", database_url, redis_url, settings) as client:
        yield client


def recommend(client: SubgraphClient, user: uuid.UUID, first: int = 5,
              as_user: uuid.UUID | None = None) -> dict[str, Any]:
    """The result, with the connection's nodes as a plain list."""
    result = client.execute(RECOMMENDATIONS, {"id": str(user), "first": first},
                            user_id=as_user or user)
    for entity in (result.get("data") or {}).get("_entities") or []:
        if entity and entity.get("recommendations"):
            entity["recommendations"] = [e["node"] for e in entity["recommendations"]["edges"]]
    return result


class Catalog:
    """Three watched titles (two dramas rated 5, a comedy rated 4) and four to recommend."""

    def __init__(self) -> None:
        ids = {name: uuid.uuid4() for name in
               ("seen1", "seen2", "seen3", "drama_hit", "drama_niche", "comedy_hit", "horror_hit")}
        self.ids = ids
        self.user = uuid.uuid4()
        self.titles = [
            title_event(ids["seen1"], ["drama"], 500, 4.0),
            title_event(ids["seen2"], ["drama"], 400, 4.0),
            title_event(ids["seen3"], ["comedy"], 300, 4.0),
            title_event(ids["drama_hit"], ["drama"], 2_000, 4.4),
            title_event(ids["drama_niche"], ["drama"], 20, 3.6),
            title_event(ids["comedy_hit"], ["comedy", "drama"], 1_500, 4.2),
            title_event(ids["horror_hit"], ["horror"], 90_000, 4.8),
        ]
        self.views = [
            viewing_event(self.user, ids["seen1"], 5, event_id=f"{self.user}-1"),
            viewing_event(self.user, ids["seen2"], 5, event_id=f"{self.user}-2"),
            viewing_event(self.user, ids["seen3"], 4, event_id=f"{self.user}-3"),
        ]

    def events(self) -> list[Event]:
        return [*self.titles, *self.views]


def test_recommends_popular_titles_in_liked_genres_and_skips_watched(
    recommendations: SubgraphClient, redis: Redis
) -> None:
    catalog = Catalog()
    publish(redis, catalog.events())
    wait_absorbed(redis, STREAMS[:2])

    result = recommend(recommendations, catalog.user)
    assert "errors" not in result, result
    items = result["data"]["_entities"][0]["recommendations"]
    ids = [uuid.UUID(item["title"]["id"]) for item in items]
    watched = {catalog.ids[name] for name in ("seen1", "seen2", "seen3")}
    assert not watched & set(ids)
    assert ids[:3] == [catalog.ids["comedy_hit"], catalog.ids["drama_hit"],
                       catalog.ids["drama_niche"]]
    assert items[0]["reason"] == "Popular in Drama and Comedy, which you rate highly"
    assert items[1]["reason"] == "Popular in Drama, which you rate highly"
    # Unrelated to the user's genres: only as a filler, however popular, after the matches.
    assert ids[3] == catalog.ids["horror_hit"]
    assert items[3]["reason"] == "Popular right now"
    scores = [item["score"] for item in items]
    assert scores == sorted(scores, reverse=True)


def test_the_same_events_twice_change_nothing(
    recommendations: SubgraphClient, redis: Redis
) -> None:
    catalog = Catalog()
    publish(redis, catalog.events())
    wait_absorbed(redis, STREAMS[:2])
    before = recommend(recommendations, catalog.user)

    # Redelivery: the same facts under new stream entries, and a view of one title repeated.
    publish(redis, [*catalog.events(), *catalog.views])
    wait_absorbed(redis, STREAMS[:2])
    assert recommend(recommendations, catalog.user) == before


def test_cold_start_follows_signup_genres_then_popularity(
    recommendations: SubgraphClient, redis: Redis
) -> None:
    catalog = Catalog()
    newcomer = uuid.uuid4()
    signup = Event(type="user.registered",
                   payload={"user_id": str(newcomer), "preferred_genres": ["comedy"]})
    publish(redis, [*catalog.titles, signup])
    wait_absorbed(redis, STREAMS[::2])

    items = recommend(recommendations, newcomer, first=3)["data"]["_entities"][0][
        "recommendations"
    ]
    assert uuid.UUID(items[0]["title"]["id"]) == catalog.ids["comedy_hit"]
    assert items[0]["reason"] == "Popular in Comedy, which you picked at signup"

    stranger = recommend(recommendations, uuid.uuid4(), first=2)["data"]["_entities"][0][
        "recommendations"
    ]
    assert uuid.UUID(stranger[0]["title"]["id"]) == catalog.ids["horror_hit"]
    assert {item["reason"] for item in stranger} == {"Popular right now"}


def test_similar_titles_share_genres(recommendations: SubgraphClient, redis: Redis) -> None:
    catalog = Catalog()
    dramedy = uuid.uuid4()
    publish(redis, [*catalog.titles, title_event(dramedy, ["drama", "comedy"], 5, 3.0)])
    wait_absorbed(redis, STREAMS[:1])
    result = recommendations.execute(SIMILAR, {"id": str(catalog.ids["comedy_hit"])})
    similar = [uuid.UUID(t["id"]) for t in result["data"]["_entities"][0]["similar"]]
    # Both genres shared beats popularity; then titles sharing one, most popular first.
    assert similar == [dramedy, catalog.ids["drama_hit"], catalog.ids["seen1"]]


def test_only_the_user_themself_sees_their_recommendations(
    recommendations: SubgraphClient,
) -> None:
    user = uuid.uuid4()
    other = recommend(recommendations, user, as_user=uuid.uuid4())
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = recommendations.execute(RECOMMENDATIONS, {"id": str(user), "first": 5})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("first", [0, 101])
def test_first_outside_1_to_100_is_bad_input(
    recommendations: SubgraphClient, first: int
) -> None:
    user = uuid.uuid4()
    result = recommend(recommendations, user, first=first)
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
