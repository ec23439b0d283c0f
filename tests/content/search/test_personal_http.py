"""The HTTP personal scores against a real local server playing recommendations' endpoint."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from mediagateway.redis_server import free_port
from subgraphs.common.auth import SECRET_HEADER
from subgraphs.content.search.adapters.personal import (
    MAX_TITLES,
    NoPersonalScores,
    PersonalScores,
    PersonalScoresUnavailable,
    personal_scores,
)
from subgraphs.content.search.settings import (
    DEFAULT_RECOMMENDATIONS_URL,
    SearchSettings,
    recommendations_base_url,
)
from tests.content.search.fake_recommendations import FakeRecommendations, fake_recommendations

SECRET = "s3cret"
TIMEOUT = 0.25  # generous for CI machines; the budget is checked separately below
USER = uuid.uuid4()


@pytest.fixture(scope="module")
def server() -> Iterator[FakeRecommendations]:
    with fake_recommendations() as fake:
        yield fake


@pytest.fixture
def fake(server: FakeRecommendations) -> FakeRecommendations:
    """The module's server, its behaviour and log reset for each test."""
    server.scores, server.extra, server.delay = {}, {}, 0.0
    server.status, server.body = 200, None
    server.requests.clear()
    return server


@pytest.fixture
async def scores(fake: FakeRecommendations) -> AsyncIterator[PersonalScores]:
    async with personal_scores(fake.url, SECRET, TIMEOUT) as client:
        yield client


async def test_scores_come_back_for_the_titles_asked_about(
    fake: FakeRecommendations, scores: PersonalScores
) -> None:
    ids = [uuid.uuid4() for _ in range(3)]
    fake.scores = {str(ids[0]): 0.75, str(ids[2]): 0.0}
    # A title nobody asked about is ignored.
    fake.extra = {str(uuid.uuid4()): 1.0}
    assert await scores.scores(USER, ids) == {ids[0]: 0.75, ids[2]: 0.0}
    [request] = fake.requests
    assert request["json"] == {"user_id": str(USER), "title_ids": [str(i) for i in ids]}
    assert request["headers"][SECRET_HEADER] == SECRET
    assert request["headers"]["content-type"] == "application/json"


async def test_no_scores_is_an_answer_not_a_failure(
    fake: FakeRecommendations, scores: PersonalScores
) -> None:
    assert await scores.scores(USER, [uuid.uuid4()]) == {}
    assert await scores.scores(USER, []) == {} and len(fake.requests) == 1, "nothing to ask"


async def test_more_than_100_titles_go_in_chunks(
    fake: FakeRecommendations, scores: PersonalScores
) -> None:
    ids = [uuid.uuid4() for _ in range(250)]
    fake.scores = {str(i): 0.5 for i in ids}
    assert len(await scores.scores(USER, ids)) == 250
    sizes = sorted(len(r["json"]["title_ids"]) for r in fake.requests)
    assert sizes == [50, MAX_TITLES, MAX_TITLES]
    assert {i for r in fake.requests for i in r["json"]["title_ids"]} == {str(i) for i in ids}


async def test_connections_are_kept_alive(
    fake: FakeRecommendations, scores: PersonalScores
) -> None:
    for _ in range(5):
        await scores.scores(USER, [uuid.uuid4()])
    assert len({r["peer"] for r in fake.requests}) == 1, "one connection for every call"


async def test_a_slow_answer_is_given_up_after_the_timeout(
    fake: FakeRecommendations, scores: PersonalScores
) -> None:
    fake.delay = 2.0
    started = time.perf_counter()
    with pytest.raises(PersonalScoresUnavailable, match="within 250 ms"):
        await scores.scores(USER, [uuid.uuid4()])
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(("status", "body"), [
    (500, '{"error": "boom"}'),
    (404, ""),
    (200, "not json"),
    (200, '{"scores": [1, 2]}'),
    (200, '{"nothing": {}}'),
    (200, '{"scores": {"not-a-uuid": 0.5}}'),
    (200, '{"scores": {"6f1c1d4e-3a55-4f0e-9a55-6d2d7c3b9e10": 1.5}}'),
    (200, '{"scores": {"6f1c1d4e-3a55-4f0e-9a55-6d2d7c3b9e10": "0.5"}}'),
    (200, '{"scores": {"6f1c1d4e-3a55-4f0e-9a55-6d2d7c3b9e10": true}}'),
])
async def test_a_bad_answer_raises(
    fake: FakeRecommendations, scores: PersonalScores, status: int, body: str
) -> None:
    fake.status, fake.body = status, body
    with pytest.raises(PersonalScoresUnavailable):
        await scores.scores(USER, [uuid.UUID("6f1c1d4e-3a55-4f0e-9a55-6d2d7c3b9e10")])


async def test_nobody_listening_raises() -> None:
    async with personal_scores(f"http://127.0.0.1:{free_port()}", SECRET, TIMEOUT) as scores:
        with pytest.raises(PersonalScoresUnavailable):
            await scores.scores(USER, [uuid.uuid4()])


async def test_switched_off_there_are_no_scores_and_no_calls() -> None:
    async with personal_scores(None, SECRET, TIMEOUT) as scores:
        assert isinstance(scores, NoPersonalScores)
        assert await scores.scores(USER, [uuid.uuid4()]) == {}


def test_settings_default_to_the_stacks_recommendations_address() -> None:
    settings = SearchSettings.from_env({})
    assert settings.personal_url == DEFAULT_RECOMMENDATIONS_URL == "http://127.0.0.1:4003"
    assert settings.personal_timeout == 0.2
    # The stack and the router name the GraphQL endpoint; the base URL is what is kept.
    stack = SearchSettings.from_env({"RECOMMENDATIONS_URL": "http://10.0.0.5:4010/graphql"})
    assert stack.personal_url == "http://10.0.0.5:4010"
    assert recommendations_base_url("http://recs:4003/") == "http://recs:4003"
    off = SearchSettings.from_env({"MG_CONTENT_PERSONAL_SCORES": "off",
                                   "MG_CONTENT_PERSONAL_TIMEOUT": "0.1"})
    assert off.personal_url is None and off.personal_timeout == 0.1
    with pytest.raises(ValueError, match="MG_CONTENT_PERSONAL_SCORES"):
        SearchSettings.from_env({"MG_CONTENT_PERSONAL_SCORES": "maybe"})
    with pytest.raises(ValueError, match="MG_CONTENT_PERSONAL_TIMEOUT"):
        SearchSettings.from_env({"MG_CONTENT_PERSONAL_TIMEOUT": "0"})
