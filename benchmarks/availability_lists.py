"""Latency of the availability lists (issue 12) through the router, beside `titles(first: 20)`.

    .venv/bin/python -m benchmarks.availability_lists [--requests 300]

Starts its own stack on free ports (seeded demo windows; router request deduplication off, so
every request does the work), then prints p50/p95 and requests/s at 1 client for each list and
the baseline, in the same run. Target: p95 <= 50 ms. Record results in RESULTS.md with `uptime`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from mediagateway.demo.devices import wait_for_consumers
from mediagateway.stack import Stack, running_stack

ENTRY = ("date platform { name } title { id title } "
         "offer { type price { amount currency } } previousPrice { amount }")
PAGE = f"totalCount edges {{ cursor node {{ {ENTRY} }} }} pageInfo {{ hasNextPage endCursor }}"
CASES = [
    ("baseline: titles(first: 20)",
     "{ titles(first: 20) { totalCount edges { node { id title releaseYear } } } }"),
    ("leavingSoon(US, 30 days, first: 20)",
     f'{{ leavingSoon(region: "US", withinDays: 30, first: 20) {{ {PAGE} }} }}'),
    ("newArrivals(US, 14 days, first: 20)",
     f'{{ newArrivals(region: "US", first: 20) {{ {PAGE} }} }}'),
    ("priceDrops(US, 14 days, first: 20)",
     f'{{ priceDrops(region: "US", first: 20) {{ {PAGE} }} }}'),
    ("newArrivals buckets (first: 20)",
     '{ newArrivals(region: "US", first: 20) { buckets { date platform { name } '
     "titles { id title } } } }"),
    ("leavingSoon(US, netflix, first: 100)",
     f'{{ leavingSoon(region: "US", platforms: ["netflix"], first: 100) {{ {PAGE} }} }}'),
]


async def _measure(url: str, query: str, requests: int) -> tuple[float, float, float, int]:
    latencies: list[float] = []
    async with httpx.AsyncClient(timeout=30) as http:
        for _ in range(20):  # warm up connections and caches
            await http.post(url, json={"query": query})
        started = time.perf_counter()
        edges = 0
        for _ in range(requests):
            began = time.perf_counter()
            response = await http.post(url, json={"query": query})
            latencies.append(time.perf_counter() - began)
            body = response.json()
            assert response.status_code == 200 and "errors" not in body, response.text
            edges = len(next(iter(body["data"].values())).get("edges") or [])
        elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return cuts[49] * 1000, cuts[94] * 1000, len(latencies) / elapsed, edges


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    stack = Stack.on_free_ports(
        Path(tempfile.mkdtemp(prefix="mg-bench-availability-")),
        env={**os.environ, "MG_SEED_HISTORY": "0"},
        router_env={"ROUTER_DEDUPE": "0"},
    )
    with running_stack(stack):
        wait_for_consumers(stack.env["REDIS_URL"])
        print(f"load before: {os.getloadavg()[0]:.2f} (1 min)")
        print(f"{'case':40} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'edges':>6}")
        for name, query in CASES:
            p50, p95, rps, edges = asyncio.run(_measure(stack.router_url, query, args.requests))
            print(f"{name:40} {p50:>8.1f} {p95:>8.1f} {rps:>8.0f} {edges:>6}", flush=True)
        print(f"load after: {os.getloadavg()[0]:.2f} (1 min)")


if __name__ == "__main__":
    main()
