"""Mutation on one device to event on another, through the router.

    .venv/bin/python -m benchmarks.sync_latency [--requests 300]

Starts its own stack without the demo data (a fresh account is registered), subscribes a "TV"
to `syncUpdates` over the router's websocket, and times, for each `syncAddToWatchlist` the
"phone" posts to the router, the moment the TV's socket receives that change. Prints p50/p95,
and the CPU time the playback process and the router each spent per change.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from benchmarks.sync_support import cpu_seconds, percentiles, subscribe
from mediagateway.stack import Stack, running_stack

REGISTER = """mutation($e: String!) { register(input: {email: $e, password: "benchmark-pass-1",
  displayName: "Bench"}) { accessToken } }"""
ADD = "mutation($t: ID!) { syncAddToWatchlist(deviceId: \"phone\", titleId: $t) { stateVector } }"


async def _run(router_url: str, token: str, requests: int, pids: dict[str, int]
               ) -> tuple[list[float], dict[str, float]]:
    ws_url = router_url.replace("http://", "ws://")
    tv = await subscribe(ws_url, {"Authorization": f"Bearer {token}"})
    latencies = []
    headers = {"authorization": f"Bearer {token}"}
    cpu: dict[str, float] = {}
    async with httpx.AsyncClient(timeout=30) as http:
        for n in range(requests + 20):
            if n == 20:
                cpu = {name: cpu_seconds(pid) for name, pid in pids.items()}
            title = str(uuid.uuid4())
            started = time.perf_counter()
            response = await http.post(router_url, json={"query": ADD, "variables": {"t": title}},
                                       headers=headers)
            assert "errors" not in response.json(), response.text
            while True:
                message = json.loads(await tv.recv())
                events = message["payload"]["data"]["syncUpdates"]["events"]
                if any(e["titleId"] == title for e in events):
                    break
            if n >= 20:  # the first ones warm up connections and the query plan cache
                latencies.append(time.perf_counter() - started)
    spent = {name: (cpu_seconds(pid) - cpu[name]) / requests for name, pid in pids.items()}
    await tv.close()
    return latencies, spent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    stack = Stack.on_free_ports(
        Path(tempfile.mkdtemp(prefix="mg-sync-bench-")), seed=False,
        router_env={"ROUTER_LOG_LEVEL": "warn"},
    )
    with running_stack(stack):
        result = httpx.post(stack.router_url, json={
            "query": REGISTER, "variables": {"e": f"bench-{uuid.uuid4().hex[:8]}@example.com"}},
        ).json()
        token = result["data"]["register"]["accessToken"]
        pids = {name: p.pid for name, p in stack.processes if name in ("playback", "router")}
        latencies, spent = asyncio.run(_run(stack.router_url, token, args.requests, pids))
    p50, p95 = percentiles(latencies)
    print(f"phone mutation -> TV event through the router ({len(latencies)} changes): "
          f"p50 {p50:.1f} ms, p95 {p95:.1f} ms; CPU per change: "
          + ", ".join(f"{name} {seconds * 1000:.2f} ms" for name, seconds in spent.items()))


if __name__ == "__main__":
    main()
