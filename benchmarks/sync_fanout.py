"""1,000 subscribed devices on one playback process: delivery latency of sync changes.

    .venv/bin/python -m benchmarks.sync_fanout [--devices 1000] [--rounds 100] [--burst 10]

Starts one playback process (SQLite, or DATABASE_URL's PostgreSQL; embedded Redis) and opens
`devices` sockets to it straight (3 devices a user, identity forwarded as the router would), all
subscribed to `syncUpdates`.
Each round, `burst` users each add a title at once; the delivery latency is from the mutation's
start to the moment each of that user's devices receives it. Prints p50/p95 over deliveries, and
the playback process's CPU time per change (mutation plus its deliveries; steadier than
wall-clock figures on a shared machine).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from benchmarks.sync_support import cpu_seconds, percentiles, subscribe
from mediagateway.redis_server import free_port, start_embedded_redis
from mediagateway.registry import SUBGRAPHS
from mediagateway.stack import ROOT, _wait_until_up
from subgraphs.common.auth import CLAIMS_HEADER, SECRET_HEADER, encode_claims

ADD = "mutation($t: ID!) { syncAddToWatchlist(deviceId: \"phone\", titleId: $t) { stateVector } }"


def _headers(secret: str, user: uuid.UUID) -> dict[str, str]:
    return {SECRET_HEADER: secret, CLAIMS_HEADER: encode_claims({"sub": str(user), "scope": ""})}


async def _run(url: str, secret: str, devices: int, rounds: int, burst: int, server: int
               ) -> tuple[list[float], float]:
    users = [uuid.uuid4() for _ in range((devices + 2) // 3)]
    ws_url = url.replace("http://", "ws://")
    sockets: dict[uuid.UUID, list] = {user: [] for user in users}
    for start in range(0, devices, 50):  # open in batches: a storm of handshakes is not the test
        batch = range(start, min(devices, start + 50))
        opened = await asyncio.gather(*(
            subscribe(ws_url, headers=_headers(secret, users[n // 3])) for n in batch))
        for n, socket in zip(batch, opened, strict=True):
            sockets[users[n // 3]].append(socket)
    print(f"{devices} devices subscribed", file=sys.stderr)
    latencies: list[float] = []

    async def until(socket, title: str, started: float) -> None:  # type: ignore[no-untyped-def]
        while True:
            message = json.loads(await socket.recv())
            events = message["payload"]["data"]["syncUpdates"]["events"]
            if any(e["titleId"] == title for e in events):
                latencies.append(time.perf_counter() - started)
                return

    async def change(http: httpx.AsyncClient, user: uuid.UUID) -> None:
        title = str(uuid.uuid4())
        started = time.perf_counter()
        waiting = [asyncio.create_task(until(s, title, started)) for s in sockets[user]]
        response = await http.post(url, json={"query": ADD, "variables": {"t": title}},
                                   headers=_headers(secret, user))
        assert "errors" not in response.json(), response.text
        await asyncio.gather(*waiting)

    rng = random.Random(3)
    async with httpx.AsyncClient(timeout=60) as http:
        cpu_before = cpu_seconds(server)
        for _ in range(rounds):
            await asyncio.gather(*(change(http, user) for user in rng.sample(users, burst)))
        cpu = cpu_seconds(server) - cpu_before
    for group in sockets.values():
        for socket in group:
            await socket.close()
    return latencies, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--burst", type=int, default=10)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="mg-fanout-"))
    redis_port, port = free_port(), free_port()
    secret = secrets.token_urlsafe(16)
    env = {**os.environ, "MG_DATA_DIR": str(data), "MG_ROUTER_SECRET": secret,
           "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"}
    processes = [start_embedded_redis(redis_port, data / "redis")]
    try:
        subprocess.run([sys.executable, "-m", "mediagateway.migrate", "playback"], check=True,
                       env=env, cwd=ROOT)
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", SUBGRAPHS["playback"].app,
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
             "--no-access-log", "--ws", "websockets-sansio"], cwd=ROOT, env=env))
        _wait_until_up(f"http://127.0.0.1:{port}/health", "playback")
        url = f"http://127.0.0.1:{port}/graphql"
        latencies, cpu = asyncio.run(
            _run(url, secret, args.devices, args.rounds, args.burst, processes[-1].pid)
        )
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=10)
    p50, p95 = percentiles(latencies)
    print(f"{args.devices} subscribed devices on one playback process, {len(latencies)} "
          f"deliveries ({args.burst} users changing at once): p50 {p50:.1f} ms, p95 {p95:.1f} ms; "
          f"playback CPU {cpu / (args.rounds * args.burst) * 1000:.2f} ms per change")


if __name__ == "__main__":
    main()
