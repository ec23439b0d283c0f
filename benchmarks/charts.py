"""Streaming charts through the router on the seeded demo, beside a baseline in the same run.

    .venv/bin/python -m benchmarks.charts [--requests 300]

Starts its own stack (MovieLens-100K seeded, router deduplication off), waits until every
consumer has caught up, then prints p50/p95 and requests/s at 1 client for:
- the baseline: `title(id) { id title }` (content alone) through the router;
- `streamingCharts(region: "US", first: 10)` (recommendations alone), then with each title's
  name from content (two fetches), then a whole chart of 100, then a platform's chart;
- the charts fetch straight to the recommendations subgraph;
- `title(id) { chartPosition(region) }` (content, then recommendations) and 20 titles' positions
  in one query (one batched lookup).
`uptime` is printed before and after: the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import tempfile
from pathlib import Path

from benchmarks.latency import _measure
from mediagateway.demo.devices import wait_for_consumers
from mediagateway.movielens import MovieLens
from mediagateway.stack import Stack, running_stack
from subgraphs.common.auth import SECRET_HEADER

TITLE = "query($id: ID!) { title(id: $id) { id title } }"
CHART = """query($p: String, $n: Int!) { streamingCharts(region: "US", platform: $p, first: $n) {
  totalCount edges { node { rank previousRank rankChange trend daysInTop10 daysInTop100
  title { id } } } } }"""
CHART_NAMED = """{ streamingCharts(region: "US", first: 10) { edges { node { rank trend
  title { id title } } } } }"""
POSITION = """query($id: ID!) { title(id: $id) { id chartPosition(region: "US") {
  rank previousRank trend daysInTop10 } } }"""
POSITIONS = """{ titles(first: 20) { edges { node { id
  chartPosition(region: "US") { rank } } } } }"""


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    data = MovieLens()
    title_id = str(data.items[0].id)
    stack = Stack.on_free_ports(
        Path(tempfile.mkdtemp(prefix="mg-charts-")),
        router_env={"ROUTER_DEDUPE": "0"},
    )
    with running_stack(stack):
        # Every group's last delivered id, not only `lag` (which the embedded Redis 6.2 lacks).
        waited = wait_for_consumers(stack.env["REDIS_URL"])
        print(f"consumers caught up after {waited:.0f} s", flush=True)
        router, direct = stack.router_url, stack.subgraph_url("recommendations")
        # As the router sends it: the shared secret, an anonymous caller.
        forwarded = {SECRET_HEADER: stack.env["MG_ROUTER_SECRET"]}
        cases = [
            ("baseline: title(id) { title } via router", router,
             {"query": TITLE, "variables": {"id": title_id}}, {}),
            ("streamingCharts(first: 10) via router", router,
             {"query": CHART, "variables": {"n": 10}}, {}),
            ("  the same, straight to recommendations", direct,
             {"query": CHART, "variables": {"n": 10}}, forwarded),
            ("streamingCharts(first: 10) + title names", router, {"query": CHART_NAMED}, {}),
            ("streamingCharts(first: 100) via router", router,
             {"query": CHART, "variables": {"n": 100}}, {}),
            ("streamingCharts(platform: netflix, first: 10)", router,
             {"query": CHART, "variables": {"n": 10, "p": "netflix"}}, {}),
            ("title(id) { chartPosition } via router", router,
             {"query": POSITION, "variables": {"id": title_id}}, {}),
            ("titles(first: 20) { chartPosition } via router", router, {"query": POSITIONS}, {}),
        ]
        print("load before:", _uptime(), flush=True)
        print(f"{'case':48} {'clients':>7} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}")
        for name, url, body, headers in cases:
            p50, p95, rps = asyncio.run(_measure(url, body, headers, args.requests, 1))
            print(f"{name:48} {1:>7} {p50:>8.1f} {p95:>8.1f} {rps:>8.0f}", flush=True)
        print("load after:", _uptime(), flush=True)


if __name__ == "__main__":
    main()
