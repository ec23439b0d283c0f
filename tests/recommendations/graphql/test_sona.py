"""The learned engine served by the real app: events in through Redis, the model built by the
real worker command, answers through GraphQL and the personal-scores route."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from redis import Redis

from subgraphs.common.auth import SECRET_HEADER
from subgraphs.common.events import Event
from subgraphs.recommendations import services
from subgraphs.recommendations.adapters import artifact
from subgraphs.recommendations.adapters.repository import TortoiseRecommendationsRepository
from subgraphs.recommendations.domain.engine import adapter
from subgraphs.recommendations.settings import Settings
from tests.recommendations.events import publish, wait_absorbed
from tests.recommendations.world import World, train, viewing, wait_for_model
from tests.support.inprocess import SECRET, SubgraphClient, run_subgraph

STREAMS = ["title.upserted", "viewing.recorded", "user.registered", "profile.changed"]
RECOMMEND = """
query($id: ID!, $first: Int!, $after: String, $context: RecommendationContextInput,
      $diversity: Float) {
  _entities(representations: [{__typename: "User", id: $id}]) {
    ... on User {
      recommendations(first: $first, after: $after, context: $context, diversity: $diversity) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { title { id } score reason reasonKind because { id } } }
      }
    }
  }
}
"""
SCORES = """
query($id: ID!, $titles: [ID!]!) {
  _entities(representations: [{__typename: "User", id: $id}]) {
    ... on User { personalScores(titleIds: $titles) { title { id } score } }
  }
}
"""
FEEDBACK = """
mutation($title: ID!, $signal: FeedbackSignal!) {
  recommendationFeedback(titleId: $title, signal: $signal) { signal }
}
"""
SIMILAR = """
query($id: ID!) {
  _entities(representations: [{__typename: "Title", id: $id}]) {
    ... on Title { similar(first: 5) { id } }
  }
}
"""


class Served:
    def __init__(self, client: SubgraphClient, redis: Redis, world: World, database_url: str,
                 model_dir: Path) -> None:
        self.client, self.redis, self.world = client, redis, world
        self.database_url, self.model_dir = database_url, model_dir
        self.version: str | None = None

    def publish(self, events: list[Event]) -> None:
        publish(self.redis, events)
        wait_absorbed(self.redis, sorted({e.type for e in events}))

    def rebuild(self) -> str:
        train(self.database_url, self.model_dir)
        self.version = wait_for_model(self.client.http, self.version)
        return self.version

    def recommend(self, user: uuid.UUID, first: int = 10, as_user: uuid.UUID | None = None,
                  acting: uuid.UUID | None = None, **variables: Any) -> dict[str, Any]:
        return self.client.execute(RECOMMEND, {"id": str(user), "first": first, **variables},
                                   user_id=as_user or user,
                                   claims={"profile": str(acting)} if acting else None)

    def items(self, user: uuid.UUID, first: int = 10, **variables: Any) -> list[dict[str, Any]]:
        result = self.recommend(user, first, **variables)
        assert "errors" not in result, result
        return [e["node"] for e in result["data"]["_entities"][0]["recommendations"]["edges"]]

    def ids(self, user: uuid.UUID, first: int = 10, **variables: Any) -> list[uuid.UUID]:
        return [uuid.UUID(i["title"]["id"]) for i in self.items(user, first, **variables)]

    def scores(self, user: uuid.UUID, titles: list[uuid.UUID]) -> dict[uuid.UUID, float]:
        result = self.client.execute(SCORES, {"id": str(user), "titles": [str(t) for t in titles]},
                                     user_id=user)
        assert "errors" not in result, result
        return {uuid.UUID(s["title"]["id"]): s["score"]
                for s in result["data"]["_entities"][0]["personalScores"]}

    def feedback(self, user: uuid.UUID, title: uuid.UUID, signal: str) -> None:
        result = self.client.execute(FEEDBACK, {"title": str(title), "signal": signal},
                                     user_id=user)
        assert "errors" not in result, result


@pytest.fixture
def served(database_url: str, redis_url: str, tmp_path: Path) -> Iterator[Served]:
    model_dir = tmp_path / "models"
    settings = Settings(name="recommendations", database_url=database_url, redis_url=redis_url,
                        router_secret=SECRET, model_dir=model_dir, retrain_seconds=0,
                        poll_seconds=0.1)
    redis = Redis.from_url(redis_url)
    world = World()
    with run_subgraph("recommendations", database_url, redis_url, settings) as client:
        s = Served(client, redis, world, database_url, model_dir)
        s.publish(world.catalog())
        s.publish(world.crowd())
        yield s
    redis.close()


def test_a_history_brings_the_rest_of_its_cluster_and_cites_it(served: Served) -> None:
    user = uuid.uuid4()
    served.publish(served.world.history(user, "scifi", 4))
    served.rebuild()
    items = served.items(user, 5, diversity=0.0)
    watched = set(served.world.titles["scifi"][:4])
    titles = [uuid.UUID(i["title"]["id"]) for i in items]
    assert not watched & set(titles)
    assert all(served.world.cluster_of(t) == "scifi" for t in titles), titles
    top = items[0]
    assert top["reasonKind"] == "BECAUSE_WATCHED"
    cited = [uuid.UUID(t["id"]) for t in top["because"]]
    assert cited and set(cited) <= watched
    assert top["reason"].startswith("Because you watched ")
    assert served.world.names[cited[0]] in top["reason"]
    scores = [i["score"] for i in items]
    assert scores == sorted(scores, reverse=True)


def test_new_user_gets_signup_genres_then_personalised_after_three(served: Served) -> None:
    served.rebuild()
    user = uuid.uuid4()
    subscriber = uuid.uuid4()
    served.publish([
        Event(type="user.registered", payload={
            "user_id": str(user), "preferred_genres": ["romance"], "home_region": "US",
            "subscribed_platforms": []}),
        Event(type="user.registered", payload={
            "user_id": str(subscriber), "preferred_genres": ["romance"], "home_region": "DE",
            "subscribed_platforms": ["netflix"]}),
    ])
    cold = served.items(user, 5, diversity=0.0)
    assert [served.world.cluster_of(uuid.UUID(i["title"]["id"])) for i in cold] == ["romance"] * 5
    assert cold[0]["reasonKind"] == "SIGNUP"
    assert cold[0]["reason"] == "Popular in Romance, which you picked at signup"
    # Every title just arrived on Netflix in Germany: someone there who has it is told so.
    told = served.items(subscriber, 3, diversity=0.0)[0]
    assert (told["reasonKind"], told["reason"]) == ("NEW_ON_PLATFORM",
                                                    "New on Netflix, which you have")

    served.publish(served.world.history(user, "scifi", 2))
    two = served.items(user, 3, diversity=0.0)
    assert {served.world.cluster_of(uuid.UUID(i["title"]["id"])) for i in two} == {"romance"}

    served.publish([viewing(user, served.world.titles["scifi"][2], datetime.now(UTC))])
    warm = served.items(user, 3, diversity=0.0)
    assert {served.world.cluster_of(uuid.UUID(i["title"]["id"])) for i in warm} == {"scifi"}
    assert warm[0]["reasonKind"] == "BECAUSE_WATCHED"


def test_dislike_removes_a_title_and_like_pulls_similar_titles_up(served: Served) -> None:
    user = uuid.uuid4()
    served.publish(served.world.history(user, "scifi", 4))
    served.rebuild()
    first = served.ids(user, 5)[0]
    served.feedback(user, first, "DISLIKE")
    assert first not in served.ids(user, 20)

    family = served.world.titles["family"]
    before = served.scores(user, family)
    served.feedback(user, family[0], "LIKE")
    after = served.scores(user, family)
    others = family[1:]
    # Co-watched mates of the liked title rise; one nobody watched gains only from its genres.
    risen = [t for t in others if after[t] > before[t]]
    assert len(risen) >= 6, [(before[t], after[t]) for t in others]
    assert sum(after.values()) > sum(before.values()) + 1.0
    # The liked title itself is not hidden: liking is not watching.
    assert family[0] in served.ids(user, 30, diversity=0.0) or after[family[0]] > before[family[0]]


def test_a_kid_profile_sees_only_what_its_limits_allow(served: Served) -> None:
    user, kid, stranger = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    served.publish(served.world.history(user, "scifi", 4))
    served.publish([Event(type="profile.changed", payload={
        "profile_id": str(kid), "user_id": str(user), "name": "Kid", "is_kid": True,
        "max_age": 7, "max_age_rating": "PG", "blocked_genres": ["horror"], "deleted": False})])
    served.rebuild()
    grown_up = served.ids(user, 10)
    assert any(served.world.cluster_of(t) == "scifi" for t in grown_up)
    kids = served.ids(user, 10, context={"profileId": str(kid)})
    assert kids and all(served.world.cluster_of(t) == "family" for t in kids), kids
    # A profile of another household is refused, not silently ignored.
    refused = served.recommend(stranger, 5, context={"profileId": str(kid)})
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_a_sign_in_acting_as_a_kid_profile_gets_its_list_and_no_other(served: Served) -> None:
    user, kid, grown = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    served.publish(served.world.history(user, "scifi", 4))
    served.publish([Event(type="profile.changed", payload={
        "profile_id": str(kid), "user_id": str(user), "name": "Kid", "is_kid": True,
        "max_age": 7, "max_age_rating": "PG", "blocked_genres": [], "deleted": False}),
        Event(type="profile.changed", payload={
            "profile_id": str(grown), "user_id": str(user), "name": "Me", "is_kid": False,
            "max_age": None, "max_age_rating": None, "blocked_genres": [], "deleted": False})])
    served.rebuild()
    # No profileId: the profile the token acts as applies.
    kids = served.ids(user, 10, acting=kid)
    assert kids and all(served.world.cluster_of(t) == "family" for t in kids), kids
    # The kid's token may not ask for the grown-up's list...
    asked = served.recommend(user, 5, acting=kid, context={"profileId": str(grown)})
    assert asked["errors"][0]["extensions"]["code"] == "FORBIDDEN", asked
    # ...while a grown-up's token may look at the kid's.
    looked = served.ids(user, 10, acting=grown, context={"profileId": str(kid)})
    assert looked and all(served.world.cluster_of(t) == "family" for t in looked)
    assert any(served.world.cluster_of(t) == "scifi" for t in served.ids(user, 10, acting=grown))


def test_a_new_model_is_served_without_a_failed_request(served: Served) -> None:
    user = uuid.uuid4()
    served.publish(served.world.history(user, "romance", 4))
    old = served.rebuild()
    failures: list[Any] = []
    answered = [0]
    stop = threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            result = served.recommend(user, 5)
            if "errors" in result or not result["data"]["_entities"][0]["recommendations"][
                    "edges"]:
                failures.append(result)
            answered[0] += 1

    thread = threading.Thread(target=hammer)
    thread.start()
    try:
        served.publish(served.world.crowd(30))
        new = served.rebuild()
    finally:
        stop.set()
        thread.join()
    assert new != old
    assert answered[0] > 0
    assert not failures, failures[:2]


def test_adapter_rebuilt_from_events_equals_the_one_built_online(served: Served) -> None:
    user = uuid.uuid4()
    served.publish(served.world.history(user, "scifi", 3))
    served.rebuild()
    # Online: viewing events through the consumer and feedback through the API.
    served.publish(served.world.history(user, "family", 2))
    served.feedback(user, served.world.titles["romance"][0], "LIKE")
    served.feedback(user, served.world.titles["scifi"][5], "NOT_INTERESTED")
    served.items(user, 5)

    async def compare() -> None:
        # In the app's own event loop, where its database is open.
        repo = TortoiseRecommendationsRepository()
        model = artifact.load(served.model_dir)
        assert model is not None
        online = (await repo.states_by_users([user]))[user]
        interactions = (await repo.interactions_by_users([user]))[user]
        feedback = (await repo.feedback_by_users([user]))[user]
        rebuilt = adapter.replay(model, services.adapter_events(model, interactions, feedback))
        assert online.version == model.version == rebuilt.version
        assert online.events == rebuilt.events == 7
        assert np.allclose(online.vector, rebuilt.vector, atol=1e-6)
        assert np.any(online.array())

    served.client.http.portal.call(compare)  # type: ignore[union-attr]


def test_similar_titles_come_from_co_watching(served: Served) -> None:
    served.rebuild()
    source = served.world.titles["romance"][3]
    result = served.client.execute(SIMILAR, {"id": str(source)})
    similar = [uuid.UUID(t["id"]) for t in result["data"]["_entities"][0]["similar"]]
    assert len(similar) == 5 and source not in similar
    assert all(served.world.cluster_of(t) == "romance" for t in similar)


def test_pages_follow_on_without_overlap(served: Served) -> None:
    user = uuid.uuid4()
    served.publish(served.world.history(user, "family", 3))
    served.rebuild()
    page = served.recommend(user, 4)["data"]["_entities"][0]["recommendations"]
    assert page["pageInfo"]["hasNextPage"]
    after = page["pageInfo"]["endCursor"]
    following = served.recommend(user, 4, after=after)["data"]["_entities"][0]["recommendations"]
    first_ids = {e["node"]["title"]["id"] for e in page["edges"]}
    next_ids = {e["node"]["title"]["id"] for e in following["edges"]}
    assert len(next_ids) == 4 and not first_ids & next_ids


@pytest.mark.parametrize("variables", [
    {"context": {"mood": "bored-ish"}}, {"context": {"hour": 24}},
    {"context": {"weekday": 7}}, {"diversity": 1.5}, {"context": {"profileId": "nope"}},
])
def test_bad_context_is_bad_input(served: Served, variables: dict[str, Any]) -> None:
    result = served.recommend(uuid.uuid4(), 5, **variables)
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", result


def test_context_is_accepted(served: Served) -> None:
    user = uuid.uuid4()
    served.publish(served.world.history(user, "scifi", 3))
    served.rebuild()
    items = served.items(user, 5, context={"hour": 21, "weekday": 5, "deviceKind": "PHONE",
                                           "mood": "funny"})
    assert len(items) == 5


def test_personal_scores_route_needs_the_secret_and_caps_the_list(served: Served) -> None:
    user = uuid.uuid4()
    served.publish(served.world.history(user, "scifi", 3))
    served.rebuild()
    titles = served.world.titles["scifi"][3:] + served.world.titles["family"]
    body = {"user_id": str(user), "title_ids": [str(t) for t in titles]}
    assert served.client.http.post("/internal/personal-scores", json=body).status_code == 403
    answer = served.client.http.post("/internal/personal-scores", json=body,
                                     headers={SECRET_HEADER: SECRET})
    assert answer.status_code == 200
    scores = {uuid.UUID(k): v for k, v in answer.json()["scores"].items()}
    assert set(scores) == set(titles) and all(0 <= v <= 1 for v in scores.values())
    scifi = served.world.titles["scifi"][3:]
    assert min(scores[t] for t in scifi) > max(scores[t] for t in served.world.titles["family"])
    too_many = {"user_id": str(user), "title_ids": [str(uuid.uuid4()) for _ in range(101)]}
    assert served.client.http.post("/internal/personal-scores", json=too_many,
                                   headers={SECRET_HEADER: SECRET}).status_code == 400
    graphql = served.client.execute(SCORES, {"id": str(user), "titles": too_many["title_ids"]},
                                    user_id=user)
    assert graphql["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    other = served.client.execute(SCORES, {"id": str(user), "titles": [str(titles[0])]},
                                  user_id=uuid.uuid4())
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"
