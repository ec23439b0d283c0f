"""The router client's retry policy, against real sockets that misbehave the way networks do."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest

from mcp_server.cache import ResponseCache
from mcp_server.client import GraphClient
from mcp_server.errors import GraphError
from mcp_server.settings import Settings

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
OK = b'{"data": {"genres": []}}'


@asynccontextmanager
async def serving(handler: Handler) -> AsyncIterator[tuple[str, list[int]]]:
    """A local HTTP endpoint; yields its URL and the list of requests it received."""
    seen: list[int] = []

    async def count(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(1)
        await reader.readuntil(b"\r\n\r\n")
        await handler(reader, writer)

    server = await asyncio.start_server(count, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}/graphql", seen


def _answer(status: int, body: bytes) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(f"HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n"
                     f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode() + body)
        await writer.drain()
        writer.close()
    return handler


async def _silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(5)


def _client(url: str, timeout: float = 0.2) -> GraphClient:
    return GraphClient(Settings(router_url=url, timeout=timeout, retries=3, backoff=0.01),
                       cache=ResponseCache(16))


async def test_a_read_is_retried_three_times_after_a_503_then_reported() -> None:
    async with serving(_answer(503, b"busy")) as (url, seen):
        client = _client(url)
        with pytest.raises(GraphError) as failed:
            await client.query("{ genres { slug } }", token=None)
        await client.aclose()
    assert failed.value.code == "UNAVAILABLE" and len(seen) == 4


async def test_a_mutation_that_may_have_run_is_never_retried() -> None:
    async with serving(_silent) as (url, seen):
        client = _client(url)
        with pytest.raises(GraphError) as failed:
            await client.mutate("mutation { x }", token="t")
        read_attempts = len(seen)
        with pytest.raises(GraphError):
            await client.query("{ genres { slug } }", token="t")
        await client.aclose()
    assert failed.value.code == "GATEWAY_TIMEOUT" and "may have been carried out" in str(
        failed.value)
    assert read_attempts == 1 and len(seen) == 1 + 4


async def test_graph_errors_are_not_retried_and_answers_are_cached_per_token() -> None:
    refused = b'{"errors": [{"message": "No.", "extensions": {"code": "FORBIDDEN"}}]}'
    async with serving(_answer(200, refused)) as (url, seen):
        client = _client(url)
        with pytest.raises(GraphError) as failed:
            await client.query("{ genres { slug } }", token=None)
        await client.aclose()
    assert failed.value.code == "FORBIDDEN" and len(seen) == 1
    async with serving(_answer(200, OK)) as (url, seen):
        client = _client(url)
        for token in ("alice", "alice", "bob", None, None):
            assert await client.query("{ genres { slug } }", token=token, ttl=30) == {
                "genres": []}
        await client.aclose()
    assert len(seen) == 3  # alice, bob, anonymous: one fetch each
