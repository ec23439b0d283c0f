"""Embedding providers: local MiniLM on ONNX Runtime, OpenAI against a local fake, the cache."""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from subgraphs.content.search.adapters.embeddings import EmbeddingError, index_key, make_provider
from subgraphs.content.search.adapters.embeddings.cache import CachedEmbeddingProvider
from subgraphs.content.search.adapters.embeddings.local import LocalEmbeddingProvider
from subgraphs.content.search.adapters.embeddings.openai_provider import OpenAIEmbeddingProvider
from subgraphs.content.search.settings import SearchSettings
from tests.support.http_server import serve

REFERENCE = json.loads((Path(__file__).parents[2] / "data" / "minilm_reference.json").read_text())
MODEL_DIR = Path("var/models")


@pytest.fixture(scope="module")
def minilm() -> LocalEmbeddingProvider:
    return LocalEmbeddingProvider(MODEL_DIR)


async def test_minilm_matches_sentence_transformers(minilm: LocalEmbeddingProvider) -> None:
    vectors = await minilm.embed(REFERENCE["texts"])
    assert len(vectors) == 3 and all(len(v) == 384 for v in vectors)
    for ours, theirs in zip(vectors, REFERENCE["vectors"], strict=True):
        assert np.allclose(ours, theirs, atol=1e-4)
        assert math.isclose(float(np.linalg.norm(ours)), 1.0, abs_tol=1e-5)


async def test_padding_in_a_batch_does_not_change_a_vector(minilm: LocalEmbeddingProvider) -> None:
    texts = ["Heat", "a very long description " * 20] + [f"title {i}" for i in range(40)]
    batch = await minilm.embed(texts)
    alone = await minilm.embed(["Heat"])
    assert len(batch) == len(texts)
    assert np.allclose(batch[0], alone[0], atol=1e-5)
    assert await minilm.embed([]) == []


def test_index_names_differ_per_provider_and_dimensions(minilm: LocalEmbeddingProvider) -> None:
    openai = OpenAIEmbeddingProvider("sk-test", dimensions=384)
    assert index_key(minilm) == "titles_all_minilm_l6_v2_384"
    assert index_key(openai) != index_key(minilm)
    assert index_key(OpenAIEmbeddingProvider("sk-test", dimensions=256)) != index_key(openai)


def test_openai_is_chosen_when_a_key_is_set(tmp_path: Path) -> None:
    def provider(env: dict[str, str]) -> object:
        return make_provider(SearchSettings.from_env(env, model_dir=tmp_path))

    chosen = provider({"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
    assert isinstance(chosen, OpenAIEmbeddingProvider)
    assert isinstance(provider({}), LocalEmbeddingProvider)
    assert isinstance(provider({"OPENAI_API_KEY": "k", "MG_CONTENT_EMBEDDINGS": "local"}),
                      LocalEmbeddingProvider)


class FakeOpenAI:
    """Speaks POST /v1/embeddings; fails the first `failures` calls with 500, can be slow."""

    def __init__(self, failures: int = 0, delay: float = 0.0) -> None:
        self.failures = failures
        self.delay = delay
        self.requests: list[dict] = []

    async def embeddings(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.requests.append({"body": body, "auth": request.headers.get("authorization")})
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.failures:
            self.failures -= 1
            return JSONResponse({"error": {"message": "overloaded", "type": "server_error"}},
                                status_code=500)
        dims = body["dimensions"]
        data = [{"object": "embedding", "index": i,
                 "embedding": [float(len(text))] + [0.0] * (dims - 1)}
                for i, text in enumerate(body["input"])]
        data.reverse()  # the API does not promise order; `index` does
        return JSONResponse({"object": "list", "data": data, "model": body["model"],
                             "usage": {"prompt_tokens": 1, "total_tokens": 1}})

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/v1/embeddings", self.embeddings, methods=["POST"])])


@pytest.fixture
def fake_openai() -> Iterator[tuple[FakeOpenAI, str]]:
    fake = FakeOpenAI(failures=1)
    with serve(fake.app()) as url:
        yield fake, f"{url}/v1"


async def test_openai_batches_orders_and_retries(fake_openai: tuple[FakeOpenAI, str]) -> None:
    fake, base_url = fake_openai
    provider = OpenAIEmbeddingProvider("sk-test", base_url=base_url, dimensions=16,
                                       max_retries=2, timeout=5)
    texts = ["x" * (i + 1) for i in range(40)]
    try:
        vectors = await provider.embed(texts)
    finally:
        await provider.close()
    assert [v[0] for v in vectors] == [float(i + 1) for i in range(40)]
    assert all(len(v) == 16 for v in vectors)
    bodies = [r["body"] for r in fake.requests]
    assert len(bodies) == 3, "one 500 retried, then batches of 32 and 8"
    assert [len(b["input"]) for b in bodies[1:]] == [32, 8]
    assert all(b["model"] == "text-embedding-3-small" and b["dimensions"] == 16 for b in bodies)
    assert fake.requests[0]["auth"] == "Bearer sk-test"


async def test_openai_timeout_is_an_embedding_error() -> None:
    fake = FakeOpenAI(delay=2.0)
    with serve(fake.app()) as url:
        provider = OpenAIEmbeddingProvider("sk-test", base_url=f"{url}/v1", dimensions=8,
                                           max_retries=0, timeout=0.2)
        try:
            with pytest.raises(EmbeddingError):
                await provider.embed(["slow"])
        finally:
            await provider.close()


class CountingProvider:
    name = "counting"
    dimensions = 2

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.seen.extend(texts)
        return [[float(len(t)), 1.0] for t in texts]


async def test_cache_embeds_each_text_once(tmp_path: Path) -> None:
    inner = CountingProvider()
    cached = CachedEmbeddingProvider(inner, tmp_path)
    first = await cached.embed(["a", "bb", "a"])
    again = await cached.embed(["bb", "ccc"])
    assert first == [[1.0, 1.0], [2.0, 1.0], [1.0, 1.0]]
    assert again == [[2.0, 1.0], [3.0, 1.0]]
    assert inner.seen == ["a", "bb", "ccc"]
    cached.close()
    reopened = CachedEmbeddingProvider(inner, tmp_path)
    assert await reopened.embed(["ccc"]) == [[3.0, 1.0]]
    assert inner.seen == ["a", "bb", "ccc"], "the cache survives a restart"
    reopened.close()


async def test_texts_batched_by_length_come_back_in_the_callers_order(
    minilm: LocalEmbeddingProvider,
) -> None:
    # Longest first and 40 texts: batches of 32 are formed by length, not by position.
    texts = [("word " * n).strip() for n in range(40, 0, -1)]
    together = await minilm.embed(texts)
    for text, vector in zip(texts[::7], together[::7], strict=True):
        [alone] = await minilm.embed([text])
        assert np.allclose(vector, alone, atol=1e-5), text
