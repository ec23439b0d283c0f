"""What tracing costs a request through the router: p50/p95 of one query with tracing off,
then on (every trace sampled, exported over OTLP/HTTP to a sink that discards it).

    .venv/bin/python -m benchmarks.tracing_overhead [--requests 500] [--rounds 2] [--split]

`--split` also measures tracing in the router alone and in the subgraphs alone.

Wall-clock figures move with the machine's load; the CPU time the router and the subgraphs
spend per request (from /proc, their children included) is the steadier measure of the cost.
Each round starts an unseeded stack (router and four subgraphs on SQLite, an embedded Redis)
twice, off and on, and sends the same query sequentially: `genres` and `titles` on content,
`me` on users or recommendations (refused anonymously), so the router calls two subgraphs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from mediagateway.stack import Stack, running_stack

QUERY = "query Bench { genres { name } titles(first: 5) { edges { node { id } } } me { id } }"


class _Sink(BaseHTTPRequestHandler):
    """An OTLP endpoint that takes everything and keeps nothing."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            while size := int(self.rfile.readline().split(b";")[0], 16):
                self.rfile.read(size + 2)
            self.rfile.readline()
        else:
            self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes (fields 14 and 15 of /proc/PID/stat)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def _measure(traced: str, requests: int, sink: str) -> tuple[float, float, float]:
    """`traced`: off, all, router (alone) or subgraphs (alone)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "DATABASE_URL"))}
    env.pop("REDIS_URL", None)
    env.pop("MG_DATA_DIR", None)
    router_env = {}
    if traced != "off":
        env["OTEL_EXPORTER_OTLP_ENDPOINT"] = sink
    if traced == "router":
        env["OTEL_SDK_DISABLED"], router_env["OTEL_SDK_DISABLED"] = "true", "false"
    elif traced == "subgraphs":
        router_env["OTEL_SDK_DISABLED"] = "true"
    with tempfile.TemporaryDirectory() as folder:
        stack = Stack.on_free_ports(Path(folder), env=env, seed=False, router_env=router_env)
        with running_stack(stack), httpx.Client(timeout=30) as client:
            body = {"query": QUERY, "operationName": "Bench"}
            for _ in range(50):  # warm-up: imports, statement caches, the planner's cache
                client.post(stack.router_url, json=body)
            pids = [p.pid for name, p in stack.processes if name != "redis"]
            times = []
            cpu = _cpu_seconds(pids)
            for _ in range(requests):
                started = time.perf_counter()
                client.post(stack.router_url, json=body).raise_for_status()
                times.append((time.perf_counter() - started) * 1000)
            time.sleep(1)  # the exporters' last batches are part of the cost
            cpu = (_cpu_seconds(pids) - cpu) / requests * 1000
    cuts = statistics.quantiles(times, n=100)
    return cuts[49], cuts[94], cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--split", action="store_true")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sink = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"load before: {os.getloadavg()[0]:.2f}")
    for round_ in range(1, args.rounds + 1):
        for traced in ("off", "all", *(("router", "subgraphs") if args.split else ())):
            p50, p95, cpu = _measure(traced, args.requests, sink)
            print(f"round {round_} tracing {traced}: p50 {p50:.2f} ms, p95 {p95:.2f} ms, "
                  f"CPU {cpu:.2f} ms a request (load {os.getloadavg()[0]:.2f})", flush=True)
    server.shutdown()


if __name__ == "__main__":
    main()
