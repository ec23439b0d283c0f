"""`recordViewing` throughput: each write committed alone against writes that arrive together
sharing one commit (the users subgraph's group commit), in the same run.

    .venv/bin/python -m benchmarks.viewing_writes [--requests 800] [--rounds 2]

Starts its own stack (SQLite and an embedded Redis; PostgreSQL and Redis with DATABASE_URL and
REDIS_URL set), then, per round, restarts the users subgraph with `MG_USERS_VIEWING_BATCH=1`
(before) and with the default (after) and prints p50/p95 and writes/s at 1 and 8 clients,
through the router and straight to the subgraph. Each client writes as its own demo user, each
viewing a title of the catalog, as the API harness does.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import signal
import statistics
import tempfile
import time
from pathlib import Path

import httpx
import jwt

from benchmarks.latency import _login, _wait_for_consumers
from mediagateway.movielens import MovieLens
from mediagateway.stack import Stack, running_stack
from subgraphs.common.auth import CLAIMS_HEADER, SECRET_HEADER, encode_claims

RECORD = """mutation($t: ID!) { recordViewing(input: {titleId: $t, progress: 0.5}) { id } }"""
WRITERS = 8


async def _writes(url: str, headers: list[dict[str, str]], titles: list[str], requests: int,
                  clients: int) -> tuple[float, float, float]:
    latencies: list[float] = []
    title = itertools.cycle(titles)
    left = requests

    async def client(http: httpx.AsyncClient, auth: dict[str, str]) -> None:
        nonlocal left
        while left > 0:
            left -= 1
            started = time.perf_counter()
            response = await http.post(url, json={"query": RECORD,
                                                  "variables": {"t": next(title)}}, headers=auth)
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 200 and "errors" not in response.json(), response.text

    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=clients)) as http:
        for auth in headers[:clients]:  # warm up connections
            await http.post(url, json={"query": RECORD, "variables": {"t": titles[0]}},
                            headers=auth)
        started = time.perf_counter()
        await asyncio.gather(*(client(http, headers[n % len(headers)]) for n in range(clients)))
        elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return cuts[49] * 1000, cuts[94] * 1000, len(latencies) / elapsed


def _restart_users(stack: Stack, batch: str | None) -> None:
    if batch is None:
        stack.env.pop("MG_USERS_VIEWING_BATCH", None)
    else:
        stack.env["MG_USERS_VIEWING_BATCH"] = batch
    stack.kill("users", signal.SIGTERM)
    stack.restart("users")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    data = MovieLens()
    titles = [str(item.id) for item in data.items]
    stack = Stack.on_free_ports(Path(tempfile.mkdtemp(prefix="mg-writes-")),
                                router_env={"ROUTER_DEDUPE": "0"})
    with running_stack(stack):
        _wait_for_consumers(stack.env["REDIS_URL"])
        tokens = [_login(stack.router_url, user.email) for user in data.users[:WRITERS]]
        routed = [{"authorization": f"Bearer {token}"} for token in tokens]
        direct = [{SECRET_HEADER: stack.env["MG_ROUTER_SECRET"], CLAIMS_HEADER: encode_claims(
            jwt.decode(token, options={"verify_signature": False}))} for token in tokens]
        database = "PostgreSQL" if stack.env.get("DATABASE_URL") else "SQLite"
        print(f"{database}; {'case':44} {'clients':>7} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'writes/s':>8}")
        for round_ in range(1, args.rounds + 1):
            for label, batch in (("each alone (batch 1)", "1"), ("group commit", None)):
                _restart_users(stack, batch)
                for via, url, headers in (("router", stack.router_url, routed),
                                          ("users direct", stack.subgraph_url("users"), direct)):
                    for clients in (1, WRITERS):
                        p50, p95, rate = asyncio.run(
                            _writes(url, headers, titles, args.requests, clients))
                        name = f"round {round_}: {label}, {via}"
                        print(f"{name:54} {clients:>7} {p50:>8.1f} {p95:>8.1f} {rate:>8.0f}",
                              flush=True)


if __name__ == "__main__":
    main()
