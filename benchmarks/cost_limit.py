"""What the router's cost limit lets through: time and size of the worst accepted queries, the
refusal of the issue's query, and a one-title query as the baseline, in the same run.

    .venv/bin/python -m benchmarks.cost_limit [--runs 5] [--url http://127.0.0.1:4000/graphql]

Without --url it starts its own stack (router request deduplication off). Prints, per query, the
router's estimated cost, p50/p95 latency and the response size. Record results in RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

import httpx

from mediagateway.stack import Stack, running_stack

# (label, estimated cost as router/cost.ts prices it, query)
QUERIES = [
    ("baseline: one page of 1 title", 3, "{ titles(first: 1) { edges { node { id title } } } }"),
    ("issue 15's query (refused)", 11_201,
     "{titles(first:100){edges{node{id similar(first:10){id similar(first:10){id}}}}}}"),
    ("100 titles x 10 similar", 1_201,
     "{titles(first:100){edges{node{id similar(first:10){id title}}}}}"),
    ("20 titles x 10 similar x 10 similar", 2_241,
     "{titles(first:20){edges{node{id similar(first:10){id similar(first:10){id}}}}}}"),
    ("40 titles x 10 similar x 10 similar", 4_481,
     "{titles(first:40){edges{node{id similar(first:10){id similar(first:10){id}}}}}}"),
    ("50 titles with offers, credits and genres", 2_601,
     '{titles(first:50){edges{node{id title genres{name} credits{order person{name}} '
     'offers(region:"US"){type platform{name}}}}}}'),
    ("the same for 100 titles (refused)", 5_201,
     '{titles(first:100){edges{node{id title genres{name} credits{order person{name}} '
     'offers(region:"US"){type platform{name}}}}}}'),
]


def _measure(url: str, query: str, runs: int) -> tuple[list[float], int, str]:
    times: list[float] = []
    size, outcome = 0, ""
    with httpx.Client(timeout=120) as http:
        for _ in range(runs):
            started = time.perf_counter()
            response = http.post(url, json={"query": query})
            times.append((time.perf_counter() - started) * 1000)
            size = len(response.content)
            body = response.json()
            codes = sorted({(e.get("extensions") or {}).get("code", "?")
                            for e in body.get("errors") or []})
            outcome = ",".join(codes) or "ok"
    return times, size, outcome


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--url")
    args = parser.parse_args()
    context = nullcontext(None)
    if args.url is None:
        stack = Stack.on_free_ports(Path(tempfile.mkdtemp(prefix="mg-cost-")),
                                    router_env={"ROUTER_DEDUPE": "0"})
        context = running_stack(stack)
    with context as running:
        url = args.url or running.router_url
        print(f"load average before: {os.getloadavg()[0]:.2f}; {args.runs} runs a query")
        print(f"{'query':45} {'cost':>7} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>9}  outcome")
        for label, cost, query in QUERIES:
            _measure(url, query, 1)  # warm: caches, planner, connections
            times, size, outcome = _measure(url, query, args.runs)
            p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
            print(f"{label:45} {cost:>7} {statistics.median(times):>8.0f} {p95:>8.0f} "
                  f"{size:>9}  {outcome}")
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
