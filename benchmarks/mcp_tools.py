"""MCP tool calls over the stack: p50/p95 of semantic_search and check_availability, uncached
and cached, beside the same GraphQL sent straight to the router (the baseline, same run).

    .venv/bin/python -m benchmarks.mcp_tools [--requests 100] [--router URL]

Without --router it starts its own stack (SQLite, embedded Redis, MovieLens seeded). The MCP
server runs as `python -m mcp_server --transport http` in its own process and is driven by the
SDK's client over streamable HTTP, one call at a time, as the signed-in demo user 1. Uncached
cases ask something new each call (another query, another title); cached ones repeat one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from mcp_server.tools.availability import AVAILABILITY
from mcp_server.tools.search import SEARCH
from mediagateway.movielens import MovieLens
from mediagateway.redis_server import free_port
from mediagateway.stack import ROOT, Stack, running_stack

WARM_UP = 10
WORDS = ["space", "love", "war", "crime", "family", "robot", "ghost", "music", "school", "sea",
         "heist", "king", "dog", "city", "night", "island", "train", "doctor", "prison", "war"]


def _queries(n: int) -> list[str]:
    """Distinct queries (no two hit the same cache entry), of two or three words."""
    out = []
    for i in range(n):
        a, b, c = WORDS[i % 20], WORDS[(i // 20) % 20], WORDS[(i // 400) % 20]
        out.append(f"{a} {b} {c} {i}")
    return out


async def _timed(calls: list[Callable[[], Awaitable[None]]]) -> tuple[float, float]:
    latencies = []
    for call in calls:
        started = time.perf_counter()
        await call()
        latencies.append(time.perf_counter() - started)
    cuts = statistics.quantiles(latencies, n=100)
    return cuts[49] * 1000, cuts[94] * 1000


@contextmanager
def _mcp_server(router_url: str) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "MG_MCP_ROUTER_URL": router_url}
    process = subprocess.Popen([sys.executable, "-m", "mcp_server", "--transport", "http",
                                "--port", str(port)], cwd=ROOT, env=env)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        process.wait(timeout=10)


async def _run(router_url: str, requests: int) -> None:
    data = MovieLens()
    login = httpx.post(router_url, json={"query": "mutation($e: String!) { login(email: $e, "
                                         "password: \"mediagateway-demo\") { accessToken } }",
                                         "variables": {"e": data.users[0].email}}, timeout=30)
    token = login.json()["data"]["login"]["accessToken"]
    auth = {"authorization": f"Bearer {token}"}
    titles = [str(item.id) for item in data.items[: requests + WARM_UP]]
    queries = _queries(2 * (requests + WARM_UP))
    rows: list[tuple[str, float, float]] = []

    async with httpx.AsyncClient(timeout=30, headers=auth) as router:
        async def graph(document: str, variables: dict) -> None:
            answer = (await router.post(router_url, json={"query": document,
                                                          "variables": variables})).json()
            assert "errors" not in answer, answer

        def search_vars(q: str) -> dict:
            return {"q": q, "first": 10, "explain": False, "filter": None}

        def availability_vars(t: str) -> dict:
            return {"id": t, "region": "US"}

        await _timed([lambda q=q: graph(SEARCH, search_vars(q)) for q in queries[-WARM_UP:]])
        rows.append(("search, router direct (baseline)", *await _timed(
            [lambda q=q: graph(SEARCH, search_vars(q)) for q in queries[requests:2 * requests]])))
        rows.append(("availability, router direct (baseline)", *await _timed(
            [lambda t=t: graph(AVAILABILITY, availability_vars(t)) for t in titles[:requests]])))

    with _mcp_server(router_url) as url:
        http = httpx2.AsyncClient(headers=auth, timeout=httpx2.Timeout(30, read=300))
        async with http, Client(streamable_http_client(url, http_client=http),
                                cache=None) as client:
            async def tool(name: str, arguments: dict, cache: str | None = None) -> None:
                result = await client.call_tool(name, arguments)
                assert not result.is_error, result.content
                if cache is not None:
                    assert result.meta["mediagateway/cache"] == cache, result.meta

            fresh = queries[:requests]
            await _timed([lambda: tool("get_genres", {}) for _ in range(WARM_UP)])
            rows.append(("semantic_search via MCP, uncached", *await _timed(
                [lambda q=q: tool("semantic_search", {"query": q}, "miss") for q in fresh])))
            await tool("semantic_search", {"query": "toy story"})
            rows.append(("semantic_search via MCP, cached", *await _timed(
                [lambda: tool("semantic_search", {"query": "toy story"}, "hit")] * requests)))
            rows.append(("check_availability via MCP, uncached", *await _timed(
                [lambda t=t: tool("check_availability", {"titleId": t, "region": "US"}, "miss")
                 for t in titles[WARM_UP:WARM_UP + requests]])))
            await tool("check_availability", {"titleId": titles[0], "region": "US"})
            rows.append(("check_availability via MCP, cached", *await _timed(
                [lambda: tool("check_availability", {"titleId": titles[0], "region": "US"},
                              "hit")] * requests)))

    print(f"\n{requests} calls a case, one at a time; load: {os.getloadavg()[0]:.2f}\n")
    print("| case | p50 ms | p95 ms |\n| --- | ---: | ---: |")
    for name, p50, p95 in rows:
        print(f"| {name} | {p50:.1f} | {p95:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--router", help="an already running router's /graphql URL")
    args = parser.parse_args()
    if args.router:
        asyncio.run(_run(args.router, args.requests))
        return
    stack = Stack.on_free_ports(Path(tempfile.mkdtemp(prefix="mg-bench-")))
    with running_stack(stack):
        asyncio.run(_run(stack.router_url, args.requests))


if __name__ == "__main__":
    main()
