"""What one GraphQL request over HTTP costs the shared subgraph app, in CPU time.

    .venv/bin/python -m benchmarks.request_overhead [--requests 2000] [--uvicorn] [--profile KIND]

Serves the playback subgraph's real app (SQLite in a temporary folder, an embedded Redis),
lifespan included, with the headers the router forwards (its secret, the client's address,
verified claims). By default the app runs in this process and is called as an ASGI server
would: for each kind of request it prints the CPU time per request (mean, the mean of the best
of five rounds, p50, p95: steadier on a shared machine than wall-clock time) and the wall-clock
p50/p95. With `--uvicorn` the app runs under uvicorn as the stack runs it, and requests go over
HTTP: it prints the server process's CPU time per request (HTTP parsing included; from /proc,
so only the mean) and the client's wall-clock p50/p95. `--profile KIND` runs that kind
in-process under cProfile instead.

Kinds: `typename` (`{ __typename }`), `entity` (an `_entities` fetch of a user's devices, as
the router plans it), `mutation` (`syncAddToWatchlist`, which also writes and publishes).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mediagateway.migrate import migrate
from mediagateway.redis_server import free_port, start_embedded_redis
from subgraphs.common.auth import CLAIMS_HEADER, CLIENT_IP_HEADER, SECRET_HEADER, encode_claims
from subgraphs.playback.app import create_app
from subgraphs.playback.settings import NAME, Settings

ROOT = Path(__file__).resolve().parent.parent
SECRET = "benchmark-router-secret"
REGISTER = """mutation($input: RegisterDeviceInput!) { registerDevice(input: $input) { id } }"""
ENTITY = """query($r: [_Any!]!) { _entities(representations: $r) {
  ... on User { devices { id name kind online } } } }"""
ADD = "mutation($t: ID!) { syncAddToWatchlist(deviceId: \"phone\", titleId: $t) { stateVector } }"

Asgi = Callable[..., Any]


class Caller:
    """Posts GraphQL requests straight into the ASGI app, as the router would."""

    def __init__(self, app: Asgi | None, user: uuid.UUID) -> None:
        self.app = app
        claims = encode_claims({"sub": str(user), "scope": "read:watchlist write:watchlist "
                                "read:history write:history playback:control",
                                "exp": int(time.time()) + 3600})
        self.headers = [
            (b"content-type", b"application/json"),
            (b"accept", b"application/graphql-response+json, application/json"),
            (SECRET_HEADER.encode(), SECRET.encode()),
            (CLIENT_IP_HEADER.encode(), b"203.0.113.7"),
            (CLAIMS_HEADER.encode(), claims.encode()),
        ]

    async def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        headers = [*self.headers, (b"content-length", str(len(body)).encode())]
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": "POST", "scheme": "http", "path": "/graphql", "raw_path": b"/graphql",
            "query_string": b"", "root_path": "", "headers": headers,
            "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 4004), "state": {},
        }
        sent = False
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.Event().wait()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        result = json.loads(b"".join(chunks))
        assert not result.get("errors"), result
        return result


def _requests(user: uuid.UUID) -> dict[str, Callable[[], tuple[str, dict[str, Any]]]]:
    representation = [{"__typename": "User", "id": str(user)}]
    return {
        "typename": lambda: ("{ __typename }", {}),
        "entity": lambda: (ENTITY, {"r": representation}),
        "mutation": lambda: (ADD, {"t": str(uuid.uuid4())}),
    }


async def _measure(caller: Caller, make: Callable[[], tuple[str, dict[str, Any]]],
                   requests: int, rounds: int = 5) -> dict[str, float]:
    for _ in range(50):  # warm the parse and validation caches, connections, code paths
        await caller.post(*make())
    cpu, wall, round_means = [], [], []
    cpu_start = time.process_time()
    for _ in range(rounds):
        round_start = time.process_time()
        for _ in range(requests // rounds):
            query, variables = make()
            c0, w0 = time.process_time(), time.perf_counter()
            await caller.post(query, variables)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
            await asyncio.sleep(0)  # background tasks (event consumers) run, as under a server
        round_means.append((time.process_time() - round_start) / (requests // rounds))
    total = time.process_time() - cpu_start
    cpu_cuts, wall_cuts = statistics.quantiles(cpu, n=100), statistics.quantiles(wall, n=100)
    return {
        "cpu_mean": total / len(cpu) * 1000,
        # The least disturbed round: other processes on a shared machine only ever add.
        "cpu_best": min(round_means) * 1000,
        "cpu_p50": cpu_cuts[49] * 1000, "cpu_p95": cpu_cuts[94] * 1000,
        "wall_p50": wall_cuts[49] * 1000, "wall_p95": wall_cuts[94] * 1000,
    }


async def _run(directory: Path, redis_url: str, requests: int, profile: str | None) -> None:
    database_url = f"sqlite://{directory / 'playback.sqlite3'}"
    await migrate(NAME, database_url)
    settings = Settings(name=NAME, database_url=database_url, redis_url=redis_url,
                        router_secret=SECRET)
    app = create_app(settings)
    user = uuid.uuid4()
    async with app.router.lifespan_context(app):
        caller = Caller(app, user)
        for name in ("TV", "Phone"):
            await caller.post(REGISTER, {"input": {
                "name": name, "kind": "TV" if name == "TV" else "PHONE",
                "capabilities": {"maxResolution": "UHD", "hdrFormats": [], "canCast": True}}})
        kinds = _requests(user)
        if profile:
            import cProfile
            import pstats

            with cProfile.Profile() as profiler:
                await _measure(caller, kinds[profile], requests)
            stats = pstats.Stats(profiler).sort_stats("tottime")
            stats.print_stats(40)
            stats.sort_stats("cumulative").print_stats(80)
            return
        print(f"{'request':<10} {'cpu ms mean':>11} {'best round':>10} {'cpu p50':>8}"
              f" {'cpu p95':>8} {'wall p50':>9} {'wall p95':>9}")
        for kind, make in kinds.items():
            figures = await _measure(caller, make, requests)
            print(f"{kind:<10} {figures['cpu_mean']:>11.3f} {figures['cpu_best']:>10.3f}"
                  f" {figures['cpu_p50']:>8.3f} {figures['cpu_p95']:>8.3f}"
                  f" {figures['wall_p50']:>9.3f} {figures['wall_p95']:>9.3f}")


def _run_uvicorn(directory: Path, redis_url: str, requests: int) -> None:
    import httpx

    from benchmarks.sync_support import cpu_seconds, percentiles

    database_url = f"sqlite://{directory / 'playback.sqlite3'}"
    asyncio.run(migrate(NAME, database_url))
    port = free_port()
    env = {**os.environ, "PLAYBACK_DATABASE_URL": database_url, "REDIS_URL": redis_url,
           "MG_ROUTER_SECRET": SECRET}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "subgraphs.playback.app:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
         "--no-access-log"], cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}/graphql"
    user = uuid.uuid4()
    try:
        with httpx.Client(timeout=30) as http:
            for _ in range(300):
                try:
                    http.get(url.replace("/graphql", "/health"))
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            headers = {name.decode(): value.decode()
                       for name, value in Caller(None, user).headers}

            def post(query: str, variables: dict[str, Any]) -> None:
                response = http.post(url, json={"query": query, "variables": variables},
                                     headers=headers)
                assert not response.json().get("errors"), response.text

            for name in ("TV", "Phone"):
                post(REGISTER, {"input": {
                    "name": name, "kind": "TV" if name == "TV" else "PHONE",
                    "capabilities": {"maxResolution": "UHD", "hdrFormats": [], "canCast": True}}})
            idle = cpu_seconds(server.pid)
            time.sleep(3)
            idle = (cpu_seconds(server.pid) - idle) / 3 * 1000
            # Background work (event consumers, presence sweep) counts in the figures below.
            print(f"server idle: {idle:.1f} ms CPU per second")
            print(f"{'request':<10} {'server cpu ms':>13} {'wall p50':>9} {'wall p95':>9}")
            for kind, make in _requests(user).items():
                for _ in range(50):
                    post(*make())
                wall = []
                cpu = cpu_seconds(server.pid)
                for _ in range(requests):
                    started = time.perf_counter()
                    post(*make())
                    wall.append(time.perf_counter() - started)
                spent = (cpu_seconds(server.pid) - cpu) / requests * 1000
                p50, p95 = percentiles(wall)
                print(f"{kind:<10} {spent:>13.3f} {p50:>9.3f} {p95:>9.3f}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--uvicorn", action="store_true", help="serve over HTTP with uvicorn")
    parser.add_argument("--profile", choices=["typename", "entity", "mutation"])
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="mg-overhead-"))
    port = free_port()
    redis = start_embedded_redis(port, directory)
    redis_url = f"redis://127.0.0.1:{port}/0"
    try:
        if args.uvicorn:
            _run_uvicorn(directory, redis_url, args.requests)
        else:
            asyncio.run(_run(directory, redis_url, args.requests, args.profile))
    finally:
        redis.terminate()
        redis.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
