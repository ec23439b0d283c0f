"""Latency of a title lookup and of the four-subgraph query, direct and through the router.

The four-subgraph query has no single subgraph to ask directly: each of its four fetches (as the
router's plan sends them) is measured against its subgraph instead, with the identity headers
the router would forward.

    .venv/bin/python -m benchmarks.latency [--requests 300]

Starts its own stack (router request deduplication off, so every request does the work), then
prints p50/p95 and requests/s at 1 and 16 concurrent clients. Record results in RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx
import jwt

from mediagateway.demo.devices import wait_for_consumers
from mediagateway.movielens import MovieLens
from mediagateway.stack import Stack, running_stack
from subgraphs.common.auth import CLAIMS_HEADER, SECRET_HEADER, encode_claims

TITLE = "query($id: ID!) { title(id: $id) { id title releaseYear averageRating } }"
ACROSS_ALL = """{ me { id
  watchlist(first: 5) { edges { node { title { title offers(region: "US") { type } } } } }
  devices { name }
  recommendations(first: 5) { edges { node { title { title } } } } } }"""
# The fetches of ACROSS_ALL's query plan, one per subgraph (`$user`/`$titles` filled in below).
USERS_PART = "{ me { id watchlist(first: 5) { edges { node { title { id } } } } } }"
ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { ... on %s } }"
RECOMMENDATIONS_PART = ENTITIES % (
    "User { recommendations(first: 5) { edges { node { title { id } } } } }")
PLAYBACK_PART = ENTITIES % "User { devices { name } }"
CONTENT_PART = ENTITIES % 'Title { title offers(region: "US") { type } }'


async def _measure(
    url: str, body: dict, headers: dict[str, str], requests: int, clients: int
) -> tuple[float, float, float]:
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(requests):
        queue.put_nowait(n)

    async def client(http: httpx.AsyncClient) -> None:
        while not queue.empty():
            queue.get_nowait()
            started = time.perf_counter()
            response = await http.post(url, json=body, headers=headers)
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 200 and "errors" not in response.json(), response.text

    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=clients)) as http:
        for _ in range(20):  # warm up connections and caches
            await http.post(url, json=body, headers=headers)
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return cuts[49] * 1000, cuts[94] * 1000, len(latencies) / elapsed


def _login(router_url: str, email: str) -> str:
    result = httpx.post(router_url, json={
        "query": "mutation($e: String!) { login(email: $e, password: \"mediagateway-demo\") "
                 "{ accessToken } }", "variables": {"e": email}}).json()
    return result["data"]["login"]["accessToken"]


def _subgraph_parts(stack: Stack, token: str) -> list[tuple[str, str, dict, dict[str, str]]]:
    claims = jwt.decode(token, options={"verify_signature": False})
    forwarded = {SECRET_HEADER: stack.env["MG_ROUTER_SECRET"], CLAIMS_HEADER: encode_claims(claims)}
    users = httpx.post(stack.subgraph_url("users"), json={"query": USERS_PART},
                       headers=forwarded).json()["data"]["me"]
    user = [{"__typename": "User", "id": users["id"]}]
    titles = [{"__typename": "Title", "id": edge["node"]["title"]["id"]}
              for edge in users["watchlist"]["edges"]]
    return [
        ("  part: users direct", stack.subgraph_url("users"), {"query": USERS_PART}, forwarded),
        ("  part: recommendations direct", stack.subgraph_url("recommendations"),
         {"query": RECOMMENDATIONS_PART, "variables": {"r": user}}, forwarded),
        ("  part: playback direct", stack.subgraph_url("playback"),
         {"query": PLAYBACK_PART, "variables": {"r": user}}, forwarded),
        ("  part: content direct", stack.subgraph_url("content"),
         {"query": CONTENT_PART, "variables": {"r": titles}}, forwarded),
    ]


def _wait_for_consumers(redis_url: str) -> None:
    """Measure a settled system. The demo's own wait: every group's last delivered id, not
    only `lag`, which the embedded Redis 6.2 does not report (a check on `lag` alone returned
    at once there)."""
    wait_for_consumers(redis_url)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    data = MovieLens()
    title_id = str(data.items[0].id)
    stack = Stack.on_free_ports(
        Path(tempfile.mkdtemp(prefix="mg-bench-")),
        router_env={"ROUTER_DEDUPE": "0"},
    )
    with running_stack(stack):
        _wait_for_consumers(stack.env["REDIS_URL"])
        token = _login(stack.router_url, data.users[0].email)
        auth = {"authorization": f"Bearer {token}"}
        cases = [
            ("title lookup, content direct", stack.subgraph_url("content"),
             {"query": TITLE, "variables": {"id": title_id}}, {}),
            ("title lookup, via router", stack.router_url,
             {"query": TITLE, "variables": {"id": title_id}}, {}),
            ("four-subgraph query, via router", stack.router_url, {"query": ACROSS_ALL}, auth),
            *_subgraph_parts(stack, token),
        ]
        print(f"{'case':36} {'clients':>7} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}")
        for name, url, body, headers in cases:
            for clients in (1, 16):
                p50, p95, rps = asyncio.run(_measure(url, body, headers, args.requests, clients))
                print(f"{name:36} {clients:>7} {p50:>8.1f} {p95:>8.1f} {rps:>8.0f}", flush=True)


if __name__ == "__main__":
    main()
