"""The LLM intent parser against a local server speaking the chat completions API."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mediagateway.evaluation.intent import catalog_vocabulary
from subgraphs.content.intent.adapters.cache import LruIntentCache, RedisIntentCache
from subgraphs.content.intent.adapters.llm import LlmIntentParser
from subgraphs.content.intent.build import intent_parsers
from subgraphs.content.intent.domain.contract import Intent
from subgraphs.content.intent.domain.rules import RulesIntentParser
from subgraphs.content.intent.settings import IntentSettings
from tests.support.http_server import serve

VOCABULARY = catalog_vocabulary()
ANSWER: dict[str, Any] = {
    "text": "", "genres": ["science-fiction", "not-a-genre"], "excluded_genres": [],
    "moods": ["dark"], "kinds": [], "year_from": 1990, "year_to": 1999, "runtime_min": None,
    "runtime_max": 120, "platforms": ["netflix", "made-up"], "regions": ["de"], "people": [],
    "offer_types": [], "references": ["Blade Runner"],
}


class FakeOpenAI:
    """Answers with `ANSWER` as structured output; `mode` makes it fail in chosen ways."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.requests: list[dict[str, Any]] = []

    async def completions(self, request: Request) -> Response:
        body = await request.json()
        self.requests.append(body)
        if self.mode == "error":
            return JSONResponse({"error": {"message": "boom", "type": "server_error"}}, 500)
        if self.mode == "slow":
            await asyncio.sleep(3)
        content = "not json" if self.mode == "garbage" else json.dumps(ANSWER)
        return JSONResponse({
            "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": body["model"],
            "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                         "message": {"role": "assistant", "content": content, "refusal": None}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        })

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/v1/chat/completions", self.completions, methods=["POST"])])


@pytest.fixture(scope="module")
def fake() -> Iterator[tuple[FakeOpenAI, str]]:
    server = FakeOpenAI()
    with serve(server.app()) as url:
        yield server, f"{url}/v1"


def parser_for(base_url: str, timeout_s: float = 2.0) -> LlmIntentParser:
    settings = IntentSettings.from_env({
        "OPENAI_API_KEY": "test-key", "OPENAI_BASE_URL": base_url,
        "MG_CONTENT_INTENT_TIMEOUT_S": str(timeout_s),
    })
    parser = intent_parsers(settings)(VOCABULARY)
    assert isinstance(parser, LlmIntentParser)
    return parser


QUERY = "dark 90s sci-fi like Blade Runner on Netflix in Germany under 2 hours"


async def test_structured_answer_is_checked_against_the_vocabulary(fake) -> None:
    server, url = fake
    server.mode = "ok"
    intent = await parser_for(url).parse(QUERY)
    assert intent == Intent(
        genres=("science-fiction",), moods=("dark",), year_from=1990, year_to=1999,
        runtime_max=120, platforms=("netflix",), regions=("DE",), references=("Blade Runner",),
        parser="llm",
    )
    request = server.requests[-1]
    assert request["model"] == "gpt-4o-mini"
    schema = request["response_format"]["json_schema"]
    assert schema["strict"] is True
    assert "science-fiction" in schema["schema"]["properties"]["genres"]["items"]["enum"]


async def test_answers_are_cached_per_normalised_query(fake) -> None:
    server, url = fake
    server.mode = "ok"
    parser = parser_for(url)
    before = len(server.requests)
    await parser.parse("Dark  sci-fi")
    await parser.parse("dark sci-fi")
    assert len(server.requests) == before + 1


@pytest.mark.parametrize("mode", ["error", "garbage", "slow"])
async def test_failures_fall_back_to_rules(fake, mode: str) -> None:
    server, url = fake
    server.mode = mode
    intent = await parser_for(url, timeout_s=0.5).parse(QUERY)
    assert intent.parser == "rules"
    assert intent == await RulesIntentParser(VOCABULARY).parse(QUERY)


async def test_without_a_key_the_rules_parse() -> None:
    assert isinstance(intent_parsers(IntentSettings.from_env({}))(VOCABULARY), RulesIntentParser)


async def test_redis_cache_round_trips(redis_url: str) -> None:
    from redis.asyncio import Redis

    redis = Redis.from_url(redis_url)
    try:
        cache = RedisIntentCache(redis)
        intent = Intent(genres=("horror",), year_from=1980, parser="llm")
        await cache.set("k", intent)
        assert await cache.get("k") == intent
        assert await cache.get("missing") is None
    finally:
        await redis.aclose()


async def test_lru_cache_forgets_the_least_recently_used() -> None:
    cache = LruIntentCache(size=2)
    for key in ("a", "b"):
        await cache.set(key, Intent(text=key))
    await cache.get("a")
    await cache.set("c", Intent(text="c"))
    assert await cache.get("b") is None
    assert await cache.get("a") == Intent(text="a")
